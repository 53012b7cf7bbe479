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
- `streets`: the facts summed per street (every street, with or without committees), with whether it has a
  community fund established on or before D; `districts`: the streets summed per district (every district);
  `units`: one row of sums per committee, street and district, and the districts summed for the city (310000).
- `computed`: each unit unpivoted into one row per indicator: a rate is numerator / denominator (NULL when
  the denominator is 0); a count has value = numerator and no denominator. community_fund_coverage has no
  committee rows and never any missing.

The chain is portable between PostgreSQL and SQLite (the embedded default). A year's results are brought up
to date in one transaction, under a lock per year, so two runs at once leave one consistent set.
"""

from __future__ import annotations

import datetime
import logging
import zlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import CommitteeYear
from portal.core import jobs
from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from portal.indicators.models import ComputationRun, Result
from portal.indicators.registry import CITY_CODE, INDICATORS

if TYPE_CHECKING:
    from portal.accounts.models import User

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
assert set(_COLUMNS) == {i.code for i in INDICATORS}

_FACTS = ("counted", "missing", "employed", "certified", "intermediate_up", "senior", "space_due", "space_met",
          "oversized", "fund_met")


def _sums(prefix: str, columns: Iterable[str] = _FACTS) -> str:
    # BIGINT: PostgreSQL sums big integers as NUMERIC, slower to compare with the stored columns.
    return ", ".join(f"CAST(COALESCE(SUM({prefix}{column}), 0) AS BIGINT) AS {column}" for column in columns)


def _columns(prefix: str) -> str:
    return ", ".join(f"{prefix}{column}" for column in _FACTS)


def _indicator_rows(code: str, numerator: str, denominator: str | None, committee_scope: bool) -> str:
    """One indicator's row for every unit of `units`."""
    missing = "u.missing" if committee_scope else "0"
    if denominator:  # a rate
        den = f"u.{denominator}"
        value = f"CASE WHEN {den} > 0 THEN CAST(u.{numerator} AS DOUBLE PRECISION) / {den} END"
    else:  # a count
        den, value = "NULL", f"CAST(u.{numerator} AS DOUBLE PRECISION)"
    scopes = "" if committee_scope else " WHERE u.scope <> 'committee'"
    return (f"SELECT '{code}' AS indicator, u.scope, u.code, u.district_id, u.street_id, u.committee_id, "
            f"u.{numerator} AS numerator, {den} AS denominator, {value} AS value, {missing} AS missing FROM units u{scopes}")


