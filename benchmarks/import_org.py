"""Benchmark the organisation import (`manage.py import_org`) at Shanghai's scale.

What it measures (DOMAIN "Data interchange: the organisation import" and "Scale to plan for"):

1. Generation: a city-size import file, seeded so every run writes the same rows: the 16 districts,
   215 streets (107 街道, 106 镇, 2 乡), 6,500 committees (4,940 居委会, 1,560 村委会), 20,000 annual records,
   57,000 community workers, 40,000 qualifications and a few community funds. Headers are the Chinese labels
   of `committees.interchange.schema`, choices the Chinese words. An .xlsx is written with openpyxl in
   write-only mode and the big sheets are streamed from generators, so generation memory stays flat.
2. A scratch PostgreSQL database (dropped and recreated; its name must contain "bench"), migrated in a child.
3. `manage.py import_org FILE --dry-run` on the empty database, then `manage.py import_org FILE`, then the
   same import again (a re-import of the same file must change nothing). Each runs as its own child process;
   wall time is taken around it and peak memory is the child's ru_maxrss from os.wait4, so the figure is
   that one process. `manage.py import_org --help` is run first as the baseline (Python and Django loaded,
   no work). After each run the tables are counted and fingerprinted to check what it wrote.

Run from the project root:

    uv run python benchmarks/import_org.py                   # full city, one .xlsx workbook
    uv run python benchmarks/import_org.py --scale 0.1       # a tenth of the rows: a quick check
    uv run python benchmarks/import_org.py --csv             # a folder of CSV files (UTF-8 with BOM)
    uv run python benchmarks/import_org.py --scale 0.05 --generate-only --out /tmp/org.xlsx

It exits non-zero when a step fails (the child's output is printed as it came) or when the database does not
hold what the file says after the import. The scratch database is left in place for inspection.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from scratch import BENCH_SECRET_KEY, DISTRICT_SHAPE, ROOT, django_env, recreate_database

# The interchange package imports the models, so reading its schema needs Django set up (no database is
# touched here; the settings refuse a DATABASE_URL from the environment without a secret key).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")
os.environ.setdefault("DJANGO_SECRET_KEY", BENCH_SECRET_KEY)

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from psycopg import sql  # noqa: E402

from committees.interchange.schema import SHEETS  # noqa: E402

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"
DISTRICTS_JSON = ROOT / "committees" / "data" / "shanghai_districts.json"

# (code digit, word in the file) per street kind, index-aligned with DISTRICT_SHAPE's tuples.
STREET_KINDS: tuple[tuple[str, str], ...] = (("0", "街道"), ("1", "镇"), ("2", "乡"))

# Full-scale row counts (DOMAIN "Scale to plan for"; annual records and qualifications as briefed).
COMMITTEES = 6_500
RESIDENTS_COMMITTEES = 4_940
COMMITTEE_YEARS = 20_000
WORKERS = 57_000
QUALIFICATIONS = 40_000
FUNDS = 40
# 6,500 committees x 2023-2025 is 19,500 records: the rest of the 20,000 are 2022 records.
YEARS = (2023, 2024, 2025)
EARLIER_YEAR = 2022
LAST_DAY = date(2025, 12, 31)

# Residents' committees per street office vs per town: towns hold fewer, and all the villages.
RESIDENTS_WEIGHT = {"街道": 1.0, "镇": 0.55, "乡": 0.55}
RESIDENTS_CODES = range(1, 200)  # DOMAIN: 001-199 residents' committee
VILLAGE_CODES = range(200, 400)  # DOMAIN: 200-399 village committee

NAME_CHARACTERS = "康华兴安和平新民德福宁东西南北桥港园苑林湖泾浦江阳明光荣春金丰永长嘉凌虹梅桂兰枫"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈"
GIVEN_CHARACTERS = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力琳雪梅婷燕晨佳颖浩宇欣怡"
POSITIONS = ("书记", "主任", "副主任", "委员", "社区工作者", "社区工作者", "社区工作者", "")
LEVEL_WORDS = ("助理社会工作师", "社会工作师", "高级社会工作师")  # assistant, intermediate, senior

Row = tuple[object, ...]


@dataclass(frozen=True)
class Plan:
    """How many rows of each sheet to write at a scale (1.0: the whole city)."""

    scale: float
    committees: int
    residents_committees: int
    committee_years: int
    workers: int
    qualifications: int
    funds: int

    @classmethod
    def at(cls, scale: float) -> Plan:
        committees = max(1, round(COMMITTEES * scale))
        return cls(
            scale=scale,
            committees=committees,
            residents_committees=round(committees * RESIDENTS_COMMITTEES / COMMITTEES),
            committee_years=round(COMMITTEE_YEARS * scale),
            workers=round(WORKERS * scale),
            qualifications=round(QUALIFICATIONS * scale),
            funds=max(1, round(FUNDS * scale)),
        )

    def streets_of_kind(self, real: int) -> int:
        """Streets of one kind in one district: never more than the real number, at least one if any."""
        return min(real, math.ceil(real * self.scale))


@dataclass(frozen=True)
class Street:
    code: str
    district_code: str
    name: str
    kind: str  # the file's word: 街道, 镇 or 乡


@dataclass(frozen=True)
class Committee:
    code: str
    street_code: str
    name: str
    kind: str  # 居委会 or 村委会
    established_on: date | None
    dissolved_on: date | None
    transition: str  # 是 or 否
    years: tuple[int, ...]  # the years it has an annual record for


@dataclass(frozen=True)
class Organisation:
    """The hierarchy down to committees (6,500 small records); the large sheets are generated from it as streams."""

    plan: Plan
    seed: int
    districts: list[tuple[str, str]]
    streets: list[Street]
    committees: list[Committee]


# --- Generation -------------------------------------------------------------------------------------


def random_date(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, (end - start).days))


def money(rng: random.Random, low: float, high: float) -> Decimal:
    """An amount with two decimals, as a district would type it."""
    return Decimal(rng.randint(round(low * 100), round(high * 100))) / 100


def spread(total: int, weights: Sequence[float]) -> list[int]:
    """Split `total` into whole numbers proportional to `weights` (largest remainder), summing exactly to it."""
    weight_sum = sum(weights)
    if not weights or weight_sum == 0:
        return [0] * len(weights)
    shares = [total * w / weight_sum for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def unique_names(rng: random.Random, count: int) -> list[str]:
    """`count` distinct two-character names, to which the caller adds 街道, 居委会 and so on."""
    pairs = [a + b for a in NAME_CHARACTERS for b in NAME_CHARACTERS if a != b]
    if count > len(pairs):
        raise SystemExit(f"Cannot make {count} distinct names from {len(pairs)} pairs; lower --scale.")
    return rng.sample(pairs, count)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choices(GIVEN_CHARACTERS, k=rng.choice((1, 2, 2))))


def build_organisation(plan: Plan, seed: int) -> Organisation:
    rng = random.Random(f"{seed}-organisation")
    districts = [(d["code"], d["name"]) for d in json.loads(DISTRICTS_JSON.read_text(encoding="utf-8"))["districts"]]

    street_slots: list[tuple[str, str, str]] = []  # (code, district code, kind word)
    for district_code, shape in DISTRICT_SHAPE.items():
        for (digit, word), real in zip(STREET_KINDS, shape, strict=True):
            for n in range(1, plan.streets_of_kind(real) + 1):
                street_slots.append((f"{district_code}{digit}{n:02d}", district_code, word))
    street_names = unique_names(rng, len(street_slots))
    streets = [Street(code, district, name + word, word)
               for (code, district, word), name in zip(street_slots, street_names, strict=True)]

    # Residents' committees everywhere (fewer in towns), village committees only in towns and townships.
    residents = spread(plan.residents_committees, [RESIDENTS_WEIGHT[s.kind] * rng.uniform(0.6, 1.4) for s in streets])
    rural = [s.kind != "街道" for s in streets]
    if not any(rural):
        rural = [True] * len(streets)
    villages = spread(plan.committees - plan.residents_committees, [rng.uniform(0.6, 1.4) if r else 0 for r in rural])

    committees: list[Committee] = []
    for street, n_residents, n_villages in zip(streets, residents, villages, strict=True):
        if n_residents > len(RESIDENTS_CODES) or n_villages > len(VILLAGE_CODES):
            raise SystemExit(f"Street {street.code} would hold more committees than its codes allow; lower --scale.")
        names = unique_names(rng, n_residents + n_villages)
        for i in range(n_residents + n_villages):
            is_village = i >= n_residents
            number = VILLAGE_CODES[i - n_residents] if is_village else RESIDENTS_CODES[i]
            established = random_date(rng, date(1985, 1, 1), date(2020, 12, 31)) if rng.random() < 0.9 else None
            dissolved = random_date(rng, date(2025, 1, 1), date(2025, 11, 30)) if rng.random() < 0.005 else None
            committees.append(Committee(
                code=f"{street.code}{number:03d}",
                street_code=street.code,
                name=names[i] + ("村委会" if is_village else "居委会"),
                kind="村委会" if is_village else "居委会",
                established_on=established,
                dissolved_on=dissolved,
                transition="是" if rng.random() < 0.02 else "否",
                years=tuple(y for y in YEARS if dissolved is None or y < dissolved.year),
            ))
    return Organisation(plan, seed, districts, streets, _with_year_total(committees, plan.committee_years, rng))


def _with_year_total(committees: list[Committee], total: int, rng: random.Random) -> list[Committee]:
    """Add 2022 records to some committees (or drop 2023 ones) until the annual records number `total`."""
    difference = total - sum(len(c.years) for c in committees)
    if difference > 0:
        chosen = set(rng.sample(range(len(committees)), min(difference, len(committees))))
        return [replace(c, years=(EARLIER_YEAR, *c.years)) if i in chosen else c
                for i, c in enumerate(committees)]
    if difference < 0:
        candidates = [i for i, c in enumerate(committees) if len(c.years) > 1]
        chosen = set(rng.sample(candidates, min(-difference, len(candidates))))
        return [replace(c, years=c.years[1:]) if i in chosen else c for i, c in enumerate(committees)]
    return committees


def street_rows(org: Organisation) -> Iterator[Row]:
    for s in org.streets:
        yield s.code, s.district_code, s.name, s.kind


def committee_rows(org: Organisation) -> Iterator[Row]:
    for c in org.committees:
        yield c.code, c.street_code, c.name, c.kind, c.established_on, c.dissolved_on, c.transition


def committee_year_rows(org: Organisation) -> Iterator[Row]:
    rng = random.Random(f"{org.seed}-committee-years")
    for c in org.committees:
        base = rng.triangular(200, 4000, 800 if c.kind == "村委会" else 1500)
        office, elder = money(rng, 40, 600), money(rng, 20, 300)
        for year in c.years:
            households = min(4000, max(200, round(base * rng.uniform(0.95, 1.05))))
            yield (
                c.code,
                year,
                households,
                round(households * rng.uniform(0.75, 1.0)),
                office if rng.random() < 0.95 else None,
                elder if rng.random() < 0.92 else None,
                money(rng, 100_000, 400_000) if rng.random() < 0.95 else None,
            )


def worker_rows(org: Organisation) -> Iterator[Row]:
    """Workers W0000001...; replayed by qualification_rows, so the workers are never held in memory."""
    rng = random.Random(f"{org.seed}-workers")
    for n in range(1, org.plan.workers + 1):
        hired = random_date(rng, date(1995, 1, 1), date(2025, 6, 30))
        left = random_date(rng, hired, LAST_DAY) if rng.random() < 0.08 else None
        yield f"W{n:07d}", rng.choice(org.committees).code, person_name(rng), rng.choice(POSITIONS), hired, left


def qualification_rows(org: Organisation) -> Iterator[Row]:
    """Exactly plan.qualifications rows, at most one per worker and level, levels obtained in order."""
    rng = random.Random(f"{org.seed}-qualifications")
    needed, workers_left = org.plan.qualifications, org.plan.workers
    for code, *_ in worker_rows(org):
        workers_left -= 1
        # About 0.70 levels per worker, clamped so that the total comes out exact.
        held = rng.choices((0, 1, 2, 3), weights=(45, 42, 11, 2))[0]
        held = max(min(held, needed), needed - 3 * workers_left, 0)
        needed -= held
        first = 0 if held > 1 or rng.random() < 0.7 else 1  # some sit the intermediate exam directly
        obtained = random_date(rng, date(2008, 6, 1), date(2024, 12, 31))
        for level in LEVEL_WORDS[first:first + held]:
            yield code, level, obtained
            obtained = min(LAST_DAY, obtained + timedelta(days=rng.randint(730, 2190)))


def fund_rows(org: Organisation) -> Iterator[Row]:
    rng = random.Random(f"{org.seed}-funds")
    for street in rng.sample(org.streets, min(org.plan.funds, len(org.streets))):
        is_foundation = rng.random() < 0.3
        name = street.name.removesuffix(street.kind) + ("社区基金会" if is_foundation else "社区基金")
        yield street.code, name, "基金会" if is_foundation else "基金", random_date(rng, date(2016, 1, 1), date(2025, 6, 30))


def sheet_rows(org: Organisation) -> dict[str, Callable[[], Iterator[Row]]]:
    """Each sheet's rows in schema column order, as a generator started when the sheet is written."""
    return {
        "districts": lambda: iter(org.districts),
        "streets": lambda: street_rows(org),
        "committees": lambda: committee_rows(org),
        "committee_years": lambda: committee_year_rows(org),
        "workers": lambda: worker_rows(org),
        "qualifications": lambda: qualification_rows(org),
        "community_funds": lambda: fund_rows(org),
    }


