"""Who is told what (the bell and an e-mail), for everything in task admission that waits for someone.

Whoever is asked to act is found by `people_who_may(row, action)`, the same restrict() that fills their
queue and shows their buttons: nobody is told of something they may not act on.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ParamSpec, TypeVar

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from portal.core.models import Notification
from portal.core.notifications import notify, notify_each, withdraw
from portal.core.scoping import people_who_may, people_who_may_each, people_with_permission
from portal.workdays.schedule import Deadline
from tasks_registry.choices import RequestStatus
from tasks_registry.models import AdmissionRequest, Dispatch, TaskList, ViolationReport
from tasks_registry.selectors import list_reminder

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["admission_request_notify_applicant", "admission_request_notify_reviewers", "admission_request_remind_overdue",
           "admission_request_withdraw_returned", "admission_request_withdraw_reviews", "dispatch_notify_committees",
           "dispatch_url", "dispatch_withdraw_notice", "task_list_remind_districts",
           "violation_report_notify_department", "violation_report_notify_handlers", "violation_report_notify_reporter",
           "violation_report_withdraw_steps"]


_NOTICE_LENGTH = Notification._meta.get_field("text").max_length


P = ParamSpec("P")
R = TypeVar("R")


def _in_portal_language(function: Callable[P, R]) -> Callable[P, R]:
    """Notices are written in the portal's language (settings.LANGUAGE_CODE), not in the language the sender
    happens to browse in: a committee reading Chinese must not be told in English, and a scheduled reminder has
    no request language at all. People keep no language of their own."""

    @functools.wraps(function)
    def in_portal_language(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override(settings.LANGUAGE_CODE):
            return function(*args, **kwargs)

    return in_portal_language


def _request_url(request: AdmissionRequest) -> str:
    return reverse("tasks:request_detail", args=[request.pk])


@_in_portal_language
def admission_request_notify_reviewers(request: AdmissionRequest, *, reviewers: Sequence[User] | None = None) -> None:
    """The reviewers of the request's current stage: to review. `reviewers`: people_who_may(request, "review")
    when the caller has asked it already (the submit, to route the request)."""
    if reviewers is None:
        reviewers = people_who_may(request, "review")
    notify(reviewers, _("To review: {number} {title}").format(number=request.number, title=request.title),
           _request_url(request))


def admission_request_withdraw_reviews(request: AdmissionRequest) -> None:
    """The stage's review is done: the reviewers' unread "to review" notices of it are withdrawn (the bell
    never counts a review nobody can do any more); the applicant's own notices stay."""
    withdraw(_request_url(request), keep=[request.applicant])


def admission_request_withdraw_returned(request: AdmissionRequest) -> None:
    """The applicant submits the request again: their unread "returned" notice of it (revise and submit) is done.
    The reviewers have no unread notice of it then (withdrawn when it was returned)."""
    withdraw(_request_url(request))


@_in_portal_language
def admission_request_notify_applicant(request: AdmissionRequest) -> None:
    """The applicant: the request was decided, or returned to them."""
    notify([request.applicant], _("Your request {number} {title}: {status}").format(
        number=request.number, title=request.title, status=request.get_status_display()), _request_url(request))


@_in_portal_language
def violation_report_notify_handlers(report: ViolationReport) -> None:
    """The district staff who handle the report: a new report, or the department's reply."""
    notify(people_who_may(report, "handle"), _("Violation report to handle: {title}").format(title=report.title),
           reverse("tasks:report_detail", args=[report.pk]))


@_in_portal_language
def violation_report_notify_department(report: ViolationReport) -> None:
    """The department's staff who reply to it."""
    notify(people_who_may(report, "reply"), _("A report was transferred to your department: {title}").format(
        title=report.title), reverse("tasks:report_detail", args=[report.pk]))


def violation_report_withdraw_steps(report: ViolationReport) -> None:
    """A step the notices asked for is done (accepted, dismissed, replied to, closed): the handlers' and the
    department's unread notices of the report are withdrawn; the reporter's stay. Call it before telling the
    next people."""
    withdraw(reverse("tasks:report_detail", args=[report.pk]), keep=[report.reporter])


@_in_portal_language
def violation_report_notify_reporter(report: ViolationReport) -> None:
    notify([report.reporter], _("Your report “{title}”: {status}").format(
        title=report.title, status=report.get_status_display()), reverse("tasks:report_detail", args=[report.pk]))


