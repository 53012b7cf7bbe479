"""The indicator dashboards: city → district → street → committee, for a year, with drill-down and exports."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from committees.forms import YearForm
from committees.models import Committee, District, Street
from portal.core.exceptions import DomainError
from portal.core.scoping import CITY, may_ever, own_level, unit_of
from portal.core.spreadsheets import Rate, write_table, xlsx_response
from portal.core.views import get_scoped_or_404, paginate, require_perm, save_form, template_for
from portal.dashboards.runs import status_response
from portal.indicators import selectors, services
from portal.indicators.forms import TargetForm
from portal.indicators.models import ComputationRun, Result, Target
from portal.indicators.registry import BY_CODE, CITY_CODE, INDICATORS

_UNIT_MODELS: dict[str, type[Model]] = {"district": District, "street": Street, "committee": Committee}
# For a unit, the Committee lookups that select its committees.
_COMMITTEES_OF = {"district": "street__district_id", "street": "street_id", "committee": "code"}
def _unit(request: HttpRequest, scope: str, code: str) -> Model | None:
    """The unit a dashboard is about: 404 outside the user's scope; the city only for city-wide users."""
    require_perm(request, Result, "view")
    if scope == "city":
        if not _city_wide(request):
            raise PermissionDenied
        return None
    model = _UNIT_MODELS.get(scope)
    if model is None:  # /indicators/<anything>/…: no such level
        raise Http404
    queryset = model.objects.select_related(*{"street": ["district"], "committee": ["street__district"]}.get(scope, []))
    return get_scoped_or_404(request, queryset, perm="indicators.view_result", pk=code)


def _city_wide(request: HttpRequest) -> bool:
    """Whether the user's own unit is the city: they open the city's dashboard (everyone sees its figures)."""
    return own_level(request.user) == CITY


def _district_code(scope: str, unit: Model | None) -> str | None:
    return {"city": None, "district": getattr(unit, "code", None), "street": getattr(unit, "district_id", None),
            "committee": getattr(getattr(unit, "street", None), "district_id", None)}[scope]


def _unit_committees(scope: str, code: str) -> dict[str, str]:
    """The Committee lookups that select a unit's committees (none: the city's)."""
    return {} if scope == "city" else {_COMMITTEES_OF[scope]: code}


def _year(request: HttpRequest, history: list[Result]) -> tuple[int, selectors.Coverage | None]:
    """`?year=`, read by the one year parser (YEAR_MIN to YEAR_MAX); without one, or out of range, the default
    year (selectors.default_year: the latest year with results complete enough to read; this year when no
    year has results). With it, how many of the unit's committees have a record for that year, from the same
    stored results as the figures (`history`, the unit's rows: no query; None for a year without results)."""
    coverage = selectors.record_coverage(history)
    asked = YearForm.year_or(request.GET, None)
    year = asked or selectors.default_year(sorted({r.year for r in history}), coverage) or timezone.localdate().year
    return year, coverage.get(year)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard of the user's own unit, for the year asked (`?year=`, when it is one)."""
    require_perm(request, Result, "view")
    level = own_level(request.user)
    if level == CITY:
        target = reverse("dashboards:indicators", kwargs={"scope": "city", "code": CITY_CODE})
    else:
        level = "district" if level == "department" else level  # a department's figures are its district's
        code = unit_of(request.user, level) if level else None
        if not code:
            raise PermissionDenied
        target = reverse("dashboards:indicators", kwargs={"scope": level, "code": code})
    year = YearForm.year_or(request.GET, None)
    return redirect(f"{target}?year={year}" if year else target)