def write_xlsx(path: Path, rows: dict[str, Callable[[], Iterator[Row]]]) -> dict[str, int]:
    """One workbook, a sheet per schema sheet, cells typed as in Excel (numbers, dates, text codes)."""
    workbook = Workbook(write_only=True)
    counts: dict[str, int] = {}
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.append([column.label for column in sheet.columns])
        counts[sheet.name] = 0
        for row in rows[sheet.name]():
            worksheet.append(row)
            counts[sheet.name] += 1
    workbook.save(path)
    return counts


def csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(folder: Path, rows: dict[str, Callable[[], Iterator[Row]]]) -> dict[str, int]:
    """A folder with <sheet>.csv per schema sheet, UTF-8 with BOM (as Excel saves it)."""
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for sheet in SHEETS:
        with (folder / f"{sheet.name}.csv").open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([column.label for column in sheet.columns])
            counts[sheet.name] = 0
            for row in rows[sheet.name]():
                writer.writerow([csv_text(value) for value in row])
                counts[sheet.name] += 1
    return counts


# --- Database and child processes -------------------------------------------------------------------

# Schema sheet -> table, to check what an import wrote.
TABLES = {
    "districts": "committees_district",
    "streets": "committees_street",
    "committees": "committees_committee",
    "committee_years": "committees_committeeyear",
    "workers": "committees_communityworker",
    "qualifications": "committees_qualification",
    "community_funds": "committees_communityfund",
}
TIMESTAMP_COLUMNS = ("updated_at", "created_at")


