"""Violation reports (违规下沉举报) and their timeline (DOMAIN "Task admission")."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from committees.models import Committee
from portal.core.scoping import Action, ScopedModel
from tasks_registry.choices import ReportEventKind, ReportOutcome, ReportStatus

__all__ = ["ReportEvent", "ViolationReport"]


class ViolationReport(ScopedModel):
    """违规下沉举报: a committee reports a task sent down without admission."""

    Status = ReportStatus
    Outcome = ReportOutcome

    committee = models.ForeignKey(Committee, verbose_name=_("committee"), on_delete=models.PROTECT, related_name="+")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.PROTECT,
                                 related_name="+")
    sender = models.CharField(_("who sent it"), max_length=200)
    title = models.CharField(_("what was sent"), max_length=200)
    sent_on = models.DateField(_("when"))
    description = models.TextField(_("details"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to="reports/%Y/%m/", blank=True)
    evidence_name = models.CharField(_("evidence file name"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED)
    department = models.ForeignKey("committees.Department", verbose_name=_("transferred to"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=10, choices=ReportOutcome.choices, blank=True)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # A department sees the reports transferred to it, and never who reported (DOMAIN "Task admission").
    scope_paths = {"district": "committee__street__district", "department": "department", "street": "committee__street",
                   "committee": "committee"}
    owner_path = "reporter"
    actions = {
        "handle": Action(at={"district": Q(status__in=["submitted", "accepted", "transferred"])}, grant=None),
        "reply": Action(at={"department": Q(status="transferred")}, grant=None),
        # Who reported, and the evidence that may name them: every reader but the department.
        "identify": Action(perm="view", grant="view",
                           at={level: Q() for level in ("city", "district", "street", "committee")}),
    }

    class Meta:
        verbose_name = _("violation report")
        verbose_name_plural = _("violation reports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="closed") | ~Q(outcome=""), name="report_closed_has_outcome",
                                   violation_error_message=_("A closed report has an outcome.")),
            models.CheckConstraint(condition=~Q(status="transferred") | Q(department__isnull=False),
                                   name="report_transferred_has_department",
                                   violation_error_message=_("A transferred report names the department.")),
        ]
        permissions = [("handle_violationreport", _("Can handle a violation report")),
                       ("reply_violationreport", _("Can reply to a violation report"))]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"


class ReportEvent(models.Model):
    Kind = ReportEventKind

    report = models.ForeignKey(ViolationReport, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("event"), max_length=12, choices=ReportEventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    text = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("report event")
        verbose_name_plural = _("report events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind}"
