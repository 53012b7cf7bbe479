"""Task lists: start one, fill it, import its items, publish it, carry it into next year, take items off.

Every write to an existing list or item authorises and locks in its first line through the list's (or
item's) named action, so a list published meanwhile is no longer among the rows "change" reaches: the caller
gets DoesNotExist (the API answers 404; a page that can still show the list says what happened). Starting a
list has no row to lock: task_list_create asks the role first and checks the new row against "add" after.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from portal.core.audit import Source, audit, audit_source, snapshot
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever, unit_of
from portal.core.spreadsheets import (
    CellError,
    UnreadableFile,
    as_text,
    cell_text,
    check_required,
    find_header,
    first_visible_sheet,
    header_text,
    is_blank,
    label_keys,
    parse_date,
    read_bool,
    read_choice,
    read_decimal,
)
from tasks_registry.choices import Category, ListLevel, ListStatus
from tasks_registry.models import TaskItem, TaskList

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["ITEM_FIELDS", "Carried", "ItemError", "Renumbered", "carry_refusal", "task_item_exit", "task_item_save",
           "task_list_carry", "task_list_create", "task_list_import_items", "task_list_publish"]

# What a person types for an item (the rest is the list's, or the admission's: admitted_from, exited_*).
ITEM_FIELDS = ("code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
               "hours_per_month", "forms", "systems", "needs_seal")
# What a new year's list takes over from an item of this year's.
_CARRIED = (*ITEM_FIELDS, "admitted_from")


def _lock_list(actor: User, action: str, pk: int) -> TaskList:
    return TaskList.objects.restrict(actor, action).select_for_update(of=("self",)).get(pk=pk)


@transaction.atomic
def task_list_create(*, actor: User, year: int) -> TaskList:
    """Start an empty draft list for `year`: the city's for city staff, their district's for district staff.

    Side effects: the list row; an audit entry.
    Raises: PermissionDenied without the role permission; ValidationError when that list exists already.
    """
    if not may_ever(actor, TaskList, "add"):
        raise PermissionDenied
    district = unit_of(actor, "district")
    task_list = TaskList(level=ListLevel.DISTRICT if district else ListLevel.CITY, district_id=district, year=year)
    task_list.full_clean()
    task_list.save()
    if not TaskList.objects.restrict(actor, "add").filter(pk=task_list.pk).exists():
        raise PermissionDenied  # a list its maker could not have started: rolled back with the transaction
    audit(actor=actor, action="tasklist.create", instance=task_list, after=snapshot(task_list))
    return task_list


@transaction.atomic
def task_list_publish(*, actor: User, pk: int) -> TaskList:
    """Publish a draft list: from now on its items may be dispatched, and only exit it with a reason.

    Side effects: status and publication time; an audit entry.
    Raises: TaskList.DoesNotExist outside the drafts the actor keeps; DomainError(code="empty").
    """
    locked = _lock_list(actor, "publish", pk)
    if not locked.items.exists():
        raise DomainError(_("An empty list cannot be published."), code="empty")
    before = snapshot(locked)
    locked.status, locked.published_at = ListStatus.PUBLISHED, timezone.now()
    locked.save(update_fields=["status", "published_at"])
    audit(actor=actor, action="tasklist.publish", instance=locked, before=before, after=snapshot(locked))
    return locked


@dataclass(frozen=True)
class Renumbered:
    """An item of next year's draft that took a new number so that a carried item keeps its own."""

    title: str
    old: str
    new: str


@dataclass(frozen=True)
class Carried:
    """What carrying a list forward did: next year's draft, how many items it received, how many were there
    already (the same number, or the same origin: carried from the same item or admitted by the same request),
    and the draft's items that took a new number to make way (an approved request's item numbered like a
    carried one)."""

    draft: TaskList
    carried: int
    skipped: int
    renumbered: tuple[Renumbered, ...] = ()


def carry_refusal(task_list: TaskList) -> str | None:
    """Why `task_list` cannot be carried into next year, or None: the next year's list of the same level and
    district is published already (nothing can be merged into it). The list page's button and task_list_carry
    ask this one rule (one query; a published list is everyone's to read, as on the public page)."""
    year = task_list.year + 1
    if TaskList.objects.published().filter(level=task_list.level, district_id=task_list.district_id,
                                           year=year).exists():
        return _("The list for {year} is published already: nothing can be carried into it. Add what it lacks by an "
                 "admission request.").format(year=year)
    return None


