"""Benchmark the indicator computation (`portal.indicators.services.compute_year`) at Shanghai's scale.

What it measures (DOMAIN "Indicators" and "Scale to plan for"):

1. Data: a scratch PostgreSQL database (dropped and recreated; its name must contain "bench"), migrated in a
   child process, then filled with set-based SQL (INSERT ... SELECT over generate_series, no ORM): the 16
   districts of the migration, 215 streets (107 街道, 106 镇, 2 乡), 6,496 committees (4,941 居委会, 1,555 村委会;
   some dissolved, some established late, some in transition), annual records for 2022-2025 (about 2% left
   out), 57,000 community workers (about 10% have left), about 40,000 qualifications, community funds for
   about 70% of the streets and a few space standards besides the migration's defaults. Every "random"
   choice is a hash of the row's key (hashtextextended), so every run writes the same rows; the edges of
   the rules (established, dissolved, hired, left, obtained, fund set up exactly on 31 December; areas and
   funds exactly at the standard; empty areas and funds) occur on purpose. The tables are then VACUUM
   ANALYZEd, as a database in service would be.
2. The service: `compute_year(2025, run=...)`, as the Celery task calls it, in this process through Django
   (DATABASE_URL pointing to the scratch database, the connection opened beforehand); the wall time covers
   the whole call: the transaction, the advisory lock, the statement that computes the year and writes what differs, the commit.
   Timed three ways: the first computation of the year (nothing stored: every row is inserted; the year's
   rows are deleted and the table vacuumed, untimed, before each run), a rerun that finds nothing changed
   (the nightly job on most nights), and a rerun after 1% of the year's records changed (65 committees'
   work funds cross the threshold, so their rows and those of their streets, districts and the city change).
   For the breakdown, the service's computation alone (COMPUTE_SQL with compute_params, counted in the
   database: nothing stored, nothing compared, nothing sent) is also timed.
3. The yardstick: the fastest single hand-written SELECT found for the same district-level numbers
   (numerator, denominator and missing of each of the seven indicators for each district), run with psycopg
   directly (client-side binding, as Django does).
   The reruns and the yardstick are interleaved, one of each per round, so that a slower or faster spell
   of a shared machine falls on both alike; the ratio is the median rerun over the median yardstick.
4. The check: the hand-written district rows must equal the district rows `compute_year` stored.

It prints the row counts, min and median of each timing, the ratios to the yardstick, whether the targets
(ratio <= 2, service <= 5 s for the whole year) are met, and the number of result rows.
It exits non-zero when the district numbers differ or a step fails (the targets are reported, not enforced).

Run from the project root (PostgreSQL must be reachable; the scratch database is dropped unless --keep):

    uv run python benchmarks/indicators.py
    uv run python benchmarks/indicators.py --keep --explain     # keep the database; EXPLAIN ANALYZE the service
    uv run python benchmarks/indicators.py --database-url postgresql://postgres@127.0.0.1:5432/other_bench
"""

from __future__ import annotations

import argparse
import datetime
import logging
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench_indicators"
YEAR = 2025
RUNS = 7  # rounds of the interleaved timings
FIRST_RUNS = 3
TARGET_RATIO = 2.0
TARGET_SECONDS = 5.0

TABLES = (
    "committees_district",
    "committees_street",
    "committees_committee",
    "committees_committeeyear",
    "committees_communityworker",
    "committees_qualification",
    "committees_communityfund",
    "committees_spacestandard",
)

# --- Data, set-based ------------------------------------------------------------------------------------

RESIDENTS_COMMITTEES = 4_941
VILLAGE_COMMITTEES = 1_555
WORKERS = 57_000
FIRST_YEAR, LAST_YEAR = 2022, 2025
# Besides the migration's default (150/100 m² from 2000 in every district): one that applies in 2025 from an
# earlier year, one that replaces the default in 2024, and one that starts after the benchmarked year.
SPACE_STANDARDS = (("310101", 2023, 120, 80), ("310104", 2024, 200, 120), ("310115", 2026, 300, 300))


