"""Benchmark the certificate lookup and the certificate register with 5 million registrations.

What it measures (DOMAIN "Certificates" and "Scale to plan for"; the issue: "With 5 million registrations in
the table, the lookup and the committee's register list keep a bounded number of queries and stay
index-backed"):

1. Data: a scratch PostgreSQL database (dropped and recreated; its name must contain "bench"), migrated in a
   child process, then filled with set-based SQL (INSERT ... SELECT over generate_series, no ORM): the 16
   districts of the migration, 215 streets (107 街道, 106 镇, 2 乡, as in benchmarks/indicators.py), 6,500
   residents' committees spread over them, two users (the staff of one committee in Pudong, and the district
   staff of Pudong), and --rows registrations (default 5,000,000) over all committees and the years 2023-2026,
   each committee's serials 1, 2, 3 ... per year in the order of issue. The certificate types are the issuable
   ones of the migration's national catalogue (rule other than "refuse"). The committee of the benchmark user
   is a busy one (0.12% of all rows: 6,000 at 5 million, 240 pages); the others average --rows / 6,500.
   Rows are inserted month by month in the order of issue, as a register in service grows, so one committee's
   rows lie scattered over the table, never side by side. Every "random" choice is a hash of the row's key
   (hashtextextended), so every run writes the same rows. The tables are then VACUUM ANALYZEd.
2. Through Django (DATABASE_URL pointing to the scratch database), each measured several times, the user
   loaded afresh before each run (as the authentication middleware does for each request) and the queries
   captured (django.test.utils.CaptureQueriesContext):
   a. the lookup `certificates.selectors.certificate_type_lookup(actor=user, query="死亡证明")`;
   b. the register list's first page, built exactly as `certificates.views.register.register_list` builds it
      (registration_list: restrict -> select_related -> order_by, Paginator(..., 25).page(1), which also runs the
      COUNT), the page iterated and the columns the template shows read; for the committee staff, then for the district
      staff;
   c. the committee's page 200 (or its last page when it has fewer);
   d. the COUNT alone (`restrict(user).count()`), for the committee and for the district;
   e. `registration_statistics(actor=user, year=2025)`, for both users.
   Every SQL statement a measured call ran is then run again under EXPLAIN (ANALYZE, BUFFERS); the plans are
   printed, and a statement that reads certificates_registration is "index-backed" when every scan of that
   table goes through an index (no Seq Scan on it).

It prints the sizes, the query counts, the min and median of each timing, the plans, "index-backed: yes/no"
per query, and flags a call or statement whose median (as Django timed it, not EXPLAIN ANALYZE, whose per-row
timing inflates big nested loops) is over 100 ms. It exits non-zero when the committee's register list (page 1
or the far page) reads certificates_registration with a Seq Scan. The district's figures are reported, not
enforced.

Run from the project root (PostgreSQL must be reachable; the scratch database is dropped unless --keep):

    uv run python benchmarks/certificates.py                    # 5 million registrations (fills in minutes)
    uv run python benchmarks/certificates.py --rows 200000      # a quick check
    uv run python benchmarks/certificates.py --keep --database-url postgresql://postgres@127.0.0.1:5432/x_bench
"""

from __future__ import annotations

import argparse
import datetime
import re
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg import sql
from scratch import (
    close_django_connections,
    drop_database,
    migrate,
    recreate_database,
    scratch_name,
    setup_django,
    streets_statement,
    u,
)

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench_certificates"
DEFAULT_ROWS = 5_000_000
RUNS = 5
SLOW_MS = 100.0
FAR_PAGE = 200
LOOKUP_QUERY = "死亡证明"
STATISTICS_YEAR = 2025

