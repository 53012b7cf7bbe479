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
    left out (the latest year, every district, no search)."""
    years = sorted(set(TaskList.objects.published().values_list("year", flat=True)), reverse=True)
    year = YearForm.year_or(request.GET, years[0] if years else timezone.localdate().year)
    items = (TaskItem.objects.filter(task_list__status=ListStatus.PUBLISHED, task_list__year=year)
             .active_on(timezone.localdate())
             .select_related("task_list__district").order_by("task_list__level", "task_list__district", "code"))
    search = PublicTaskItemFilterSet(request.GET, queryset=items)
    return render(request, "tasks_registry/public_lists.html", {
        "page": paginate(request, search.qs, per_page=50), "years": years or [year], "year": year,
        "q": search.form.cleaned_data.get("q") or "", "district": search.form.cleaned_data.get("district") or "",
        "districts": District.objects.order_by("code")})