def days(start: str, end: str, key: str, salt: int) -> str:
    """SQL for a date from `start` to `end` (SQL date expressions, both included), drawn from `key`."""
    return f"({start} + floor({u(key, salt)} * (({end}) - ({start}) + 1))::int)"


def fill_statements() -> list[tuple[str, str]]:
    standards = ", ".join(f"('{d}', {y}, {o}, {e})" for d, y, o, e in SPACE_STANDARDS)
    code, cy, wn, wc = "c.code", "c.code || ':' || y", "n::text", "w.code"
    return [
        streets_statement(),
        # Residents' committees everywhere (fewer in towns), villages only in towns and townships; the counts per
        # street come from cumulative weights (exact numerics), so they sum exactly to the city's totals.
        ("committees", f"""
            WITH weights AS (
                SELECT s.code,
                       round(((CASE s.kind WHEN 'street' THEN 1.0 ELSE 0.55 END) * (0.6 + 0.8 * {u('s.code', 1)}))::numeric, 6)
                           AS rw,
                       round((CASE s.kind WHEN 'street' THEN 0 ELSE 0.6 + 0.8 * {u('s.code', 2)} END)::numeric, 6) AS vw
                FROM committees_street s
            ),
            cumulative AS (
                SELECT code, sum(rw) OVER w AS r_to, sum(rw) OVER w - rw AS r_from, sum(rw) OVER () AS r_all,
                       sum(vw) OVER w AS v_to, sum(vw) OVER w - vw AS v_from, sum(vw) OVER () AS v_all
                FROM weights WINDOW w AS (ORDER BY code)
            ),
            counts AS (
                SELECT code AS street,
                       (floor({RESIDENTS_COMMITTEES} * r_to / r_all) - floor({RESIDENTS_COMMITTEES} * r_from / r_all))::int
                           AS residents,
                       (floor({VILLAGE_COMMITTEES} * v_to / v_all) - floor({VILLAGE_COMMITTEES} * v_from / v_all))::int
                           AS villages
                FROM cumulative
            ),
            numbered AS (
                SELECT street || lpad(n::text, 3, '0') AS code, street, 'residents' AS kind
                FROM counts CROSS JOIN LATERAL generate_series(1, residents) AS n
                UNION ALL
                SELECT street || lpad(n::text, 3, '0'), street, 'village'
                FROM counts CROSS JOIN LATERAL generate_series(200, 199 + villages) AS n
            ),
            dated AS (
                SELECT c.*,
                       CASE WHEN {u(code, 10)} < 0.003 THEN date '{YEAR}-12-31'
                            WHEN {u(code, 10)} < 0.02 THEN {days("date '2023-01-01'", "date '2026-06-30'", code, 11)}
                            WHEN {u(code, 10)} < 0.5 THEN NULL
                            ELSE {days("date '1980-01-01'", "date '2019-12-31'", code, 12)} END AS established_on
                FROM numbered c
            )
            INSERT INTO committees_committee (code, name, kind, established_on, dissolved_on, transition, street_id)
            SELECT c.code, CASE c.kind WHEN 'residents' THEN '居委会' ELSE '村委会' END || c.code, c.kind, c.established_on,
                   CASE WHEN c.established_on > date '2020-01-01' THEN NULL
                        WHEN {u(code, 13)} < 0.003 THEN date '{YEAR}-12-31'
                        WHEN {u(code, 13)} < 0.015 THEN {days("date '2022-06-01'", "date '2026-06-30'", code, 14)} END,
                   {u(code, 15)} < 0.04, c.street
            FROM dated c
        """),
        # About 2% of committee-years have no record; households 100-4500 around a committee's own size.
        ("committee_years", f"""
            INSERT INTO committees_committeeyear (year, households, resident_households, office_area_m2, elder_area_m2,
                                                 work_fund_yuan, updated_at, committee_id)
            SELECT y, h.households, round(h.households * (0.75 + 0.25 * {u(cy, 22)}))::int,
                   CASE WHEN {u(code, 23)} < 0.05 THEN NULL WHEN {u(code, 23)} < 0.06 THEN 150.00
                        ELSE round((40 + 560 * {u(cy, 24)})::numeric, 2) END,
                   CASE WHEN {u(code, 25)} < 0.08 THEN NULL WHEN {u(code, 25)} < 0.09 THEN 100.00
                        ELSE round((20 + 280 * {u(cy, 26)})::numeric, 2) END,
                   CASE WHEN {u(cy, 27)} < 0.05 THEN NULL WHEN {u(cy, 27)} < 0.08 THEN 100000.00
                        ELSE round((60000 + 100000 * {u(cy, 28)})::numeric, 2) END,
                   now(), c.code
            FROM committees_committee c
            CROSS JOIN generate_series({FIRST_YEAR}, {LAST_YEAR}) AS y
            CROSS JOIN LATERAL (
                SELECT least(4500, greatest(100, round(
                    CASE c.kind WHEN 'residents' THEN 300 + 4200 * power(({u(code, 20)} + {u(code, 21)}) / 2, 1.4)
                                ELSE 100 + 1900 * {u(code, 20)} END * (0.95 + 0.1 * {u(cy, 29)}))))::int AS households
            ) AS h
            WHERE {u(cy, 30)} >= 0.02
        """),
        # Workers spread over all committees; about 1.6% hired after the year, 10% have left (some exactly on D).
        ("workers", f"""
            WITH committees AS (SELECT array_agg(code ORDER BY code) AS codes, count(*) AS how_many FROM committees_committee),
            hired AS (
                SELECT n, CASE WHEN {u(wn, 31)} < 0.001 THEN date '{YEAR}-12-31'
                               ELSE {days("date '1995-01-01'", "date '2026-06-30'", wn, 32)} END AS hired_on
                FROM generate_series(1, {WORKERS}) AS n
            )
            INSERT INTO committees_communityworker (code, name, position, hired_on, left_on, committee_id)
            SELECT 'W' || lpad(n::text, 7, '0'), '社工' || n, CASE WHEN {u(wn, 33)} < 0.1 THEN '主任' ELSE '社区工作者' END,
                   hired_on,
                   CASE WHEN {u(wn, 34)} >= 0.10 THEN NULL
                        WHEN {u(wn, 34)} < 0.003 AND hired_on <= date '{YEAR}-12-31' THEN date '{YEAR}-12-31'
                        ELSE {days('hired_on', "greatest(hired_on, date '2026-06-30')", wn, 35)} END,
                   committees.codes[1 + floor({u(wn, 36)} * committees.how_many)::int]
            FROM hired CROSS JOIN committees
        """),
        # 0-3 levels per worker (weights 45/42/11/2: about 0.70 each), in order, at most one per level; a single
        # level is intermediate for 30% of them. Later levels may come after the year (not held on D).
        ("qualifications", f"""
            WITH held AS (
                SELECT w.id, w.code,
                       CASE WHEN {u(wc, 40)} < 0.45 THEN 0 WHEN {u(wc, 40)} < 0.87 THEN 1
                            WHEN {u(wc, 40)} < 0.98 THEN 2 ELSE 3 END AS levels,
                       {days("date '2008-06-01'", "date '2024-12-31'", wc, 41)} AS first_on
                FROM committees_communityworker w
            )
            INSERT INTO committees_qualification (level, obtained_on, worker_id)
            SELECT (ARRAY['assistant', 'intermediate', 'senior'])[
                       1 + k + CASE WHEN w.levels = 1 AND {u('w.code', 42)} >= 0.7 THEN 1 ELSE 0 END],
                   CASE WHEN {u("w.code || k", 43)} < 0.004 THEN date '{YEAR}-12-31'
                        WHEN {u("w.code || k", 43)} < 0.008 THEN date '{YEAR + 1}-01-01'
                        ELSE w.first_on + k * (730 + floor(1460 * {u('w.code', 44)})::int) END,
                   w.id
            FROM held w CROSS JOIN LATERAL generate_series(0, w.levels - 1) AS k
        """),
        # About 70% of the streets have a fund, some of them also a foundation; some were set up after the year.
        ("community_funds", f"""
            INSERT INTO committees_communityfund (name, kind, established_on, street_id)
            SELECT s.name || CASE f.kind WHEN 'fund' THEN '社区基金' ELSE '社区基金会' END, f.kind,
                   CASE WHEN {u("s.code || f.kind", 52)} < 0.02 THEN date '{YEAR}-12-31'
                        ELSE {days("date '2016-01-01'", "date '2026-06-30'", "s.code || f.kind", 53)} END,
                   s.code
            FROM committees_street s
            CROSS JOIN LATERAL (VALUES ('fund', {u('s.code', 50)} < 0.70),
                                       ('foundation', {u('s.code', 50)} < 0.70 AND {u('s.code', 51)} < 0.15)) AS f(kind, wanted)
            WHERE f.wanted
        """),
        ("space_standards", f"""
            INSERT INTO committees_spacestandard (district_id, from_year, office_min_m2, elder_min_m2, source)
            SELECT district, from_year, office, elder, 'benchmark'
            FROM (VALUES {standards}) AS s(district, from_year, office, elder)
        """),
    ]


