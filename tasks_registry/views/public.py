"""The public page: every district's published lists (and the city's), without login."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from committees.forms import YearForm
from committees.models import District
from portal.core.views import paginate
from tasks_registry.choices import ListStatus
from tasks_registry.filtersets import PublicTaskItemFilterSet
from tasks_registry.models import TaskItem, TaskList


def public_lists(request: HttpRequest) -> HttpResponse:
    """No login: every district's published lists (and the city's) for a year, searchable. Public by
    DOMAIN rule, so not restricted: what is published is everyone's to read. Unreadable parameters are
    left out (the default year, every district, no search). The default year is this year (the lists in force),
    not the newest: a district's list for next year, published in December, does not hide this year's."""
    years = sorted(set(TaskList.objects.published().order_by().values_list("year", flat=True)), reverse=True)
    year = YearForm.year_or(request.GET, _default_year(years, timezone.localdate().year))
    items = (TaskItem.objects.filter(task_list__status=ListStatus.PUBLISHED, task_list__year=year)
             .active_on(timezone.localdate())
             .select_related("task_list__district").order_by("task_list__level", "task_list__district", "code"))
    search = PublicTaskItemFilterSet(request.GET, queryset=items)
    return render(request, "tasks_registry/public_lists.html", {
        "page": paginate(request, search.qs, per_page=50), "years": years or [year], "year": year,
        "q": search.form.cleaned_data.get("q") or "", "district": search.form.cleaned_data.get("district") or "",
        "districts": District.objects.order_by("code")})


def _default_year(years: list[int], this_year: int) -> int:
    """This year when it has a published list; else the latest year before it that has one (the lists still in
    force), else the first year after it; this year when nothing is published."""
    return next((year for year in years if year <= this_year), years[-1] if years else this_year)
