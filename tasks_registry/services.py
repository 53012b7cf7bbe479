"""Task lists and dispatch: publish, start next year's list from this year's, and the dispatch guard.

The guard is the heart of burden reduction (DOMAIN "Task admission"): a task reaches a committee only as
an item of the published city list or of the committee's district list for the year, not exited. Every
refused attempt is recorded, in its own transaction, so the evidence survives the refusal.
"""

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, DecimalField, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.models import Committee
from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from tasks_registry.models import Dispatch, RefusedDispatch, TaskItem, TaskList

UNLISTED = "未纳入市、区两级下派村居组织工作任务计划清单的事项不得下派"


def may_edit(actor: Any, task_list: TaskList) -> bool:
    """City staff keep the city list; district staff their own district's. Published lists stay as published."""
    if task_list.level == TaskList.Level.CITY:
        return actor.is_superuser or (actor.scope_level == "city" and actor.has_perm("tasks_registry.change_tasklist"))
    return actor.has_perm("tasks_registry.change_tasklist") and actor.district_id == task_list.district_id


def _check_editable(actor: Any, task_list: TaskList) -> None:
    if not may_edit(actor, task_list):
        raise PermissionDenied
    if task_list.is_published:
        raise DomainError(_("A published list is not edited; items exit it with a reason instead."), code="published")


@transaction.atomic
def publish_list(*, actor: Any, task_list: TaskList) -> TaskList:
    locked = TaskList.objects.select_for_update().get(pk=task_list.pk)
    _check_editable(actor, locked)
    if not locked.items.exists():
        raise DomainError(_("An empty list cannot be published."), code="empty")
    before = snapshot(locked)
    locked.status, locked.published_at = TaskList.Status.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit(actor=actor, action="tasklist.publish", instance=locked, before=before, after=snapshot(locked))
    return locked


@transaction.atomic
def start_next_year(*, actor: Any, task_list: TaskList) -> TaskList:
    """Q4: the next year's list as a draft copy of this one (items that exited are left out)."""
    if not may_edit(actor, task_list):
        raise PermissionDenied
    TaskList.objects.select_for_update().get(pk=task_list.pk)  # a second click waits, then finds the copy made
    year = task_list.year + 1
    existing = TaskList.objects.filter(level=task_list.level, district=task_list.district, year=year).first()
    if existing:
        raise DomainError(_("The list for {year} already exists.").format(year=year), code="exists")
    draft = TaskList.objects.create(level=task_list.level, district=task_list.district, year=year,
                                    copied_from=task_list)
    end = datetime.date(task_list.year, 12, 31)
    fields = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
              "hours_per_month", "forms", "systems", "needs_seal", "admitted_from"]
    TaskItem.objects.bulk_create([
        TaskItem(task_list=draft, **{f: getattr(item, f) for f in fields})
        for item in task_list.items.active_on(end).order_by("code")
    ])
    audit(actor=actor, action="tasklist.start_next_year", instance=draft, after={"from": task_list.pk})
    return draft


@dataclass
class Change:
    code: str
    title: str
    kind: str  # added, removed, changed
    fields: list[str]  # the changed fields' names, in the user's language


COMPARED = ("title", "category", "responsible_unit", "legal_basis", "frequency", "hours_per_month", "forms", "systems",
            "needs_seal")


def changes_since(task_list: TaskList) -> list[Change]:
    """What changed against the list it was started from: added, removed and changed items (two queries)."""
    if task_list.copied_from_id is None:
        return []
    old = {item.code: item for item in TaskItem.objects.filter(task_list_id=task_list.copied_from_id)}
    new = {item.code: item for item in task_list.items.all()}
    changes = [Change(code, item.title, "added", []) for code, item in new.items() if code not in old]
    changes += [Change(code, item.title, "removed", []) for code, item in old.items() if code not in new]
    for code, item in new.items():
        if code in old:
            differing = [str(TaskItem._meta.get_field(f).verbose_name) for f in COMPARED
                         if getattr(item, f) != getattr(old[code], f)]
            if differing:
                changes.append(Change(code, item.title, "changed", differing))
    return sorted(changes, key=lambda change: change.code)


@transaction.atomic
def exit_item(*, actor: Any, item: TaskItem, on: datetime.date, reason: str) -> TaskItem:
    """退出: the item leaves its list from `on`; what was dispatched before stays as it was."""
    locked = TaskItem.objects.select_for_update().select_related("task_list").get(pk=item.pk)
    if not may_edit(actor, locked.task_list):
        raise PermissionDenied
    if not reason.strip():
        raise DomainError(_("Give the reason the item exits the list."), code="reason",
                          fields={"exit_reason": [_("Required.")]})
    before = snapshot(locked)
    locked.exited_at, locked.exit_reason = on, reason.strip()
    locked.save(update_fields=["exited_at", "exit_reason"])
    audit(actor=actor, action="taskitem.exit", instance=locked, before=before, after=snapshot(locked))
    return locked


