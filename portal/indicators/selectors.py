"""What the indicator dashboards read: a unit's results and trend, its children, targets, shortfalls, projections.

Every function is one query (or none), whatever the number of committees, so a dashboard's query count
is fixed. The numbers are the stored results, the same rows the API returns.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Case, DecimalField, ExpressionWrapper, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, CommitteeYear, SpaceStandard
from portal.indicators.models import ComputationRun, Result, Target
from portal.indicators.registry import BY_CODE, INDICATORS, Indicator

CHILD_SCOPE = {"city": "district", "district": "street", "street": "committee"}
SHORTFALL_LIMIT = 100  # rows a dashboard lists per shortfall table; the export has them all
# The indicator whose denominator is the unit's committees with an annual record for the year
# (services._COLUMNS: work_fund_coverage is fund_met / counted): 0 means the unit has no data that year.
RECORDS_INDICATOR = "work_fund_coverage"
# Issue 15, "the default year": a year is complete enough to read when at least this share of the unit's
# committees (active on 31 December) have their annual record; the page says how many are missing when at least
# NOTICE_SHARE of them have none. Used by `default_year` and `Coverage` only.
READABLE_SHARE = 0.5
NOTICE_SHARE = 0.1


@dataclass
class Projection:
    year: int
    value: float
    slope: float
    since: int
    until: int
    met: bool


@dataclass
class Card:
    indicator: Indicator
    result: Result | None
    target: Target | None
    met: bool | None
    trend: list[tuple[int, float | None]] = field(default_factory=list)
    future_targets: list[tuple[Target, int, Projection | None]] = field(default_factory=list)

    judged: bool = True  # False: the target is another level's total (Target.judged_at), shown without pass/fail

    @property
    def state(self) -> str:
        if self.target is None:
            return "none"
        if not self.judged:
            return "elsewhere"
        return {True: "met", False: "missed", None: "unknown"}[self.met]


@dataclass(frozen=True)
class Coverage:
    """How many committees of a unit (active on 31 December of `year`) have an annual record for the year, as
    its stored results count them (`record_coverage`)."""

    year: int
    committees: int
    with_record: int

    @property
    def missing(self) -> int:
        return self.committees - self.with_record

    @property
    def readable(self) -> bool:
        """At least READABLE_SHARE of the committees have a record (a unit without committees: never)."""
        return self.committees > 0 and self.with_record >= self.committees * READABLE_SHARE

    @property
    def notice(self) -> bool:
        """Enough records are missing for the page to say so at the top (at least NOTICE_SHARE of them)."""
        return self.missing > 0 and self.missing >= self.committees * NOTICE_SHARE


def record_coverage(results: Iterable[Result]) -> dict[int, Coverage]:
    """Each year's Coverage of one unit, by year, read from its stored results (`results`: the unit's rows over
    the years, unit_results): the RECORDS_INDICATOR row's denominator is the committees with a record, its
    `missing` the active ones without. No query, and the whole unit's count whoever reads it: the banner, the
    default year and the figures all come from the same rows. A year without results has no Coverage."""
    return {r.year: Coverage(r.year, (r.denominator or 0) + r.missing, r.denominator or 0)
            for r in results if r.indicator == RECORDS_INDICATOR}


def default_year(years: list[int], coverage: dict[int, Coverage]) -> int | None:
    """The year a dashboard opens on (issue 15): the latest year with results whose data are complete enough
    to read, i.e. at least READABLE_SHARE (half) of the unit's committees have an annual record for it
    (`Coverage.readable`, from `record_coverage`), not the newest year in which one committee entered something. When no year
    is, the latest year with results; None without any."""
    readable = [year for year in years if year in coverage and coverage[year].readable]
    return max(readable) if readable else max(years, default=None)


def without_records(results: Iterable[Result]) -> set[str]:
    """The codes of the units, among these results, with no annual record for the year: their committee
    counts are no data ("—"), not 0 (a district that holds no data is not one with no senior social worker)."""
    return {r.code for r in results if r.indicator == RECORDS_INDICATOR and not r.denominator}


def unit_results(scope: str, code: str) -> list[Result]:
    """Every year's results of one unit (its trend and the year shown come from the same rows)."""
    return list(Result.objects.filter(scope=scope, code=code).order_by("year"))


def child_results(user: Any, scope: str, code: str, year: int) -> list[Result]:
    """The results of the units one level down, with their names, in the user's scope."""
    child = CHILD_SCOPE.get(scope)
    if child is None:
        return []
    rows = Result.objects.restrict(user).filter(scope=child, year=year).select_related(child).order_by("code")
    if scope != "city":
        rows = rows.filter(**{f"{scope}_id": code})
    return list(rows)


def targets_for(user: Any, district_code: str | None) -> list[Target]:
    """The district's targets and the city's, district ones first (they win over the city's)."""
    targets = Target.objects.restrict(user).filter(Q(district_id=district_code) | Q(district__isnull=True))
    return sorted(targets, key=lambda t: (t.district_id is None, -t.year_from))


def target_for(targets: list[Target], indicator: str, year: int) -> Target | None:
    return next((t for t in targets if t.indicator == indicator and t.applies_to(year)), None)


def project(points: list[tuple[int, float]], year: int, target: Target) -> Projection | None:
    """Least-squares line through the past years' values, read at `year`. Needs two years of data."""
    points = [(y, v) for y, v in points if v is not None]
    if len(points) < 2:
        return None
    n = len(points)
    mean_x = sum(y for y, _v in points) / n
    mean_y = sum(v for _y, v in points) / n
    spread = sum((y - mean_x) ** 2 for y, _v in points)
    slope = sum((y - mean_x) * (v - mean_y) for y, v in points) / spread
    value = mean_y + slope * (year - mean_x)
    value = min(max(value, 0.0), 1.0) if BY_CODE[target.indicator].is_rate else max(value, 0.0)  # within its range
    return Projection(year=year, value=value, slope=slope, since=points[0][0], until=points[-1][0],
                      met=bool(target.is_met_by(value)))


