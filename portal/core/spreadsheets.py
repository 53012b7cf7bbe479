"""Spreadsheets in and out, for every importer and export.

Reading (the one layer the organisation import, the certificate catalogue import and the task-list import
share, issue 14), without trusting the file and the way staff fill it in:
- the archive's directory is checked before anything is inflated (`check_archive`);
- a workbook is streamed (openpyxl's read-only mode and its sheet parser): hidden sheets are never read,
  only listed (`open_workbook`, `visible_sheets`, `first_visible_sheet`);
- every cell comes as Excel saved it, except a formula Excel never computed (a file written by a program) or an
  error value (#DIV/0!), which comes as an `UnreadCell` that refuses to be read, naming the cell (`sheet_rows`);
  dates in the Chinese-locale built-in formats (numFmtId 27-31, 36, 50-58) are dates, as Excel shows them;
- the header row may sit under a title row, within the first rows (`find_header`);
- cells are read as text through the portal's one normaliser (`cell_text`), dates by one parser that refuses to
  guess (`parse_date`), and a CSV cell the export neutralised is read back as it was (`csv_unneutralise`).
Writing: .xlsx downloads (cells that stay what they are, one-sheet tables, the response) and CSV cells that are
safe to open (`csv_neutralise`, OWASP "CSV injection").
"""

import contextlib
import datetime
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from portal.core.text import InvalidText, invalid_text_message, normalise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_WITHIN = 5  # the header row is looked for in the first rows: a title, perhaps a blank row, then the header


# --- reading: the file ----------------------------------------------------------------------------------
class UnreadableFile(Exception):
    """The file as a whole cannot be read; the message says why, in the user's language."""


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


# Excel's built-in number formats that only the East Asian locales define (ECMA-376 Part 1, 18.8.30, zh-cn):
# a date typed in Chinese Excel and shown as 2024年1月5日 is stored with numFmtId 31 and no format code, which
# openpyxl does not know, so it would read the date as the serial number 45296.
_LOCALE_DATE_FORMATS = frozenset({27, 28, 29, 30, 31, 36, 50, 51, 52, 53, 54, 57, 58})


@contextlib.contextmanager
def open_workbook(file: IO[bytes] | Path) -> Iterator[Any]:
    """An .xlsx opened for streaming (openpyxl read-only mode, saved values), closed afterwards; a date in one of
    Chinese Excel's own built-in formats (_LOCALE_DATE_FORMATS) reads as a date, as Excel shows it.
    Raises UnreadableFile with a message for the user."""
    import openpyxl

    check_archive(file)
    try:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook: openpyxl raises many kinds
        raise UnreadableFile(_("The workbook cannot be read; it may be damaged. Save it again in Excel.")) from exc
    try:
        workbook._date_formats = set(workbook._date_formats) | {
            index for index, style in enumerate(workbook._cell_styles) if style.numFmtId in _LOCALE_DATE_FORMATS}
        yield workbook
    finally:
        workbook.close()


def visible_sheets(workbook: Any) -> tuple[list[Any], list[str]]:
    """(the visible worksheets, the titles of the hidden and very hidden ones) of an open workbook, in order.
    A hidden sheet is often a lookup list or an old copy: it is never read, and readers say it was skipped."""
    visible, hidden = [], []
    for worksheet in workbook.worksheets:
        if getattr(worksheet, "sheet_state", "visible") == "visible":
            visible.append(worksheet)
        else:
            hidden.append(worksheet.title)
    return visible, hidden


Rows = Iterator[tuple[int, list[Any]]]  # (row number as in the file, its cells), blank rows possibly left out


@dataclass(frozen=True)
class UnreadCell:
    """A cell whose value the file does not hold: a formula never computed (written by a program, not saved by
    Excel: openpyxl, pandas…) or an error value (#DIV/0!, #N/A). `str()` is what the cell shows in a report."""

    coordinate: str  # D5
    formula: str  # "=100+60", or "" for an error typed as a value
    error: str = ""  # "#DIV/0!", or "" for a formula without a saved result

    def __str__(self) -> str:
        return self.formula or self.error

    @property
    def message(self) -> str:
        if self.error:
            return _("Cell {cell} holds the error {error}{formula}. Correct it in Excel, or paste values.").format(
                cell=self.coordinate, error=self.error, formula=f" ({self.formula})" if self.formula else "")
        return _("Cell {cell} holds the formula {formula} but no saved result (the file was written by a program). "
                 "Open and save the file in Excel, or paste values.").format(cell=self.coordinate, formula=self.formula)