# --- dispatch -------------------------------------------------------------------------------------
class DispatchRefused(DomainError):
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
    if task_list.level == TaskList.Level.DISTRICT and task_list.district_id != committee.street.district_id:
        return _("The item is on another district's list, not on the list of {committee}'s district ({rule}).").format(
            committee=committee.name, rule=UNLISTED)
    if item.has_exited_on(due_on):  # exited before or during the period asked for
        return _("The item exits the list on {date}: {reason}").format(date=item.exited_at, reason=item.exit_reason)
    for day in (starts_on, due_on):
        if not committee.is_active_on(day):
            return _("{committee} is not an active committee on {date}.").format(committee=committee.name, date=day)
    return None


def _reachable(actor: Any, committees: Sequence[Committee]) -> None:
    allowed = set(Committee.objects.restrict(actor, "view", perm="tasks_registry.add_dispatch")
                  .filter(pk__in=[c.pk for c in committees]).values_list("pk", flat=True))
    if len(allowed) != len({c.pk for c in committees}):
        raise PermissionDenied


def _record_refusals(rows: list[RefusedDispatch]) -> list[RefusedDispatch]:
    """Kept even though the dispatch is refused: the refusal is the record."""
    with transaction.atomic():
        return RefusedDispatch.objects.bulk_create(rows)


def dispatch(*, actor: Any, item: TaskItem, committees: Sequence[Committee], starts_on: datetime.date,
             due_on: datetime.date, note: str = "") -> list[Dispatch]:
    """Send a listed item to committees: all of them, or none with every refusal recorded.

    The item is locked while it is checked and sent, so an exit at the same moment cannot slip between.
    """
    if not committees:
        raise DomainError(_("Choose at least one committee."), code="no_committees")
    if due_on < starts_on:
        raise DomainError(_("The due date cannot come before the start."), code="dates",
                          fields={"due_on": [_("Too early.")]})
    _reachable(actor, committees)
    with transaction.atomic():
        item = TaskItem.objects.select_for_update().select_related("task_list").get(pk=item.pk)
        refusals = []
        for committee in committees:
            reason = refusal_reason(item, committee, starts_on, due_on)
            if reason:
                refusals.append(RefusedDispatch(committee=committee, item=item, title=item.title, year=starts_on.year,
                                                reason=reason, attempted_by=actor))
        if not refusals:
            sent = Dispatch.objects.bulk_create([
                Dispatch(item=item, committee=committee, starts_on=starts_on, due_on=due_on, note=note, sent_by=actor)
                for committee in committees
            ])
            audit(actor=actor, action="dispatch.send", instance=item,
                  after={"committees": [c.pk for c in committees], "starts_on": starts_on, "due_on": due_on})
            return sent
    raise DispatchRefused(_record_refusals(refusals))


def refuse_unlisted(*, actor: Any, title: str, committees: Sequence[Committee], year: int) -> None:
    """A task that is on no list: always refused, and recorded for each committee it was meant for."""
    _reachable(actor, committees)
    raise DispatchRefused(_record_refusals([
        RefusedDispatch(committee=committee, title=title[:200], year=year, reason=_("“{title}” is on no list: {rule}.").format(
            title=title, rule=UNLISTED), attempted_by=actor)
        for committee in committees
    ]))


# --- the burden meter -----------------------------------------------------------------------------------
def burden(dispatches: Any, year: int) -> dict[str, list[Decimal]]:
    """Hours per month of dispatched tasks, month by month, for `year` and the year before (one query).

    A dispatch weighs its item's hours per committee per month in every month it runs through.
    """
    sums = {}
    for y in (year - 1, year):
        for month in range(1, 13):
            first = datetime.date(y, month, 1)
            last = datetime.date(y, month, calendar.monthrange(y, month)[1])
            sums[f"m{y}_{month}"] = Sum(Case(When(Q(starts_on__lte=last) & Q(due_on__gte=first),
                                                  then="item__hours_per_month"), default=Decimal(0),
                                             output_field=DecimalField(max_digits=12, decimal_places=1)))
    totals = dispatches.aggregate(**sums)
    return {label: [totals[f"m{y}_{month}"] or Decimal(0) for month in range(1, 13)]
            for label, y in (("previous", year - 1), ("current", year))}
