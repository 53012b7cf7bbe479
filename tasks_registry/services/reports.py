"""Violation reports (违规下沉举报): a committee reports a task sent down without admission; the district
accepts or dismisses it, transfers it to the responsible department, and closes it as withdrawn, admitted
after review, or unfounded. The department never learns who reported (restrict(user, "identify")).

Every step authorises and locks in its first line through the report's named action ("handle" for the
district, "reply" for the department); the step's own state is then checked, so that a report handled
meanwhile is refused with what happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import Committee, Department
from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from tasks_registry.choices import ReportEventKind, ReportOutcome, ReportStatus
from tasks_registry.models import ReportEvent, ViolationReport
from tasks_registry.services import notices

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["REPORT_FIELDS", "violation_report_accept", "violation_report_close", "violation_report_dismiss",
           "violation_report_file", "violation_report_reply", "violation_report_transfer"]

Status, Kind = ReportStatus, ReportEventKind
REPORT_FIELDS = ("sender", "title", "sent_on", "description")


def _handling(actor: User, pk: int, *expected: str) -> ViolationReport:
    locked = ViolationReport.objects.restrict(actor, "handle").select_for_update(of=("self",)).get(pk=pk)
    if locked.status not in expected:
        raise DomainError(_("This report has already been handled; it is now “{status}”.").format(
            status=locked.get_status_display()), code="stale")
    return locked


def _step(report: ViolationReport, actor: User, kind: str, before: dict[str, Any], text: str = "") -> None:
    ReportEvent.objects.create(report=report, actor=actor, kind=kind, text=text.strip())
    audit(actor=actor, action=f"violationreport.{kind}", instance=report, before=before, after=snapshot(report),
          reason=text.strip())


@transaction.atomic
def violation_report_file(*, actor: User, data: Mapping[str, Any], evidence: UploadedFile | None = None) -> ViolationReport:
    """A committee's staff report a task sent to their committee without admission (REPORT_FIELDS in `data`).

    Side effects: the report (and the stored evidence), its "reported" event; the district's handlers are
    notified; an audit entry.
    Raises: PermissionDenied unless the actor reports for exactly one committee of their own; ValidationError.
    """
    committees = list(Committee.objects.restrict(actor, "view", perm="tasks_registry.add_violationreport",
                                                  include_grants=False)[:2])
    if len(committees) != 1:
        raise PermissionDenied
    report = ViolationReport(committee=committees[0], reporter=actor,
                             **{field: data[field] for field in REPORT_FIELDS if field in data})
    report.full_clean(exclude=["evidence"])
    if evidence is not None:
        report.evidence_name = evidence.name[:200]
        report.evidence.save(evidence.name, evidence, save=False)
    report.save()
    _step(report, actor, Kind.SUBMITTED, before={})
    notices.violation_report_notify_handlers(report)
    return report


@transaction.atomic
def violation_report_accept(*, actor: User, pk: int, comment: str = "") -> ViolationReport:
    """The district accepts a new report. Side effects: status; the event; the handlers' unread "to handle"
    notices of it are marked read (for every handler, whoever accepted it); an audit entry.
    Raises: ViolationReport.DoesNotExist unless the actor handles it; DomainError(code="stale") unless new."""
    locked = _handling(actor, pk, Status.SUBMITTED)
    before = snapshot(locked)
    locked.status = Status.ACCEPTED
    locked.save(update_fields=["status", "updated_at"])
    _step(locked, actor, Kind.ACCEPTED, before, comment)
    notices.violation_report_withdraw_steps(locked)
    return locked


@transaction.atomic
def violation_report_dismiss(*, actor: User, pk: int, reason: str) -> ViolationReport:
    """The district dismisses a new report as unfounded, with the reason the committee reads.

    Side effects: status and outcome; the event; the handlers' and department's unread notices of it are
    withdrawn and the reporter is notified; an audit entry.
    Raises: ViolationReport.DoesNotExist unless the actor handles it; DomainError (stale, no reason).
    """
    locked = _handling(actor, pk, Status.SUBMITTED)
    if not reason.strip():
        raise DomainError(_("Give the reason; the committee will read it."), code="reason")
    before = snapshot(locked)
    locked.status, locked.outcome = Status.DISMISSED, ReportOutcome.UNFOUNDED
    locked.save(update_fields=["status", "outcome", "updated_at"])
    _step(locked, actor, Kind.DISMISSED, before, reason)
    notices.violation_report_withdraw_steps(locked)
    notices.violation_report_notify_reporter(locked)
    return locked


@transaction.atomic
def violation_report_transfer(*, actor: User, pk: int, department: Department, comment: str = "") -> ViolationReport:
    """The district transfers an accepted report to one of its departments, which replies.

    Side effects: status and department; the event; the department's staff are notified; an audit entry.
    Raises: ViolationReport.DoesNotExist unless the actor handles it; DomainError (stale; a department
    outside the report's district or the actor's reach).
    """
    locked = _handling(actor, pk, Status.ACCEPTED)
    reachable = Department.objects.restrict(actor, "view", include_grants=False).filter(
        pk=department.pk, district=locked.committee.street.district_id)
    if not reachable.exists():
        raise DomainError(_("Choose a department of the report's district."), code="department",
                          fields={"department": [_("Not a department of this district.")]})
    before = snapshot(locked)
    locked.status, locked.department = Status.TRANSFERRED, department
    locked.save(update_fields=["status", "department", "updated_at"])
    _step(locked, actor, Kind.TRANSFERRED, before, comment)
    notices.violation_report_notify_department(locked)
    return locked


@transaction.atomic
def violation_report_reply(*, actor: User, pk: int, text: str) -> ViolationReport:
    """The department says what it did; it sees the task, never who reported it.

    Side effects: the event; the department's unread notices of it are marked read (for all its staff) and the
    district's handlers are notified; an audit entry.
    Raises: ViolationReport.DoesNotExist unless the report is transferred to the actor's department;
    DomainError(code="empty").
    """
    locked = ViolationReport.objects.restrict(actor, "reply").select_for_update(of=("self",)).get(pk=pk)
    if not text.strip():
        raise DomainError(_("Write what the department did."), code="empty")
    _step(locked, actor, Kind.REPLIED, snapshot(locked), text)
    notices.violation_report_withdraw_steps(locked)
    notices.violation_report_notify_handlers(locked)
    return locked


@transaction.atomic
def violation_report_close(*, actor: User, pk: int, outcome: str, comment: str = "") -> ViolationReport:
    """The district closes an accepted or transferred report with its outcome.

    Side effects: status and outcome; the event; the handlers' and department's unread notices of it are
    withdrawn and the reporter is notified; an audit entry.
    Raises: ViolationReport.DoesNotExist unless the actor handles it; DomainError (stale, no outcome).
    """
    locked = _handling(actor, pk, Status.ACCEPTED, Status.TRANSFERRED)
    if outcome not in ReportOutcome.values:
        raise DomainError(_("Choose how the report ends."), code="outcome", fields={"outcome": [_("Required.")]})
    before = snapshot(locked)
    locked.status, locked.outcome = Status.CLOSED, outcome
    locked.save(update_fields=["status", "outcome", "updated_at"])
    _step(locked, actor, Kind.CLOSED, before, comment)
    notices.violation_report_withdraw_steps(locked)
    notices.violation_report_notify_reporter(locked)
    return locked