@functools.cache
def _cell_parser() -> type:
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.escape import unescape
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        """openpyxl's sheet parser (saved values: data_only) that also tells a formula never computed from one
        whose result is empty. openpyxl reads both as None; Excel marks an empty text result t="str" with an
        empty <v>, a program writes no <v> or an untyped empty one. Text comes unescaped: Excel stores a
        character XML cannot hold (ESC, BEL…) as _x001B_ (ECMA-376 ST_Xstring), which openpyxl leaves as it is,
        so that the control character is refused by name instead of imported as "_x001B_"."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            cell = super().parse_cell(element)
            if isinstance(cell["value"], str) and "_x" in cell["value"]:
                cell["value"] = unescape(cell["value"])
            formula = element.find(FORMULA_TAG)
            if formula is None and cell["data_type"] != "e":
                return cell
            coordinate = element.get("r") or f"{get_column_letter(cell['column'])}{cell['row']}"
            text = ""
            if formula is not None:
                try:  # also learns a shared formula, for the cells that reuse it
                    parsed = self.parse_formula(element)
                    text = str(getattr(parsed, "text", parsed) or "")
                except Exception:  # noqa: BLE001 - a formula openpyxl cannot translate is still shown as written
                    text = "=" + (formula.text or "")
            if cell["data_type"] == "e":
                cell["value"] = UnreadCell(coordinate, text, str(cell["value"] or "#VALUE!"))
                return cell
            saved = element.find(VALUE_TAG)
            if saved is None or (not saved.text and element.get("t") != "str"):
                cell["value"] = UnreadCell(coordinate, text)
            return cell

    return CellParser


def sheet_rows(workbook: Any, worksheet: Any) -> "SheetRows":
    """The rows of a worksheet of an `open_workbook`, streamed (see SheetRows)."""
    return SheetRows(workbook, worksheet)


class SheetRows:
    """(row number as in the file, cells) for every row the sheet holds, blank rows left out, to the sheet's end
    whatever size the file claims (some tools write a wrong <dimension>). Cells are what Excel saved: text,
    numbers, booleans, dates and datetimes (date-formatted serials converted), or UnreadCell. Set `width` to
    read no further right than the header (a stray cell in column XFD makes no row 16,384 cells wide)."""

    def __init__(self, workbook: Any, worksheet: Any) -> None:
        self.workbook, self.worksheet = workbook, worksheet
        self.width: int | None = None

    def __iter__(self) -> Rows:
        # openpyxl's read-only worksheet offers no way to hear about a formula's missing result; its parser,
        # fed the same part of the archive, does (CellParser).
        with self.worksheet._get_source() as source:
            parser = _cell_parser()(source, self.worksheet._shared_strings, data_only=True,
                                    epoch=self.workbook.epoch, date_formats=self.workbook._date_formats,
                                    timedelta_formats=self.workbook._timedelta_formats)
            for number, cells in parser.parse():
                last = max((cell["column"] for cell in cells if cell["value"] is not None), default=0)
                if self.width is not None:
                    last = min(last, self.width)
                if not last:
                    continue
                values: list[Any] = [None] * last
                for cell in cells:
                    if cell["column"] <= last:
                        values[cell["column"] - 1] = cell["value"]
                yield number, values


@dataclass
class FirstSheet:
    """The first visible sheet of a workbook: its title, its rows, and the hidden sheets that were skipped."""

    title: str
    rows: SheetRows
    hidden: list[str] = field(default_factory=list)

    @property
    def notices(self) -> list[str]:
        """What the person should know about the sheets that were not read (for the result page)."""
        if not self.hidden:
            return []
        return [_("Hidden sheets were not read: {hidden}. The visible sheet “{sheet}” was read.").format(
            hidden="、".join(f"“{title}”" for title in self.hidden), sheet=self.title)]


@contextlib.contextmanager
def first_visible_sheet(upload: IO[bytes] | Path) -> Iterator[FirstSheet]:
    """The first visible sheet of an .xlsx, streamed and closed afterwards. Raises UnreadableFile (a damaged
    file, or one whose every sheet is hidden)."""
    with open_workbook(upload) as workbook:
        visible, hidden = visible_sheets(workbook)
        if not visible:
            raise UnreadableFile(_("Every sheet of the workbook is hidden; unhide the sheet to import in Excel."))
        yield FirstSheet(visible[0].title, sheet_rows(workbook, visible[0]), hidden)


# --- reading: the header row ----------------------------------------------------------------------------------
@dataclass
class Table:
    """A sheet's header and the rows under it. `header_row` is the header's row number in the file (0 when
    the sheet is empty); `problem` says why no header was found (the sheet is then not read)."""

    header_row: int
    header: list[Any]
    rows: Rows
    problem: str | None = None


def header_text(value: Any, *, lower: bool = True) -> str:
    """A header cell as it is matched against the known column names: normalised (a BOM, full-width letters,
    a no-break space do not count), lower-cased unless `lower` is False. An unreadable cell matches nothing."""
    if isinstance(value, UnreadCell):
        return ""
    try:
        text = normalise(as_text(value))
    except InvalidText:
        return ""
    return text.lower() if lower else text


def find_header(rows: Iterable[tuple[int, list[Any]]], known: Callable[[str], bool], expected: Collection[str],
                *, within: int = HEADER_WITHIN) -> Table:
    """Find the header in the first `within` rows: the row naming the most known columns (`known(header_text)`),
    the first of equals; rows above it (a merged title, a blank row) are not data. `expected` are the column
    names to suggest when none is found. Rows keep their numbers as in the file."""
    iterator = iter(rows)
    first: list[tuple[int, list[Any]]] = []
    beyond: list[tuple[int, list[Any]]] = []
    for number, cells in iterator:
        if number > within:
            beyond.append((number, cells))
            break
        first.append((number, cells))
    filled = [(number, cells) for number, cells in first if not all(is_blank(cell) for cell in cells)]
    scores = [sum(1 for cell in cells if header_text(cell) and known(header_text(cell))) for _number, cells in filled]
    if scores and max(scores) > 0:
        best = scores.index(max(scores))
        number, header = filled[best]
        while header and is_blank(header[-1]):
            header = header[:-1]
        after = [(n, cells) for n, cells in first if n > number]
        return Table(number, list(header), itertools.chain(after, beyond, iterator))
    # No header: say which row looks like one (text in two cells or more), also a first one further down.
    following = next((row for row in itertools.chain(beyond, iterator) if not all(is_blank(c) for c in row[1])), None)
    if not filled and following is None:
        return Table(0, [], iter(()))  # an empty sheet
    candidates = [*filled, following] if following is not None else filled
    guess = next(((number, cells) for number, cells in candidates if _looks_like_header(cells)), None)
    names = "、".join(list(expected)[:8])
    if guess is None:
        problem = _("The column headers should be on row 1 (a title row above them is allowed); none of the first "
                    "{n} rows names a column this import reads, such as {names}.").format(n=within, names=names)
        return Table(1, [], iter(()), problem)
    number, cells = guess
    problem = _("The column headers should be on row 1 (a title row above them is allowed). Row {row} looks "
                "like the header, but none of its columns ({found}) is one this import reads, such as "
                "{names}.").format(row=number, found="、".join(as_text(c) for c in cells if not is_blank(c)), names=names)
    return Table(number, [], iter(()), problem)


def _looks_like_header(cells: list[Any]) -> bool:
    words = [cell for cell in cells if not is_blank(cell)]
    return len(words) >= 2 and all(isinstance(cell, str) for cell in words)


# --- reading: one cell ----------------------------------------------------------------------------------------
class CellError(ValueError):
    """The cell cannot be read; `str(error)` is the message for the user."""


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


def readable(value: Any) -> Any:
    """The cell's value, or CellError for a cell whose value the file does not hold (UnreadCell)."""
    if isinstance(value, UnreadCell):
        raise CellError(value.message)
    return value