_CTES = f"""
WITH active AS (
    SELECT c.code, c.street_id, s.district_id, c.kind, c.transition,
           CASE WHEN y.id IS NULL THEN 0 ELSE 1 END AS counted,
           y.households, y.resident_households, y.office_area_m2, y.elder_area_m2, y.work_fund_yuan
    FROM committees_committee c
    JOIN committees_street s ON s.code = c.street_id
    LEFT JOIN committees_committeeyear y ON y.committee_id = c.code AND y.year = %(year)s
    WHERE (c.established_on IS NULL OR c.established_on <= %(day)s) AND (c.dissolved_on IS NULL OR c.dissolved_on > %(day)s)
),
levels AS (
    SELECT q.worker_id,
           MAX(CASE q.level WHEN 'senior' THEN 3 WHEN 'intermediate' THEN 2 WHEN 'assistant' THEN 1 ELSE 0 END) AS rank
    FROM committees_qualification q
    WHERE q.obtained_on <= %(day)s
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
    WHERE w.hired_on <= %(day)s AND (w.left_on IS NULL OR w.left_on > %(day)s)
    GROUP BY w.committee_id
),
standards AS (
    SELECT d.code AS district_id,
           COALESCE((SELECT ss.office_min_m2 FROM committees_spacestandard ss
                     WHERE ss.district_id = d.code AND ss.from_year <= %(year)s ORDER BY ss.from_year DESC LIMIT 1),
                    %(office_min)s) AS office_min,
           COALESCE((SELECT ss.elder_min_m2 FROM committees_spacestandard ss
                     WHERE ss.district_id = d.code AND ss.from_year <= %(year)s ORDER BY ss.from_year DESC LIMIT 1),
                    %(elder_min)s) AS elder_min
    FROM committees_district d
),
facts AS (
    SELECT a.code, a.street_id, a.district_id, a.counted, 1 - a.counted AS missing,
           a.counted * COALESCE(st.employed, 0) AS employed,
           a.counted * COALESCE(st.certified, 0) AS certified,
           a.counted * COALESCE(st.intermediate_up, 0) AS intermediate_up,
           a.counted * COALESCE(st.senior, 0) AS senior,
           CASE WHEN a.counted = 1 AND a.kind = 'residents' AND a.resident_households >= %(space_households)s
                THEN 1 ELSE 0 END AS space_due,
           CASE WHEN a.counted = 1 AND a.kind = 'residents' AND a.resident_households >= %(space_households)s
                     AND a.office_area_m2 >= sd.office_min AND a.elder_area_m2 >= sd.elder_min THEN 1 ELSE 0 END
               AS space_met,
           CASE WHEN a.counted = 1 AND a.kind = 'residents' AND a.households >= %(oversized)s AND NOT a.transition
                THEN 1 ELSE 0 END AS oversized,
           CASE WHEN a.counted = 1 AND a.work_fund_yuan >= %(fund_min)s THEN 1 ELSE 0 END AS fund_met
    FROM active a
    LEFT JOIN staff st ON st.committee_id = a.code
    JOIN standards sd ON sd.district_id = a.district_id
),
streets AS (
    SELECT s.code, s.district_id, {_sums("f.")},
           CASE WHEN EXISTS (SELECT 1 FROM committees_communityfund cf
                             WHERE cf.street_id = s.code AND cf.established_on <= %(day)s) THEN 1 ELSE 0 END AS funded
    FROM committees_street s LEFT JOIN facts f ON f.street_id = s.code
    GROUP BY s.code, s.district_id
),
districts AS (
    SELECT d.code, {_sums("s.")}, COUNT(s.code) AS streets, COALESCE(SUM(s.funded), 0) AS funded_streets
    FROM committees_district d LEFT JOIN streets s ON s.district_id = d.code
    GROUP BY d.code
),
units AS (
    SELECT 'committee' AS scope, f.code, f.district_id, f.street_id, f.code AS committee_id, {_columns("f.")},
           0 AS streets, 0 AS funded_streets
    FROM facts f
    UNION ALL
    SELECT 'street', s.code, s.district_id, s.code, NULL, {_columns("s.")}, 1, s.funded FROM streets s
    UNION ALL
    SELECT 'district', d.code, d.code, NULL, NULL, {_columns("d.")}, d.streets, d.funded_streets FROM districts d
    UNION ALL
    SELECT 'city', '{CITY_CODE}', NULL, NULL, NULL, {_sums("d.", (*_FACTS, "streets", "funded_streets"))} FROM districts d
),
computed AS (
    {" UNION ALL ".join(_indicator_rows(i.code, *_COLUMNS[i.code], i.committee_scope) for i in INDICATORS)}
)
"""

_RESULT_COLUMNS = "indicator, scope, code, district_id, street_id, committee_id, numerator, denominator, value, missing"

# Every indicator at every scope for a year, one row each (what compute_year stores), with compute_params.
COMPUTE_SQL = f"{_CTES} SELECT {_RESULT_COLUMNS} FROM computed"

# SQLite: the year's rows were deleted; store them all. (INSERT first: Python's sqlite3 counts rows only then.)
_INSERT_SQL = f"""
INSERT INTO indicators_result (run_id, year, computed_at, {_RESULT_COLUMNS})
SELECT %(run)s, %(year)s, %(now)s, {_RESULT_COLUMNS} FROM ({COMPUTE_SQL}) AS r
"""

# PostgreSQL: one statement compares the computed rows with the stored ones and writes only what differs:
# stored rows of units gone from the year (a committee dissolved, say) are deleted, changed rows updated and
# new rows inserted. A rerun that changes nothing writes nothing: no dead rows, no index churn. The three
# writes touch disjoint keys, so running them side by side in one statement is safe.
# `standards` is materialised: inlined, PostgreSQL would run its two lookups once per committee (16 rows).
_COMMITTEE_ROWS = sum(1 for i in INDICATORS if i.committee_scope)  # the year's rows: this many per committee
_KEY = "o.scope = n.scope AND o.code = n.code AND o.indicator = n.indicator"
_SYNC_SQL = _CTES.replace("standards AS (", "standards AS MATERIALIZED (", 1) + f""",
differing AS MATERIALIZED (
    SELECT n.*, o.id AS stored_id  -- no n.code: stored, no longer computed; no stored_id: new
    FROM computed n FULL JOIN (SELECT * FROM indicators_result WHERE year = %(year)s) o ON {_KEY}
    WHERE n.code IS NULL OR o.id IS NULL
       OR (o.numerator, o.denominator, o.value, o.missing) IS DISTINCT FROM (n.numerator, n.denominator, n.value, n.missing)
),
deleted AS (
    DELETE FROM indicators_result r USING differing d WHERE d.code IS NULL AND r.id = d.stored_id RETURNING 1
),
updated AS (
    UPDATE indicators_result r
    SET numerator = d.numerator, denominator = d.denominator, value = d.value, missing = d.missing,
        district_id = d.district_id, street_id = d.street_id, committee_id = d.committee_id,
        run_id = %(run)s, computed_at = %(now)s
    FROM differing d WHERE d.code IS NOT NULL AND r.id = d.stored_id RETURNING 1
),
inserted AS (
    INSERT INTO indicators_result (run_id, year, computed_at, {_RESULT_COLUMNS})
    SELECT %(run)s, %(year)s, %(now)s, {_RESULT_COLUMNS} FROM differing d WHERE d.stored_id IS NULL RETURNING 1
)
SELECT (SELECT COALESCE(SUM(CASE WHEN u.scope = 'committee' THEN {_COMMITTEE_ROWS} ELSE {len(INDICATORS)} END), 0) FROM units u),
       (SELECT COUNT(*) FROM deleted), (SELECT COUNT(*) FROM updated), (SELECT COUNT(*) FROM inserted)
"""