COMMITTEES = 6_500
# Registrations grow a little every year; the weights sum to 1.
YEAR_WEIGHTS: dict[int, float] = {2023: 0.22, 2024: 0.24, 2025: 0.26, 2026: 0.28}
# The benchmark users: the staff of a busy committee in Pudong, and Pudong's district staff (the largest district).
DISTRICT = "310115"
STREET = "310115001"
COMMITTEE = "310115001001"
BUSY_SHARE = 0.0012
COMMITTEE_USER = "bench-committee"
DISTRICT_USER = "bench-district"

TABLES = ("committees_street", "committees_committee", "accounts_user", "certificates_certificatetype",
          "certificates_registration")


# --- Data, set-based ------------------------------------------------------------------------------------


def pick(words: Sequence[str], key: str, salt: int) -> str:
    """SQL for one of `words`, drawn from `key`."""
    array = "ARRAY[" + ", ".join(f"'{w}'" for w in words) + "]"
    return f"({array})[1 + floor({u(key, salt)} * {len(words)})::int]"


def org_statements() -> list[tuple[str, str]]:
    return [
        streets_statement(),
        # Residents' committees (001-199) on every street; the counts per street come from cumulative weights
        # (exact numerics), so they sum exactly to COMMITTEES.
        ("committees", f"""
            WITH weights AS (
                SELECT s.code, round((0.6 + 0.8 * {u('s.code', 1)})::numeric, 6) AS w FROM committees_street s
            ),
            cumulative AS (
                SELECT code, sum(w) OVER o AS w_to, sum(w) OVER o - w AS w_from, sum(w) OVER () AS w_all
                FROM weights WINDOW o AS (ORDER BY code)
            ),
            counts AS (
                SELECT code AS street, (floor({COMMITTEES} * w_to / w_all) - floor({COMMITTEES} * w_from / w_all))::int AS n
                FROM cumulative
            )
            INSERT INTO committees_committee (code, name, kind, established_on, dissolved_on, transition, street_id)
            SELECT street || lpad(i::text, 3, '0'), '居委会' || street || lpad(i::text, 3, '0'), 'residents', NULL, NULL,
                   false, street
            FROM counts CROSS JOIN LATERAL generate_series(1, n) AS i
        """),
        # '!' starts an unusable password (django.contrib.auth.hashers.UNUSABLE_PASSWORD_PREFIX).
        ("users", f"""
            INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,
                                       date_joined, role, district_id, street_id, committee_id, department_id)
            VALUES ('!', false, '{COMMITTEE_USER}', '', '', '', false, true, now(), 'committee', '{DISTRICT}', '{STREET}',
                    '{COMMITTEE}', NULL),
                   ('!', false, '{DISTRICT_USER}', '', '', '', false, true, now(), 'district', '{DISTRICT}', NULL, NULL, NULL)
        """),
    ]


def plan_statement(rows: int) -> str:
    """How many registrations each committee issues each year, in a temporary table; the counts come from
    cumulative weights (exact numerics), so they sum exactly to `rows`. The busy committee gets BUSY_SHARE."""
    years = ", ".join(f"({y}, {w})" for y, w in YEAR_WEIGHTS.items())
    cy = "c.code || ':' || yw.y"
    return f"""
        CREATE TEMPORARY TABLE bench_plan AS
        WITH weights AS (
            SELECT c.code, yw.y, yw.w AS year_w,
                   round(((0.25 + 1.5 * {u('c.code', 60)}) * yw.w * (0.9 + 0.2 * {u(cy, 61)}))::numeric, 9) AS w
            FROM committees_committee c CROSS JOIN (VALUES {years}) AS yw(y, w)
        ),
        busy AS (
            SELECT code, y, CASE WHEN code = '{COMMITTEE}'
                                 THEN round((sum(w) FILTER (WHERE code <> '{COMMITTEE}') OVER ()
                                             * {BUSY_SHARE} / (1 - {BUSY_SHARE}) * year_w)::numeric, 9)
                                 ELSE w END AS w
            FROM weights
        ),
        cumulative AS (
            SELECT code, y, sum(w) OVER o AS w_to, sum(w) OVER o - w AS w_from, sum(w) OVER () AS w_all
            FROM busy WINDOW o AS (ORDER BY code, y)
        )
        SELECT code AS committee_id, y::smallint AS year,
               (floor({rows}::numeric * w_to / w_all) - floor({rows}::numeric * w_from / w_all))::int AS k
        FROM cumulative
    """


