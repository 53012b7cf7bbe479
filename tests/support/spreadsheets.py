"""Build organisation-import files in a test's tmp_path, and read an export back (DOMAIN "Data interchange").

A file is described as `{sheet: [row, ...]}`, each row a dict from column key to cell value, in column order.
The Chinese labels are copied from the DOMAIN table on purpose (not imported from the schema), so that the
tests check the format the districts were promised.
"""

import csv
import datetime
import html
import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl

Sheets = dict[str, list[dict[str, object]]]

# DOMAIN "Data interchange: the organisation import", columns as key: 中文.
LABELS: dict[str, dict[str, str]] = {
    "districts": {"code": "区划代码", "name": "名称"},
    "streets": {"code": "代码", "district_code": "区划代码", "name": "名称", "kind": "类型"},
    "committees": {
        "code": "代码", "street_code": "街道代码", "name": "名称", "kind": "类型",
        "established_on": "成立日期", "dissolved_on": "撤销日期", "transition": "旧改过渡",
    },
    "committee_years": {
        "committee_code": "居委会代码", "year": "年度", "households": "管辖户数", "resident_households": "实际居住户数",
        "office_area_m2": "办公服务用房面积", "elder_area_m2": "老年活动室面积", "work_fund_yuan": "工作经费",
    },
    "workers": {
        "code": "工号", "committee_code": "居委会代码", "name": "姓名", "position": "职务",
        "hired_on": "入职日期", "left_on": "离职日期",
    },
    "qualifications": {"worker_code": "工号", "level": "等级", "obtained_on": "取得日期"},
    "community_funds": {"street_code": "街道代码", "name": "名称", "kind": "类型", "established_on": "成立日期"},
}
SHEET_NAMES = tuple(LABELS)

_INT = re.compile(r"^-?[0-9]+$")
_DECIMAL = re.compile(r"^-?[0-9]+\.[0-9]+$")


def _header(sheet: str, rows: list[dict[str, object]], labels: bool) -> list[str]:
    keys = list(rows[0]) if rows else list(LABELS[sheet])
    return [LABELS[sheet][key] if labels else key for key in keys]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def write_csv_folder(folder: Path, sheets: Sheets, *, labels: bool = False, bom: bool = False) -> Path:
    """One <sheet>.csv per sheet, UTF-8 (with a BOM when `bom`), headers as keys or as Chinese labels."""
    folder.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        with (folder / f"{sheet}.csv").open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(_header(sheet, rows, labels))
            for row in rows:
                writer.writerow([_text(v) for v in row.values()])
    return folder


def _cell(value: object, numbers: bool) -> object:
    """What a spreadsheet holds: typed by hand in Excel, digits become numbers (openpyxl writes ints/floats)."""
    if value is None or value == "":
        return None
    if numbers and isinstance(value, str):
        if _INT.match(value):
            return int(value)
        if _DECIMAL.match(value):
            return float(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_xlsx(path: Path, sheets: Sheets, *, labels: bool = False, numbers: bool = True) -> Path:
    """One workbook, one worksheet per sheet; with `numbers`, digit-only cells are numeric cells as in Excel."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in sheets.items():
        worksheet = workbook.create_sheet(sheet)
        worksheet.append(_header(sheet, rows, labels))
        for row in rows:
            worksheet.append([_cell(v, numbers) for v in row.values()])
    workbook.save(path)
    return path


def write_file(tmp_path: Path, fmt: str, sheets: Sheets, *, labels: bool = False) -> Path:
    """The same sheets as a CSV folder (fmt "csv") or an .xlsx workbook (fmt "xlsx")."""
    if fmt == "csv":
        return write_csv_folder(tmp_path / "import", sheets, labels=labels)
    return write_xlsx(tmp_path / "import.xlsx", sheets, labels=labels)


def _key_for(sheet: str, header: object) -> str:
    text = _text(header).strip().lstrip("\ufeff")
    by_label = {label: key for key, label in LABELS[sheet].items()}
    return by_label.get(text, text.lower())


def read_export(path: Path) -> dict[str, list[dict[str, str]]]:
    """An exported folder or workbook as {sheet: [row dict keyed by column key, cells as text]}."""
    result: dict[str, list[dict[str, str]]] = {}
    if path.suffix == ".xlsx":
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for worksheet in workbook.worksheets:
            if worksheet.title not in LABELS:
                continue
            rows = list(worksheet.iter_rows(values_only=True))
            if not rows:
                result[worksheet.title] = []
                continue
            keys = [_key_for(worksheet.title, h) for h in rows[0]]
            result[worksheet.title] = [
                {k: _text(v) for k, v in zip(keys, row, strict=False)}
                for row in rows[1:]
                if any(v not in (None, "") for v in row)
            ]
        workbook.close()
        return result
    for sheet in LABELS:
        file = path / f"{sheet}.csv"
        if file.exists():
            with file.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f))
            keys = [_key_for(sheet, h) for h in rows[0]] if rows else []
            result[sheet] = [dict(zip(keys, row, strict=False)) for row in rows[1:] if any(row)]
    return result


# --- workbooks as Excel and other programs save them (issue 14: the shared cell-reading layer) -----------------

def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    """An openpyxl workbook saved to bytes: as a program writes it (formulas without saved results)."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, part: str, change: Callable[[str], str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == part:
                content = change(content.decode()).encode()
            target.writestr(member, content)
    return buffer.getvalue()


def excel_saved(data: bytes, results: dict[str, object], *, sheet: int = 1) -> bytes:
    """The workbook as Excel saves it: each formula cell of `results` (by coordinate, in the `sheet`-th sheet)
    gets its computed result stored. A number is stored as a number; text (also "") as a text result, t="str",
    which is how Excel stores a formula whose result is empty text."""

    def store(xml: str) -> str:
        for coordinate, result in results.items():
            match = re.search(rf'<c r="{coordinate}"([^>]*)><f>(.*?)</f><v\s*(?:/>|></v>)', xml)
            assert match, f"no formula cell {coordinate} without a result"
            typed = ' t="str"' if isinstance(result, str) else ""
            xml = xml.replace(match.group(0), f'<c r="{coordinate}"{match.group(1)}{typed}><f>{match.group(2)}</f>'
                                              f"<v>{html.escape(str(result))}</v>")
        return xml

    return _rewrite(data, f"xl/worksheets/sheet{sheet}.xml", store)


def builtin_number_format(data: bytes, format_code: str, format_id: int) -> bytes:
    """The workbook with the custom number format `format_code` replaced by the built-in format `format_id`,
    defined nowhere in the file: how Chinese Excel stores a date shown as 2024年1月5日 (numFmtId 31)."""

    def replace(xml: str) -> str:
        escaped = html.escape(format_code, quote=True)
        match = re.search(rf'<numFmt numFmtId="(\d+)" formatCode="{re.escape(escaped)}"\s*/>', xml)
        assert match, f"no number format {format_code}"
        xml = xml.replace(match.group(0), "")
        return xml.replace(f'numFmtId="{match.group(1)}"', f'numFmtId="{format_id}"')

    return _rewrite(data, "xl/styles.xml", replace)


def excel_text(text: str) -> str:
    """Text as Excel stores it in the file: a character XML cannot hold (ESC, BEL…) as _x001B_ (ECMA-376
    ST_Xstring). openpyxl refuses to write the character itself (and its own escape() stops at U+0019)."""
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f]", lambda m: f"_x{ord(m.group(0)):04X}_", text)
