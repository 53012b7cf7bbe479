"""FilterSets shared by the pages and the API (django-filter)."""

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.forms import YearForm
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    Qualification,
    Street,
)
from portal.core.filters import FilterSet, NormalisedCharFilter


class YearFilter(django_filters.NumberFilter):
    """`year=`, read as the pages read it (committees.forms.YearForm's field: YEAR_MIN to YEAR_MAX). Anything else
    is the filter's error: the API answers 400 naming `year`; a page leaves the filter out (issue 12)."""

    field_class = type(YearForm.base_fields["year"])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        year = YearForm.base_fields["year"]
        kwargs.setdefault("min_value", year.min_value)
        kwargs.setdefault("max_value", year.max_value)
        kwargs.setdefault("label", _("year"))
        super().__init__(*args, **kwargs)


class SearchFilterSet(FilterSet):
    """`q` searches the code and the name, read in its canonical form (a code typed ３１０１ is 3101)."""

    q = NormalisedCharFilter(method="search", label=_("Search"), search=True)

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(Q(code__startswith=value) | Q(name__icontains=value))


def code_filter(field_name: str, label: str) -> django_filters.CharFilter:
    """A filter on a related code without a choice list: the queryset is already restricted, so a code
    outside the user's scope simply matches nothing (no list of every row, no "exists elsewhere" answer). The
    code is read in its canonical form: `３１０１０１` or a pasted code with a zero-width space is `310101`."""
    return NormalisedCharFilter(field_name=field_name, label=label)


class DistrictFilterSet(SearchFilterSet):
    code = code_filter("code", _("division code"))

    class Meta:
        model = District
        fields = ["code"]


class StreetFilterSet(SearchFilterSet):
    district = code_filter("district", _("district"))

    class Meta:
        model = Street
        fields = ["kind"]


class CommitteeFilterSet(SearchFilterSet):
    district = code_filter("street__district", _("district"))
    street = code_filter("street", _("street"))

    class Meta:
        model = Committee
        fields = ["kind", "transition"]


class CommitteeYearFilterSet(FilterSet):
    committee = code_filter("committee", _("committee"))
    street = code_filter("committee__street", _("street"))
    district = code_filter("committee__street__district", _("district"))
    year = YearFilter()

    class Meta:
        model = CommitteeYear
        fields = ["year"]


class CommunityWorkerFilterSet(SearchFilterSet):
    committee = code_filter("committee", _("committee"))
    street = code_filter("committee__street", _("street"))
    employed_on = django_filters.DateFilter(method="filter_employed_on", label=_("employed on"))

    class Meta:
        model = CommunityWorker
        fields: list[str] = []

    def filter_employed_on(self, queryset: QuerySet, name: str, value) -> QuerySet:  # noqa: ANN001
        return queryset.employed_on(value)


class QualificationFilterSet(FilterSet):
    committee = code_filter("worker__committee", _("committee"))
    worker = django_filters.NumberFilter(field_name="worker", label=_("worker"))

    class Meta:
        model = Qualification
        fields = ["level"]


class CommunityFundFilterSet(FilterSet):
    district = code_filter("street__district", _("district"))
    street = code_filter("street", _("street"))

    class Meta:
        model = CommunityFund
        fields = ["kind"]
