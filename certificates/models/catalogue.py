"""The certificate catalogue: what a committee may issue, and where to send a resident otherwise (DOMAIN
"Certificates", REFERENCE §1). National and city types apply everywhere; a district adds its own types and
may override a national or city type for its committees."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.choices import CertificateRule, Jurisdiction
from certificates.names import validate_names
from committees.models import Committee, District
from portal.core.scoping import Action, ScopedModel

__all__ = ["CertificateType", "LookupTally"]


class CertificateType(ScopedModel):
    Rule = CertificateRule
    Jurisdiction = Jurisdiction

    name = models.CharField(_("certificate"), max_length=100)
    aliases = models.JSONField(_("other names"), default=list, blank=True, validators=[validate_names],
                               help_text=_("What residents call it, one name per entry."))
    sub_items = models.JSONField(_("sub-items"), default=list, blank=True, validators=[validate_names])
    rule = models.CharField(_("rule"), max_length=12, choices=CertificateRule.choices)
    conditions = models.TextField(_("conditions"), blank=True, help_text=_("What the committee must know first-hand."))
    alternative_route = models.TextField(_("alternative route"), blank=True)
    handled_by = models.CharField(_("handled by"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    source_document = models.CharField(_("source document"), max_length=200, blank=True)
    jurisdiction = models.CharField(_("jurisdiction"), max_length=10, choices=Jurisdiction.choices)
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="certificate_types")
    overrides = models.ForeignKey("self", verbose_name=_("overrides"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="overridden_by",
                                  help_text=_("The national or city type this district's entry replaces."))
    to_be_confirmed = models.BooleanField(
        _("to be confirmed"), default=False,
        help_text=_("The route is the usual one; confirm it against the district's published list."))
    is_active = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "district"}
    actions = {
        # A district's own types and overrides, and for reading also the national and city types.
        "view": Action(grant="view", shared=Q(district__isnull=True)),
        # The district's staff add and change their district's entries (their own types and overrides).
        "add": Action(at={"district": Q()}, grant=None),
        "change": Action(at={"district": Q()}, grant=None),
    }

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["jurisdiction", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(jurisdiction="district") & Q(district__isnull=False))
                | (~Q(jurisdiction="district") & Q(district__isnull=True) & Q(overrides__isnull=True)),
                name="certificate_type_district_matches",
                violation_error_message=_("A district's type names its district; national and city types name none."),
            ),
            models.CheckConstraint(
                condition=~Q(rule="refuse") | ~Q(alternative_route=""), name="certificate_type_refusal_has_route",
                violation_error_message=_("A type that is not issued needs the route to tell the resident."),
            ),
            models.UniqueConstraint(fields=["district", "overrides"], condition=Q(overrides__isnull=False),
                                    name="certificate_type_one_override",
                                    violation_error_message=_("This district already overrides that type.")),
            models.CheckConstraint(condition=~Q(name=""), name="certificate_type_name_required",
                                   violation_error_message=_("A name is required.")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def issuable(self) -> bool:
        return self.rule != CertificateRule.DO_NOT_ISSUE


class LookupTally(models.Model):
    """How often each answer was given, per committee, type and day: a do-not-issue answer is a request turned away."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.CASCADE, related_name="+")
    certificate_type = models.ForeignKey(CertificateType, verbose_name=_("certificate"), on_delete=models.CASCADE,
                                         related_name="+")
    day = models.DateField(_("day"))
    issuable = models.BooleanField(_("may issue"))
    count = models.PositiveIntegerField(_("residents answered"), default=0)

    class Meta:
        verbose_name = _("lookup tally")
        verbose_name_plural = _("lookup tallies")
        constraints = [models.UniqueConstraint(fields=["committee", "certificate_type", "day"], name="lookup_tally_unique")]
        indexes = [models.Index(fields=["day", "committee"], name="lookup_tally_day_idx")]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.certificate_type_id} {self.day}: {self.count}"