def month_statement() -> str:
    """One month of registrations (%(year)s; slots %(f0)s to %(f1)s of the year), in the order of issue.

    Committee c issues k registrations in year y: serial s occupies the slot [(s - 1) / k, s / k) of the year
    and is issued inside it, on a working day's hours (8:30-17:30), so serials follow the time of issue. The
    month's rows are the serials whose slot starts in it.
    """
    key = "r.key"
    surnames = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "朱", "胡", "沈", "顾"]
    given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英",
             "霞", "平", "建华", "桂英", "国强", "美华"]
    purposes = ["办理居住证", "子女入学", "申请公共租赁住房", "办理社会保险", "银行开户", "申请补贴", "单位要求"]
    checks = ["入户走访核实", "查阅居民信息台账", "经楼组长确认", "查验房屋租赁合同", "居民区党总支书记确认"]
    return f"""
        WITH types AS (
            SELECT array_agg(id ORDER BY (rule = 'deliberation'), id) AS ids FROM certificates_certificatetype
            WHERE rule <> 'refuse' AND is_active AND district_id IS NULL
        ),
        issuer AS (SELECT id FROM accounts_user WHERE username = '{COMMITTEE_USER}'),
        slots AS (
            SELECT p.committee_id, p.year, s AS serial, p.committee_id || ':' || p.year || ':' || s AS key,
                   (s - 1 + 0.9 * {u("p.committee_id || ':' || p.year || ':' || s", 70)}) / p.k
                       * (make_date(p.year + 1, 1, 1) - make_date(p.year, 1, 1)) AS day_of_year
            FROM bench_plan p
            CROSS JOIN LATERAL generate_series(ceil(p.k * %(f0)s::float8)::int + 1, ceil(p.k * %(f1)s::float8)::int) AS s
            WHERE p.year = %(year)s
        ),
        r AS (
            SELECT slots.*, {pick(surnames, 'key', 71)} || {pick(given, 'key', 72)} AS applicant,
                   make_timestamptz(year, 1, 1, 8, 30, 0, 'Asia/Shanghai') + floor(day_of_year) * interval '1 day'
                       + (day_of_year - floor(day_of_year)) * interval '9 hours' AS issued_at
            FROM slots
        )
        INSERT INTO certificates_registration (year, serial, applicant_name, id_masked, id_hash, purpose, facts,
                                               verification, issued_at, seal_used, voided_at, void_reason,
                                               certificate_type_id, committee_id, issuer_id, voided_by_id)
        SELECT r.year, r.serial, r.applicant,
               left(r.committee_id, 6) || '********' || lpad(floor({u(key, 73)} * 10000)::int::text, 4, '0'),
               md5({key}) || md5({key} || ':id'),
               {pick(purposes, key, 74)},
               '兹证明' || r.applicant || '自' || (r.year - 1 - floor({u(key, 75)} * 20)::int) || '年起居住在本居委会辖区内。',
               {pick(checks, key, 76)},
               r.issued_at, {u(key, 77)} < 0.97,
               CASE WHEN {u(key, 78)} < 0.004 THEN r.issued_at + interval '2 hours' END,
               CASE WHEN {u(key, 78)} < 0.004 THEN '填写错误，作废后重新开具' ELSE '' END,
               t.ids[least(cardinality(t.ids), CASE WHEN {u(key, 79)} < 0.70 THEN 1 WHEN {u(key, 79)} < 0.95 THEN 2 ELSE 3 END)],
               r.committee_id, i.id,
               CASE WHEN {u(key, 78)} < 0.004 THEN i.id END
        FROM r CROSS JOIN types t CROSS JOIN issuer i
        ORDER BY r.issued_at
    """