def cards(results: list[Result], targets: list[Target], year: int, scope: str) -> list[Card]:
    """One card per indicator for the unit (`results`: its rows over the years, of level `scope`): the year's
    value, the target that applies and whether it is met (only where the target is judged at this level), the
    trend, and the projections towards later targets."""
    by_indicator: dict[str, list[Result]] = {}
    for result in results:
        by_indicator.setdefault(result.indicator, []).append(result)
    last_year = max((r.year for r in results), default=year)
    made = []
    for indicator in INDICATORS:
        rows = by_indicator.get(indicator.code, [])
        if not rows and not indicator.committee_scope and results and results[0].scope == "committee":
            continue
        current = next((r for r in rows if r.year == year), None)
        target = target_for(targets, indicator.code, year)
        judged = target is None or target.judged_at(scope)
        trend = [(r.year, r.value) for r in rows]
        future = sorted({t.year_from for t in targets if t.indicator == indicator.code and t.year_from > last_year}
                        | {t.year_to for t in targets if t.indicator == indicator.code and t.year_to
                           and t.year_to > last_year})
        future_targets = []
        for future_year in future:
            future_target = target_for(targets, indicator.code, future_year)
            if future_target and future_target.judged_at(scope):
                future_targets.append((future_target, future_year, project(trend, future_year, future_target)))
        made.append(Card(indicator=indicator, result=current, target=target,
                         met=target.is_met_by(current.value) if target and current and judged else None,
                         trend=trend, future_targets=future_targets, judged=judged))
    return made


def latest_run(year: int) -> ComputationRun | None:
    return ComputationRun.objects.filter(year=year).select_related("triggered_by").first()


# --- the committees behind a shortfall ----------------------------------------------------------------
def _records(user: Any, year: int, **unit: str) -> QuerySet:
    day = datetime.date(year, 12, 31)
    active = Committee.objects.active_on(day).filter(**unit)
    return (CommitteeYear.objects.restrict(user).filter(year=year, committee__in=active)
            .select_related("committee__street").order_by("committee_id"))


def space_shortfalls(user: Any, year: int, district_code: str, **unit: str) -> QuerySet:
    """Residents' committees with ≥ 1500 resident households below the district's standard, by how much."""
    standard = SpaceStandard.applying(list(SpaceStandard.objects.filter(district_id=district_code)), year)
    office, elder = standard.office_min_m2, standard.elder_min_m2
    money = DecimalField(max_digits=9, decimal_places=2)
    return (_records(user, year, **unit)
            .filter(committee__kind="residents",
                    resident_households__gte=settings.PORTAL_SPACE_STANDARD_MIN_RESIDENT_HOUSEHOLDS)
            .filter(Q(office_area_m2__isnull=True) | Q(office_area_m2__lt=office) | Q(elder_area_m2__isnull=True)
                    | Q(elder_area_m2__lt=elder))
            .annotate(office_short=ExpressionWrapper(Greatest(Value(office) - Coalesce("office_area_m2", Value(Decimal(0))),
                                                              Value(Decimal(0))), output_field=money),
                      elder_short=ExpressionWrapper(Greatest(Value(elder) - Coalesce("elder_area_m2", Value(Decimal(0))),
                                                             Value(Decimal(0))), output_field=money)))


def oversized(user: Any, year: int, **unit: str) -> QuerySet:
    return _records(user, year, **unit).filter(committee__kind="residents", committee__transition=False,
                                               households__gte=settings.PORTAL_OVERSIZED_HOUSEHOLDS)


def fund_shortfalls(user: Any, year: int, **unit: str) -> QuerySet:
    minimum = Decimal(settings.PORTAL_WORK_FUND_MIN_YUAN)
    return (_records(user, year, **unit)
            .filter(Q(work_fund_yuan__isnull=True) | Q(work_fund_yuan__lt=minimum))
            .annotate(fund_short=Case(When(work_fund_yuan__isnull=True, then=Value(minimum)),
                                      default=Value(minimum) - F("work_fund_yuan"),
                                      output_field=DecimalField(max_digits=14, decimal_places=2))))


def missing_records(user: Any, year: int, **unit: str) -> QuerySet:
    day = datetime.date(year, 12, 31)
    return (Committee.objects.restrict(user).active_on(day).filter(**unit).exclude(years__year=year)
            .select_related("street").order_by("code"))


SHORTFALLS = {
    "space": (_("Below the space standard (1,500 resident households or more)"), space_shortfalls),
    "oversized": (_("Oversized (3,000 households or more, not in transition)"), oversized),
    "missing": (_("No annual record for the year"), missing_records),
    "fund": (_("Work fund below 100,000 yuan"), fund_shortfalls),
}


def shortfall_rows(key: str, user: Any, year: int, district_code: str, **unit: str) -> QuerySet:
    function = SHORTFALLS[key][1]
    if key == "space":
        return function(user, year, district_code, **unit)
    return function(user, year, **unit)


def shortfall_tables(user: Any, year: int, district_code: str, **unit: str) -> list[dict]:
    """The four lists behind the shortfalls: the first rows of each (one query each) and whether there are more."""
    tables = []
    for key, (title, _function) in SHORTFALLS.items():
        rows = list(shortfall_rows(key, user, year, district_code, **unit)[: SHORTFALL_LIMIT + 1])
        tables.append({"key": key, "title": title, "rows": rows[:SHORTFALL_LIMIT], "more": len(rows) > SHORTFALL_LIMIT})
    return tables
