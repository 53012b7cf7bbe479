"""The dispatch guard, the heart of burden reduction (DOMAIN "Task admission"): a task reaches a committee
only as an item of the published city list or of the committee's district list for the year, not exited;
and what a committee does with what reached it (签收, 办结 with the hours it took).

Every refused attempt is recorded once, with the committees it was meant for, in its own transaction, so the
evidence survives the refusal: these services are called outside any transaction (a page, the API), and say so
if not (RuntimeError). A refusal names the field at fault (the item, the start, the due date, the committees),
so that the form and the API put each reason where the person corrects it.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee, Street
from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.wording import sentences
from tasks_registry.models import MAX_HOURS_SPENT, Dispatch, RefusedDispatch, RefusedDispatchCommittee, TaskItem
from tasks_registry.selectors import dispatch_committees
from tasks_registry.services import notices

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["UNLISTED", "DispatchRefused", "Problem", "attempt_problems", "committee_problem", "dispatch_complete",
           "dispatch_receive", "dispatch_refuse_unlisted", "dispatch_send"]

UNLISTED = "未纳入市、区两级下派村居组织工作任务计划清单的事项不得下派"


@dataclass(frozen=True)
class Problem:
    """Why an attempt is refused, and the field of the dispatch form (and of the API's input) at fault:
    `item`, `starts_on`, `due_on`, `committees` (or `title`, for a task on no list)."""

    field: str
    message: str


class DispatchRefused(DomainError):
    """The guard refused: nothing was sent. `refusal` is the recorded attempt; `fields` the reasons by field
    (every committee's own reason under `committees`), `message` all of them."""

    def __init__(self, refusal: RefusedDispatch, problems: Sequence[Problem]) -> None:
        self.refusal = refusal
        fields: dict[str, list[str]] = {}
        for problem in problems:
            if problem.message not in fields.setdefault(problem.field, []):
                fields[problem.field].append(problem.message)
        super().__init__(sentences(*(message for messages in fields.values() for message in messages)),
                         code="dispatch_refused", fields=fields)


def attempt_problems(item: TaskItem, starts_on: datetime.date, due_on: datetime.date) -> list[Problem]:
    """What forbids sending `item` for that period to any committee, in Chinese for the sender ([]: nothing).

    A dispatch runs within the year of its item's list: a start outside it is the start's problem, a due date
    beyond it the due date's. An item that exits the list during the period is the due date's problem (it must
    come before the exit); one gone before the start is the item's."""
    task_list = item.task_list
    problems = []
    if not task_list.is_published:
        problems.append(Problem("item", _("The list this item is on has not been published: {rule}.").format(
            rule=UNLISTED)))
    if starts_on.year != task_list.year:
        problems.append(Problem("starts_on", _(
            "The start ({date}) is outside {year}, the year of the item's list: a dispatch for another year needs an "
            "item of that year's list.").format(date=starts_on.isoformat(), year=task_list.year)))
    if due_on.year != task_list.year:
        problems.append(Problem("due_on", _(
            "The due date ({date}) is outside {year}, the year of the item's list: the task must be due by 31 "
            "December {year}.").format(date=due_on.isoformat(), year=task_list.year)))
    if item.has_exited_on(starts_on):
        problems.append(Problem("item", _("The item exits the list on {date}: {reason}").format(
            date=item.exited_at.isoformat(), reason=item.exit_reason)))
    elif item.has_exited_on(due_on):  # exited during the period asked for
        problems.append(Problem("due_on", _(
            "The item exits the list on {date} ({reason}): the task must be due before that day.").format(
            date=item.exited_at.isoformat(), reason=item.exit_reason)))
    return problems


def committee_problem(item: TaskItem, committee: Committee, starts_on: datetime.date,
                      due_on: datetime.date) -> str | None:
    """Why `item` may not reach this one committee for that period (another district's list, a committee not
    active then), naming the committee; None: nothing of its own."""
    task_list = item.task_list
    if task_list.level == task_list.Level.DISTRICT and task_list.district_id != committee.street.district_id:
        return _("The item is on another district's list, not on the list of {committee}'s district ({rule}).").format(
            committee=committee.name, rule=UNLISTED)
    for day in (starts_on, due_on):
        if not committee.is_active_on(day):
            return _("{committee} is not an active committee on {date}.").format(committee=committee.name, date=day)
    return None


def _check_reachable(actor: User, committees: Sequence[Committee]) -> None:
    """Every committee is one the actor may send tasks to (dispatch_committees: a read-only grant does not
    count); else PermissionDenied (nothing is recorded)."""
    if not may_ever(actor, Dispatch, "add"):
        raise PermissionDenied
    wanted = {committee.pk for committee in committees}
    if dispatch_committees(actor=actor).filter(pk__in=wanted).count() != len(wanted):
        raise PermissionDenied


def _record_refusal(attempt: RefusedDispatch, committees: Sequence[Committee], own: dict[str, str]) -> RefusedDispatch:
    """Commit the refused attempt at once, one row with its committees (`own`: a committee's own reason by its
    code): the refusal is the record, and an exception follows. Durable, so that a caller's transaction cannot
    roll the evidence back with it (RuntimeError inside one). An audit entry, in the committees' district."""
    with transaction.atomic(durable=True):
        attempt.save()
        RefusedDispatchCommittee.objects.bulk_create([
            RefusedDispatchCommittee(refusal=attempt, committee=committee, reason=own.get(committee.pk, ""))
            for committee in dict.fromkeys(committees)
        ])
        streets = sorted({committee.street_id for committee in committees})
        district = Street.objects.filter(pk__in=streets).values_list("district_id", flat=True).first()
        audit(actor=attempt.attempted_by, action="refuseddispatch.create", instance=attempt, after=snapshot(attempt),
              units={"district_id": district, "street_id": streets[0] if len(streets) == 1 else None})
    return attempt


def dispatch_send(*, actor: User, item_pk: int, committees: Sequence[Committee], starts_on: datetime.date,
                  due_on: datetime.date, note: str = "") -> list[Dispatch]:
    """Send a listed item to committees: all of them, or none with the refused attempt recorded once.

    The item is locked while it is checked and sent, so an exit at the same moment cannot slip between.
    Side effects: the dispatches, the committees' staff notified, an audit entry; or one RefusedDispatch naming
    every committee (committed). Call it outside any transaction (RuntimeError otherwise, when it refuses).
    Raises: PermissionDenied for a committee the actor may not send to; TaskItem.DoesNotExist outside the
    items the actor may send; DomainError (no committee, dates); DispatchRefused (the guard's reasons, by field).
    """
    if not committees:
        raise DomainError(_("Choose at least one committee."), code="no_committees",
                          fields={"committees": [_("Choose at least one committee.")]})
    if due_on < starts_on:
        raise DomainError(_("The due date cannot come before the start."), code="dates",
                          fields={"due_on": [_("The due date cannot come before the start.")]})
    _check_reachable(actor, committees)
    with transaction.atomic():
        item = (TaskItem.objects.restrict(actor, "dispatch").select_for_update(of=("self",)).select_related("task_list")
                .get(pk=item_pk))
        problems = attempt_problems(item, starts_on, due_on)
        own = {committee.pk: reason for committee in committees
               if (reason := committee_problem(item, committee, starts_on, due_on))}
        if not problems and not own:
            sent = Dispatch.objects.bulk_create([
                Dispatch(item=item, committee=committee, starts_on=starts_on, due_on=due_on, note=note, sent_by=actor)
                for committee in committees
            ])
            audit(actor=actor, action="dispatch.send", instance=item,
                  after={"committees": [c.pk for c in committees], "starts_on": starts_on, "due_on": due_on})
            notices.dispatch_notify_committees(sent)
            return sent
    # The attempt's own reason never names a committee: whoever reads it through one committee learns nothing
    # of the others (each committee's reason is its own entry). Blank when only committees were at fault: the
    # page tells only a reader with such a committee (RefusedDispatch.reason_for_reader).
    reason = sentences(*(problem.message for problem in problems))
    attempt = RefusedDispatch(item=item, title=item.title, year=starts_on.year, starts_on=starts_on, due_on=due_on,
                              reason=reason, attempted_by=actor)
    raise DispatchRefused(_record_refusal(attempt, committees, own),
                          [*problems, *(Problem("committees", message) for message in own.values())])


def dispatch_refuse_unlisted(*, actor: User, title: str, committees: Sequence[Committee], year: int) -> None:
    """A task that is on no list: always refused, and recorded once with the committees it was meant for.

    Side effects: one RefusedDispatch naming every committee (committed; call it outside any transaction).
    Raises: PermissionDenied for a committee the actor may not send to; DispatchRefused, always.
    """
    _check_reachable(actor, committees)
    reason = _("“{title}” is on no list: {rule}.").format(title=title, rule=UNLISTED)
    attempt = RefusedDispatch(title=title[:200], year=year, reason=reason, attempted_by=actor)
    raise DispatchRefused(_record_refusal(attempt, committees, {}), [Problem("title", reason)])


@transaction.atomic
def dispatch_receive(*, actor: User, pk: int) -> Dispatch:
    """签收: the committee's staff sign for a task sent to their committee.

    Side effects: the receipt (when, by whom); the unread notices of it are withdrawn; an audit entry.
    Raises: Dispatch.DoesNotExist outside what the actor may sign for (another committee's, or received already).
    """
    locked = Dispatch.objects.restrict(actor, "receive").select_for_update(of=("self",)).get(pk=pk)
    before = snapshot(locked)
    locked.received_at, locked.received_by = timezone.now(), actor
    locked.save(update_fields=["received_at", "received_by"])
    audit(actor=actor, action="dispatch.receive", instance=locked, before=before, after=snapshot(locked))
    notices.dispatch_withdraw_notice(locked)
    return locked


@transaction.atomic
def dispatch_complete(*, actor: User, pk: int, hours_spent: Decimal) -> Dispatch:
    """办结: the committee's staff report a task they signed for done, with the hours it really took in all
    (the burden meter shows them beside the hours the list declares).

    Side effects: when, by whom, the hours; an audit entry.
    Raises: Dispatch.DoesNotExist outside what the actor may report done (another committee's, not signed
    for, or done already); DomainError(code="hours") for negative hours, or more than MAX_HOURS_SPENT.
    """
    locked = Dispatch.objects.restrict(actor, "complete").select_for_update(of=("self",)).get(pk=pk)
    if hours_spent < 0:
        raise DomainError(_("Hours cannot be negative."), code="hours",
                          fields={"hours_spent": [_("Hours cannot be negative.")]})
    if hours_spent > MAX_HOURS_SPENT:
        raise DomainError(_("At most 9,999 hours."), code="hours", fields={"hours_spent": [_("At most 9,999 hours.")]})
    before = snapshot(locked)
    locked.done_at, locked.done_by, locked.hours_spent = timezone.now(), actor, hours_spent
    locked.save(update_fields=["done_at", "done_by", "hours_spent"])
    audit(actor=actor, action="dispatch.complete", instance=locked, before=before, after=snapshot(locked))
    return locked
