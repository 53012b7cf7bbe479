"""django-filter pieces shared by every app's filtersets."""

import django_filters

from portal.core.forms import NormalisedCharField

__all__ = ["NormalisedCharFilter"]


class NormalisedCharFilter(django_filters.CharFilter):
    """A code (`?committee=`, `?district=`, `?street=`) or, with `search=True`, a search (`?q=`), read in its
    canonical form (portal.core.forms.NormalisedCharField): `３１０１０１` or a code with a zero-width space filters
    as `310101`. A control character is the filter's error: the API answers 400 naming the parameter; a page
    leaves the filter out."""

    field_class = NormalisedCharField