# --- The hand-written query -----------------------------------------------------------------------------

# District-level numbers only. A committee's district is the first 6 digits of its code (the CHECK constraints
# street_code_nested and committee_code_nested guarantee it), so neither committees nor workers need a join
# with streets. Employed workers are summed per committee first (6,500 groups), and only then joined with the
# counted committees and summed per district: a little faster than joining 50,000 workers with the committees.
# (Tried and slower: three hashed `w.id IN (qualifications ...)` subplans instead of `levels`; one GROUP BY
# worker over workers LEFT JOIN qualifications.)
HAND_SQL = """
WITH committees AS MATERIALIZED (
    SELECT left(c.code, 6) AS district_id, c.code, c.kind, c.transition, y.id IS NOT NULL AS counted,
           y.households, y.resident_households, y.office_area_m2, y.elder_area_m2, y.work_fund_yuan
    FROM committees_committee c
    LEFT JOIN committees_committeeyear y ON y.committee_id = c.code AND y.year = %(year)s
    WHERE (c.established_on IS NULL OR c.established_on <= %(day)s) AND (c.dissolved_on IS NULL OR c.dissolved_on > %(day)s)
),
standards AS (
    SELECT DISTINCT ON (ss.district_id) ss.district_id, ss.office_min_m2, ss.elder_min_m2
    FROM committees_spacestandard ss WHERE ss.from_year <= %(year)s
    ORDER BY ss.district_id, ss.from_year DESC
),
by_committee AS (
    SELECT c.district_id,
           count(*) FILTER (WHERE c.counted) AS counted,
           count(*) FILTER (WHERE NOT c.counted) AS missing,
           count(*) FILTER (WHERE c.kind = 'residents' AND c.resident_households >= %(space_households)s) AS space_due,
           count(*) FILTER (WHERE c.kind = 'residents' AND c.resident_households >= %(space_households)s
                              AND c.office_area_m2 >= coalesce(s.office_min_m2, %(office_min)s)
                              AND c.elder_area_m2 >= coalesce(s.elder_min_m2, %(elder_min)s)) AS space_met,
           count(*) FILTER (WHERE c.kind = 'residents' AND c.households >= %(oversized)s AND NOT c.transition) AS oversized,
           count(*) FILTER (WHERE c.work_fund_yuan >= %(fund_min)s) AS fund_met
    FROM committees c LEFT JOIN standards s ON s.district_id = c.district_id
    GROUP BY c.district_id
),
levels AS (
    SELECT q.worker_id, max(CASE q.level WHEN 'senior' THEN 3 WHEN 'intermediate' THEN 2 ELSE 1 END) AS rank
    FROM committees_qualification q WHERE q.obtained_on <= %(day)s
    GROUP BY q.worker_id
),
staff AS (
    SELECT w.committee_id, count(*) AS employed, count(l.rank) AS certified,
           count(*) FILTER (WHERE l.rank >= 2) AS intermediate_up, count(*) FILTER (WHERE l.rank = 3) AS senior
    FROM committees_communityworker w LEFT JOIN levels l ON l.worker_id = w.id
    WHERE w.hired_on <= %(day)s AND (w.left_on IS NULL OR w.left_on > %(day)s)
    GROUP BY w.committee_id
),
by_worker AS (
    SELECT c.district_id, sum(st.employed) AS employed, sum(st.certified) AS certified,
           sum(st.intermediate_up) AS intermediate_up, sum(st.senior) AS senior
    FROM staff st JOIN committees c ON c.code = st.committee_id AND c.counted
    GROUP BY c.district_id
),
by_street AS (
    SELECT s.district_id, count(*) AS streets,
           count(*) FILTER (WHERE s.code IN (SELECT f.street_id FROM committees_communityfund f
                                             WHERE f.established_on <= %(day)s)) AS funded
    FROM committees_street s GROUP BY s.district_id
)
SELECT d.code AS district, i.indicator, i.numerator, i.denominator, i.missing
FROM committees_district d
LEFT JOIN by_committee c ON c.district_id = d.code
LEFT JOIN by_worker w ON w.district_id = d.code
LEFT JOIN by_street s ON s.district_id = d.code
CROSS JOIN LATERAL (VALUES
    ('sw_certified_rate', coalesce(w.certified, 0), coalesce(w.employed, 0), coalesce(c.missing, 0)),
    ('sw_intermediate_share', coalesce(w.intermediate_up, 0), coalesce(w.employed, 0), coalesce(c.missing, 0)),
    ('sw_senior_count', coalesce(w.senior, 0), NULL, coalesce(c.missing, 0)),
    ('office_space_compliance_rate', coalesce(c.space_met, 0), coalesce(c.space_due, 0), coalesce(c.missing, 0)),
    ('oversized_committees', coalesce(c.oversized, 0), NULL, coalesce(c.missing, 0)),
    ('work_fund_coverage', coalesce(c.fund_met, 0), coalesce(c.counted, 0), coalesce(c.missing, 0)),
    ('community_fund_coverage', coalesce(s.funded, 0), coalesce(s.streets, 0), 0)
) AS i(indicator, numerator, denominator, missing)
ORDER BY 1, 2
"""

