"""django-filter pieces shared by every app's filtersets."""

import django_filters
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from portal.core.fields import CodeField
from portal.core.forms import NormalisedCharField

__all__ = ["FilterSet", "NormalisedCharFilter"]


class NormalisedCharFilter(django_filters.CharFilter):
    """A code (`?committee=`, `?district=`, `?street=`) or, with `search=True`, a search (`?q=`), read in its
    canonical form (portal.core.forms.NormalisedCharField): `３１０１０１` or a code with a zero-width space filters
    as `310101`. A control character is the filter's error: the API answers 400 naming the parameter; a page
    leaves the filter out."""

    field_class = NormalisedCharField



class FilterSet(django_filters.FilterSet):
    """Every app's filtersets derive from this one: a filter generated from a model's CodeField (`Meta.fields =
    ["code"]`) reads its value canonically too (NormalisedCharFilter), so a new filterset cannot forget it
    (django-filter's FILTER_DEFAULTS, per FilterSet class)."""

    FILTER_DEFAULTS = {**FILTER_FOR_DBFIELD_DEFAULTS, CodeField: {"filter_class": NormalisedCharFilter}}