@transaction.atomic
def task_list_carry(*, actor: User, pk: int) -> Carried:
    """Q4: carry this published list forward into next year's draft: started now, or merged into the draft
    that exists already (an approved request for next year starts one holding its item). Items that exited this
    year are left out; an item the draft holds already (carried from the same item, admitted by the same
    request, or under the same number and not from a request) is not copied twice, so carrying twice adds
    nothing the second time. A carried item keeps its number: a draft item of an approved request ("ZR001",
    numbered by next year's own admissions) holding that number takes the next free one (the draft is not
    published, so nobody has been sent it under its number yet).

    Side effects: the draft (its `copied_from` set when it had none), the items carried, each with
    `carried_from`, and the new numbers of the draft items that made way; an audit entry for the carry, one
    per item carried and one per renumbered item. A second click waits for the locks, then finds the items there.
    Raises: TaskList.DoesNotExist outside the published lists the actor keeps; DomainError(code="published")
    when next year's list is published already (carry_refusal).
    """
    source = _lock_list(actor, "carry", pk)
    year = source.year + 1
    # get_or_create, not a look then a create: an approval filing next year's first item (admission._file) may
    # start the draft at the same moment; the list's unique constraint makes one of the two wait, then find it.
    found, started = TaskList.objects.get_or_create(level=source.level, district_id=source.district_id, year=year,
                                                    defaults={"copied_from": source})
    refusal = carry_refusal(source)
    if refusal:
        raise DomainError(refusal, code="published")
    draft = _lock_list(actor, "change", found.pk)
    if draft.copied_from_id is None:
        draft.copied_from = source
        draft.save(update_fields=["copied_from"])
    # The draft is locked: neither an approval (admission._file) nor an edit changes its items meanwhile.
    present = {item.code: item for item in draft.items.all()}
    origins = {item.carried_from_id for item in present.values() if item.carried_from_id is not None}
    requests = {item.admitted_from for item in present.values() if item.admitted_from}
    end = datetime.date(source.year, 12, 31)
    incoming, skipped = [], 0
    for item in source.items.active_on(end).order_by("code"):
        if item.pk in origins or (item.admitted_from and item.admitted_from in requests):
            skipped += 1
            continue
        there = present.get(item.code)
        if there is not None and not _makes_way(there):  # the same number, not a request's: the same item
            skipped += 1
            continue
        incoming.append(item)
    taken = set(present) | {item.code for item in incoming}
    renumbered = []
    for item in incoming:
        there = present.get(item.code)
        if there is None:
            continue
        # Next year's admissions number from ZR001 again: this year's ZR001 and the draft's ZR001 are two tasks.
        # The carried one keeps its number (what committees know it by); the draft's takes the next free one.
        before = snapshot(there)
        there.code = _next_admission_code(taken)
        taken.add(there.code)
        there.save(update_fields=["code"])
        audit(actor=actor, action="taskitem.renumber", instance=there, before=before, after=snapshot(there))
        renumbered.append(Renumbered(there.title, before["code"], there.code))
    carried = [TaskItem(task_list=draft, carried_from=item, **{field: getattr(item, field) for field in _CARRIED})
               for item in incoming]
    TaskItem.objects.bulk_create(carried)
    for item in carried:
        audit(actor=actor, action="taskitem.carry", instance=item, after=snapshot(item))
    audit(actor=actor, action="tasklist.start_next_year", instance=draft,
          after={"from": source.pk, "carried": [item.code for item in carried], "skipped": skipped,
                 "renumbered": {moved.old: moved.new for moved in renumbered}, "merged": not started})
    return Carried(draft, len(carried), skipped, tuple(renumbered))


def _makes_way(item: TaskItem) -> bool:
    """Whether a draft item gives up its number to a carried item of the same number: an approved request's
    item of next year (not carried, not entered by hand or imported: those are the same item)."""
    return item.carried_from_id is None and bool(item.admitted_from)


def _next_admission_code(codes: set[str]) -> str:
    """The next free number of an admitted item ("ZR004"), as admission numbers them (services.admission._file)."""
    number = max((int(code[2:]) for code in codes if code.startswith("ZR") and code[2:].isdigit()), default=0) + 1
    return f"ZR{number:03d}"


