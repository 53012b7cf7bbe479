"""Compute every indicator for a year at every scope: one set-based SQL statement, whatever the city's size.

DOMAIN "Indicators", rule by rule, is the CTE chain below:
- `active`: committees established on or before D (31 December of Y, empty counts as before) and not
  dissolved on or before D; their record for Y, if any (`counted` = has one). Inactive committees count
  nowhere; an active one without a record is only counted in `missing`.
- `levels`: each worker's highest qualification obtained on or before D (1 assistant, 2 intermediate,
  3 senior); `staff`: employed workers on D (hired on or before D, not left on or before D) per committee.
- `standards`: the space standard in force in Y for each district (the latest from_year <= Y), else the
  default; `facts`: per active committee, each indicator's numerator and denominator. Empty areas and
  funds never meet a standard (a NULL comparison is false) and the committee stays in the denominator.
- `units`: the facts summed for every committee, street, district (every one, with or without committees)
  and the city (310000), with the streets that have a fund established on or before D.
- the final SELECT unpivots each unit into one row per indicator: a rate is numerator / denominator (NULL
  when the denominator is 0); a count has value = numerator and no denominator. community_fund_coverage
  has no committee rows and never any missing.

The statement is portable between PostgreSQL and SQLite (the embedded default). A year's results are
replaced in one transaction, under a lock per year, so two runs at once leave one consistent set.
"""

import datetime
import logging
import zlib
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from portal.indicators.models import ComputationRun, Result
from portal.indicators.registry import CITY_CODE, INDICATORS

logger = logging.getLogger(__name__)

# Per indicator: the numerator and denominator columns of `units` (denominator None: a count).
_COLUMNS = {
    "sw_certified_rate": ("certified", "employed"),
    "sw_intermediate_share": ("intermediate_up", "employed"),
    "sw_senior_count": ("senior", None),
    "office_space_compliance_rate": ("space_met", "space_due"),
    "oversized_committees": ("oversized", None),
    "work_fund_coverage": ("fund_met", "counted"),
    "community_fund_coverage": ("funded_streets", "streets"),
}

_FACT_SUMS = ("counted", "missing", "employed", "certified", "intermediate_up", "senior", "space_due", "space_met",
              "oversized", "fund_met")


def _sums(prefix: str = "f.") -> str:
    return ", ".join(f"COALESCE(SUM({prefix}{column}), 0) AS {column}" for column in _FACT_SUMS)


def _indicator_rows() -> str:
    return " UNION ALL ".join(f"SELECT '{i.code}' AS code, {int(i.committee_scope)} AS committee_scope" for i in INDICATORS)


def _case(column_for: dict[str, str | None], default: str = "NULL") -> str:
    whens = " ".join(f"WHEN '{code}' THEN {column or default}" for code, column in column_for.items())
    return f"CASE i.code {whens} END"


_NUMERATOR = _case({code: f"u.{num}" for code, (num, _den) in _COLUMNS.items()})
_DENOMINATOR = _case({code: (f"u.{den}" if den else None) for code, (_num, den) in _COLUMNS.items()})
_MISSING = _case({code: ("0" if code == "community_fund_coverage" else "u.missing") for code in _COLUMNS})
_RATE_CODES = ", ".join(f"'{i.code}'" for i in INDICATORS if i.is_rate)