def months() -> list[tuple[int, int, float, float]]:
    """(year, month, f0, f1): the fractions of the year where each month's slots start and end."""
    result = []
    for year in YEAR_WEIGHTS:
        length = (datetime.date(year + 1, 1, 1) - datetime.date(year, 1, 1)).days
        for month in range(1, 13):
            start = (datetime.date(year, month, 1) - datetime.date(year, 1, 1)).days
            end = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.date(year, 1, 1)).days
            result.append((year, month, start / length, 1.0 if month == 12 else end / length))
    return result


def fill(url: str, rows: int) -> list[tuple[str, float]]:
    steps = []
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        for label, statement in org_statements():
            start = time.perf_counter()
            conn.execute(statement)
            steps.append((label, time.perf_counter() - start))
        conn.execute(plan_statement(rows))
        conn.commit()
        statement = month_statement()
        for year in YEAR_WEIGHTS:
            start = time.perf_counter()
            for y, _month, f0, f1 in months():
                if y == year:
                    conn.execute(statement, {"year": year, "f0": f0, "f1": f1})
                    conn.commit()
            steps.append((f"registrations {year}", time.perf_counter() - start))
            print(f"  filled {year} in {steps[-1][1]:.1f} s", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.perf_counter()
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.SQL(", ").join(sql.Identifier(t) for t in TABLES)))
        steps.append(("vacuum analyze", time.perf_counter() - start))
    return steps


def data_facts(url: str) -> list[tuple[str, str]]:
    queries = {
        "districts with streets": "SELECT count(DISTINCT district_id) FROM committees_street",
        "streets": "SELECT count(*) FROM committees_street",
        "committees": "SELECT count(*) FROM committees_committee",
        "registrations": "SELECT count(*) FROM certificates_registration",
        "per committee (min/avg/max)": """SELECT min(n) || ' / ' || round(avg(n)) || ' / ' || max(n)
            FROM (SELECT count(*) AS n FROM certificates_registration GROUP BY committee_id) s""",
        "per year": """SELECT string_agg(year || ': ' || n, ', ' ORDER BY year)
            FROM (SELECT year, count(*) AS n FROM certificates_registration GROUP BY year) s""",
        f"committee {COMMITTEE}": f"SELECT count(*) FROM certificates_registration WHERE committee_id = '{COMMITTEE}'",
        f"district {DISTRICT}": f"SELECT count(*) FROM certificates_registration WHERE committee_id LIKE '{DISTRICT}%'",
        "voided": "SELECT count(*) FROM certificates_registration WHERE voided_at IS NOT NULL",
        "duplicate serials": """SELECT count(*) FROM (SELECT 1 FROM certificates_registration
            GROUP BY committee_id, year, serial HAVING count(*) > 1) s""",
        "catalogue (types / issuable)": """SELECT count(*) || ' / ' || count(*) FILTER (WHERE rule <> 'refuse')
            FROM certificates_certificatetype""",
    }
    with psycopg.connect(url) as conn:
        facts = []
        for label, query in queries.items():
            value = conn.execute(query).fetchone()[0]
            facts.append((label, f"{value:,}" if isinstance(value, int) else str(value)))
        return facts


def table_sizes(url: str) -> list[tuple[str, int]]:
    with psycopg.connect(url) as conn:
        sizes = [("table (heap + TOAST)", conn.execute(
            "SELECT pg_table_size('certificates_registration')").fetchone()[0])]
        sizes.append(("indexes", conn.execute("SELECT pg_indexes_size('certificates_registration')").fetchone()[0]))
        sizes.append(("total", conn.execute("SELECT pg_total_relation_size('certificates_registration')").fetchone()[0]))
        sizes += conn.execute("""
            SELECT '  ' || indexrelid::regclass::text, pg_relation_size(indexrelid) FROM pg_index
            WHERE indrelid = 'certificates_registration'::regclass ORDER BY 2 DESC""").fetchall()
        return sizes