@login_required
def dashboard(request: HttpRequest, scope: str, code: str) -> HttpResponse:
    unit = _unit(request, scope, code)
    code = CITY_CODE if scope == "city" else code
    history = selectors.unit_results(scope, code)
    years = sorted({r.year for r in history})
    year, coverage = _year(request, history)
    district_code = _district_code(scope, unit)
    # A year without results (never computed, or before the records begin): an empty state that says so and
    # links the years that have results, instead of cards of dashes (issue 12).
    has_results = year in years
    targets = selectors.targets_for(request.user, district_code)
    cards = selectors.cards(history, targets, year, scope) if has_results else []
    children = selectors.child_results(request.user, scope, code, year) if has_results else []
    child_scope = selectors.CHILD_SCOPE.get(scope)
    run = selectors.latest_run(year)
    context: dict[str, Any] = {
        "scope": scope, "code": code, "unit": unit, "year": year, "years": years, "has_results": has_results,
        "cards": cards, "coverage": coverage,
        "child_scope": child_scope, "child_table": _child_table(children, child_scope), "run": run,
        # A run that changed nothing leaves the rows as they were: the last finished run says when.
        "computed_at": run.finished_at if run and run.status == ComputationRun.Status.DONE else
        max((r.computed_at for r in history if r.year == year), default=None),
        "can_recompute": may_ever(request.user, ComputationRun, "add"),
        "city_wide": _city_wide(request),
        "chart_data": _chart_data(cards, children, child_scope, scope),
    }
    if has_results and scope in ("district", "street"):
        context["shortfalls"] = selectors.shortfall_tables(request.user, year, district_code,
                                                            **_unit_committees(scope, code))
    # After a recompute the page asks for its figures again (hx-get on #dashboard-body): only that part.
    return render(request, template_for(request, "dashboards/indicators.html", "dashboards/_indicators_body.html"),
                  context)


def _child_name(result: Result, child_scope: str) -> str:
    unit = getattr(result, child_scope, None)
    return unit.name if unit else result.code


def _child_table(children: list[Result], child_scope: str | None) -> list[dict]:
    """One row per child unit: its name and each indicator's result (None: "—", also for a committee
    indicator of a unit without any annual record for the year, which has no data rather than a count of 0)."""
    rows: dict[str, dict] = {}
    empty = selectors.without_records(children)
    for result in children:
        row = rows.setdefault(result.code, {"code": result.code, "name": _child_name(result, child_scope), "results": {}})
        if not _no_data(result, empty):
            row["results"][result.indicator] = result
    return [{**row, "cells": [row["results"].get(i.code) for i in INDICATORS]} for row in rows.values()]


def _no_data(result: Result, empty: set[str]) -> bool:
    """A committee indicator of a unit without any annual record for the year (selectors.without_records):
    its tables and bars show "—", not 0 (issue 15: a district that holds no data has no count)."""
    return result.code in empty and BY_CODE[result.indicator].committee_scope


def _chart_data(cards: list, children: list[Result], child_scope: str | None, scope: str) -> dict:
    """What static/js/dashboards.js draws: a trend per card, and the children's values per indicator."""
    links = {}
    if child_scope:
        for result in children:
            links[result.code] = reverse("dashboards:indicators", kwargs={"scope": child_scope, "code": result.code})
    bars: dict[str, list] = {}
    empty = selectors.without_records(children)
    for result in children:
        bars.setdefault(result.indicator, []).append({
            "code": result.code, "name": _child_name(result, child_scope),
            "value": None if _no_data(result, empty) else result.value,
            "url": links.get(result.code)})
    return {
        "trends": {card.indicator.code: {"years": [y for y, _v in card.trend], "values": [v for _y, v in card.trend],
                                         "rate": card.indicator.is_rate,
                                         "target": float(card.target.value) if card.target else None}
                   for card in cards},
        "bars": bars,
        "indicators": [{"code": i.code, "name": str(i.name), "rate": i.is_rate} for i in INDICATORS
                       if child_scope != "committee" or i.committee_scope],
    }


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    """Start a computation of the year (or join the one in flight); the button then shows its progress."""
    require_perm(request, ComputationRun, "add")
    year = YearForm.year_or(request.POST, timezone.localdate().year)  # out of range or garbage: this year
    try:
        run = services.request_recompute(year=year, actor=request.user, trigger=ComputationRun.Trigger.BUTTON)
    except DomainError as refusal:
        return status_response(request, None, year=year, can_recompute=True, notice=refusal.message)
    run.refresh_from_db()  # on the embedded default the run has already happened, in this request
    return status_response(request, run, year=year, can_recompute=True)


