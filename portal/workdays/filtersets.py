"""FilterSets of the calendar API (django-filter)."""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.filters import FilterSet
from portal.workdays.models import YEAR_MAX, YEAR_MIN, CalendarDay


class YearFilter(django_filters.NumberFilter):
    """A whole year, 2000 to 2100 (anything else is the filter's error: the API answers 400 naming it)."""

    field_class = forms.IntegerField


class CalendarDayFilterSet(FilterSet):
    """`?year=` and `?is_working_day=`."""

    year = YearFilter(field_name="day", lookup_expr="year", label=_("year"), min_value=YEAR_MIN, max_value=YEAR_MAX)

    class Meta:
        model = CalendarDay
        fields = ["year", "is_working_day"]