def mb(size_bytes: float) -> str:
    return f"{size_bytes / 1024 / 1024:,.1f} MB"


# --- Database -------------------------------------------------------------------------------------------




















# --- Plans ----------------------------------------------------------------------------------------------

SCAN = re.compile(r"(Parallel )?(Seq Scan|Index Only Scan|Index Scan|Bitmap Heap Scan|Bitmap Index Scan)"
                  r"(?: Backward)?(?: using (\S+))? on (\S+)")
REGISTRATION = "certificates_registration"


@dataclass
class Plan:
    sql: str
    text: str
    execution_ms: float
    scans: list[tuple[str, str | None, str]] = field(default_factory=list)  # (kind, index, relation)

    @classmethod
    def of(cls, statement: str) -> Plan:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
            lines = [row[0] for row in cursor.fetchall()]
        text = "\n".join(lines)
        found = re.search(r"Execution Time: ([0-9.]+) ms", text)
        scans = [(m.group(2), m.group(3), m.group(4)) for m in SCAN.finditer(text)]
        return cls(statement, text, float(found.group(1)) if found else float("nan"), scans)

    def registration_scans(self) -> list[tuple[str, str | None, str]]:
        """Scans of certificates_registration; a Bitmap Index Scan names its index, not the table."""
        return [s for s in self.scans if s[2] == REGISTRATION
                or (s[0] == "Bitmap Index Scan" and (s[2].startswith("registration_") or s[2].startswith(REGISTRATION)))]

    @property
    def seq_scan_on_registrations(self) -> bool:
        return any(kind == "Seq Scan" for kind, _, relation in self.registration_scans() if relation == REGISTRATION)

    def verdict(self) -> str:
        scans = self.registration_scans()
        if not scans:
            seq = ", ".join(sorted({relation for kind, _, relation in self.scans if kind == "Seq Scan"})) or "none"
            return f"n/a (does not read {REGISTRATION}; Seq Scans: {seq})"
        if self.seq_scan_on_registrations:
            return f"no (Seq Scan on {REGISTRATION})"
        indexes = sorted({index or relation for kind, index, relation in scans if kind != "Bitmap Heap Scan"})
        return f"yes ({', '.join(indexes)})"


def queries(n: int) -> str:
    return f"{n} query" if n == 1 else f"{n} queries"


def kind_of(statement: str) -> str:
    if "guardian" in statement or "userobjectpermission" in statement:
        return "grants"
    if statement.startswith("SELECT COUNT(*)"):
        return "count"
    if REGISTRATION in statement and " LIMIT " in statement:
        return "rows"
    return "select"


# --- Measuring ------------------------------------------------------------------------------------------


@dataclass
class Measured:
    label: str
    seconds: list[float]
    queries: list[dict[str, str]]  # of the last run: sql, time
    query_ms: list[list[float]]  # per run, each statement's time on Django's clock (1 ms steps)
    result: Any
    plans: list[Plan] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def slow(self) -> bool:
        return self.median_ms > SLOW_MS

    def query_median_ms(self, n: int) -> float:
        """Median over the runs of the n-th statement's time (the runs ran the same statements)."""
        return statistics.median(times[n] for times in self.query_ms if len(times) > n)

    def line(self) -> str:
        runs = ", ".join(f"{s * 1000:.1f}" for s in self.seconds)
        return (f"{self.label:<40} {queries(len(self.queries))}   min {min(self.seconds) * 1000:8.1f} ms   "
                f"median {self.median_ms:8.1f} ms   (runs: {runs} ms)")