@transaction.atomic
def task_item_save(*, actor: User, list_pk: int, data: Mapping[str, Any], pk: int | None = None) -> TaskItem:
    """Add an item to a draft list, or change one of its items (`pk`), from the fields of ITEM_FIELDS in `data`.

    The list is locked, so that it cannot be published while the item is written.
    Side effects: the item row; an audit entry.
    Raises: TaskList/TaskItem.DoesNotExist outside the drafts the actor keeps; ValidationError (the item's
    rules: number unique in the list, hours not negative…).
    """
    task_list = _lock_list(actor, "change", list_pk)
    if pk is None:
        item, before = TaskItem(task_list=task_list), None
    else:
        item = TaskItem.objects.restrict(actor, "change").select_for_update(of=("self",)).get(pk=pk, task_list=task_list)
        before = snapshot(item)
    for field in ITEM_FIELDS:
        if field in data:
            setattr(item, field, data[field])
    item.full_clean()
    item.save()
    audit(actor=actor, action="taskitem.create" if before is None else "taskitem.update", instance=item, before=before,
          after=snapshot(item))
    return item


@transaction.atomic
def task_item_exit(*, actor: User, pk: int, on: datetime.date, reason: str) -> TaskItem:
    """退出: the item leaves its list from `on`; what was dispatched before stays as it was.

    Side effects: exit date and reason; an audit entry.
    Raises: TaskItem.DoesNotExist outside the items the actor keeps (or when it exited already);
    DomainError(code="reason") without a reason.
    """
    locked = TaskItem.objects.restrict(actor, "exit").select_for_update(of=("self",)).get(pk=pk)
    if not reason.strip():
        raise DomainError(_("Give the reason the item exits the list."), code="reason",
                          fields={"exit_reason": [_("Required.")]})
    before = snapshot(locked)
    locked.exited_at, locked.exit_reason = on, reason.strip()
    locked.save(update_fields=["exited_at", "exit_reason"])
    audit(actor=actor, action="taskitem.exit", instance=locked, before=before, after=snapshot(locked))
    return locked


# --- import from .xlsx ----------------------------------------------------------------------------------
_IMPORTED = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
             "hours_per_month", "forms", "systems", "needs_seal", "exited_at", "exit_reason"]


@dataclass
class ItemError:
    """One problem of an imported workbook, where the user finds it (row 0: the whole file)."""

    row: int
    column: str
    value: str
    message: str


_LONG_TEXTS = {"legal_basis", "description", "forms", "systems", "exit_reason"}  # may hold line breaks


def _required() -> set[str]:
    """The fields an imported row must fill: those the item's form requires (the number, the task, the category,
    the responsible unit, the hours). A yes/no is never required: a blank seal cell is "no", as an unticked box."""
    return {field for field in _IMPORTED if TaskItem._meta.get_field(field).formfield().required}


def _hours(value: Any) -> Decimal:
    """Hours as the field holds them (its decimal places, its max_digits), read as the organisation import reads
    a number: no text, no negatives."""
    field = TaskItem._meta.get_field("hours_per_month")
    places = field.decimal_places
    return read_decimal(value, places=places, maximum=Decimal(10) ** (field.max_digits - places) - Decimal(10) ** -places,
                        negative=_("Hours cannot be negative."))


def _cell(field: str, value: Any, categories: dict[str, str], required: set[str]) -> Any:
    """One cell as the item's field takes it, read by portal.core.spreadsheets (the number and the words
    normalised, texts as typed without invisible characters, the exit date by the one date parser, the category,
    the yes/no and the hours by the readers the three imports share). A blank cell is refused in a column the
    item requires, and is empty (no, no date) in any other. Raises CellError."""
    if field in required:
        check_required(value)
    elif is_blank(value):
        return {"needs_seal": False, "exited_at": None}.get(field, "")
    if field == "category":  # the labels as the export writes them, in the user's language
        return read_choice(value, categories, [label for _value, label in Category.choices])
    if field == "needs_seal":
        return read_bool(value)
    if field == "exited_at":
        return parse_date(value)
    if field == "hours_per_month":
        return _hours(value)
    if field == "code":
        return cell_text(value)  # "００１" or "001\u200b" is item 001, not a second item
    return cell_text(value, prose=True, multiline=field in _LONG_TEXTS)


def _label(field: str) -> str:
    """A column's header as the export writes it (capitalised as a label: "Item number")."""
    return capfirst(str(TaskItem._meta.get_field(field).verbose_name))


