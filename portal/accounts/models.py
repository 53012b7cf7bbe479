from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from portal.accounts.roles import ROLE_LEVEL, Role
from portal.core.text import is_cjk


def _has_cjk(text: str) -> bool:
    """Whether `text` holds a Chinese, Japanese or Korean character (a Han ideograph, kana or hangul)."""
    return any(is_cjk(char) for char in text)


class User(AbstractUser):
    """A portal user: one role, one organisation unit (DOMAIN "Who uses it").

    The unit's ancestors are stored too (a committee's staff have their street and district set), so
    that scoping a query is a filter on one column, never a walk up the hierarchy.
    """

    role = models.CharField(_("role"), max_length=12, choices=Role.choices, blank=True)
    district = models.ForeignKey(
        "committees.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    street = models.ForeignKey(
        "committees.Street", verbose_name=_("street"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    committee = models.ForeignKey(
        "committees.Committee", verbose_name=_("committee"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "committees.Department", verbose_name=_("department"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[*Role.values, ""]), name="user_role_valid",
                violation_error_message=_("Unknown role."),
            ),
            # Each role has exactly the units of its level set.
            models.CheckConstraint(
                condition=Q(role="")
                | (Q(role=Role.CITY) & Q(district__isnull=True) & Q(street__isnull=True) & Q(committee__isnull=True)
                   & Q(department__isnull=True))
                | (Q(role=Role.DISTRICT) & Q(district__isnull=False) & Q(street__isnull=True) & Q(committee__isnull=True)
                   & Q(department__isnull=True))
                | (Q(role=Role.DEPARTMENT) & Q(district__isnull=False) & Q(department__isnull=False)
                   & Q(street__isnull=True) & Q(committee__isnull=True))
                | (Q(role=Role.STREET) & Q(district__isnull=False) & Q(street__isnull=False) & Q(committee__isnull=True)
                   & Q(department__isnull=True))
                | (Q(role=Role.COMMITTEE) & Q(district__isnull=False) & Q(street__isnull=False)
                   & Q(committee__isnull=False) & Q(department__isnull=True)),
                name="user_unit_matches_role",
                violation_error_message=_("The organisation unit does not match the role."),
            ),
        ]

    @property
    def scope_level(self) -> str | None:
        return ROLE_LEVEL.get(self.role)

    @property
    def unit(self):  # noqa: ANN201 - District | Street | Committee | None
        return self.committee or self.street or self.district

    @property
    def unit_name(self) -> str:
        if self.role == Role.CITY:
            return str(_("Shanghai"))
        if self.role == Role.DEPARTMENT and self.department_id:
            return str(self.department)
        return str(self.unit) if self.unit else ""

    def get_full_name(self) -> str:
        """The name as its language writes it: 姓名 (family name first, no space) when either part is written in
        CJK characters ("王芳"), given name first otherwise ("Anna Schmidt"); empty when neither is set."""
        last, first = self.last_name.strip(), self.first_name.strip()
        if _has_cjk(last) or _has_cjk(first):
            return f"{last}{first}"
        return super().get_full_name()

    @property
    def name_with_unit(self) -> str:
        """The one way to show a person of a unit: "王芳（外滩街道）" in Chinese, "Wang Fang (外滩街道)" in English, in the
        active language; the username stands in for a missing name, and a person without a unit (an administrator)
        is their name alone. Reads the unit like `unit_name` (select the user's units with the row)."""
        person = self.get_full_name() or self.username
        unit = self.unit_name
        if not unit:
            return person
        return pgettext("a person of a unit", "%(person)s (%(unit)s)") % {"person": person, "unit": unit}

    def clean(self) -> None:
        super().clean()
        if self.committee_id and self.street_id and self.committee.street_id != self.street_id:
            raise ValidationError({"committee": _("The committee is not in the user's street.")})
        if self.street_id and self.district_id and self.street.district_id != self.district_id:
            raise ValidationError({"street": _("The street is not in the user's district.")})
        if self.department_id and self.district_id and self.department.district_id != self.district_id:
            raise ValidationError({"department": _("The department is not in the user's district.")})