@dataclass(frozen=True)
class TableState:
    rows: int
    data_digest: str  # every column but timestamps
    full_digest: str


@dataclass(frozen=True)
class ChildRun:
    label: str
    command: list[str]
    returncode: int
    seconds: float
    peak_rss_mb: float
    output: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0




def table_states(url: str) -> dict[str, TableState]:
    """Row count and md5 fingerprints of each imported table, independent of physical row order."""
    query = """
        SELECT count(*),
               md5(coalesce(string_agg(data, '|' ORDER BY data), '')),
               md5(coalesce(string_agg(full_row, '|' ORDER BY full_row), ''))
        FROM (SELECT (to_jsonb(t) - {timestamps})::text AS data, to_jsonb(t)::text AS full_row FROM {table} t) s
    """
    timestamps = sql.SQL(" - ").join(sql.Literal(c) for c in TIMESTAMP_COLUMNS)
    states = {}
    with psycopg.connect(url) as conn:
        for sheet, table in TABLES.items():
            statement = sql.SQL(query).format(timestamps=timestamps, table=sql.Identifier(table))
            rows, data_digest, full_digest = conn.execute(statement).fetchone()
            states[sheet] = TableState(rows, data_digest, full_digest)
    return states


def child_env(database_url: str) -> dict[str, str]:
    # scratch.django_env sets DJANGO_DEBUG=false: DEBUG keeps every SQL statement in memory, inflating the peak.
    return {**os.environ, **django_env(database_url)}