def cell_text(value: Any, *, multiline: bool = False, prose: bool = False) -> str:
    """The cell as text. A code, an ID number, a number or a word of a choice is canonical text
    (portal.core.text.normalise: "３１０１０１", "310101\u200b" or "310101\u00a0" reads as 310101). With `prose`
    (a name, a description) the text stays as typed, full-width punctuation included (NFKC would turn "（一）"
    into "(一)" and a name into another name); only the invisible format characters (zero-width space, BOM) are
    removed and odd spaces (no-break…) become spaces. `multiline` keeps line breaks and tabs inside.
    Raises CellError: an UnreadCell, or a control character (named, as the normaliser names it)."""
    text = as_text(readable(value))
    try:
        canonical = normalise(text, multiline=multiline)  # for prose: only the check for control characters
    except InvalidText as exc:
        raise CellError(invalid_text_message(exc)) from exc
    if not prose:
        return canonical
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category != "Cf":  # a zero-width space, a BOM, a bidirectional mark: invisible, never meant
            kept.append(" " if category == "Zs" and character != "\u3000" else character)
    return "".join(kept).strip()


DATE_FORMS = "2024-01-05、2024/1/5、2024.1.5、2024年1月5日"
# Year first, four digits, one separator throughout, or 年月日; spaces anywhere between the parts; a midnight
# time as a program may add. Day-first and month-first forms (1/5/2024, 05/01/2024) and two-digit years (24-1-5)
# mean different dates to different people, so they are refused, not guessed.
_DATE = re.compile(r"""^(?P<year>\d{4})\s*(?:
        (?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})
      | 年\s*(?P<cn_month>\d{1,2})\s*月\s*(?P<cn_day>\d{1,2})\s*日
    )(?:\s+0?0:00(?::00)?)?$""", re.VERBOSE)


