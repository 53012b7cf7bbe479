"""FilterSets shared by the pages and the API (django-filter)."""

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    Qualification,
    Street,
)


class SearchFilterSet(django_filters.FilterSet):
    """`q` searches the code and the name."""

    q = django_filters.CharFilter(method="search", label=_("Search"))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(code__startswith=value) | Q(name__icontains=value))


class DistrictFilterSet(SearchFilterSet):
    class Meta:
        model = District
        fields = ["code"]


class StreetFilterSet(SearchFilterSet):
    class Meta:
        model = Street
        fields = ["district", "kind"]


class CommitteeFilterSet(SearchFilterSet):
    district = django_filters.CharFilter(field_name="street__district", label=_("district"))

    class Meta:
        model = Committee
        fields = ["street", "kind", "transition"]


class CommitteeYearFilterSet(django_filters.FilterSet):
    street = django_filters.CharFilter(field_name="committee__street", label=_("street"))
    district = django_filters.CharFilter(field_name="committee__street__district", label=_("district"))

    class Meta:
        model = CommitteeYear
        fields = ["committee", "year"]


class CommunityWorkerFilterSet(SearchFilterSet):
    street = django_filters.CharFilter(field_name="committee__street", label=_("street"))
    employed_on = django_filters.DateFilter(method="filter_employed_on", label=_("employed on"))

    class Meta:
        model = CommunityWorker
        fields = ["committee"]

    def filter_employed_on(self, queryset: QuerySet, name: str, value) -> QuerySet:  # noqa: ANN001
        return queryset.filter(hired_on__lte=value).filter(Q(left_on__isnull=True) | Q(left_on__gt=value))


class QualificationFilterSet(django_filters.FilterSet):
    committee = django_filters.CharFilter(field_name="worker__committee", label=_("committee"))

    class Meta:
        model = Qualification
        fields = ["worker", "level"]


class CommunityFundFilterSet(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="street__district", label=_("district"))

    class Meta:
        model = CommunityFund
        fields = ["street", "kind"]
