"""The certificate register and the seal register (DOMAIN "Certificates"): what a committee issued, under a serial
number per committee and year without gaps, and every use of its seal."""

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from certificates.choices import SealItem
from committees.models import Committee
from portal.core.fields import CodeField
from portal.core.scoping import Action, ScopedModel

from .catalogue import CertificateType

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["SerialCounter", "Registration", "SealUse"]


class SerialCounter(models.Model):
    """The last serial number a committee gave in a year; locked while the next one is given, so none is skipped."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last serial number"), default=0)

    class Meta:
        verbose_name = _("serial counter")
        verbose_name_plural = _("serial counters")
        constraints = [models.UniqueConstraint(fields=["committee", "year"], name="serial_counter_unique")]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.year}: {self.last}"


class Registration(ScopedModel):
    """A certificate a committee issued. Never deleted: a wrong one is voided with a reason and keeps its serial."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    certificate_type = models.ForeignKey(CertificateType, verbose_name=_("certificate"), on_delete=models.PROTECT,
                                         related_name="registrations")
    applicant_name = models.CharField(_("applicant"), max_length=50)
    # The ID number is never stored in clear: masked for reading, and a keyed hash to find repeats.
    id_masked = models.CharField(_("ID number"), max_length=18)
    # Indexed below (equality only: no LIKE twin).
    id_hash = models.CharField(_("ID number hash"), max_length=64, editable=False)
    purpose = models.CharField(_("purpose"), max_length=200)
    facts = models.TextField(_("facts certified"))
    verification = models.TextField(_("how the facts were verified"))
    issuer = models.ForeignKey("accounts.User", verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(_("issued at"))
    seal_used = models.BooleanField(_("seal used"), default=True)
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.TextField(_("void reason"), blank=True)
    voided_by = models.ForeignKey("accounts.User", verbose_name=_("voided by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}
    actions = {
        # The committee's own staff register and void; a grant lets others read, never issue.
        "add": Action(at={"committee": Q()}, grant=None),
        "void": Action(at={"committee": Q()}, where=Q(voided_at__isnull=True), grant=None),
        # Nothing registered is edited or deleted, by anyone: a wrong one is voided (STYLE B6).
        "change": Action(at={}, grant=None),
        "delete": Action(at={}, grant=None),
    }

    class Meta:
        verbose_name = _("certificate registration")
        verbose_name_plural = _("certificate registrations")
        ordering = ["-issued_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "year", "serial"], name="registration_unique_serial",
                                    violation_error_message=_("This serial number is already used.")),
            models.CheckConstraint(condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                                   name="registration_void_has_reason",
                                   violation_error_message=_("A void needs a reason.")),
        ]
        indexes = [models.Index(fields=["committee", "-issued_at", "-id"], name="registration_register_idx"),
                   models.Index(fields=["issued_at"], name="registration_issued_idx"),
                   models.Index(fields=["id_hash"], name="registration_id_hash_idx"),
                   # Every column the statistics read, so a district's year is an index-only scan: no heap visit
                   # for each of its hundreds of thousands of rows (benchmarks/certificates.py). Key columns, not
                   # INCLUDE: SQLite has no covering indexes.
                   models.Index(fields=["committee", "year", "certificate_type", "issued_at", "voided_at"],
                                name="registration_statistics_idx")]
        permissions = [("void_registration", _("Can void a certificate registration"))]

    def __str__(self) -> str:
        return f"{self.number} {self.certificate_type_id}"

    @property
    def number(self) -> str:
        return f"{self.year}-{self.serial:04d}"

    def mark_voided(self, *, reason: str, by: "User", at: datetime.datetime) -> None:
        """Set the three fields of a void together (the caller saves them: registration_void)."""
        self.voided_at, self.void_reason, self.voided_by = at, reason, by


class SealUse(ScopedModel):
    """印章使用记录: every use of the committee's seal, against an item of the seal-use list."""

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(_("used at"))
    item = models.CharField(_("seal-use item"), max_length=12, choices=SealItem.choices)
    content = models.CharField(_("content"), max_length=300)
    copies = models.PositiveSmallIntegerField(_("copies"), default=1)
    approver = models.CharField(_("approved by"), max_length=50)
    handler = models.ForeignKey("accounts.User", verbose_name=_("handled by"), on_delete=models.PROTECT, related_name="+")
    applicant_name = models.CharField(_("applicant"), max_length=50, blank=True)
    applicant_phone = CodeField(_("applicant's phone"), max_length=20, blank=True)
    registration = models.OneToOneField(Registration, verbose_name=_("certificate"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="seal_use")

    scope_paths = {"district": "committee__street__district", "street": "committee__street", "committee": "committee"}
    actions = {"add": Action(at={"committee": Q()}, grant=None)}

    class Meta:
        verbose_name = _("seal use")
        verbose_name_plural = _("seal register")
        ordering = ["-used_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(item__in=SealItem.values), name="seal_use_item_listed",
                                   violation_error_message=_("The seal may only be used for an item of the seal-use list.")),
            models.CheckConstraint(condition=Q(copies__gte=1), name="seal_use_copies_positive",
                                   violation_error_message=_("At least one copy.")),
        ]
        indexes = [models.Index(fields=["committee", "-used_at"], name="seal_use_register_idx")]

    def __str__(self) -> str:
        return f"{self.get_item_display()} {self.used_at:%Y-%m-%d}"

    @property
    def phone_masked(self) -> str:
        phone = self.applicant_phone
        return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else phone
