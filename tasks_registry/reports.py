"""Violation reports (违规下沉举报): a committee reports a task sent down without admission; the district
accepts or dismisses it, transfers it to the responsible department, and closes it as withdrawn, admitted
after review, or unfounded. The department never learns who reported (the pages and API leave it out)."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import Department
from portal.core.exceptions import DomainError
from tasks_registry import notices
from tasks_registry.models import ReportEvent, ViolationReport

Status, Kind = ViolationReport.Status, ReportEvent.Kind


def _handling(actor: Any, report: ViolationReport, *expected: str) -> ViolationReport:
    locked = ViolationReport.objects.select_for_update().select_related("committee__street").get(pk=report.pk)
    if not (actor.role == "district" and actor.district_id == locked.committee.street.district_id):
        raise PermissionDenied
    if locked.status not in expected:
        raise DomainError(_("This report has already been handled; it is now “{status}”.").format(
            status=locked.get_status_display()), code="stale")
    return locked


def _event(report: ViolationReport, actor: Any, kind: str, text: str = "") -> None:
    ReportEvent.objects.create(report=report, actor=actor, kind=kind, text=text.strip())


@transaction.atomic
def file_report(*, actor: Any, report: ViolationReport) -> ViolationReport:
    if actor.role != "committee":
        raise PermissionDenied
    report.committee_id, report.reporter = actor.committee_id, actor
    report.full_clean(exclude=["evidence"])
    report.save()
    _event(report, actor, Kind.SUBMITTED)
    notices.report_waits(ViolationReport.objects.select_related("committee__street").get(pk=report.pk))
    return report


@transaction.atomic
def accept(*, actor: Any, report: ViolationReport, comment: str = "") -> ViolationReport:
    locked = _handling(actor, report, Status.SUBMITTED)
    locked.status = Status.ACCEPTED
    locked.save(update_fields=["status", "updated_at"])
    _event(locked, actor, Kind.ACCEPTED, comment)
    return locked


@transaction.atomic
def dismiss(*, actor: Any, report: ViolationReport, reason: str) -> ViolationReport:
    if not reason.strip():
        raise DomainError(_("Give the reason; the committee will read it."), code="reason")
    locked = _handling(actor, report, Status.SUBMITTED)
    locked.status, locked.outcome = Status.DISMISSED, ViolationReport.Outcome.UNFOUNDED
    locked.save(update_fields=["status", "outcome", "updated_at"])
    _event(locked, actor, Kind.DISMISSED, reason)
    notices.report_closed(locked)
    return locked


@transaction.atomic
def transfer(*, actor: Any, report: ViolationReport, department: Department, comment: str = "") -> ViolationReport:
    locked = _handling(actor, report, Status.ACCEPTED)
    if department.district_id != actor.district_id:
        raise PermissionDenied
    locked.status, locked.department = Status.TRANSFERRED, department
    locked.save(update_fields=["status", "department", "updated_at"])
    _event(locked, actor, Kind.TRANSFERRED, comment)
    notices.report_waits(locked, for_department=True)
    return locked


@transaction.atomic
def reply(*, actor: Any, report: ViolationReport, text: str) -> None:
    """The department says what it did; it sees the task and the committee, never the person who reported."""
    locked = ViolationReport.objects.select_for_update().get(pk=report.pk)
    if actor.role != "department" or locked.department_id != actor.department_id or locked.status != Status.TRANSFERRED:
        raise PermissionDenied
    if not text.strip():
        raise DomainError(_("Write what the department did."), code="empty")
    _event(locked, actor, Kind.REPLIED, text)
    notices.report_waits(ViolationReport.objects.select_related("committee__street").get(pk=locked.pk))


@transaction.atomic
def close(*, actor: Any, report: ViolationReport, outcome: str, comment: str = "") -> ViolationReport:
    if outcome not in ViolationReport.Outcome.values:
        raise DomainError(_("Choose how the report ends."), code="outcome")
    locked = _handling(actor, report, Status.ACCEPTED, Status.TRANSFERRED)
    locked.status, locked.outcome = Status.CLOSED, outcome
    locked.save(update_fields=["status", "outcome", "updated_at"])
    _event(locked, actor, Kind.CLOSED, comment)
    notices.report_closed(locked)
    return locked
