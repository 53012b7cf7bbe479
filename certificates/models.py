"""The certificate catalogue: what a committee may issue, and where to send a resident otherwise (DOMAIN
"Certificates", REFERENCE §1). National and city types apply everywhere; a district adds its own types and
may override a national or city type for its committees."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, District
from portal.core.scoping import Action, ScopedModel


class CertificateType(ScopedModel):
    class Rule(models.TextChoices):
        FACTS = "facts", _("may issue according to facts")
        DELIBERATION = "deliberation", _("may issue after residents' deliberation and the director's signature")
        DO_NOT_ISSUE = "refuse", _("do not issue")

    class Jurisdiction(models.TextChoices):
        NATIONAL = "national", _("national")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")

    name = models.CharField(_("certificate"), max_length=100)
    aliases = models.JSONField(_("other names"), default=list, blank=True,
                               help_text=_("What residents call it, one name per entry."))
    sub_items = models.JSONField(_("sub-items"), default=list, blank=True)
    rule = models.CharField(_("rule"), max_length=12, choices=Rule.choices)
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
    # Name, other names, sub-items and their pinyin (full and initials), for the lookup.
    search_text = models.TextField(editable=False, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    scope_paths = {"district": "district"}
    actions = {
        # A district's own types and overrides, and for reading also the national and city types.
        "view": Action(grant="view", shared=Q(district__isnull=True)),
        "change": Action(at={"district": Q()}, grant=None),  # the district's staff, their district's entries
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
        return self.rule != self.Rule.DO_NOT_ISSUE

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        from certificates.lookup import search_text

        self.search_text = search_text(self)
        super().save(*args, **kwargs)


class LookupTally(models.Model):
    """How often each answer was given, per committee, type and day: a do-not-issue answer is a request turned away."""

    committee = models.ForeignKey(Committee, on_delete=models.CASCADE, related_name="+")
    certificate_type = models.ForeignKey(CertificateType, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    issuable = models.BooleanField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["committee", "certificate_type", "day"], name="lookup_tally_unique")]
        indexes = [models.Index(fields=["day", "committee"], name="lookup_tally_day_idx")]

    def __str__(self) -> str:
        return f"{self.committee_id} {self.certificate_type_id} {self.day}: {self.count}"



class SealItem(models.TextChoices):
    """The seal-use list (REFERENCE S8): the only things a committee's seal may go on."""

    RESOLUTION = "resolution", "居民会议/居民代表会议决议"
    REPORT = "report", "以居委会名义上报的公文"
    DISCLOSURE = "disclosure", "居务公开内容"
    NOTICE = "notice", "面向居民的通知、告示、宣传材料"
    STATISTICS = "statistics", "统计报表和档案"
    AGREEMENT = "agreement", "共建活动和资源共享协议"
    COMMENDATION = "commendation", "以居委会名义开展的表彰"
    CERTIFICATE = "certificate", "为辖区居民据实出具证明"


class SerialCounter(models.Model):
    """The last serial number a committee gave in a year; locked while the next one is given, so none is skipped."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
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
    id_hash = models.CharField(max_length=64, editable=False)  # indexed below (equality only: no LIKE twin)
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
    applicant_phone = models.CharField(_("applicant's phone"), max_length=20, blank=True)
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
