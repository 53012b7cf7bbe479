"""django-filter pieces shared by every app's filtersets."""

from collections.abc import Callable
from typing import Any

import django_filters
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin
from django_filters.filterset import FILTER_FOR_DBFIELD_DEFAULTS

from portal.core.fields import CodeField
from portal.core.forms import NormalisedCharField

__all__ = ["FilterSet", "NormalisedCharFilter", "restricted_choices"]


class NormalisedCharFilter(django_filters.CharFilter):
    """A code (`?committee=`, `?district=`, `?street=`) or, with `search=True`, a search (`?q=`), read in its
    canonical form (portal.core.forms.NormalisedCharField): `３１０１０１` or a code with a zero-width space filters
    as `310101`. A control character is the filter's error: the API answers 400 naming the parameter; a page
    leaves the filter out."""

    field_class = NormalisedCharField



def restricted_choices(queryset: QuerySet | Callable[[Any], QuerySet]) -> Callable[[Any], QuerySet]:
    """A filter's choice of rows (a ModelChoiceFilter's `queryset`, or a callable of the request) as the request's
    user reads them: `restrict(user, "view")`, nothing without a user. A row outside the reader's scope is then
    "not one of the available choices", word for word as a row that exists nowhere (issue 13). Raises
    ImproperlyConfigured for rows no restrict() scopes (people, audit entries): filter those by a key."""

    def for_request(request: Any) -> QuerySet:
        rows = queryset(request) if callable(queryset) else queryset
        if not hasattr(rows, "restrict"):
            raise ImproperlyConfigured(
                f"A filter chooses among {rows.model.__name__} rows, which restrict() does not scope: filter by a key "
                "(committees.filtersets.code_filter) instead")
        user = getattr(request, "user", None)
        return rows.restrict(user, "view") if user is not None else rows.none()

    return for_request


# A text filter's value too long (Django's own message says "变量" and counts with half-width brackets).
SEARCH_TOO_LONG = _("Search for at most %(limit_value)d characters (this one has %(show_value)d).")


class FilterSet(django_filters.FilterSet):
    """Every app's filtersets derive from this one:
    - a filter generated from a model's CodeField (`Meta.fields = ["code"]`) reads its value canonically too
      (NormalisedCharFilter), so a new filterset cannot forget it (django-filter's FILTER_DEFAULTS, per class);
    - every filter that chooses among rows (a ModelChoiceFilter, declared or generated from a foreign key in
      `Meta.fields`) chooses among those the request's user may view (restricted_choices): its form offers nothing
      outside the reader's scope, and a code outside it answers as a code that exists nowhere (issue 13). The
      units are better filtered by code (committees.filtersets.code_filter), without a choice list at all;
    - a text filter's value longer than its limit says so plainly ("搜索内容最多 50 个字（现有 5000 个）。"),
      a field error on a page and a 400 from the API."""

    FILTER_DEFAULTS = {**FILTER_FOR_DBFIELD_DEFAULTS, CodeField: {"filter_class": NormalisedCharFilter}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for choice in self.filters.values():  # the instance's own copies (django-filter deep-copies base_filters)
            if isinstance(choice, QuerySetRequestMixin) and choice.queryset is not None:
                choice.queryset = restricted_choices(choice.queryset)
            if issubclass(choice.field_class, forms.CharField) and choice.extra.get("max_length"):
                choice.extra["error_messages"] = {"max_length": SEARCH_TOO_LONG,
                                                  **choice.extra.get("error_messages", {})}
                choice.__dict__.pop("_field", None)  # built before: built again with the message
