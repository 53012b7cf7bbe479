"""FilterSets of the indicators API (django-filter): the fields its list endpoints filter on, the years read as
everywhere else (committees.filtersets.YearFilter: out of range is a 400 naming the parameter), the units' codes
in their canonical form (committees.filtersets.code_filter: `３１０１０１` is `310101`)."""


from django.utils.translation import gettext_lazy as _

from committees.filtersets import YearFilter, code_filter
from portal.core.filters import FilterSet
from portal.indicators.models import ComputationRun, Result, Target


class ResultFilterSet(FilterSet):
    code = code_filter("code", _("code"))
    year = YearFilter()

    class Meta:
        model = Result
        fields = ["indicator", "scope", "code", "year"]


class TargetFilterSet(FilterSet):
    district = code_filter("district", _("district"))  # a key, never a choice list of every district
    year_from = YearFilter()

    class Meta:
        model = Target
        fields = ["indicator", "district", "year_from"]


class RunFilterSet(FilterSet):
    year = YearFilter()

    class Meta:
        model = ComputationRun
        fields = ["year", "status"]