def run_manage(label: str, args: list[str], env: dict[str, str]) -> ChildRun:
    """Run `manage.py ARGS` as a child; time it and read its own peak RSS (ru_maxrss, KiB on Linux)."""
    command = [sys.executable, "manage.py", *args]
    print(f"... {label}: {' '.join(args)}", flush=True)
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here; Popen must not wait again
        output.seek(0)
        text = output.read().decode("utf-8", errors="replace")
    return ChildRun(label, command, child.returncode, seconds, usage.ru_maxrss / 1024, text)


# --- Reporting ------------------------------------------------------------------------------------------


def file_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.iterdir()) if path.is_dir() else path.stat().st_size


def mb(size_bytes: float) -> str:
    return f"{size_bytes / 1024 / 1024:.1f} MB"


def print_output(run: ChildRun, *, head: int = 150, tail: int = 30) -> None:
    """The child's output as it came (the middle of a very long one left out, with the count of lines)."""
    lines = run.output.rstrip("\n").splitlines()
    print(f"--- output of {run.label} (exit {run.returncode}) ---")
    if len(lines) > head + tail:
        lines = [*lines[:head], f"[... {len(lines) - head - tail} lines left out ...]", *lines[-tail:]]
    for line in lines or ["(no output)"]:
        print(f"    {line}")
    print("---")