STORED_SQL = """
SELECT code, indicator, numerator, denominator, missing FROM indicators_result
WHERE year = %(year)s AND scope = 'district' ORDER BY 1, 2
"""

DistrictRows = dict[tuple[str, str], tuple[int, int | None, int]]


# --- Timing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    label: str
    seconds: list[float]

    @property
    def min(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    def line(self) -> str:
        runs = ", ".join(f"{s * 1000:.0f}" for s in self.seconds)
        return f"{self.label:<34} min {self.min * 1000:8.1f} ms   median {self.median * 1000:8.1f} ms   (runs: {runs} ms)"


def timed(label: str, call: Callable[[], Any], runs: int = RUNS, before: Callable[[], Any] | None = None) -> Timing:
    seconds = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return Timing(label, seconds)


def interleaved(calls: dict[str, Callable[[], Any]], rounds: int = RUNS) -> dict[str, Timing]:
    """Each round makes every call once, in order: drift in the machine's speed hits every side alike.

    A call whose label starts with "(" is a step between the timed ones and is not reported.
    """
    seconds: dict[str, list[float]] = {label: [] for label in calls}
    for _ in range(rounds):
        for label, call in calls.items():
            start = time.perf_counter()
            call()
            seconds[label].append(time.perf_counter() - start)
    return {label: Timing(label, values) for label, values in seconds.items() if not label.startswith("(")}


# --- Database -------------------------------------------------------------------------------------------


def fill(url: str) -> list[tuple[str, float]]:
    steps = []
    with psycopg.connect(url) as conn:
        for label, statement in fill_statements():
            start = time.perf_counter()
            conn.execute(statement)
            steps.append((label, time.perf_counter() - start))
    with psycopg.connect(url, autocommit=True) as conn:
        start = time.perf_counter()
        conn.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.SQL(", ").join(sql.Identifier(t) for t in TABLES)))
        steps.append(("vacuum analyze", time.perf_counter() - start))
    return steps


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return {t: conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t))).fetchone()[0] for t in TABLES}