COMPUTE_SQL = f"""
WITH active AS (
    SELECT c.code, c.street_id, s.district_id, c.kind, c.transition,
           CASE WHEN y.id IS NULL THEN 0 ELSE 1 END AS counted,
           y.households, y.resident_households, y.office_area_m2, y.elder_area_m2, y.work_fund_yuan
    FROM committees_committee c
    JOIN committees_street s ON s.code = c.street_id
    LEFT JOIN committees_committeeyear y ON y.committee_id = c.code AND y.year = %s
    WHERE (c.established_on IS NULL OR c.established_on <= %s) AND (c.dissolved_on IS NULL OR c.dissolved_on > %s)
),
levels AS (
    SELECT q.worker_id,
           MAX(CASE q.level WHEN 'senior' THEN 3 WHEN 'intermediate' THEN 2 WHEN 'assistant' THEN 1 ELSE 0 END) AS rank
    FROM committees_qualification q
    WHERE q.obtained_on <= %s
    GROUP BY q.worker_id
),
staff AS (
    SELECT w.committee_id,
           COUNT(*) AS employed,
           SUM(CASE WHEN l.rank >= 1 THEN 1 ELSE 0 END) AS certified,
           SUM(CASE WHEN l.rank >= 2 THEN 1 ELSE 0 END) AS intermediate_up,
           SUM(CASE WHEN l.rank = 3 THEN 1 ELSE 0 END) AS senior
    FROM committees_communityworker w
    LEFT JOIN levels l ON l.worker_id = w.id
    WHERE w.hired_on <= %s AND (w.left_on IS NULL OR w.left_on > %s)
    GROUP BY w.committee_id
),
standards AS (
    SELECT d.code AS district_id,
           COALESCE((SELECT ss.office_min_m2 FROM committees_spacestandard ss
                     WHERE ss.district_id = d.code AND ss.from_year <= %s ORDER BY ss.from_year DESC LIMIT 1), %s)
               AS office_min,
           COALESCE((SELECT ss.elder_min_m2 FROM committees_spacestandard ss
                     WHERE ss.district_id = d.code AND ss.from_year <= %s ORDER BY ss.from_year DESC LIMIT 1), %s)
               AS elder_min
    FROM committees_district d
),
facts AS (
    SELECT a.code, a.street_id, a.district_id, a.counted, 1 - a.counted AS missing,
           a.counted * COALESCE(st.employed, 0) AS employed,
           a.counted * COALESCE(st.certified, 0) AS certified,
           a.counted * COALESCE(st.intermediate_up, 0) AS intermediate_up,
           a.counted * COALESCE(st.senior, 0) AS senior,
           CASE WHEN a.counted = 1 AND a.kind = 'residents' AND a.resident_households >= %s THEN 1 ELSE 0 END
               AS space_due,
           CASE WHEN a.counted = 1 AND a.kind = 'residents' AND a.resident_households >= %s
                     AND a.office_area_m2 >= sd.office_min AND a.elder_area_m2 >= sd.elder_min THEN 1 ELSE 0 END
               AS space_met,
           CASE WHEN a.counted = 1 AND a.kind = 'residents' AND a.households >= %s AND NOT a.transition
                THEN 1 ELSE 0 END AS oversized,
           CASE WHEN a.counted = 1 AND a.work_fund_yuan >= %s THEN 1 ELSE 0 END AS fund_met
    FROM active a
    LEFT JOIN staff st ON st.committee_id = a.code
    JOIN standards sd ON sd.district_id = a.district_id
),
funded AS (
    SELECT DISTINCT f.street_id FROM committees_communityfund f WHERE f.established_on <= %s
),
street_funds AS (
    SELECT s.code, s.district_id, CASE WHEN fu.street_id IS NULL THEN 0 ELSE 1 END AS funded
    FROM committees_street s LEFT JOIN funded fu ON fu.street_id = s.code
),
units AS (
    SELECT 'committee' AS scope, f.code, f.district_id, f.street_id, f.code AS committee_id, {_sums()},
           0 AS streets, 0 AS funded_streets
    FROM facts f GROUP BY f.code, f.district_id, f.street_id
    UNION ALL
    SELECT 'street', s.code, s.district_id, s.code, NULL, {_sums()}, 1, MAX(s.funded)
    FROM street_funds s LEFT JOIN facts f ON f.street_id = s.code
    GROUP BY s.code, s.district_id
    UNION ALL
    SELECT 'district', d.code, d.code, NULL, NULL, {_sums()},
           (SELECT COUNT(*) FROM street_funds s WHERE s.district_id = d.code),
           (SELECT COALESCE(SUM(s.funded), 0) FROM street_funds s WHERE s.district_id = d.code)
    FROM committees_district d LEFT JOIN facts f ON f.district_id = d.code
    GROUP BY d.code
    UNION ALL
    SELECT 'city', '{CITY_CODE}', NULL, NULL, NULL, {_sums()},
           (SELECT COUNT(*) FROM street_funds), (SELECT COALESCE(SUM(funded), 0) FROM street_funds)
    FROM facts f
),
indicators AS ({_indicator_rows()})
SELECT i.code AS indicator, u.scope AS scope, u.code AS code, u.district_id AS district_id,
       u.street_id AS street_id, u.committee_id AS committee_id,
       {_NUMERATOR} AS numerator, {_DENOMINATOR} AS denominator, {_MISSING} AS missing
FROM units u CROSS JOIN indicators i
WHERE u.scope <> 'committee' OR i.committee_scope = 1
"""