def dispatch_url(dispatch: Dispatch) -> str:
    """The received page showing this one dispatch: where its notice points, and what is withdrawn once it is
    signed for."""
    return f"{reverse('tasks:received')}?dispatch={dispatch.pk}"


@_in_portal_language
def dispatch_notify_committees(dispatches: Sequence[Dispatch]) -> None:
    """Each committee's staff who may sign for a new dispatch (people_who_may(dispatch, "receive")): a new task,
    from whom, due when. A constant number of queries however many committees, as the item stays locked meanwhile:
    the candidates in one (those whose role signs for tasks, of the committees sent to), restrict() asked for
    every dispatch at once (people_who_may_each), every notice in one insert and every e-mail through one
    connection after commit (notify_each)."""
    if not dispatches:
        return
    committees = {dispatch.committee_id for dispatch in dispatches}
    by_committee: dict[str, list[User]] = {}
    for person in people_with_permission(Dispatch, "receive").filter(committee__in=committees):
        by_committee.setdefault(person.committee_id, []).append(person)
    told = people_who_may_each(((dispatch, by_committee[dispatch.committee_id]) for dispatch in dispatches
                                if dispatch.committee_id in by_committee), "receive")

    def text(dispatch: Dispatch) -> str:
        sender = dispatch.sent_by
        return Truncator(_("New task from {sender}: {code} {title}, due {date}").format(
            sender=sender.name_with_unit, code=dispatch.item.code,
            title=dispatch.item.title, date=dispatch.due_on.isoformat())).chars(_NOTICE_LENGTH)

    notify_each((told[dispatch.pk], text(dispatch), dispatch_url(dispatch)) for dispatch in dispatches
                if told.get(dispatch.pk))


def dispatch_withdraw_notice(dispatch: Dispatch) -> None:
    """The task was signed for: the committee's unread notices of it are done."""
    withdraw(dispatch_url(dispatch))


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day`, Shanghai time: a daily reminder delivered twice that day tells once."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _overdue_text(request: AdmissionRequest, due: Deadline) -> str:
    """"Overdue review (due 2098-01-05): ZR2025-00001 title", with the due date's warning after it when it was
    counted over a year whose holiday schedule is not loaded (`due`: the request's review_deadline, as its page says
    it). At most the notification's length (300 characters): the title is shortened first, the warning kept whole;
    should the rest alone exceed it (a long translation), the text is cut to it, ending in "…"."""

    def said(title: str) -> str:
        return due.said(_("Overdue review (due {date}): {number} {title}").format(
            date=due, number=request.number, title=title))

    text = said(request.title)
    if (excess := len(text) - _NOTICE_LENGTH) > 0:
        text = said(Truncator(request.title).chars(max(len(request.title) - excess, 1)))
    return Truncator(text).chars(_NOTICE_LENGTH)


@_in_portal_language
def admission_request_remind_overdue(*, today: datetime.date) -> int:
    """Daily: whoever may review a request past its due date is reminded of it, with the due date's warning when
    its year's holiday schedule is not loaded. Returns how many requests.

    Side effects: notifications.
    """
    overdue = AdmissionRequest.objects.filter(status__in=[RequestStatus.STREET_REVIEW, RequestStatus.DISTRICT_REVIEW],
                                              review_due_on__lt=today)
    count = 0
    for request in overdue.iterator():
        due = request.review_deadline(today=today)
        if due is None:  # under review with a due date, as the query picked: never, unless its status list drifts
            continue
        notify(people_who_may(request, "review"), _overdue_text(request, due), _request_url(request),
               unless_told_since=_start_of(today))
        count += 1
    return count


@_in_portal_language
def task_list_remind_districts(*, today: datetime.date) -> int:
    """Daily from 1 October: next year's district list is due on 31 December (overdue after it) while it is
    not published. Each active person of a district who may keep its lists is asked the page banner's own
    question (selectors.list_reminder), so the beat and the banner agree; nothing is written but the
    notices. Returns how many people were reminded. Side effects: notifications.
    """
    people = people_with_permission(TaskList, "add").filter(district__isnull=False)
    told: dict[str, list[User]] = {}
    for person in people:
        if (text := list_reminder(actor=person, today=today)):
            told.setdefault(text, []).append(person)
    for text, recipients in told.items():
        notify(recipients, text, reverse("tasks:list_index"), unless_told_since=_start_of(today))
    return sum(len(recipients) for recipients in told.values())