def compute_params(year: int) -> dict[str, Any]:
    """The parameters of COMPUTE_SQL."""
    default = settings.PORTAL_SPACE_STANDARD_DEFAULT
    return {
        "year": year,
        "day": datetime.date(year, 12, 31),
        "office_min": default["office_m2"],
        "elder_min": default["elder_m2"],
        "space_households": settings.PORTAL_SPACE_STANDARD_MIN_RESIDENT_HOUSEHOLDS,
        "oversized": settings.PORTAL_OVERSIZED_HOUSEHOLDS,
        "fund_min": settings.PORTAL_WORK_FUND_MIN_YUAN,
    }


def _lock_year(year: int) -> None:
    """Two runs of the same year queue one behind the other; SQLite serialises writers by itself."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [zlib.crc32(b"indicators"), year])


def compute_year(year: int, *, run: ComputationRun | None = None) -> int:
    """Bring the year's results up to date in one transaction; returns how many results the year has.

    A fixed number of queries whatever the data size. On PostgreSQL one statement computes the year and
    writes only the rows that differ from those stored (a nightly run that changes nothing writes nothing);
    SQLite replaces the year's rows.
    """
    params = {**compute_params(year), "run": run.pk if run else None, "now": timezone.now()}
    with transaction.atomic():
        _lock_year(year)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(_SYNC_SQL, params)
                count, deleted, updated, inserted = cursor.fetchone()
            else:
                deleted = Result.objects.filter(year=year).delete()[0]
                cursor.execute(_INSERT_SQL, params)
                count, updated, inserted = cursor.rowcount, 0, cursor.rowcount
    logger.info("indicators %s: %s results; %s deleted, %s updated, %s inserted", year, count, deleted, updated, inserted)
    return count


def run_computation(run: ComputationRun) -> ComputationRun:
    """Carry out a queued run, recording its progress, timings and outcome; the durable job's step.

    Idempotent: a run already finished is left alone, one another live process runs raises jobs.JobBusy, and one
    whose previous runner died runs again from the start (compute_year writes what differs, so the results are
    those of a clean run). Side effects: the year's results; the run's status, times and counts; an audit entry
    (computationrun.complete or computationrun.fail, with the source of whoever runs it: `task` from a worker).
    Raises: jobs.JobBusy; what the computation raises (the run is failed first, except for a transient database
    error: then it is queued again for the task's retry).
    """
    with jobs.claim(ComputationRun, run.pk) as claimed:
        if claimed is None:
            run.refresh_from_db()
            return run
        try:
            count = compute_year(claimed.year, run=claimed)
        except jobs.TRANSIENT_ERRORS:
            raise
        except Exception:
            # The page shows `error` to its users: a plain sentence; the details are in the log, with the traceback.
            logger.exception("indicators: computing %s failed", claimed.year)
            ComputationRun.objects.filter(pk=run.pk).update(status=ComputationRun.Status.FAILED, finished_at=timezone.now(),
                                                            error=_("An unexpected error stopped the computation. "
                                                                    "The administrators have been told."))
            audit(actor=claimed.triggered_by, action="computationrun.fail", instance=claimed,
                  before={"status": claimed.status}, after={"status": ComputationRun.Status.FAILED})
            raise
        ComputationRun.objects.filter(pk=run.pk).update(status=ComputationRun.Status.DONE, finished_at=timezone.now(),
                                                        progress=100, result_count=count)
        audit(actor=claimed.triggered_by, action="computationrun.complete", instance=claimed,
              before={"status": claimed.status}, after={"status": ComputationRun.Status.DONE, "result_count": count})
    run.refresh_from_db()
    return run


def start_run(*, year: int, trigger: str, actor: User | None = None, background: bool = True) -> ComputationRun:
    """Queue a computation of `year` (its message sent after the transaction commits), or run it now.

    Side effects: a ComputationRun row and its audit entry; its message sent on commit (a broker that refuses it leaves the run
    queued, for the sweep), or the year's results, run now. Raises: what the computation raises, when run now."""
    run = ComputationRun.objects.create(year=year, trigger=trigger,
                                        triggered_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit(actor=actor, action="computationrun.create", instance=run, after=snapshot(run))
    if background:
        jobs.send_on_commit(run)
        return run
    return run_computation(run)


def run_give_up(*, job: ComputationRun, message: str) -> None:
    """Fail a run that could not be finished (portal/core/jobs.py gives up on it), with `message` for its page.

    Side effects: the run's status, error and end time; an audit entry. Raises: nothing; a finished run is left."""
    with transaction.atomic():
        if ComputationRun.objects.filter(pk=job.pk, status__in=ComputationRun.IN_FLIGHT).update(
                status=ComputationRun.Status.FAILED, finished_at=timezone.now(), error=message):
            audit(actor=None, action="computationrun.give_up", instance=job, after={"error": message})


def _stuck_run(actor: User, pk: int, action: str) -> ComputationRun:
    """The run `pk`, locked, for retry or cancel by `actor`: 404 when the actor may not `action` it (finished
    runs included); DomainError when a worker is running it now. Call inside a transaction."""
    try:
        run = ComputationRun.objects.restrict(actor, action).select_for_update().get(pk=pk)
    except ComputationRun.DoesNotExist:
        if ComputationRun.objects.restrict(actor, "view").filter(pk=pk).exists():
            raise DomainError(_("This computation has already finished."), code=f"not_{action}able") from None
        raise
    if not jobs.hold(run):
        raise DomainError(_("A worker is computing this year right now; wait for it to finish."), code="running")
    return run


@transaction.atomic
def run_retry(*, actor: User, pk: int) -> ComputationRun:
    """Start a run that is not finished again from the beginning (a stuck or waiting one), with its attempts
    counted afresh.

    Side effects: the run is queued again and its message sent on commit; an audit entry.
    Raises: ComputationRun.DoesNotExist outside what the actor may retry; DomainError when it has finished or a
    worker runs it now."""
    run = _stuck_run(actor, pk, "retry")
    before = {"status": run.status, "attempts": run.attempts}
    jobs.requeue(run)
    audit(actor=actor, action="computationrun.retry", instance=run, before=before, after={"status": run.status})
    return run


@transaction.atomic
def run_cancel(*, actor: User, pk: int) -> ComputationRun:
    """Cancel a run that is not finished; the year's results stay as they were.

    Side effects: the run's status becomes "cancelled" (a message still in the queue then does nothing); an audit
    entry. Raises: ComputationRun.DoesNotExist outside what the actor may cancel; DomainError when it has
    finished or a worker runs it now."""
    run = _stuck_run(actor, pk, "cancel")
    before = {"status": run.status}
    run.status, run.finished_at = ComputationRun.Status.CANCELLED, timezone.now()
    run.save(update_fields=["status", "finished_at"])
    audit(actor=actor, action="computationrun.cancel", instance=run, before=before, after={"status": run.status})
    return run


def years_with_data() -> list[int]:
    """Every year with annual records or stored results."""
    years = set(CommitteeYear.objects.values_list("year", flat=True).distinct())
    years |= set(Result.objects.values_list("year", flat=True).distinct())
    return sorted(years)


def recompute_after_import(years: Iterable[int] | None = None, *, actor: User | None = None) -> list[ComputationRun]:
    """After an import changed the organisation data: every year with data is computed again.

    Called by the `import_applied` receiver (portal/indicators/receivers.py), inside the import's transaction.
    Side effects: a queued ComputationRun per year, their tasks sent on commit. Raises: nothing of its own."""
    return [start_run(year=year, trigger=ComputationRun.Trigger.IMPORT, actor=actor) for year in (years or years_with_data())]


def request_recompute(*, year: int, actor: User | None, trigger: str) -> ComputationRun:
    """Start a run for `year` unless one is already queued or running: then that one is the answer.

    The check and the creation hold a lock on the year, so two people pressing at once start one run.
    Raises: DomainError (code "no_data") for a year with neither annual records nor results: computing it
    would only add a year of "missing" to every trend and projection.
    """
    if not CommitteeYear.objects.filter(year=year).exists() and not Result.objects.filter(year=year).exists():
        raise DomainError(_("There are no annual records for {year}: there is nothing to compute.").format(year=year),
                          code="no_data")
    with transaction.atomic():
        _lock_year(year)
        in_flight = ComputationRun.objects.filter(year=year, status__in=ComputationRun.IN_FLIGHT).first()
        if in_flight:
            return in_flight
        return start_run(year=year, trigger=trigger, actor=actor)