def measure(label: str, prepare: Callable[[], Callable[[], Any]], runs: int = RUNS) -> Measured:
    """Time `prepare()()` `runs` times; what prepare does (loading the user) is neither timed nor captured."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds, result, queries, query_ms = [], None, [], []
    for _ in range(runs):
        call = prepare()
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            result = call()
            seconds.append(time.perf_counter() - start)
        queries = list(captured.captured_queries)
        query_ms.append([float(q["time"]) * 1000 for q in queries])
    measured = Measured(label, seconds, queries, query_ms, result)
    measured.plans = [Plan.of(q["sql"]) for q in queries]
    return measured


def fresh_user(username: str) -> Any:
    from portal.accounts.models import User

    return User.objects.get(username=username)


def lookup_call(username: str) -> Callable[[], Callable[[], Any]]:
    from certificates.selectors import certificate_type_lookup

    def prepare() -> Callable[[], Any]:
        user = fresh_user(username)
        return lambda: [(m.certificate.name, m.certificate.rule, m.score)
                        for m in certificate_type_lookup(actor=user, query=LOOKUP_QUERY)]

    return prepare


def register_page_call(username: str, number: int) -> Callable[[], Callable[[], Any]]:
    """The register list exactly as register_list builds it, the page iterated and the template's columns read."""
    from django.core.paginator import Paginator

    from certificates.selectors import registration_list
    from portal.core.views import PAGE_SIZE

    def prepare() -> Callable[[], Any]:
        user = fresh_user(username)

        def call() -> tuple[int, int, list[tuple[Any, ...]]]:
            rows = registration_list(actor=user)
            page = Paginator(rows, PAGE_SIZE).page(number)
            shown = [(r.pk, r.number, r.certificate_type.name, r.applicant_name, r.id_masked, r.issued_at, r.committee.name,
                      r.voided_at) for r in page.object_list]
            return page.paginator.count, page.paginator.num_pages, shown

        return call

    return prepare


def count_call(username: str) -> Callable[[], Callable[[], Any]]:
    from certificates.models import Registration

    def prepare() -> Callable[[], Any]:
        user = fresh_user(username)
        return lambda: Registration.objects.restrict(user).count()

    return prepare


def statistics_call(username: str) -> Callable[[], Callable[[], Any]]:
    from certificates.selectors import registration_statistics

    def prepare() -> Callable[[], Any]:
        user = fresh_user(username)
        return lambda: registration_statistics(actor=user, year=STATISTICS_YEAR)

    return prepare


def print_measured(measured: Measured) -> None:
    print(measured.line())
    for n, (query, plan) in enumerate(zip(measured.queries, measured.plans, strict=True)):
        django_ms = measured.query_median_ms(n)
        slow = f"   SLOW (> {SLOW_MS:g} ms)" if django_ms > SLOW_MS else ""
        statement = query["sql"]
        shown = statement if len(statement) <= 400 else statement[:400] + f" ... [{len(statement):,} characters]"
        print(f"  [{n + 1}] {kind_of(statement)}: median {django_ms:.0f} ms (Django's clock, 1 ms steps){slow}; "
              f"EXPLAIN ANALYZE {plan.execution_ms:.2f} ms (with its own timing overhead)")
        print(f"      SQL: {shown}")
        print(f"      index-backed: {plan.verdict()}")
        for line in plan.text.splitlines():
            print(f"        | {line}")
    print(flush=True)