def _read_items(task_list: TaskList, upload: IO[bytes]) -> tuple[list[TaskItem], list[ItemError], list[str]]:
    """The workbook's rows as items of `task_list` (existing ones matched by number), or every problem in the
    order of the file (by row, then by column); and the notices for the person (hidden sheets skipped). The
    first visible sheet is read; its header may sit under a title row. A cell a row leaves out at its end is
    blank, as it looks."""
    names = label_keys((field, TaskItem._meta.get_field(field).verbose_name) for field in _IMPORTED)
    categories = label_keys(Category.choices)
    required = _required()
    existing = {item.code: item for item in task_list.items.all()}
    errors: list[ItemError] = []
    items: list[TaskItem] = []
    seen: dict[str, int] = {}
    with first_visible_sheet(upload) as sheet:
        notices = sheet.notices
        table = find_header(sheet.rows, lambda text: text in names, [_label(field) for field in _IMPORTED])
        if table.problem:
            return [], [ItemError(table.header_row, "", "", table.problem)], notices
        columns = {index: names[header_text(cell)] for index, cell in enumerate(table.header) if header_text(cell) in names}
        if not table.header:
            return [], [ItemError(0, "", "", _("The sheet “{sheet}” holds nothing to import.").format(
                sheet=sheet.title))], notices
        missing = [field for field in ("code", "title") if field not in columns.values()]
        if missing:
            return [], [ItemError(table.header_row, _label(field), "", _(
                "The column headers (row {row}) lack the column “{label}”.").format(
                row=table.header_row, label=_label(field))) for field in missing], notices
        for number, cells in table.rows:
            if all(is_blank(cell) for cell in cells):
                continue
            values: dict[str, Any] = {field: cells[i] if i < len(cells) else None for i, field in columns.items()}
            read: dict[str, Any] = {}
            for field, value in values.items():
                try:
                    read[field] = _cell(field, value, categories, required)
                except CellError as error:
                    errors.append(ItemError(number, _label(field), as_text(value), str(error)))
            code = read.get("code")  # None: the number could not be read (its cell says why)
            if code in seen:  # said also of a row with other problems
                errors.append(ItemError(number, _label("code"), code,
                                        _("Duplicate: row {row} has the same number.").format(row=seen[code])))
                continue
            if code is not None:
                seen[code] = number
            if len(read) < len(values):
                continue
            item = existing.get(code) or TaskItem(task_list=task_list)
            for field, value in read.items():
                setattr(item, field, value)
            try:
                # Uniqueness is the upsert's (matched by number); every other rule of the row holds here, so
                # that a bad row is reported with its number instead of failing the save.
                item.full_clean(validate_unique=False)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    label = _label(field) if field in _IMPORTED else ""
                    errors.extend(ItemError(number, label, as_text(values.get(field)), message) for message in messages)
                continue
            items.append(item)
    # In the order of the file, whatever order the rows came in (a program may write them in any order) and
    # the model's rules in the order of its fields: by row, then by column, a problem of the whole row last.
    place = {_label(field): index for index, field in sorted(columns.items(), reverse=True)}
    errors.sort(key=lambda error: (error.row, place.get(error.column, len(table.header))))
    return items, errors, notices


@transaction.atomic
def task_list_import_items(*, actor: User, pk: int, upload: IO[bytes]) -> tuple[int, list[ItemError], list[str]]:
    """Upsert a workbook's items (the export's format) by number into a draft list: all or nothing.

    Reads the first visible sheet (hidden sheets are skipped and named in the notices).
    Returns (rows written, problems, notices for the person); with problems nothing is written.
    Side effects: the item rows; an audit entry for each item (taskitem.create / taskitem.update, source
    `import`) and one for the list.
    Raises: TaskList.DoesNotExist outside the drafts the actor keeps.
    """
    task_list = _lock_list(actor, "change", pk)
    try:
        items, errors, notices = _read_items(task_list, upload)
    except UnreadableFile as exc:
        return 0, [ItemError(0, "", "", str(exc))], []
    if errors:
        return 0, errors, notices
    befores = {row.pk: snapshot(row) for row in TaskItem.objects.filter(pk__in=[item.pk for item in items if item.pk])}
    with audit_source(Source.IMPORT):
        for item in items:
            item.save()
            before = befores.get(item.pk)
            audit(actor=actor, action="taskitem.create" if before is None else "taskitem.update", instance=item,
                  before=before, after=snapshot(item))
        audit(actor=actor, action="tasklist.import_items", instance=task_list,
              after={"items": len(items), "codes": [item.code for item in items]})
    return len(items), [], notices
