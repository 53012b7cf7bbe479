"""Spreadsheets in and out, for every importer and export: reading without trusting the file (an archive's
directory checked before anything is inflated, cells read as the user sees them, the first sheet streamed),
and writing .xlsx downloads (cells that stay what they are, one-sheet tables, the response).
"""

import contextlib
import datetime
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"


# --- reading --------------------------------------------------------------------------------------------
class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


def as_text(value: Any) -> str:
    """The cell as the user sees it, for the error report."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_archive(file: IO[bytes] | Path) -> None:
    """Refuse a zip (an .xlsx is one) whose directory promises too many members, too much data or a bomb's
    ratio (settings.PORTAL_IMPORT_LIMITS). Raises UnreadableFile; rewinds the file."""
    limits = settings.PORTAL_IMPORT_LIMITS
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(_("The file is not a valid .xlsx or .zip file.")) from exc
    if len(members) > limits["archive_members"]:
        raise UnreadableFile(_("The archive holds too many files ({count}).").format(count=len(members)))
    total = 0
    for member in members:
        total += member.file_size
        # openpyxl holds a workbook's shared strings in memory even in read-only mode.
        if member.filename.lower() == "xl/sharedstrings.xml" and member.file_size > limits["shared_strings_bytes"]:
            raise UnreadableFile(_("The workbook holds too much text ({size} MB). Split it into several files.").format(
                size=member.file_size // 2**20))
        ratio = member.file_size / max(member.compress_size, 1)
        # zipfile never inflates a member beyond its declared size, so the directory can be trusted here.
        if ratio > limits["archive_ratio"] and member.file_size > 1024 * 1024:
            raise UnreadableFile(_("The archive is compressed suspiciously well; it was refused as a possible archive bomb."))
    if total > limits["archive_bytes"]:
        raise UnreadableFile(
            _("Unpacked, the file would take {size} MB; the limit is {limit} MB.").format(
                size=total // 2**20, limit=limits["archive_bytes"] // 2**20
            )
        )
    if hasattr(file, "seek"):
        file.seek(0)


@contextlib.contextmanager
def first_sheet_rows(upload: IO[bytes]) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows (tuples of cell values, header first) of a workbook's first sheet, streamed in openpyxl's
    read-only mode and closed afterwards. Raises UnreadableFile with a message for the user."""
    import openpyxl

    check_archive(upload)
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
        raise UnreadableFile(_("The workbook cannot be read; it may be damaged. Save it again in Excel.")) from exc
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()
        yield sheet.iter_rows(values_only=True)
    finally:
        workbook.close()


# --- writing --------------------------------------------------------------------------------------------


def cell_for(worksheet: Any, value: Any) -> Any:
    """Dates as date cells; text that looks like a formula stays text (a worker named "=HYPERLINK(…)"
    must not become a live link in someone's spreadsheet)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_table(target: IO[bytes], title: str, header: list[Any], rows: Iterable[list[Any]]) -> None:
    """A workbook of one sheet: a header row, then the rows (streamed: openpyxl's write-only mode)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.append(header)
    for values in rows:
        sheet.append([cell_for(sheet, value) for value in values])
    workbook.save(target)


def xlsx_response(write: Callable[[IO[bytes]], None], filename: str) -> FileResponse:
    buffer = io.BytesIO()
    write(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)
