"""FilterSets of the task admission API (django-filter). The querysets they filter are restricted already;
a filter on a unit is a code without a choice list (never `.all()`), so a unit outside the user's reach
simply matches nothing."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.filtersets import YearFilter, code_filter
from committees.models import Committee
from portal.core.filters import FilterSet, NormalisedCharFilter
from portal.core.scoping import may_ever
from tasks_registry.choices import ListLevel
from tasks_registry.models import (
    AdmissionRequest,
    Dispatch,
    RefusedDispatch,
    RefusedDispatchCommittee,
    TaskItem,
    TaskList,
    ViolationReport,
)


class TitleSearchFilterSet(FilterSet):
    """`q` searches the title, read in its canonical form (portal.core.text.normalise_search)."""

    q = NormalisedCharFilter(method="search", label=_("Search"), search=True)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(title__icontains=value) if value else queryset


class TaskListFilterSet(FilterSet):
    district = code_filter("district", _("district"))
    year = YearFilter()

    class Meta:
        model = TaskList
        fields = ["year", "level", "status"]


class ItemSearchFilterSet(TitleSearchFilterSet):
    """`q` searches an item's task, number and responsible unit."""

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(code__icontains=value) | Q(responsible_unit__icontains=value))


class TaskItemFilterSet(ItemSearchFilterSet):
    code = code_filter("code", _("item number"))
    task_list = django_filters.NumberFilter(field_name="task_list", label=_("list"))
    year = YearFilter(field_name="task_list__year")

    class Meta:
        model = TaskItem
        fields = ["category", "code"]


class PublicTaskItemFilterSet(ItemSearchFilterSet):
    """The public page's search: a district's published items with the city's (which apply in every
    district), by task, number or unit. Its year is the page's own (committees.forms.YearForm)."""

    district = NormalisedCharFilter(method="filter_district", max_length=6, label=_("district"))

    class Meta:
        model = TaskItem
        fields: list[str] = []

    def filter_district(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(task_list__district=value) | Q(task_list__level=ListLevel.CITY))


class DispatchFilterSet(FilterSet):
    committee = code_filter("committee", _("committee"))
    item = django_filters.NumberFilter(field_name="item", label=_("list item"))

    class Meta:
        model = Dispatch
        fields: list[str] = []


class RefusedDispatchFilterSet(FilterSet):
    """`committee`: the attempts that named it (a subquery: one row per attempt), among the committees the user
    may see: filtering on another district's committee tells nothing of which attempts also named it."""

    committee = NormalisedCharFilter(method="filter_committee", max_length=12, label=_("committee"))
    year = YearFilter()

    class Meta:
        model = RefusedDispatch
        fields = ["year"]

    def filter_committee(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        visible = Committee.objects.restrict(getattr(self.request, "user", None))
        return queryset.filter(pk__in=RefusedDispatchCommittee.objects.filter(
            committee=value, committee__in=visible).values("refusal_id"))


class AdmissionRequestFilterSet(TitleSearchFilterSet):
    district = code_filter("district", _("district"))
    street = code_filter("street", _("street"))

    class Meta:
        model = AdmissionRequest
        fields = ["status", "scope", "category"]


class ViolationReportFilterSet(TitleSearchFilterSet):
    """DOMAIN: the department never learns which committee reported, not even by filtering on one. For a reader who
    may not identify the reporter (restrict(user, "identify")), `committee` is no filter of the set at all: like
    any parameter the API does not know (`?colour=red`), it is ignored, whatever its value (a committee that
    reported, one that did not, one that exists nowhere), and the filter form does not offer it. A control
    character is refused in it as in any parameter (the middleware's 400)."""

    committee = code_filter("committee", _("committee"))

    class Meta:
        model = ViolationReport
        fields = ["status", "outcome"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_ever(getattr(self.request, "user", None), ViolationReport, "identify"):
            del self.filters["committee"]