def print_runs(runs: Iterable[ChildRun]) -> None:
    for run in runs:
        status = "ok" if run.ok else f"FAILED (exit {run.returncode})"
        print(f"{run.label:<16}{run.seconds:8.2f} s   peak RSS {run.peak_rss_mb:7.1f} MB   {status}")


def compare(before: dict[str, TableState], after: dict[str, TableState]) -> tuple[list[str], list[str]]:
    """The sheets whose data changed, and those where only timestamps moved."""
    data = [s for s in TABLES if before[s].data_digest != after[s].data_digest]
    stamps = [s for s in TABLES if s not in data and before[s].full_digest != after[s].full_digest]
    return data, stamps


# --- Main ---------------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of the city's rows (default 1.0; 0.1: quick check)")
    parser.add_argument("--csv", action="store_true", help="write a folder of CSV files (UTF-8 with BOM), not one .xlsx")
    parser.add_argument("--out", type=Path, help="where to write the file or folder (default: a temporary directory)")
    parser.add_argument("--seed", type=int, default=2023, help="random seed (default 2023)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL,
                        help="scratch database, dropped and recreated; its name must contain 'bench' (default %(default)s)")
    parser.add_argument("--generate-only", action="store_true", help="write the file and stop")
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="import-org-bench-") as scratch:
        default_name = "org" if args.csv else "org.xlsx"
        path = args.out.resolve() if args.out else Path(scratch) / default_name
        return benchmark(args, path)


def benchmark(args: argparse.Namespace, path: Path) -> int:
    plan = Plan.at(args.scale)
    start = time.perf_counter()
    org = build_organisation(plan, args.seed)
    rows = sheet_rows(org)
    counts = write_csv(path, rows) if args.csv else write_xlsx(path, rows)
    generation_seconds = time.perf_counter() - start
    generation_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"scale           {args.scale:g} (seed {args.seed})")
    print(f"file            {path} ({'CSV folder' if args.csv else 'xlsx'}, {mb(file_size(path))})")
    print("rows            " + ", ".join(f"{sheet} {n:,}" for sheet, n in counts.items()))
    print(f"generation      {generation_seconds:.2f} s, peak RSS of this process {generation_rss_mb:.1f} MB")
    if args.generate_only:
        return 0

    print(f"database        {args.database_url} (dropped and recreated)", flush=True)
    recreate_database(args.database_url)
    env = child_env(args.database_url)
    migrate = run_manage("migrate", ["migrate", "--no-input", "-v", "0"], env)
    if not migrate.ok:
        print_output(migrate)
        return 1
    runs = [migrate]
    baseline = run_manage("baseline", ["import_org", "--help"], env)
    runs.append(baseline)
    if not baseline.ok:
        print_runs(runs)
        print_output(baseline)
        print("import_org is not available: nothing to measure.")
        return 1

    problems: list[str] = []
    empty = table_states(args.database_url)
    dry_run = run_manage("dry run", ["import_org", str(path), "--dry-run"], env)
    runs.append(dry_run)
    if dry_run.ok:
        changed, stamped = compare(empty, table_states(args.database_url))
        if changed or stamped:
            problems.append(f"the dry run wrote to: {', '.join(changed + stamped)}")
        first = run_manage("import", ["import_org", str(path)], env)
        runs.append(first)
    if runs[-1].ok:
        imported = table_states(args.database_url)
        wrong = {s: (imported[s].rows, n) for s, n in counts.items() if imported[s].rows != n}
        problems += [f"{sheet}: the database holds {held:,} rows, the file {n:,}" for sheet, (held, n) in wrong.items()]
        again = run_manage("re-import", ["import_org", str(path)], env)
        runs.append(again)
        if again.ok:
            changed, stamped = compare(imported, table_states(args.database_url))
            if changed:
                problems.append(f"the re-import changed data in: {', '.join(changed)}")
            print(f"re-import       changed data: {', '.join(changed) or 'none'}; "
                  f"touched only timestamps: {', '.join(stamped) or 'none'}")

    print()
    print_runs(runs)
    for run in runs[2:]:
        print_output(run)
    for problem in problems:
        print(f"PROBLEM: {problem}")
    return 0 if all(run.ok for run in runs) and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
