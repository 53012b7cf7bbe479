"""Writing .xlsx downloads: one place for cells that stay what they are, one-sheet tables, and the response."""

import datetime
import io
from collections.abc import Callable, Iterable
from typing import IO, Any

from django.http import FileResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"


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