_INSERT_SQL = f"""
INSERT INTO indicators_result (run_id, indicator, scope, code, year, district_id, street_id, committee_id,
                               numerator, denominator, value, missing, computed_at)
SELECT %s, r.indicator, r.scope, r.code, %s, r.district_id, r.street_id, r.committee_id, r.numerator, r.denominator,
       CASE WHEN r.indicator NOT IN ({_RATE_CODES}) THEN r.numerator
            WHEN r.denominator > 0 THEN r.numerator * 1.0 / r.denominator END,
       r.missing, %s
FROM ({COMPUTE_SQL}) AS r
"""


def compute_params(year: int) -> list[Any]:
    """The parameters of COMPUTE_SQL, in order."""
    day = datetime.date(year, 12, 31)
    default = settings.PORTAL_SPACE_STANDARD_DEFAULT
    threshold = settings.PORTAL_SPACE_STANDARD_MIN_RESIDENT_HOUSEHOLDS
    return [year, day, day, day, day, day, year, default["office_m2"], year, default["elder_m2"], threshold, threshold,
            settings.PORTAL_OVERSIZED_HOUSEHOLDS, settings.PORTAL_WORK_FUND_MIN_YUAN, day]


def _lock_year(year: int) -> None:
    """Two runs of the same year queue one behind the other; SQLite serialises writers by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [zlib.crc32(b"indicators"), year])


_KEY = "o.scope = n.scope AND o.code = n.code AND o.indicator = n.indicator"
_NEW_SQL = f"""
CREATE TEMP TABLE indicator_new ON COMMIT DROP AS
SELECT r.indicator, r.scope, r.code, r.district_id, r.street_id, r.committee_id, r.numerator, r.denominator,
       CASE WHEN r.indicator NOT IN ({_RATE_CODES}) THEN r.numerator
            WHEN r.denominator > 0 THEN r.numerator * 1.0 / r.denominator END::double precision AS value,
       r.missing