def shape_facts(url: str) -> dict[str, int]:
    """A few counts that show the edges are there (as of D = 31 December of YEAR)."""
    day = datetime.date(YEAR, 12, 31)
    queries = {
        "residents' committees": "SELECT count(*) FROM committees_committee WHERE kind = 'residents'",
        "village committees": "SELECT count(*) FROM committees_committee WHERE kind = 'village'",
        "streets / towns / townships": "SELECT count(*) FROM committees_street",
        "inactive committees on D": """SELECT count(*) FROM committees_committee
            WHERE NOT ((established_on IS NULL OR established_on <= %(day)s)
                       AND (dissolved_on IS NULL OR dissolved_on > %(day)s))""",
        "transition committees": "SELECT count(*) FROM committees_committee WHERE transition",
        "committees without a record for Y": """SELECT count(*) FROM committees_committee c WHERE NOT EXISTS
            (SELECT 1 FROM committees_committeeyear y WHERE y.committee_id = c.code AND y.year = %(year)s)""",
        "workers employed on D": """SELECT count(*) FROM committees_communityworker
            WHERE hired_on <= %(day)s AND (left_on IS NULL OR left_on > %(day)s)""",
        "workers with left_on": "SELECT count(*) FROM committees_communityworker WHERE left_on IS NOT NULL",
        "streets with a fund by D": """SELECT count(DISTINCT street_id) FROM committees_communityfund
            WHERE established_on <= %(day)s""",
    }
    with psycopg.connect(url) as conn:
        return {label: conn.execute(q, {"day": day, "year": YEAR}).fetchone()[0] for label, q in queries.items()}


