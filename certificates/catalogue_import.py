"""A district's catalogue from .xlsx (the export's format): all or nothing, every problem listed.

A row named like a national or city type and different from it becomes the district's override; a row
identical to it is left alone; any other row is the district's own type (updated when it exists).
"""

from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from certificates.models import CertificateType
from portal.core.spreadsheets import UnreadableFile, as_text, check_archive, is_blank

COLUMNS = {"name": "Certificate", "aliases": "Other names", "sub_items": "Sub-items", "rule": "Rule",
           "conditions": "Conditions", "alternative_route": "Alternative route", "handled_by": "Handled by",
           "legal_basis": "Legal basis", "source_document": "Source document"}
COMPARED = ["aliases", "sub_items", "rule", "conditions", "alternative_route", "handled_by", "legal_basis"]


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


def _labels() -> dict[str, str]:
    found = {}
    for key, label in COLUMNS.items():
        found[key] = key
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[_(label).lower()] = key
    return found


def _rules() -> dict[str, str]:
    found = {}
    for value, label in CertificateType.Rule.choices:
        found[value] = value
        for language in ("zh-hans", "en"):
            with translation.override(language):
                found[str(label).lower()] = value
    return found


def _names(value: Any) -> list[str]:
    text = as_text(value)
    for separator in (",", "，", ";", "；", "\n"):
        text = text.replace(separator, "、")
    return [name.strip() for name in text.split("、") if name.strip()]


def import_catalogue(district_id: str, upload: IO[bytes]) -> tuple[int, list[RowError]]:
    import openpyxl

    try:
        check_archive(upload)
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except UnreadableFile as exc:
        return 0, [RowError(0, "", "", str(exc))]
    except Exception:
        return 0, [RowError(0, "", "", _("The workbook cannot be read; it may be damaged. Save it again in Excel."))]
    sheet = workbook.worksheets[0]
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    labels, rules = _labels(), _rules()
    columns = {i: labels[as_text(cell).lower()] for i, cell in enumerate(next(rows, ())) if as_text(cell).lower() in labels}
    if "name" not in columns.values():
        return 0, [RowError(1, "", "", _("The first row must hold the column headers, with at least the certificate."))]
    shared = {c.name: c for c in CertificateType.objects.filter(district__isnull=True)}
    own = {c.name: c for c in CertificateType.objects.filter(district_id=district_id)}
    errors: list[RowError] = []
    writes: list[CertificateType] = []
    seen: dict[str, int] = {}
    for number, cells in enumerate(rows, start=2):
        if all(is_blank(cell) for cell in cells):
            continue
        values = {columns[i]: cells[i] for i in columns if i < len(cells)}
        name = as_text(values.get("name"))
        if name in seen:
            errors.append(RowError(number, _("Certificate"), name, _("Duplicate: row {row} has the same name.").format(
                row=seen[name])))
            continue
        seen[name] = number
        fields = {key: (_names(value) if key in ("aliases", "sub_items") else
                        rules.get(as_text(value).lower(), as_text(value)) if key == "rule" else as_text(value))
                  for key, value in values.items() if key != "name"}
        base = shared.get(name)
        if name not in own and base is not None and all(getattr(base, k) == fields.get(k, getattr(base, k)) for k in COMPARED):
            continue  # the national or city type as it is: nothing for the district to keep
        item = own.get(name) or CertificateType(name=name, jurisdiction="district", district_id=district_id,
                                                overrides=base, rule=base.rule if base else "")
        for key, value in fields.items():
            setattr(item, key, value)
        try:
            item.full_clean(exclude=["search_text"], validate_unique=False, validate_constraints=True)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.extend(RowError(number, str(COLUMNS.get(field, "")), as_text(values.get(field)), m) for m in messages)
            continue
        writes.append(item)
    workbook.close()
    if errors:
        return 0, errors
    with transaction.atomic():
        for item in writes:
            item.save()
    return len(writes), []
