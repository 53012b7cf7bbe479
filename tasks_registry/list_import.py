"""Import a list's items from .xlsx (the export's format), into a draft list: all or nothing, every error listed."""

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from portal.core.spreadsheets import UnreadableFile, as_text, check_archive, is_blank
from tasks_registry.models import TaskItem, TaskList

FIELDS = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency", "hours_per_month",
          "forms", "systems", "needs_seal", "exited_at", "exit_reason"]
YES = {"是", "yes", "true", "1", "y"}


@dataclass
class ItemError:
    row: int
    column: str
    value: str
    message: str


def _headers() -> dict[str, str]:
    """Each field by its key and by its label in every language the portal speaks."""
    found = {}
    for field in FIELDS:
        found[field] = field
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(TaskItem._meta.get_field(field).verbose_name).strip().lower()] = field
    return found


def _categories() -> dict[str, str]:
    found = {}
    for value, label in TaskItem.Category.choices:
        found[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(label).strip().lower()] = value
    return found


def import_items(task_list: TaskList, upload: IO[bytes]) -> tuple[int, list[ItemError]]:
    """Upsert the workbook's items by number into `task_list` (a draft). Returns (rows written, errors)."""
    import openpyxl

    if task_list.is_published:
        return 0, [ItemError(0, "", "", _("A published list is not edited; items exit it with a reason instead."))]
    try:
        check_archive(upload)
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except UnreadableFile as exc:
        return 0, [ItemError(0, "", "", str(exc))]
    except Exception:  # a damaged workbook
        return 0, [ItemError(0, "", "", _("The workbook cannot be read; it may be damaged. Save it again in Excel."))]
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    header = [as_text(cell).lower() for cell in next(rows, ())]
    names, categories = _headers(), _categories()
    columns = {index: names[text] for index, text in enumerate(header) if text in names}
    errors: list[ItemError] = []
    if "code" not in columns.values() or "title" not in columns.values():
        message = _("The first row must hold the column headers, with at least the item number and the task.")
        return 0, [ItemError(1, "", "", message)]
    existing = {item.code: item for item in task_list.items.all()}
    seen: dict[str, int] = {}
    items: list[TaskItem] = []
    for number, cells in enumerate(rows, start=2):
        if all(is_blank(cell) for cell in cells):
            continue
        values: dict[str, Any] = {columns[i]: cells[i] for i in columns if i < len(cells)}
        code = as_text(values.get("code"))
        item = existing.get(code) or TaskItem(task_list=task_list)
        for field, value in values.items():
            if field == "category":
                value = categories.get(as_text(value).lower(), as_text(value))
            elif field == "needs_seal":
                value = as_text(value).lower() in YES or value is True
            elif field == "exited_at":
                value = value.date() if hasattr(value, "date") else (as_text(value) or None)
            elif field == "hours_per_month":
                value = as_text(value) or 0
            else:
                value = as_text(value)
            setattr(item, field, value)
        if code in seen:
            errors.append(ItemError(number, str(TaskItem._meta.get_field("code").verbose_name), code,
                                    _("Duplicate: row {row} has the same number.").format(row=seen[code])))
            continue
        seen[code] = number
        try:
            item.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                label = str(TaskItem._meta.get_field(field).verbose_name) if field in FIELDS else ""
                errors.extend(ItemError(number, label, as_text(values.get(field)), message) for message in messages)
            continue
        items.append(item)
    workbook.close()
    if errors:
        return 0, errors
    with transaction.atomic():
        if TaskList.objects.select_for_update().get(pk=task_list.pk).is_published:  # published meanwhile
            return 0, [ItemError(0, "", "", _("A published list is not edited; items exit it with a reason instead."))]
        for item in items:
            item.save()
    return len(items), []
