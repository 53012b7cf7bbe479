"""FilterSets of the indicators API (django-filter): the fields its list endpoints filter on, the years read as
everywhere else (committees.filtersets.YearFilter: out of range is a 400 naming the parameter)."""

import django_filters

from committees.filtersets import YearFilter
from portal.indicators.models import ComputationRun, Result, Target


class ResultFilterSet(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = Result
        fields = ["indicator", "scope", "code", "year"]


class TargetFilterSet(django_filters.FilterSet):
    year_from = YearFilter()

    class Meta:
        model = Target
        fields = ["indicator", "district", "year_from"]


class RunFilterSet(django_filters.FilterSet):
    year = YearFilter()

    class Meta:
        model = ComputationRun
        fields = ["year", "status"]
