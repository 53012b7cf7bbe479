"""Export a scope's organisation data, and the blank template, in the import format.

Export -> import changes nothing: the same sheets, the Chinese headers and words the importer reads,
codes written as text (never as numbers a spreadsheet would round), dates as dates. Rows stream from
the database in chunks into openpyxl's write-only workbook, so memory stays flat at city size.
"""

import csv
import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from django.db.models import QuerySet

from committees.interchange.schema import BOOL_WORD, EXAMPLE_MARK, SHEETS, WORD_FOR, Column, Sheet
from committees.models import Committee, CommitteeYear, CommunityFund, CommunityWorker, District, Qualification, Street
from portal.core.spreadsheets import cell_for, csv_neutralise

CHUNK = 2000

# sheet -> (model, the values_list fields in column order)
_SOURCES: dict[str, tuple[type, tuple[str, ...]]] = {
    "districts": (District, ("code", "name")),
    "streets": (Street, ("code", "district_id", "name", "kind")),
    "committees": (Committee, ("code", "street_id", "name", "kind", "established_on", "dissolved_on", "transition")),
    "committee_years": (CommitteeYear, ("committee_id", "year", "households", "resident_households", "office_area_m2",
                                        "elder_area_m2", "work_fund_yuan")),
    "workers": (CommunityWorker, ("code", "committee_id", "name", "position", "hired_on", "left_on")),
    "qualifications": (Qualification, ("worker__code", "level", "obtained_on")),
    "community_funds": (CommunityFund, ("street_id", "name", "kind", "established_on")),
}
_ORDER = {"committee_years": ("committee_id", "year"), "qualifications": ("worker__code", "level"),
          "community_funds": ("street_id", "name")}


def _queryset(sheet: Sheet, actor: Any | None) -> QuerySet | None:
    model, fields = _SOURCES[sheet.name]
    queryset = model.objects.all()
    if actor is not None:
        if not actor.has_perm(f"committees.view_{model._meta.model_name}"):
            return None
        # The actor's own unit only, which the import accepts back: units granted to them belong to others,
        # and are left out (the import accepts their rows too, as far as the grant goes).
        queryset = model.objects.restrict(actor, include_grants=False)
    return queryset.order_by(*_ORDER.get(sheet.name, ("pk",))).values_list(*fields)


def _cell(column: Column, value: Any, *, for_csv: bool) -> Any:
    if value is None:
        return ""
    if column.kind == "choice":
        return WORD_FOR[value]
    if column.kind == "bool":
        return BOOL_WORD[bool(value)]
    if for_csv and isinstance(value, str):
        # A name such as "=HYPERLINK(…)" or "-1 号楼" must not run as a formula where the CSV is opened (OWASP
        # "CSV injection"); the importer reads '= back as =. Only text: numbers (-5) and dates are never touched.
        return csv_neutralise(value)
    if for_csv and isinstance(value, (datetime.date, Decimal)):
        return value.isoformat() if isinstance(value, datetime.date) else f"{value:f}"
    return value


def rows(sheet: Sheet, actor: Any | None, *, for_csv: bool = False) -> Iterator[list[Any]] | None:
    queryset = _queryset(sheet, actor)
    if queryset is None:
        return None
    return ([_cell(c, v, for_csv=for_csv) for c, v in zip(sheet.columns, record, strict=True)]
            for record in queryset.iterator(chunk_size=CHUNK))


def write_workbook(target: IO[bytes] | Path | str, sheets: dict[str, Iterator[list[Any]]]) -> None:
    """Write the sheets (in format order) to an .xlsx: Chinese headers with the key in a comment."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in SHEETS:
        if sheet.name not in sheets:
            continue
        worksheet = workbook.create_sheet(sheet.name)
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns):
            letter = chr(ord("A") + index)
            worksheet.column_dimensions[letter].width = 24 if column.kind in ("text", "choice") else 16
        header = []
        for column in sheet.columns:
            cell = WriteOnlyCell(worksheet, value=column.label)
            cell.font = bold
            note = column.key + ("（必填）" if column.required else "")
            if column.choices:
                note += "：" + " / ".join(word for word in column.choices if not word.isascii())
            cell.comment = Comment(note, "减负通")
            header.append(cell)
        worksheet.append(header)
        for values in sheets[sheet.name]:
            worksheet.append([cell_for(worksheet, value) for value in values])
    workbook.save(target)


def write_csv_folder(folder: Path, sheets: dict[str, Iterator[list[Any]]]) -> None:
    """One <sheet>.csv per sheet, UTF-8 with a BOM so that Excel opens the Chinese correctly. The rows come from
    `rows(…, for_csv=True)`: text a spreadsheet would run as a formula is neutralised with a leading '."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet in SHEETS:
        if sheet.name not in sheets:
            continue
        with (folder / f"{sheet.name}.csv").open("w", encoding="utf-8-sig", newline="") as file:
            writer = csv.writer(file)
            writer.writerow([column.label for column in sheet.columns])
            writer.writerows(sheets[sheet.name])


def scope_sheets(actor: Any | None, *, for_csv: bool = False) -> dict[str, Iterator[list[Any]]]:
    """Every sheet the actor may read, as lazy row iterators."""
    found = {sheet.name: rows(sheet, actor, for_csv=for_csv) for sheet in SHEETS}
    return {name: iterator for name, iterator in found.items() if iterator is not None}


def export_org(path: Path | str, *, actor: Any | None = None) -> None:
    """Write the actor's scope (everything for the command line) to an .xlsx, or else a folder of CSV files."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        write_workbook(path, scope_sheets(actor))
    else:
        write_csv_folder(path, scope_sheets(actor, for_csv=True))


def write_template(target: IO[bytes] | Path | str) -> None:
    """The import template: every sheet with its Chinese headers and one example row.

    The example row's first key cell (a code, or a staff number) starts with EXAMPLE_MARK: the importer skips
    such rows, so a template uploaded unchanged changes nothing (schema.py says why the codes are not real ones).
    """
    examples = {}
    for sheet in SHEETS:
        row = []
        for column in sheet.columns:
            value = column.example
            if column.key == sheet.key[0]:
                value = f"{EXAMPLE_MARK}{value}"
            elif column.kind == "date" and value:
                value = datetime.date.fromisoformat(value)
            elif column.kind == "decimal" and value:
                value = Decimal(value)
            row.append(value)
        examples[sheet.name] = iter([row])
    write_workbook(target, examples)
