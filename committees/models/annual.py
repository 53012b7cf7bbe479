from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.choices import CommitteeKind, FundKind
from portal.core.scoping import ScopedModel

from .organisation import Committee, District, Street

__all__ = ["CommitteeYear", "SpaceStandard", "CommunityFund", "YEAR_MIN", "YEAR_MAX"]

YEAR_MIN, YEAR_MAX = 1949, 2100
_AREA = {"max_digits": 9, "decimal_places": 2, "null": True, "blank": True}


class SpaceStandard(ScopedModel):
    """A district's office-and-service space standard, applying from `from_year` until the next one."""

    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="space_standards"
    )
    from_year = models.PositiveSmallIntegerField(
        _("applies from year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    office_min_m2 = models.DecimalField(_("minimum office area (m²)"), max_digits=9, decimal_places=2)
    elder_min_m2 = models.DecimalField(_("minimum elder room area (m²)"), max_digits=9, decimal_places=2)
    source = models.CharField(_("source"), max_length=200, blank=True)

    scope_paths = {"district": "district"}

    class Meta:
        verbose_name = _("space standard")
        verbose_name_plural = _("space standards")
        ordering = ["district", "-from_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "from_year"],
                name="space_standard_unique_year",
                violation_error_message=_("This district already has a standard from that year."),
            ),
            models.CheckConstraint(
                condition=Q(from_year__gte=YEAR_MIN) & Q(from_year__lte=YEAR_MAX),
                name="space_standard_year_range",
                violation_error_message=_("The year must be between 1949 and 2100."),
            ),
            models.CheckConstraint(
                condition=Q(office_min_m2__gte=0) & Q(elder_min_m2__gte=0),
                name="space_standard_non_negative",
                violation_error_message=_("Areas cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.from_year}: {self.office_min_m2}/{self.elder_min_m2} m²"

    @classmethod
    def default(cls) -> "SpaceStandard":
        values = settings.PORTAL_SPACE_STANDARD_DEFAULT
        return cls(from_year=YEAR_MIN, office_min_m2=Decimal(values["office_m2"]), elder_min_m2=Decimal(values["elder_m2"]))

    @classmethod
    def applying(cls, standards: list["SpaceStandard"], year: int) -> "SpaceStandard":
        """The standard in force in `year` among one district's standards (the default when none)."""
        candidates = [s for s in standards if s.from_year <= year]
        return max(candidates, key=lambda s: s.from_year) if candidates else cls.default()


class CommitteeYear(ScopedModel):
    """A committee's annual record: the data every indicator is computed from."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)])
    households = models.PositiveIntegerField(_("households"))
    resident_households = models.PositiveIntegerField(_("resident households"))
    office_area_m2 = models.DecimalField(_("office area (m²)"), **_AREA)
    elder_area_m2 = models.DecimalField(_("elder room area (m²)"), **_AREA)
    work_fund_yuan = models.DecimalField(_("work fund (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}

    class Meta:
        verbose_name = _("annual record")
        verbose_name_plural = _("annual records")
        ordering = ["committee", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "year"],
                name="committee_year_unique",
                violation_error_message=_("This committee already has a record for that year."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                name="committee_year_range",
                violation_error_message=_("The year must be between 1949 and 2100."),
            ),
            models.CheckConstraint(
                condition=(Q(office_area_m2__isnull=True) | Q(office_area_m2__gte=0))
                & (Q(elder_area_m2__isnull=True) | Q(elder_area_m2__gte=0))
                & (Q(work_fund_yuan__isnull=True) | Q(work_fund_yuan__gte=0)),
                name="committee_year_non_negative",
                violation_error_message=_("Areas and the work fund cannot be negative."),
            ),
        ]
        indexes = [models.Index(fields=["year", "committee"], name="committee_year_year_idx")]

    def __str__(self) -> str:
        return f"{self.committee} {self.year}"

    # DOMAIN "Hierarchy": split at 3000 households unless in transition; the split rule is for residents'.
    @property
    def is_oversized(self) -> bool:
        return (
            self.committee.kind == CommitteeKind.RESIDENTS
            and self.households >= settings.PORTAL_OVERSIZED_HOUSEHOLDS
            and not self.committee.transition
        )

    def is_merge_candidate(self, threshold: int) -> bool:
        return self.committee.kind == CommitteeKind.RESIDENTS and self.households < threshold

    def space_shortfall(self, standard: SpaceStandard) -> dict[str, Decimal | None]:
        """m² missing to the standard per area (None: the area is not recorded, which never meets it)."""

        def gap(value: Decimal | None, minimum: Decimal) -> Decimal | None:
            return None if value is None else max(Decimal(0), minimum - value)

        return {"office": gap(self.office_area_m2, standard.office_min_m2),
                "elder": gap(self.elder_area_m2, standard.elder_min_m2)}

    def meets_space_standard(self, standard: SpaceStandard) -> bool:
        return all(v == 0 for v in self.space_shortfall(standard).values())


class CommunityFund(ScopedModel):
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="funds")
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=FundKind.choices)
    established_on = models.DateField(_("established on"))

    scope_paths = {"district": "street__district", "street": "street"}

    class Meta:
        verbose_name = _("community fund")
        verbose_name_plural = _("community funds")
        ordering = ["street", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["street", "name"],
                name="community_fund_unique_name",
                violation_error_message=_("This street already has a fund of that name."),
            ),
            models.CheckConstraint(
                condition=~Q(name=""), name="community_fund_name_required", violation_error_message=_("A name is required.")
            ),
            models.CheckConstraint(
                condition=Q(kind__in=FundKind.values),
                name="community_fund_kind_valid",
                violation_error_message=_("The kind is community fund or community foundation."),
            ),
        ]

    def __str__(self) -> str:
        return self.name
