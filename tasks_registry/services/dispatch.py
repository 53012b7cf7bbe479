"""The dispatch guard, the heart of burden reduction (DOMAIN "Task admission"): a task reaches a committee
only as an item of the published city list or of the committee's district list for the year, not exited.

Every refused attempt is recorded, in its own transaction, so the evidence survives the refusal: these
services are called outside any transaction (a page, the API), and say so if not (RuntimeError).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from committees.models import Committee
from portal.core.audit import audit
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from tasks_registry.models import Dispatch, RefusedDispatch, TaskItem
from tasks_registry.selectors import dispatch_committees

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["UNLISTED", "DispatchRefused", "dispatch_refuse_unlisted", "dispatch_send", "refusal_reason"]

UNLISTED = "未纳入市、区两级下派村居组织工作任务计划清单的事项不得下派"


class DispatchRefused(DomainError):
    """The guard refused: nothing was sent, and `refusals` are the recorded attempts."""

    def __init__(self, refusals: list[RefusedDispatch]) -> None:
        self.refusals = refusals
        reasons = sorted({refusal.reason for refusal in refusals})
        super().__init__(" ".join(reasons), code="dispatch_refused")


def refusal_reason(item: TaskItem, committee: Committee, starts_on: datetime.date, due_on: datetime.date) -> str | None:
    """Why `item` may not be sent to `committee` for that period, in Chinese for the sender; None: it may."""
    task_list = item.task_list
    if not task_list.is_published:
        return _("The list this item is on has not been published: {rule}.").format(rule=UNLISTED)
    if starts_on.year != task_list.year or due_on.year != task_list.year:
        return _("The item is on the {year} list; a dispatch for another year needs that year's list ({rule}).").format(
            year=task_list.year, rule=UNLISTED)
    if task_list.level == task_list.Level.DISTRICT and task_list.district_id != committee.street.district_id:
        return _("The item is on another district's list, not on the list of {committee}'s district ({rule}).").format(
            committee=committee.name, rule=UNLISTED)
    if item.has_exited_on(due_on):  # exited before or during the period asked for
        return _("The item exits the list on {date}: {reason}").format(date=item.exited_at, reason=item.exit_reason)
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


def _record_refusals(rows: list[RefusedDispatch]) -> list[RefusedDispatch]:
    """Commit the refused attempts at once: the refusal is the record, and an exception follows. Durable, so
    that a caller's transaction cannot roll the evidence back with it (RuntimeError inside one)."""
    with transaction.atomic(durable=True):
        return RefusedDispatch.objects.bulk_create(rows)


def dispatch_send(*, actor: User, item_pk: int, committees: Sequence[Committee], starts_on: datetime.date,
                  due_on: datetime.date, note: str = "") -> list[Dispatch]:
    """Send a listed item to committees: all of them, or none with every refusal recorded.

    The item is locked while it is checked and sent, so an exit at the same moment cannot slip between.
    Side effects: the dispatches and an audit entry, or one RefusedDispatch per committee (committed).
    Call it outside any transaction (RuntimeError otherwise, when it refuses).
    Raises: PermissionDenied for a committee the actor may not send to; TaskItem.DoesNotExist outside the
    items the actor may send; DomainError (no committee, dates); DispatchRefused (the guard's reasons).
    """
    if not committees:
        raise DomainError(_("Choose at least one committee."), code="no_committees")
    if due_on < starts_on:
        raise DomainError(_("The due date cannot come before the start."), code="dates",
                          fields={"due_on": [_("Too early.")]})
    _check_reachable(actor, committees)
    with transaction.atomic():
        item = (TaskItem.objects.restrict(actor, "dispatch").select_for_update(of=("self",)).select_related("task_list")
                .get(pk=item_pk))
        refusals = [RefusedDispatch(committee=committee, item=item, title=item.title, year=starts_on.year, reason=reason,
                                    attempted_by=actor)
                    for committee in committees
                    if (reason := refusal_reason(item, committee, starts_on, due_on))]
        if not refusals:
            sent = Dispatch.objects.bulk_create([
                Dispatch(item=item, committee=committee, starts_on=starts_on, due_on=due_on, note=note, sent_by=actor)
                for committee in committees
            ])
            audit(actor=actor, action="dispatch.send", instance=item,
                  after={"committees": [c.pk for c in committees], "starts_on": starts_on, "due_on": due_on})
            return sent
    raise DispatchRefused(_record_refusals(refusals))


def dispatch_refuse_unlisted(*, actor: User, title: str, committees: Sequence[Committee], year: int) -> None:
    """A task that is on no list: always refused, and recorded for each committee it was meant for.

    Side effects: one RefusedDispatch per committee (committed; call it outside any transaction).
    Raises: PermissionDenied for a committee the actor may not send to; DispatchRefused, always.
    """
    _check_reachable(actor, committees)
    raise DispatchRefused(_record_refusals([
        RefusedDispatch(committee=committee, title=title[:200], year=year, reason=_("“{title}” is on no list: {rule}.").format(
            title=title, rule=UNLISTED), attempted_by=actor)
        for committee in committees
    ]))
