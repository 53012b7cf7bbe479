"""The record of every organisation import: who, when, which file, and what came of it."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.jobs import Job
from portal.core.scoping import Action, ScopedModel

from .organisation import District, Street

__all__ = ["OrgImport"]


class OrgImport(ScopedModel, Job):
    """An uploaded file checked (a dry run), then, once confirmed, imported: each step a durable job
    (portal/core/jobs.py) while the status is "checking" or "applying".

    What `changes` keeps. Its rows hold personal data (community workers' names, staff numbers, dates), and the
    rule of the uploaded file (the services' _discard_file) holds for them too: everything only while the file
    can still be confirmed ("checked", or a step running). Once it cannot (the services' _settle_changes):
    - imported ("done"): the rows stay, for the page to say what the import changed, but those of the sheets
      about people (workers, qualifications: `changes["withheld"]`) keep only their row, action, key (the staff
      number, which the worker's own record holds anyway) and the names of the fields that changed, not the
      name nor the values, old or new (the old ones are stored nowhere else). The organisation's own sheets
      (units, annual records, funds) hold no personal data and are kept whole;
    - cancelled, given up or failed (and "has errors", which never lists them): no rows at all, since nothing
      was written; the counts stay (`counts`, and `changes["count"]`);
    - the digest and the "rechecked" flag, which only a confirmation needs, go in both cases.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("checking")
        INVALID = "invalid", _("has errors")
        VALID = "valid", _("ready to import")
        APPLYING = "applying", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")

    class Source(models.TextChoices):
        WEB = "web", _("web page")
        COMMAND = "command", _("command line")

    RUNNING = (Status.CHECKING, Status.APPLYING)

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("imported by"), null=True, blank=True, on_delete=models.PROTECT
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    # The importer's unit when the import was made: whose history it belongs to.
    district = models.ForeignKey(District, verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT)
    street = models.ForeignKey(Street, verbose_name=_("street"), null=True, blank=True, on_delete=models.PROTECT)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("file size (bytes)"), default=0)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.CHECKING)
    rows_done = models.PositiveIntegerField(_("rows read"), default=0)
    rows_total = models.PositiveIntegerField(_("rows in the file"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    errors = models.JSONField(_("errors"), default=list, blank=True, encoder=DjangoJSONEncoder)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warnings = models.JSONField(_("warnings"), default=list, blank=True)
    # What the check found to create and update (and, once imported, what was), row by row, for the check page;
    # the example rows of the template it skipped. See ImportReport.changes: {"rows": {sheet: [...]},
    # "count": every row created or updated, "digest": ImportReport.digest of them all, which a confirmation
    # compares, "examples": {sheet: rows skipped}, "rechecked": true when a confirmation found other changes
    # and the file was checked again instead (the services' _recheck), "withheld": [sheets whose names and
    # values were removed once imported]}. Reduced once the file cannot be confirmed any more: see the class.
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("step started at"), null=True, blank=True,
                                      help_text=_("When a worker started the current step; empty while it waits."))
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    scope_paths = {"district": "district", "street": "street"}
    # An import belongs to its importer's unit: a district's own imports are those made at the district, not
    # its streets'. Whoever may import may confirm or set aside a checked file of their unit (a district's staff
    # also their streets'), never through a grant; each step only from the status it needs. A step that is
    # not finished may be retried or set aside too, when no worker runs it (the services check that).
    actions = {
        "add": Action(at={"district": Q(street__isnull=True), "street": Q()}),
        # A command line's dry run is recorded "valid" without a stored file: nothing to confirm.
        "confirm": Action(perm="add", where=Q(status=Status.VALID) & ~Q(file=""), grant=None),
        "cancel": Action(perm="add", where=Q(status__in=[Status.VALID, Status.INVALID, *RUNNING]), grant=None),
        "retry": Action(perm="add", where=Q(status__in=RUNNING), grant=None),
    }
    # The durable job (portal/core/jobs.py): the message names the step of the current status.
    job_statuses = RUNNING
    job_task = "committees.tasks.run_org_import"
    job_give_up = "committees.interchange.services.org_import_give_up"

    class Meta:
        verbose_name = _("organisation import")
        verbose_name_plural = _("organisation imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["district", "-created_at"], name="org_import_district_idx"),
            models.Index(fields=["street", "-created_at"], name="org_import_street_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(street__isnull=True) | Q(district__isnull=False),
                name="org_import_street_has_district",
                violation_error_message=_("A street's import also names its district."),
            ),
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    def job_args(self) -> tuple:
        return (self.pk, "check" if self.status == self.Status.CHECKING else "apply")

    def totals(self) -> dict[str, int]:
        return {kind: sum(c.get(kind, 0) for c in self.counts.values()) for kind in ("created", "updated", "unchanged")}
