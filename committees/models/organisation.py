"""District > street > committee, keyed by the national statistical division codes (统计用区划代码).

Codes are the primary keys: they are stable natural keys, imports upsert by them, and nesting
("a street's code starts with its district's") can then be a CHECK constraint on the row itself.
"""

import datetime

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from committees.choices import CommitteeKind, StreetKind
from portal.core.fields import CodeField
from portal.core.scoping import ScopedManager, ScopedModel, ScopedQuerySet

__all__ = ["District", "Street", "Committee", "Department"]


class District(ScopedModel):
    code = CodeField(_("division code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=50)
    merge_threshold = models.PositiveIntegerField(
        _("merge threshold (households)"),
        default=500,
        help_text=_("Residents' committees with fewer households than this are merge candidates."),
    )

    scope_paths = {"district": "pk"}

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["code"]
        permissions = [("manage_grants", _("Can grant named people access to committees"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^31[0-9]{4}$"),
                name="district_code_format",
                violation_error_message=_("A district code has 6 digits and starts with 31 (Shanghai)."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="district_name_required", violation_error_message=_("A name is required.")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Street(ScopedModel):
    code = CodeField(_("code"), max_length=9, primary_key=True)
    district = models.ForeignKey(District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="streets")
    name = models.CharField(_("name"), max_length=50)
    kind = models.CharField(_("kind"), max_length=10, choices=StreetKind.choices)

    scope_paths = {"district": "district", "street": "pk"}

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["code"]
        constraints = [
            # DOMAIN "Data interchange": the district's 6 digits + 3; 0xx street, 1xx town, 2xx township.
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{9}$") & Q(code__startswith=F("district")),
                name="street_code_nested",
                violation_error_message=_("A street code has 9 digits and starts with its district's code."),
            ),
            models.CheckConstraint(
                condition=(Q(kind=StreetKind.STREET) & Q(code__regex=r"^[0-9]{6}0[0-9]{2}$"))
                | (Q(kind=StreetKind.TOWN) & Q(code__regex=r"^[0-9]{6}1[0-9]{2}$"))
                | (Q(kind=StreetKind.TOWNSHIP) & Q(code__regex=r"^[0-9]{6}2[0-9]{2}$")),
                name="street_kind_matches_code",
                violation_error_message=_(
                    "The 7th digit of a street code gives its kind: 0 street, 1 town, 2 township."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="street_name_required", violation_error_message=_("A name is required.")
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeQuerySet(ScopedQuerySet):
    def active_on(self, day: datetime.date) -> "CommitteeQuerySet":
        """DOMAIN "Indicators": established on or before the day, not yet dissolved."""
        return self.filter(Q(established_on__isnull=True) | Q(established_on__lte=day)).filter(
            Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=day)
        )


class Committee(ScopedModel):
    code = CodeField(_("code"), max_length=12, primary_key=True)
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="committees")
    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=CommitteeKind.choices)
    established_on = models.DateField(_("established on"), null=True, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)
    transition = models.BooleanField(
        _("transition"),
        default=False,
        help_text=_("Kept as is during old-area renewal: exempt from the split rule."),
    )

    scope_paths = {"district": "street__district", "street": "street", "committee": "pk"}

    objects = ScopedManager.from_queryset(CommitteeQuerySet)()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["code"]
        constraints = [
            # DOMAIN: the street's 9 digits + 3; 001-199 residents' committee, 200-399 village committee.
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{12}$") & Q(code__startswith=F("street")),
                name="committee_code_nested",
                violation_error_message=_("A committee code has 12 digits and starts with its street's code."),
            ),
            models.CheckConstraint(
                condition=(Q(kind=CommitteeKind.RESIDENTS) & Q(code__regex=r"^[0-9]{9}(00[1-9]|0[1-9][0-9]|1[0-9]{2})$"))
                | (Q(kind=CommitteeKind.VILLAGE) & Q(code__regex=r"^[0-9]{9}[23][0-9]{2}$")),
                name="committee_kind_matches_code",
                violation_error_message=_(
                    "The last 3 digits of a committee code give its kind: 001-199 residents', 200-399 village."
                ),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(established_on__isnull=True)
                | Q(dissolved_on__gt=F("established_on")),
                name="committee_dissolved_after_established",
                violation_error_message=_("A committee is dissolved after it was established."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="committee_name_required", violation_error_message=_("A name is required.")
            ),
        ]
        indexes = [models.Index(fields=["street", "name"], name="committee_street_name_idx")]

    def __str__(self) -> str:
        return self.name

    def is_active_on(self, day: datetime.date) -> bool:
        return (self.established_on is None or self.established_on <= day) and (
            self.dissolved_on is None or self.dissolved_on > day
        )


class Department(ScopedModel):
    """A functional department of a district (区职能部门); department staff belong to one."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=60)

    scope_paths = {"district": "district"}

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["district", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name=""), name="department_name_required", violation_error_message=_("A name is required.")
            ),
            models.UniqueConstraint(
                fields=["district", "name"],
                name="department_unique_name",
                violation_error_message=_("This district already has a department of that name."),
            ),
        ]

    def __str__(self) -> str:
        """The name with its district's: 黄浦区 + 卫生健康委员会, 区卫生健康委员会 (as it is called inside the
        district) or 黄浦区卫生健康委员会 (already whole) all read "黄浦区卫生健康委员会", never "黄浦区区…"."""
        district = self.district.name
        if self.name.startswith(district):
            return self.name
        if district[-1:] in ("区", "县") and self.name.startswith(district[-1]):
            return f"{district}{self.name[1:]}"
        return f"{district}{self.name}"

