"""Admission requests (准入): file → street review (when one street is targeted and someone there other
than the applicant may review it) → district review → approved and filed on the district list (报备) /
rejected / returned for revision.

Every transition authorises and locks in its first line, through the request's named action:
`AdmissionRequest.objects.restrict(actor, "review").select_for_update().get(pk=pk)`. Two reviewers acting
at once: the second waits for the lock, then no longer finds the request among those it may review
(DoesNotExist; the page tells them what happened, the API answers 404). Deadlines count working days of the
State Council's schedule, public holidays off and make-up working days (调休) on (portal/workdays/schedule.py;
Monday to Friday for a year whose schedule is not loaded, and the pages and messages say so: `deadline()`): a
request is filed at least 30 working days before the task starts and decided within 15 (settings
PORTAL_ADMISSION_*, editable defaults).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever, people_who_may, unit_of
from portal.workdays.schedule import add_working_days, deadline, working_days_between
from tasks_registry.choices import ListLevel, RequestEventKind, RequestScope, RequestStatus
from tasks_registry.models import AdmissionRequest, RequestEvent, TaskItem, TaskList
from tasks_registry.services import notices

if TYPE_CHECKING:
    from portal.accounts.models import User

# add_working_days and working_days_between are portal.workdays.schedule's, re-exported for whoever imports them here.
__all__ = ["REQUEST_FIELDS", "add_working_days", "admission_request_approve", "admission_request_comment",
           "admission_request_create", "admission_request_reject", "admission_request_return",
           "admission_request_submit", "admission_request_update", "working_days_between"]

Status, Kind = RequestStatus, RequestEventKind
# What the applicant writes (the rest is the portal's: applicant, units, status, dates of the review).
REQUEST_FIELDS = ("title", "category", "legal_basis", "description", "scope", "hours_per_month", "forms", "systems",
                  "needs_seal", "starts_on", "ends_on")
_TARGETS = ("committees", "streets")
_SCOPE_OF_TARGETS = {"committees": RequestScope.COMMITTEES, "streets": RequestScope.STREETS}


def _locked(actor: User, action: str, pk: int) -> AdmissionRequest:
    """The request, locked, if the actor may `action` it now; else DoesNotExist."""
    return AdmissionRequest.objects.restrict(actor, action).select_for_update(of=("self",)).get(pk=pk)


def _event(request: AdmissionRequest, actor: User, kind: str, text: str = "") -> RequestEvent:
    return RequestEvent.objects.create(request=request, actor=actor, kind=kind, text=text)


def _write(request: AdmissionRequest, data: Mapping[str, Any]) -> None:
    """The fields and targets given in `data`; the targets the scope does not use are cleared (committees kept
    only for scope "committees", streets only for "streets"), whatever a form hidden by the page still sent."""
    for field in REQUEST_FIELDS:
        if field in data:
            setattr(request, field, data[field])
    request.full_clean()
    request.save()
    for field in _TARGETS:
        if _SCOPE_OF_TARGETS[field] != request.scope:
            getattr(request, field).clear()
        elif field in data:
            getattr(request, field).set(data[field] or [])


@transaction.atomic
def admission_request_create(*, actor: User, data: Mapping[str, Any]) -> AdmissionRequest:
    """File a draft request in the actor's district (and department), from REQUEST_FIELDS and the targets
    (`committees`, `streets`, already chosen among those the actor may target) in `data`; only the scope's
    targets are kept (committees for scope "committees", streets for "streets").

    Side effects: the request, its targets and its first "created" event; an audit entry.
    Raises: PermissionDenied without the role permission or outside any district; ValidationError.
    """
    district = unit_of(actor, "district")
    if not may_ever(actor, AdmissionRequest, "add") or district is None:
        raise PermissionDenied
    request = AdmissionRequest(applicant=actor, district_id=district, department_id=unit_of(actor, "department"))
    _write(request, data)
    _event(request, actor, Kind.CREATED)
    audit(actor=actor, action="admissionrequest.create", instance=request, after=snapshot(request))
    return request


@transaction.atomic
def admission_request_update(*, actor: User, pk: int, data: Mapping[str, Any]) -> AdmissionRequest:
    """The applicant revises their draft or returned request (fields and targets as in create).

    Side effects: the request and its targets; an audit entry.
    Raises: AdmissionRequest.DoesNotExist unless it is the actor's own draft or returned request; ValidationError.
    """
    locked = _locked(actor, "change", pk)
    before = snapshot(locked)
    _write(locked, data)
    audit(actor=actor, action="admissionrequest.update", instance=locked, before=before, after=snapshot(locked))
    return locked


def _target_street(request: AdmissionRequest) -> str | None:
    """The street that reviews first: the one street whose committees, or which alone, the request targets.

    None when it targets more than one street or the whole district: then the district reviews it directly."""
    if request.scope == RequestScope.COMMITTEES:
        streets = set(request.committees.values_list("street_id", flat=True))
    elif request.scope == RequestScope.STREETS:
        streets = set(request.streets.values_list("pk", flat=True))
    else:
        return None
    return streets.pop() if len(streets) == 1 else None


def _check_submittable(request: AdmissionRequest, today: datetime.date) -> None:
    needed = settings.PORTAL_ADMISSION_FILE_WORKING_DAYS
    left = working_days_between(today, request.starts_on)
    if left < needed:
        # The earliest start is counted over the days up to it (which hold the start): said with its warning.
        earliest = deadline(today, needed)
        raise DomainError(earliest.said(_(
            "A request is filed at least {needed} working days before the task starts; {left} are left before {start}. "
            "Move the start to {earliest} or later.").format(needed=needed, left=left,
                                                             start=request.starts_on.isoformat(), earliest=earliest)),
            code="too_late", fields={"starts_on": [_("Too soon.")]})
    # The one home of "a request names its targets": a draft may be saved without them, never submitted.
    if request.scope == RequestScope.COMMITTEES and not request.committees.exists():
        raise DomainError(_("Choose the committees or streets the task targets."), code="no_target",
                          fields={"committees": [_("Choose the committees the task targets.")]})
    if request.scope == RequestScope.STREETS and not request.streets.exists():
        raise DomainError(_("Choose the committees or streets the task targets."), code="no_target",
                          fields={"streets": [_("Choose the streets the task targets.")]})
    if (request.committees.exclude(street__district=request.district_id).exists()
            or request.streets.exclude(district=request.district_id).exists()):
        raise DomainError(_("A request targets committees and streets of its own district only."), code="other_district")


@transaction.atomic
def admission_request_submit(*, actor: User, pk: int, today: datetime.date | None = None) -> AdmissionRequest:
    """The applicant submits their draft (or returned) request for review.

    A request targeting one street goes to that street's review only if someone there other than the
    applicant may review it (issue 11: a lone street officer's request would wait forever); otherwise it
    goes straight to the district, and the submitted event says so.
    Side effects: status, street, review deadline; the "submitted" event; the applicant's unread "returned"
    notice of it is marked read and the reviewers are notified; an audit entry.
    Raises: AdmissionRequest.DoesNotExist unless it is the actor's own draft or returned request;
    DomainError (too late, no target, a target in another district, nobody but the applicant to review it
    at the district).
    """
    locked = _locked(actor, "submit", pk)
    today = today or timezone.localdate()
    _check_submittable(locked, today)
    before = snapshot(locked)
    locked.street_id = _target_street(locked)
    locked.submitted_at = timezone.now()
    locked.review_due_on = add_working_days(today, settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS)
    # Who reviews each stage is asked of restrict() with the request in that stage, inside this transaction
    # (rolled back with it when refused); the notice goes to them.
    locked.status = Status.DISTRICT_REVIEW
    locked.save()
    reviewers = people_who_may(locked, "review")
    if not reviewers:  # e.g. the district's only reviewer filed it: nobody could ever decide it
        raise DomainError(_("Nobody in the district may review this request (an applicant never reviews their own "
                            "request), so it could never be decided. Ask a colleague to file it, or the district "
                            "to add the task to its list."), code="no_reviewer")
    text = ""
    if locked.street_id:
        locked.status = Status.STREET_REVIEW
        locked.save(update_fields=["status", "updated_at"])
        street_reviewers = people_who_may(locked, "review")
        if street_reviewers:
            reviewers = street_reviewers
        else:
            locked.status = Status.DISTRICT_REVIEW
            locked.save(update_fields=["status", "updated_at"])
            text = _("No one in {street} but the applicant may review it, so it went straight to the district "
                     "review.").format(street=locked.street.name)
    _event(locked, actor, Kind.SUBMITTED, text)
    audit(actor=actor, action="admissionrequest.submit", instance=locked, before=before, after=snapshot(locked),
          reason=text)
    notices.admission_request_withdraw_returned(locked)
    notices.admission_request_notify_reviewers(locked, reviewers=reviewers)
    return locked


@transaction.atomic
def admission_request_approve(*, actor: User, pk: int, comment: str = "") -> AdmissionRequest:
    """The street passes the request on to the district; the district approves it and files it on its list.

    Side effects: status (and the filed item, the district's list of the year if it had none); the event;
    the stage's unread review notices are withdrawn, the next reviewers or the applicant notified; audit entries.
    Raises: AdmissionRequest.DoesNotExist unless the actor reviews its current stage.
    """
    locked = _locked(actor, "review", pk)
    before = snapshot(locked)
    if locked.status == Status.STREET_REVIEW:
        locked.status = Status.DISTRICT_REVIEW
        locked.review_due_on = add_working_days(timezone.localdate(), settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS)
        locked.save()
        _event(locked, actor, Kind.STREET_APPROVED, comment.strip())
        audit(actor=actor, action="admissionrequest.street_approve", instance=locked, before=before,
              after=snapshot(locked))
        notices.admission_request_withdraw_reviews(locked)
        notices.admission_request_notify_reviewers(locked)
        return locked
    locked.filed_item = _file(locked, actor)
    locked.status, locked.decided_at = Status.APPROVED, timezone.now()
    locked.save()
    _event(locked, actor, Kind.APPROVED, comment.strip())
    audit(actor=actor, action="admissionrequest.approve", instance=locked, before=before, after=snapshot(locked))
    notices.admission_request_withdraw_reviews(locked)
    notices.admission_request_notify_applicant(locked)
    return locked


def _file(request: AdmissionRequest, actor: User) -> TaskItem:
    """报备: the item enters the district list of the year the task starts, with a reference to the request."""
    task_list, _created = TaskList.objects.get_or_create(level=ListLevel.DISTRICT, district_id=request.district_id,
                                                         year=request.starts_on.year)
    list(TaskList.objects.select_for_update().filter(pk=task_list.pk).order_by())  # item numbers: one at a time
    codes = task_list.items.filter(code__startswith="ZR").values_list("code", flat=True)
    number = max((int(code[2:]) for code in codes if code[2:].isdigit()), default=0) + 1
    item = TaskItem.objects.create(
        task_list=task_list, code=f"ZR{number:03d}", title=request.title, category=request.category,
        responsible_unit=str(request.department.name if request.department_id else request.applicant.unit_name),
        legal_basis=request.legal_basis, description=request.description, hours_per_month=request.hours_per_month,
        forms=request.forms, systems=request.systems, needs_seal=request.needs_seal, admitted_from=request.number)
    # 报备 adds to a list that may already be published: the list's history says so.
    audit(actor=actor, action="taskitem.file", instance=item,
          after={"list": task_list.pk, "code": item.code, "request": request.number, "published": task_list.is_published})
    return item


def _decide(actor: User, pk: int, reason: str, status: str, kind: str) -> AdmissionRequest:
    locked = _locked(actor, "review", pk)
    if not reason.strip():
        raise DomainError(_("Give the reason; the applicant will read it."), code="reason",
                          fields={"reason": [_("Required.")]})
    before = snapshot(locked)
    locked.status = status
    locked.decided_at = timezone.now() if status == Status.REJECTED else None
    locked.review_due_on = None
    locked.save()
    _event(locked, actor, kind, reason.strip())
    audit(actor=actor, action=f"admissionrequest.{kind}", instance=locked, before=before, after=snapshot(locked),
          reason=reason.strip())
    notices.admission_request_withdraw_reviews(locked)
    notices.admission_request_notify_applicant(locked)
    return locked


@transaction.atomic
def admission_request_reject(*, actor: User, pk: int, reason: str) -> AdmissionRequest:
    """不予准入: the reviewer of the current stage refuses the request, with the reason the applicant reads.

    Side effects: status, decision time; the event; the applicant is notified; an audit entry.
    Raises: AdmissionRequest.DoesNotExist unless the actor reviews its current stage; DomainError(code="reason").
    """
    return _decide(actor, pk, reason, Status.REJECTED, Kind.REJECTED)


@transaction.atomic
def admission_request_return(*, actor: User, pk: int, reason: str) -> AdmissionRequest:
    """退回修改: the reviewer sends the request back to its applicant, who revises and submits it again.

    Side effects: status; the event; the applicant is notified; an audit entry.
    Raises: AdmissionRequest.DoesNotExist unless the actor reviews its current stage; DomainError(code="reason").
    """
    return _decide(actor, pk, reason, Status.RETURNED, Kind.RETURNED)


@transaction.atomic
def admission_request_comment(*, actor: User, pk: int, text: str = "",
                              attachment: UploadedFile | None = None) -> RequestEvent:
    """A comment or an attachment on the request's timeline, by the applicant, the reviewer of the stage
    or the district's staff, while the request is open.

    Side effects: the event (and the stored file); an audit entry.
    Raises: AdmissionRequest.DoesNotExist unless the actor may comment now; DomainError(code="empty").
    """
    locked = _locked(actor, "comment", pk)
    if not text.strip() and attachment is None:
        raise DomainError(_("Write a comment or attach a file."), code="empty")
    event = RequestEvent(request=locked, actor=actor, text=text.strip(),
                         kind=Kind.ATTACHMENT if attachment is not None else Kind.COMMENT)
    if attachment is not None:
        event.attachment_name = attachment.name[:200]
        event.attachment.save(attachment.name, attachment, save=False)
    event.save()
    audit(actor=actor, action="admissionrequest.comment", instance=locked,
          after={"event": event.pk, "kind": event.kind, "attachment": event.attachment_name})
    return event