# --- Main -----------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS,
                        help="registrations to fill (default %(default)s; 200000: a quick check)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help="scratch database, dropped and recreated; its name must contain 'bench' (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards (default: drop it)")
    args = parser.parse_args(argv)
    if args.rows < COMMITTEES:
        parser.error(f"--rows must be at least {COMMITTEES}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url
    scratch_name(url)
    print(f"database        {url} (dropped and recreated)", flush=True)
    recreate_database(url)
    try:
        return benchmark(args, url)
    finally:
        close_django_connections()
        if args.keep:
            print(f"kept            {url}")
        else:
            drop_database(url)


def benchmark(args: argparse.Namespace, url: str) -> int:
    start = time.perf_counter()
    migrate(url)
    print(f"migrate         {time.perf_counter() - start:.2f} s", flush=True)
    steps = fill(url, args.rows)
    print(f"fill            {sum(s for _, s in steps):.2f} s (" + ", ".join(f"{label} {s:.2f}" for label, s in steps) + ")")
    for label, value in data_facts(url):
        print(f"  {label:<30} {value}")
    print(f"size of {REGISTRATION}:")
    for label, size in table_sizes(url):
        print(f"  {label:<62} {mb(size):>12}")
    print(flush=True)

    setup_django(url)
    results: list[Measured] = []

    def run(label: str, prepare: Callable[[], Callable[[], Any]]) -> Measured:
        measured = measure(label, prepare)
        print_measured(measured)
        results.append(measured)
        return measured

    print(f"users           {COMMITTEE_USER} (committee {COMMITTEE}), {DISTRICT_USER} (district {DISTRICT}); "
          f"{RUNS} runs each, the user loaded afresh before each run (not timed)")
    print()
    found = run(f"(a) lookup({DISTRICT!r}, {LOOKUP_QUERY!r})", lookup_call(COMMITTEE_USER))
    print(f"    answer: {found.result}\n")

    first = run("(b) register list, committee, page 1", register_page_call(COMMITTEE_USER, 1))
    total, pages, _ = first.result
    far = min(FAR_PAGE, pages)
    note = "" if far == FAR_PAGE else f" (the committee has {total:,} rows, {pages} pages: its last page)"
    print(f"    committee: {total:,} registrations, {pages:,} pages; far page: {far}{note}\n")
    far_page = run(f"(c) register list, committee, page {far}", register_page_call(COMMITTEE_USER, far))
    committee_count = run("(d) COUNT, committee", count_call(COMMITTEE_USER))
    run(f"(e) registration_statistics, committee, {STATISTICS_YEAR}", statistics_call(COMMITTEE_USER))
    district_first = run("(b) register list, district, page 1", register_page_call(DISTRICT_USER, 1))
    print(f"    district: {district_first.result[0]:,} registrations, {district_first.result[1]:,} pages\n")
    run(f"(c) register list, district, page {FAR_PAGE}", register_page_call(DISTRICT_USER, FAR_PAGE))
    district_count = run("(d) COUNT, district", count_call(DISTRICT_USER))
    run(f"(e) registration_statistics, district, {STATISTICS_YEAR}", statistics_call(DISTRICT_USER))

    print("summary")
    for measured in results:
        verdicts = "; ".join(f"{kind_of(q['sql'])} {measured.query_median_ms(n):.0f} ms index-backed {p.verdict().split(' (')[0]}"
                             for n, (q, p) in enumerate(zip(measured.queries, measured.plans, strict=True)))
        print(f"  {measured.label:<40} {queries(len(measured.queries))}, median {measured.median_ms:8.1f} ms   [{verdicts}]")
    print()
    committee_list = [first, far_page]
    seq = [m.label for m in committee_list if any(p.seq_scan_on_registrations for p in m.plans)]
    slow = [m.label for m in [*committee_list, committee_count] if m.slow]
    print(f"committee register list index-backed: {'no' if seq else 'yes'}"
          + (f" (Seq Scan in: {', '.join(seq)})" if seq else ""))
    print(f"committee register list and COUNT under {SLOW_MS:g} ms: {'no' if slow else 'yes'}"
          + (f" (slow: {', '.join(slow)})" if slow else ""))
    district_slow = [m.label for m in results if "district" in m.label and m.slow]
    print(f"district scope over {SLOW_MS:g} ms (reported, not enforced): {', '.join(district_slow) or 'none'}"
          f"; district COUNT median {district_count.median_ms:.1f} ms")
    return 1 if seq else 0


if __name__ == "__main__":
    sys.exit(main())