@login_required
def run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The status the button polls while its run is in flight; the answer that ends the polling says how the
    run ended and, when it ended well, has the dashboard fetch its new figures."""
    require_perm(request, ComputationRun, "view")
    run = ComputationRun.objects.filter(pk=pk).first()
    if run is None:
        raise PermissionDenied
    return status_response(request, run, year=run.year, can_recompute=may_ever(request.user, ComputationRun, "add"))


@login_required
def export(request: HttpRequest, scope: str, code: str, table: str) -> HttpResponse:
    """Every table of a dashboard as .xlsx, with the same numbers as the page and the API."""
    unit = _unit(request, scope, code)
    code = CITY_CODE if scope == "city" else code
    history = selectors.unit_results(scope, code)
    year, _coverage = _year(request, history)
    child_scope = selectors.CHILD_SCOPE.get(scope)
    if table == "results":  # the year's only, as its file name says (issue 15)
        header = [_("Indicator"), _("Year"), _("Numerator"), _("Denominator"), _("Value"), _("Missing records")]
        order = {indicator.code: n for n, indicator in enumerate(INDICATORS)}
        body = [[str(BY_CODE[r.indicator].name), r.year, r.numerator, r.denominator, _rate_or_count(r), r.missing]
                for r in sorted((r for r in history if r.year == year), key=lambda r: order[r.indicator])]
    elif table == "children" and child_scope:
        header = [_("Code"), _("Name"), *[str(i.name) for i in INDICATORS]]
        body = [[row["code"], row["name"], *[_rate_or_count(cell) if cell else None for cell in row["cells"]]]
                for row in _child_table(selectors.child_results(request.user, scope, code, year), child_scope)]
    elif table in selectors.SHORTFALLS and scope in ("district", "street"):
        rows = selectors.shortfall_rows(table, request.user, year, _district_code(scope, unit),
                                        **{_COMMITTEES_OF[scope]: code})
        header, body = _shortfall_sheet(table, rows)
    else:
        raise Http404
    title = str(_SHEET_TITLES[child_scope] if table == "children" else _SHEET_TITLES[table])
    return xlsx_response(lambda target: write_table(target, title, header, body), f"{scope}-{code}-{year}-{table}.xlsx")


# The exports' sheet names, in the user's language (at most 31 characters, none of []:*?/\).
_SHEET_TITLES = {
    "results": pgettext_lazy("sheet", "Indicator results"),
    "district": pgettext_lazy("sheet", "By district"),
    "street": pgettext_lazy("sheet", "By street"),
    "committee": pgettext_lazy("sheet", "By committee"),
    "space": pgettext_lazy("sheet", "Below space standard"),
    "oversized": pgettext_lazy("sheet", "Oversized committees"),
    "missing": pgettext_lazy("sheet", "Without annual record"),
    "fund": pgettext_lazy("sheet", "Work fund shortfalls"),
}


def _rate_or_count(result: Result) -> float | None:
    return Rate(result.value) if result.is_rate and result.value is not None else result.value


def _shortfall_sheet(table: str, rows: Any) -> tuple[list, list]:
    if table == "missing":
        return [_("Code"), _("Committee"), _("Street")], [[c.code, c.name, c.street.name] for c in rows.iterator()]
    header = [_("Code"), _("Committee"), _("Street"), _("Households"), _("Resident households")]
    extra = {"space": [_("Office area (m²)"), _("Office short by (m²)"), _("Elder room area (m²)"),
                       _("Elder room short by (m²)")],
             "oversized": [], "fund": [_("Work fund (yuan)"), _("Short by (yuan)")]}[table]
    body = []
    for record in rows.iterator():
        values = [record.committee_id, record.committee.name, record.committee.street.name, record.households,
                  record.resident_households]
        if table == "space":
            values += [record.office_area_m2, record.office_short, record.elder_area_m2, record.elder_short]
        elif table == "fund":
            values += [record.work_fund_yuan, record.fund_short]
        body.append(values)
    return header + extra, body



@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, Target, "view")
    targets = Target.objects.restrict(request.user).select_related("district").order_by(
        "district_id", "indicator", "year_from")
    page = paginate(request, targets, per_page=50)
    # The buttons ask restrict(): a district's staff edit their district's targets, never the city's.
    editable = set(Target.objects.restrict(request.user, "change").filter(
        pk__in=[target.pk for target in page.object_list]).values_list("pk", flat=True))
    can_add = may_ever(request.user, Target, "add") and unit_of(request.user, "district") is not None
    return render(request, "dashboards/targets.html", {"page": page, "can_add": can_add, "editable": editable})


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """District staff set their district's targets; the city's and other districts' are read-only to them."""
    if pk is None:
        require_perm(request, Target, "add")
        district = unit_of(request.user, "district")
        if district is None:
            raise PermissionDenied
        target = Target(district_id=district)
    else:
        target = get_scoped_or_404(request, Target.objects.all(), "change", pk=pk)
    form = TargetForm(request.POST or None, instance=target)
    if request.method == "POST" and save_form(request, form, form.instance):
        messages.success(request, _("The target was saved."))
        return redirect("dashboards:targets")
    return render(request, "dashboards/target_form.html", {"form": form, "target": target})
