"""FilterSets shared by the pages and the API (django-filter). Related rows are filtered by their key, never
through a choice list: the queryset is already restricted, so a key outside the user's scope matches nothing."""

import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat, Replace
from django.utils.translation import gettext_lazy as _

from certificates.choices import SealItem
from certificates.models import CertificateType, Registration, SealUse
from committees.filtersets import YearFilter, code_filter
from portal.core.filters import FilterSet, NormalisedCharFilter
from portal.core.forms import DateInput, NormalisedCharField
from portal.core.text import search_key


class CertificateTypeFilterSet(FilterSet):
    district = code_filter("district", _("district"))

    class Meta:
        model = CertificateType
        fields = ["rule", "jurisdiction"]


class RegistrationFilterSet(FilterSet):
    committee = code_filter("committee", _("committee"))
    certificate_type = django_filters.NumberFilter(field_name="certificate_type", label=_("certificate"))
    voided = django_filters.BooleanFilter(field_name="voided_at", lookup_expr="isnull", exclude=True,
                                          label=_("voided"))
    year = YearFilter()

    class Meta:
        model = Registration
        fields = ["year"]


# A certificate's number as the register prints it (2026-0012: Registration.number), or its serial alone (12).
SERIAL = re.compile(r"^(?:(?P<year>\d{4})\s*-\s*)?(?P<serial>\d{1,9})$")


class SerialField(NormalisedCharField):
    """A certificate's number, `2026-0012` or `12`, read canonically (full-width `２０２６－００１２` too) into
    (year or None, serial); anything else is the field's error, which says the form."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not value:
            return None
        found = SERIAL.match(value.replace("−", "-"))
        if found is None:
            raise forms.ValidationError(_("Type a certificate number such as 2026-0012, or its serial 12."),
                                        code="invalid_serial")
        return (int(found["year"]) if found["year"] else None), int(found["serial"])


class SerialFilter(django_filters.Filter):
    field_class = SerialField

    def filter(self, qs: QuerySet, value: tuple[int | None, int] | None) -> QuerySet:
        if not value:
            return qs
        year, serial = value
        found = qs.filter(**{f"{self.field_name}__serial": serial})
        return found.filter(**{f"{self.field_name}__year": year}) if year else found


class SealUseSearchForm(forms.Form):
    """The seal register's search as a form: the days it spans read in order."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("used_from"), data.get("used_to")
        if start and end and start > end:
            self.add_error("used_from", forms.ValidationError(
                _("The start date cannot be later than the end date."), code="date_order"))
        return data


class SealUseFilterSet(FilterSet):
    """The seal register's search (the page's and the API's): a person's name (`name`: the 经办人 who handled it,
    the applicant it was used for, or who approved it), a certificate's number (`serial`) and the days it was
    used on (`used_from`, `used_to`, in Shanghai time; a start after the end is `used_from`'s error), each read like
    any input: a page leaves a wrong one out and says so on its field, the API answers 400. A name is compared
    without spaces (portal.core.text.search_key): "张三" finds "张 三"."""

    committee = code_filter("committee", _("committee"))
    item = django_filters.ChoiceFilter(choices=SealItem.choices, label=_("seal-use item"))
    name = NormalisedCharFilter(method="filter_name", label=_("Person's name"), search=True, max_length=50)
    serial = SerialFilter(field_name="registration", label=_("Certificate number"))
    used_from = django_filters.DateFilter(field_name="used_at", lookup_expr="date__gte", label=_("Used from"),
                                          widget=DateInput())
    used_to = django_filters.DateFilter(field_name="used_at", lookup_expr="date__lte", label=_("Used until"),
                                        widget=DateInput())

    class Meta:
        model = SealUse
        fields: list[str] = []
        form = SealUseSearchForm

    def filter_name(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        key = search_key(value)
        if not key:
            return queryset
        # 姓名 as people write it: 王芳 (family name first) or Anna Schmidt (User.get_full_name), compared without
        # spaces (portal.core.text.search_key), so "张三" finds a "张 三" typed before names were written one way.
        queryset = queryset.alias(
            handler_cjk=_without_spaces(Concat("handler__last_name", "handler__first_name")),
            handler_latin=_without_spaces(Concat("handler__first_name", "handler__last_name")),
            applicant_key=_without_spaces("applicant_name"), approver_key=_without_spaces("approver"))
        return queryset.filter(Q(handler_cjk__icontains=key) | Q(handler_latin__icontains=key)
                               | Q(handler__username__iexact=value) | Q(applicant_key__icontains=key)
                               | Q(approver_key__icontains=key))


def _without_spaces(text: str | Concat) -> Replace:
    """A column (or a concatenation of columns) without its spaces, to compare with a search_key."""
    return Replace(text, Value(" "), Value(""))
