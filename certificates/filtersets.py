"""FilterSets shared by the pages and the API (django-filter). Related rows are filtered by their key, never
through a choice list: the queryset is already restricted, so a key outside the user's scope matches nothing."""

import django_filters
from django.utils.translation import gettext_lazy as _

from certificates.choices import SealItem
from certificates.models import CertificateType, Registration, SealUse
from committees.filtersets import YearFilter, code_filter
from portal.core.filters import FilterSet


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


class SealUseFilterSet(FilterSet):
    committee = code_filter("committee", _("committee"))
    item = django_filters.ChoiceFilter(choices=SealItem.choices, label=_("seal-use item"))

    class Meta:
        model = SealUse
        fields: list[str] = []