FROM ({COMPUTE_SQL}) AS r
"""
# PostgreSQL would inline `standards` and run its two lookups once per committee; computed once, it is 16 rows.
_NEW_SQL_PG = _NEW_SQL.replace("standards AS (", "standards AS MATERIALIZED (", 1)
_DIFF_SQL = (
    # Rows for units that no longer exist in the year (a committee dissolved, say) go.
    f"DELETE FROM indicators_result o WHERE o.year = %(year)s AND NOT EXISTS (SELECT 1 FROM indicator_new n WHERE {_KEY})",
    # Rows whose numbers changed are rewritten; the others are left as they are (no dead rows, no index churn).
    f"""UPDATE indicators_result o SET numerator = n.numerator, denominator = n.denominator, value = n.value,
        missing = n.missing, district_id = n.district_id, street_id = n.street_id, committee_id = n.committee_id,
        run_id = %(run)s, computed_at = %(now)s
    FROM indicator_new n WHERE o.year = %(year)s AND {_KEY}
      AND (o.numerator, o.denominator, o.value, o.missing) IS DISTINCT FROM (n.numerator, n.denominator, n.value, n.missing)""",
    f"""INSERT INTO indicators_result (run_id, indicator, scope, code, year, district_id, street_id, committee_id,
                                      numerator, denominator, value, missing, computed_at)
    SELECT %(run)s, n.indicator, n.scope, n.code, %(year)s, n.district_id, n.street_id, n.committee_id, n.numerator,
           n.denominator, n.value, n.missing, %(now)s
    FROM indicator_new n WHERE NOT EXISTS (SELECT 1 FROM indicators_result o WHERE o.year = %(year)s AND {_KEY})""",
)


def compute_year(year: int, *, run: ComputationRun | None = None) -> int:
    """Bring the year's results up to date in one transaction; returns how many results the year has.

    A fixed number of queries whatever the data size. On PostgreSQL the computed set goes to a temporary
    table and only what differs is written (deleted, updated, inserted): a nightly run that changes nothing
    writes nothing. SQLite replaces the year's rows with one INSERT ... SELECT.
    """
    now = timezone.now()
    with transaction.atomic():
        _lock_year(year)
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql":
                Result.objects.filter(year=year).delete()
                cursor.execute(_INSERT_SQL, [run.pk if run else None, year, now, *compute_params(year)])
                return cursor.rowcount
            # ON COMMIT DROP clears it after a run; inside an outer transaction (a test, a caller's) it is dropped here.
            cursor.execute("DROP TABLE IF EXISTS indicator_new")
            cursor.execute(_NEW_SQL_PG, compute_params(year))
            count = cursor.rowcount
            for statement in _DIFF_SQL:
                cursor.execute(statement, {"year": year, "run": run.pk if run else None, "now": now})
            cursor.execute("DROP TABLE indicator_new")
            return count


def run_computation(run: ComputationRun) -> ComputationRun:
    """Carry out a queued run, recording its progress, timings and outcome. Idempotent per run."""
    updated = ComputationRun.objects.filter(pk=run.pk, status__in=ComputationRun.IN_FLIGHT).update(
        status=ComputationRun.Status.RUNNING, started_at=timezone.now(), progress=10)
    if not updated:
        return run
    try:
        count = compute_year(run.year, run=run)
    except Exception as exc:
        logger.exception("indicators: computing %s failed", run.year)
        ComputationRun.objects.filter(pk=run.pk).update(status=ComputationRun.Status.FAILED, finished_at=timezone.now(),
                                                        error=str(exc)[:2000])
        raise
    ComputationRun.objects.filter(pk=run.pk).update(status=ComputationRun.Status.DONE, finished_at=timezone.now(),
                                                    progress=100, result_count=count)
    run.refresh_from_db()
    return run


def start_run(*, year: int, trigger: str, actor: Any | None = None, background: bool = True) -> ComputationRun:
    """Queue a computation of `year` (a Celery task after the transaction commits), or run it now."""
    run = ComputationRun.objects.create(year=year, trigger=trigger,
                                        triggered_by=actor if getattr(actor, "is_authenticated", False) else None)
    if background:
        from portal.indicators.tasks import compute_indicators

        transaction.on_commit(lambda: compute_indicators.delay(run.pk))
        return run
    return run_computation(run)


def years_with_data() -> list[int]:
    from committees.models import CommitteeYear

    years = set(CommitteeYear.objects.values_list("year", flat=True).distinct())
    years |= set(Result.objects.values_list("year", flat=True).distinct())
    return sorted(years)


def recompute_after_import(years: Iterable[int] | None = None, *, actor: Any | None = None) -> list[ComputationRun]:
    """After an import changed the organisation data: every year with data is computed again."""
    return [start_run(year=year, trigger=ComputationRun.Trigger.IMPORT, actor=actor) for year in (years or years_with_data())]


def request_recompute(*, year: int, actor: Any, trigger: str) -> ComputationRun:
    """Start a run for `year` unless one is already queued or running: then that one is the answer.

    The check and the creation hold a lock on the year, so two people pressing at once start one run.
    """
    with transaction.atomic():
        _lock_year(year)
        in_flight = ComputationRun.objects.filter(year=year, status__in=ComputationRun.IN_FLIGHT).first()
        if in_flight:
            return in_flight
        return start_run(year=year, trigger=trigger, actor=actor)