def parse_date(value: Any) -> datetime.date:
    """A date cell (a datetime at midnight too) or a date as staff write it (DATE_FORMS, with spaces or
    full-width digits). Raises CellError naming the accepted forms: a number (a serial not formatted as a
    date), a time of day, a form that needs guessing, a date that does not exist."""
    value = readable(value)
    if isinstance(value, datetime.datetime):
        if value.time() != datetime.time():
            raise CellError(_("The cell holds a time as well ({value}); a date alone is expected, such as {forms}.")
                            .format(value=as_text(value), forms=DATE_FORMS))
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellError(_("The cell holds the number {value}, not a date. Format the cell as a date in Excel, or "
                          "write the date as {forms}.").format(value=as_text(value), forms=DATE_FORMS))
    text = cell_text(value)
    match = _DATE.match(text)
    if not match:
        raise CellError(_("“{value}” cannot be read as a date without guessing. Write it year first, such as {forms}.")
                        .format(value=text, forms=DATE_FORMS))
    parts = match.groupdict()
    try:
        return datetime.date(int(parts["year"]), int(parts["month"] or parts["cn_month"]),
                             int(parts["day"] or parts["cn_day"]))
    except ValueError as exc:
        raise CellError(_("The date {value} does not exist. Write a real date, such as {forms}.").format(
            value=text, forms=DATE_FORMS)) from exc


# --- CSV cells that are safe to open (OWASP "CSV injection") ---------------------------------------------------
# A spreadsheet opening a CSV runs a cell that starts with one of these as a formula (=HYPERLINK(…), +cmd|…).
_FORMULA_STARTS = frozenset("=+-@\t\r")


def csv_neutralise(text: str) -> str:
    """A text cell for a CSV export: one that a spreadsheet would take for a formula gets a leading ', and so does
    one that starts with ' before such a character (so that `csv_unneutralise` gives back exactly the text).
    Only text is passed here: numbers (-5) and dates are never neutralised."""
    if text[:1] in _FORMULA_STARTS or (text[:1] == "'" and (text[1:2] in _FORMULA_STARTS or text[1:2] == "'")):
        return "'" + text
    return text


def csv_unneutralise(text: str) -> str:
    """The text of a CSV cell as it was before `csv_neutralise`: '=X reads as =X (and ''=X as '=X)."""
    if text[:1] == "'" and (text[1:2] in _FORMULA_STARTS or text[1:2] == "'"):
        return text[1:]
    return text


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