# --- The two sides --------------------------------------------------------------------------------------


def hand_params() -> dict[str, Any]:
    from django.conf import settings

    return {
        "year": YEAR,
        "day": datetime.date(YEAR, 12, 31),
        "space_households": settings.PORTAL_SPACE_STANDARD_MIN_RESIDENT_HOUSEHOLDS,
        "office_min": settings.PORTAL_SPACE_STANDARD_DEFAULT["office_m2"],
        "elder_min": settings.PORTAL_SPACE_STANDARD_DEFAULT["elder_m2"],
        "oversized": settings.PORTAL_OVERSIZED_HOUSEHOLDS,
        "fund_min": settings.PORTAL_WORK_FUND_MIN_YUAN,
    }


def service() -> Callable[[], int]:
    """compute_year as the Celery task calls it: for a run, whose id every row it writes records."""
    from portal.indicators.models import ComputationRun
    from portal.indicators.services import compute_year

    run = ComputationRun.objects.create(year=YEAR, trigger=ComputationRun.Trigger.COMMAND)
    return lambda: compute_year(YEAR, run=run)


def forget_year(url: str) -> None:
    """Nothing stored for the year, as before its first computation (and no dead rows left behind)."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DELETE FROM indicators_result WHERE year = %s", [YEAR])
        conn.execute("VACUUM ANALYZE indicators_result")


def change_records(url: str) -> Callable[[], None]:
    """A step that changes 1% of the year's records: 65 committees' work funds cross the threshold each time."""
    rounds = iter(range(1_000_000))

    def step() -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("""UPDATE committees_committeeyear SET work_fund_yuan = CASE WHEN work_fund_yuan >= %(min)s
                            THEN %(min)s - 1 ELSE %(min)s END
                            WHERE year = %(year)s AND id %% 100 = %(slice)s""",
                         {"min": hand_params()["fund_min"], "year": YEAR, "slice": next(rounds) % 100})

    return step


def select_alone() -> int:
    """The service's computation alone, through Django's cursor: its rows counted where they are computed."""
    from django.db import connection

    from portal.indicators.services import COMPUTE_SQL, compute_params

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({COMPUTE_SQL}) AS r", compute_params(YEAR))
        return cursor.fetchone()[0]


def explain_service() -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of the service's statement on a rerun, in a transaction rolled back."""
    from django.db import connection, transaction
    from django.utils import timezone

    from portal.indicators.services import _SYNC_SQL, compute_params

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + _SYNC_SQL, {**compute_params(YEAR), "run": None, "now": timezone.now()})
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def hand_rows(conn: psycopg.Connection, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with psycopg.ClientCursor(conn) as cursor:
        cursor.execute(HAND_SQL, params)
        return cursor.fetchall()


def as_district_rows(rows: Sequence[tuple[Any, ...]]) -> DistrictRows:
    return {(code, indicator): (int(num), None if den is None else int(den), int(missing))
            for code, indicator, num, den, missing in rows}


def differences(stored: DistrictRows, hand: DistrictRows) -> list[str]:
    lines = []
    for key in sorted(stored.keys() | hand.keys()):
        if stored.get(key) != hand.get(key):
            lines.append(f"  {key[0]} {key[1]:<30} service {stored.get(key)}  hand-written {hand.get(key)}"
                         "  (numerator, denominator, missing)")
    return lines


# --- Main -----------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help="scratch database, dropped and recreated; its name must contain 'bench' (default %(default)s)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards (default: drop it)")
    parser.add_argument("--explain", action="store_true", help="also print EXPLAIN ANALYZE of the service's statement")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    url = args.database_url
    scratch_name(url)
    print(f"database        {url} (dropped and recreated)", flush=True)
    recreate_database(url)
    try:
        return benchmark(args, url)
    finally:
        if args.keep:
            print(f"kept            {url}")
        else:
            close_django_connections()
            drop_database(url)


def benchmark(args: argparse.Namespace, url: str) -> int:
    start = time.perf_counter()
    migrate(url)
    print(f"migrate         {time.perf_counter() - start:.2f} s", flush=True)
    steps = fill(url)
    print(f"fill            {sum(s for _, s in steps):.2f} s (" + ", ".join(f"{label} {s:.2f}" for label, s in steps) + ")")
    print("rows            " + ", ".join(f"{table.removeprefix('committees_')} {n:,}" for table, n in row_counts(url).items()))
    print("shape           " + ", ".join(f"{label} {n:,}" for label, n in shape_facts(url).items()))
    print(flush=True)

    setup_django(url)
    logging.getLogger("portal.indicators").setLevel(logging.WARNING)  # its line per run
    params = hand_params()
    compute = service()
    with psycopg.connect(url, autocommit=True) as conn:
        first = timed(f"first computation of {YEAR}", compute, FIRST_RUNS, before=lambda: forget_year(url))
        written = compute()
        timings = interleaved({
            "hand-written district SELECT": lambda: hand_rows(conn, params),
            "rerun, nothing changed": compute,
            "(change)": change_records(url),
            "rerun after 1% changed": compute,
            "its computation alone": select_alone,
        })
        hand, rerun = timings["hand-written district SELECT"], timings["rerun, nothing changed"]
        compute()
        rows = hand_rows(conn, params)
        stored = as_district_rows(conn.execute(STORED_SQL, {"year": YEAR}).fetchall())
        total_stored = conn.execute("SELECT count(*) FROM indicators_result WHERE year = %s", [YEAR]).fetchone()[0]

    print(f"year            {YEAR} (as of {YEAR}-12-31); service = compute_year({YEAR}, run=...), the whole call")
    print(first.line())
    for timing in timings.values():
        print(timing.line())
    for label, timing in (("rerun", rerun), ("rerun after 1%", timings["rerun after 1% changed"]), ("first", first)):
        print(f"ratio           {label} / hand-written: {timing.median / hand.median:.2f} (medians), "
              f"{timing.min / hand.min:.2f} (mins)")
    print(f"result rows     {written:,} ({total_stored:,} stored for {YEAR}; "
          f"{len(stored)} district rows, hand-written query {len(rows)} rows)")
    for label, timing in (("rerun", rerun), ("first computation", first)):
        ratio = timing.median / hand.median
        print(f"target ratio    <= {TARGET_RATIO:g}, {label}: {'met' if ratio <= TARGET_RATIO else 'NOT met'} ({ratio:.2f})")
    slowest = max(first.median, rerun.median)
    print(f"target time     <= {TARGET_SECONDS:g} s: {'met' if slowest <= TARGET_SECONDS else 'NOT met'} "
          f"({slowest:.3f} s at most)")

    wrong = differences(stored, as_district_rows(rows))
    if wrong:
        print(f"same district numbers: no ({len(wrong)} differ)")
        print("\n".join(wrong))
    else:
        print("same district numbers: yes")
    if args.explain:
        print("\nEXPLAIN ANALYZE of the service's statement on a rerun (rolled back):")
        print(explain_service())
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
