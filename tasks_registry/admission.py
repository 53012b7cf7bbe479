"""Admission requests (准入): apply → street review (when one street is targeted) → district review →
approved and filed on the district list (报备) / rejected / returned for revision.

Every transition locks the request and checks the state it expects, so two reviewers acting at once
cannot both win: the second is told what happened. Deadlines count working days (Monday to Friday;
public holidays are not known to the portal): a request is filed at least 30 working days before the
task starts and decided within 15 (settings PORTAL_ADMISSION_*, editable defaults).
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core.audit import audit
from portal.core.exceptions import DomainError
from tasks_registry import notices
from tasks_registry.models import AdmissionRequest, RequestEvent, TaskItem, TaskList

Status, Kind = AdmissionRequest.Status, RequestEvent.Kind


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += day.weekday() < 5
    return count


def _event(request: AdmissionRequest, actor: Any, kind: str, text: str = "") -> RequestEvent:
    return RequestEvent.objects.create(request=request, actor=actor, kind=kind, text=text)


def target_street(request: AdmissionRequest) -> str | None:
    """The street that reviews first: the one street whose committees, or which alone, the request targets.

    None when it targets more than one street or the whole district: then the district reviews it directly."""
    if request.scope == AdmissionRequest.Scope.COMMITTEES:
        streets = {committee.street_id for committee in request.committees.all()}
    elif request.scope == AdmissionRequest.Scope.STREETS:
        streets = {street.pk for street in request.streets.all()}
    else:
        return None
    return streets.pop() if len(streets) == 1 else None


@transaction.atomic
def submit(*, actor: Any, request: AdmissionRequest, today: datetime.date | None = None) -> AdmissionRequest:
    today = today or timezone.localdate()
    locked = _locked(request, Status.DRAFT, Status.RETURNED)
    if locked.applicant_id != actor.pk:
        raise PermissionDenied
    needed = settings.PORTAL_ADMISSION_FILE_WORKING_DAYS
    left = working_days_between(today, locked.starts_on)
    if left < needed:
        raise DomainError(_("A request is filed at least {needed} working days before the task starts; {left} are left "
                            "before {start}. Move the start to {earliest} or later.").format(
            needed=needed, left=left, start=locked.starts_on, earliest=add_working_days(today, needed)), code="too_late",
            fields={"starts_on": [_("Too soon.")]})
    if locked.scope == AdmissionRequest.Scope.COMMITTEES and not locked.committees.exists() or (
            locked.scope == AdmissionRequest.Scope.STREETS and not locked.streets.exists()):
        raise DomainError(_("Choose the committees or streets the task targets."), code="no_target")
    if locked.committees.exclude(street__district_id=locked.district_id).exists() or \
            locked.streets.exclude(district_id=locked.district_id).exists():
        raise DomainError(_("A request targets committees and streets of its own district only."), code="other_district")
    locked.street_id = target_street(locked)
    locked.status = Status.STREET_REVIEW if locked.street_id else Status.DISTRICT_REVIEW
    locked.submitted_at = timezone.now()
    locked.review_due_on = add_working_days(today, settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS)
    locked.save()
    _event(locked, actor, Kind.SUBMITTED)
    notices.request_waits(locked)
    return locked


def waiting_for(user: Any) -> Q:
    """The requests at the stage this person reviews, in their unit: their queue (may_review, as a filter)."""
    if user.role == "street":
        return Q(status=Status.STREET_REVIEW, street_id=user.street_id)
    if user.role == "district":
        return Q(status=Status.DISTRICT_REVIEW, district_id=user.district_id)
    return Q(pk__in=[])


def may_review(actor: Any, request: AdmissionRequest) -> bool:
    """The reviewer of the request's stage; never its applicant (a street officer's request goes to a colleague)."""
    if actor.pk == request.applicant_id:
        return False
    if request.status == Status.STREET_REVIEW:
        return actor.role == "street" and actor.street_id == request.street_id
    if request.status == Status.DISTRICT_REVIEW:
        return actor.role == "district" and actor.district_id == request.district_id
    return False


def _stale(request: AdmissionRequest) -> DomainError:
    return DomainError(_("This request has already been handled by someone else; it is now “{status}”.").format(
        status=request.get_status_display()), code="stale")


def _locked(request: AdmissionRequest, *expected: str) -> AdmissionRequest:
    """The request, locked; refused with what happened when its state is not the one the page showed."""
    locked = AdmissionRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status not in expected or (request.status in expected and locked.status != request.status):
        raise _stale(locked)
    return locked


def _reviewing(actor: Any, request: AdmissionRequest) -> AdmissionRequest:
    locked = _locked(request, Status.STREET_REVIEW, Status.DISTRICT_REVIEW)
    if not may_review(actor, locked):
        raise PermissionDenied
    return locked


@transaction.atomic
def approve(*, actor: Any, request: AdmissionRequest, comment: str = "") -> AdmissionRequest:
    """The street passes it on to the district; the district approves it and files it on its list."""
    locked = _reviewing(actor, request)
    today = timezone.localdate()
    if locked.status == Status.STREET_REVIEW:
        locked.status = Status.DISTRICT_REVIEW
        locked.review_due_on = add_working_days(today, settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS)
        locked.save()
        _event(locked, actor, Kind.STREET_APPROVED, comment)
        notices.request_waits(locked)
        return locked
    locked.filed_item = _file(locked, actor)
    locked.status, locked.decided_at = Status.APPROVED, timezone.now()
    locked.save()
    _event(locked, actor, Kind.APPROVED, comment)
    notices.request_decided(locked)
    return locked


def _file(request: AdmissionRequest, actor: Any) -> TaskItem:
    """报备: the item enters the district list of the year the task starts, with a reference to the request."""
    task_list, _created = TaskList.objects.get_or_create(level=TaskList.Level.DISTRICT, district_id=request.district_id,
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


@transaction.atomic
def reject(*, actor: Any, request: AdmissionRequest, reason: str) -> AdmissionRequest:
    return _close(actor, request, reason, Status.REJECTED, Kind.REJECTED)


@transaction.atomic
def return_for_revision(*, actor: Any, request: AdmissionRequest, reason: str) -> AdmissionRequest:
    return _close(actor, request, reason, Status.RETURNED, Kind.RETURNED)


def _close(actor: Any, request: AdmissionRequest, reason: str, status: str, kind: str) -> AdmissionRequest:
    if not reason.strip():
        raise DomainError(_("Give the reason; the applicant will read it."), code="reason",
                          fields={"reason": [_("Required.")]})
    locked = _reviewing(actor, request)
    locked.status = status
    locked.decided_at = timezone.now() if status == Status.REJECTED else None
    locked.review_due_on = None
    locked.save()
    _event(locked, actor, kind, reason.strip())
    notices.request_decided(locked)
    return locked


def may_comment(actor: Any, request: AdmissionRequest) -> bool:
    """The applicant, the reviewer of the stage and the district's staff, while the request is open."""
    return request.is_open and (actor.pk == request.applicant_id or may_review(actor, request)
                                or (actor.role == "district" and actor.district_id == request.district_id))


def comment(*, actor: Any, request: AdmissionRequest, text: str = "", attachment: Any = None) -> RequestEvent:
    if not may_comment(actor, request):
        raise PermissionDenied
    if not text.strip() and attachment is None:
        raise DomainError(_("Write a comment or attach a file."), code="empty")
    event = RequestEvent(request=request, actor=actor, text=text.strip(),
                         kind=Kind.ATTACHMENT if attachment else Kind.COMMENT)
    if attachment is not None:
        event.attachment_name = attachment.name[:200]
        event.attachment.save(attachment.name, attachment, save=False)
    event.save()
    return event
