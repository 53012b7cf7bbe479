"""Spreadsheets in and out, for every importer and export.

Reading (the one layer the organisation import, the certificate catalogue import and the task-list import
share, issue 14), without trusting the file and the way staff fill it in:
- the archive's directory is checked before anything is inflated (`check_archive`);
- a workbook is streamed (openpyxl's read-only mode and its sheet parser): hidden sheets are never read,
  only listed (`open_workbook`, `visible_sheets`, `first_visible_sheet`);
- every cell comes as Excel saved it, except a formula Excel never computed (a file written by a program), an
  error value (#DIV/0!) or a date-formatted number no date can be, which comes as an `UnreadCell` that refuses
  to be read, naming the cell (`sheet_rows`); dates in the Chinese-locale built-in formats (numFmtId 27-31, 36,
  50-54, 57, 58) are dates, as Excel shows them;
- the header row may sit under a title row, within the first rows (`find_header`), and no row is read wider
  than the header (a stray cell in column XFD makes no row 16,384 cells wide);
- cells are read as text through the portal's one normaliser (`cell_text`), dates by one parser that refuses to
  guess (`parse_date`), and a cell the CSV export neutralised is read back as it was (`csv_unneutralise`), also
  when the CSV was opened in Excel and saved as .xlsx (`sheet_unneutralise`);
- typed cells are read alike by the three imports, so that they accept and refuse the same words with the same
  message: a yes/no (`read_bool`, the words of YES_NO), a choice (`read_choice`, the refusal listing the words),
  whole and decimal numbers (`read_int`, `read_decimal`: no negatives, no text), a required cell
  (`check_required`).
Writing: .xlsx downloads (cells that stay what they are, one-sheet tables, the response) and CSV cells that are
safe to open (`csv_neutralise`, OWASP "CSV injection").

openpyxl's private API: reading relies on names openpyxl does not document, which is why pyproject.toml pins
openpyxl>=3.1.5,<3.2 (check each of them before moving the pin). Each is exercised by tests/core/
test_spreadsheet_input.py:
- `openpyxl.worksheet._reader.WorkSheetParser` (subclassed: `parse_cell`, `parse_formula`, `parse`, and its
  constructor's data_only/epoch/date_formats/timedelta_formats) and its `FORMULA_TAG`, `VALUE_TAG`: every
  test reading a workbook; the formula and error cases (test_a_formula_a_program_wrote_…,
  test_a_formula_excel_saved_…, test_an_error_value_…), the out-of-range date (test_a_date_formatted_number_…);
- the read-only workbook's `_date_formats`, `_timedelta_formats` and `_cell_styles` (`open_workbook` adds the
  Chinese-locale date formats): test_a_date_formatted_serial_is_a_date_in_read_only_mode;
- the read-only worksheet's `_get_source()` and `_shared_strings` (`SheetRows`): every test reading text from a
  workbook, such as test_text_excel_escaped_is_read_as_it_was_typed.
"""

import contextlib
import datetime
import functools
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.http import FileResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from portal.core.text import InvalidText, invalid_text_message, normalise

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
HEADER_WITHIN = 5  # the header row is looked for in the first rows: a title, perhaps a blank row, then the header
# openpyxl warns of each date-formatted number that no date can be and reads it as #VALUE!; the cell parser reads
# it as an UnreadCell that tells the person (UnreadCell.number), so the warning would only fill the logs.
warnings.filterwarnings("ignore", message=r"Cell \S* is marked as a date but the serial value", category=UserWarning,
                        module=r"openpyxl\.worksheet\._reader")


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
# openpyxl does not know, so it would read the date as the serial number 45296. The dates are 27-31, 36, 50-54,
# 57 and 58; 32-35, 55 and 56 are times of day (h"时"mm"分", 上午/下午h"时"mm"分"), not dates, and are left out.
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
    Excel: openpyxl, pandas…), an error value (#DIV/0!, #N/A), or a date-formatted number that no date can be
    (10000000000: Excel shows ######). `str()` is what the cell shows in a report."""

    coordinate: str  # D5
    formula: str  # "=100+60", or "" for a value typed in
    error: str = ""  # "#DIV/0!", or "" for a formula without a saved result
    number: str = ""  # a date-formatted number beyond the dates (as written: "10000000000"), or ""

    def __str__(self) -> str:
        return self.formula or self.error or self.number

    @property
    def message(self) -> str:
        if self.number:
            return _("Cell {cell} is formatted as a date, but its number {number}{formula} cannot be a date. Write a "
                     "real date, or format the cell as a number.").format(
                cell=self.coordinate, number=self.number, formula=f" ({self.formula})" if self.formula else "")
        if self.error:
            return _("Cell {cell} holds the error {error}{formula}. Correct it in Excel, or paste values.").format(
                cell=self.coordinate, error=self.error, formula=f" ({self.formula})" if self.formula else "")
        return _("Cell {cell} holds the formula {formula} but no saved result (the file was written by a program). "
                 "Open and save the file in Excel, or paste values.").format(cell=self.coordinate, formula=self.formula)


@functools.cache
def _cell_parser() -> type:
    from openpyxl.utils import coordinate_to_tuple, get_column_letter
    from openpyxl.utils.escape import unescape
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class CellParser(WorkSheetParser):
        """openpyxl's sheet parser (saved values: data_only) that also tells a formula never computed from one
        whose result is empty. openpyxl reads both as None; Excel marks an empty text result t="str" with an
        empty <v>, a program writes no <v> or an untyped empty one. Text comes unescaped: Excel stores a
        character XML cannot hold (ESC, BEL…) as _x001B_ (ECMA-376 ST_Xstring), which openpyxl leaves as it is,
        so that the control character is refused by name instead of imported as "_x001B_"."""

        def parse_cell(self, element: Any) -> dict[str, Any]:
            try:
                cell = super().parse_cell(element)
            except (ValueError, IndexError):
                # A value openpyxl cannot cast (a number beyond Python's 4,300-digit limit, a shared string that
                # is not there: a crafted or damaged file): kept as the text the file holds, which the readers
                # refuse (too large, not a number…) or read as text. openpyxl has placed the cell already.
                row, column = (coordinate_to_tuple(element.get("r")) if element.get("r")
                               else (self.row_counter, self.col_counter))
                return {"row": row, "column": column, "value": element.findtext(VALUE_TAG) or "", "data_type": "s",
                        "style_id": 0}
            if isinstance(cell["value"], str) and "_x" in cell["value"]:
                cell["value"] = unescape(cell["value"])
            formula = element.find(FORMULA_TAG)
            if formula is None and cell["data_type"] == "s" and isinstance(cell["value"], str):
                cell["value"] = sheet_unneutralise(cell["value"])  # text typed in, not a formula's result
                return cell
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
            if cell["data_type"] == "e" and element.get("t", "n") == "n":
                # A number in a date format that is no date (beyond 9999-12-31, or negative): openpyxl warns and
                # makes it the error #VALUE!, which the file does not hold.
                cell["value"] = UnreadCell(coordinate, text, number=as_text(_number(element.findtext(VALUE_TAG))))
                return cell
            if cell["data_type"] == "e":
                cell["value"] = UnreadCell(coordinate, text, str(cell["value"] or "#VALUE!"))
                return cell
            saved = element.find(VALUE_TAG)
            if saved is None or (not saved.text and element.get("t") != "str"):
                cell["value"] = UnreadCell(coordinate, text)
            return cell

    return CellParser


def _number(text: str | None) -> float | str:
    """A number as the file writes it ("1E+10"), as a float when it is one (for `as_text`)."""
    try:
        return float(text or "")
    except ValueError:
        return text or ""


def sheet_rows(workbook: Any, worksheet: Any) -> "SheetRows":
    """The rows of a worksheet of an `open_workbook`, streamed (see SheetRows)."""
    return SheetRows(workbook, worksheet)


class SheetRows:
    """(row number as in the file, cells) for every row the sheet holds, blank rows left out, to the sheet's end
    whatever size the file claims (some tools write a wrong <dimension>). Cells are what Excel saved: text,
    numbers, booleans, dates and datetimes (date-formatted serials converted), or UnreadCell. `width` (set by
    `find_header` to the header's) reads no further right than the header: a stray cell in column XFD makes no
    row 16,384 cells wide."""

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
            hidden=listed(f"“{title}”" for title in self.hidden), sheet=self.title)]


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
def listed(items: Iterable[str]) -> str:
    """Items joined as a list is written in the user's language: "a、b" in Chinese, "a, b" in English."""
    return pgettext("between the items of a list", ", ").join(str(item) for item in items)


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


def label_keys(pairs: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """{word: key} for the words a header or a choice cell may hold: each key by itself and by its label in every
    language the portal speaks (settings.LANGUAGES), normalised and lower-cased as `header_text` reads a cell
    (the label "每月工作量（小时）" is matched as "每月工作量(小时)"). `pairs` are (key, label), a label being a
    lazy translation (gettext_lazy) or a choice's label, so that str() of it in each language is its text there.
    A label that reads the same for two keys is the last one's."""
    found = {}
    for key, label in pairs:
        found[header_text(key)] = key
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                found[header_text(str(label))] = key
    return found


def find_header(rows: Iterable[tuple[int, list[Any]]], known: Callable[[str], bool], expected: Collection[str],
                *, within: int = HEADER_WITHIN) -> Table:
    """Find the header in the first `within` rows: the row naming the most known columns (`known(header_text)`),
    the first of equals; rows above it (a merged title, a blank row) are not data. `expected` are the column
    names to suggest when none is found. Rows keep their numbers as in the file. A sheet's rows (SheetRows) are
    then read no wider than the header (its `width`), and so are the rows already read below the header."""
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
        after = [(n, cells) for n, cells in first if n > number] + beyond
        if isinstance(rows, SheetRows):
            rows.width = max(len(header), 1)
            after = [(n, cells[:rows.width]) for n, cells in after]
        return Table(number, list(header), itertools.chain(after, iterator))
    # No header: say which row looks like one (text in two cells or more), also a first one further down.
    following = next((row for row in itertools.chain(beyond, iterator) if not all(is_blank(c) for c in row[1])), None)
    if not filled and following is None:
        return Table(0, [], iter(()))  # an empty sheet
    candidates = [*filled, following] if following is not None else filled
    guess = next(((number, cells) for number, cells in candidates if _looks_like_header(cells)), None)
    names = listed(list(expected)[:8])
    if guess is None:
        problem = _("The column headers should be on row 1 (a title row above them is allowed); none of the first "
                    "{n} rows names a column this import reads, such as {names}.").format(n=within, names=names)
        return Table(1, [], iter(()), problem)
    number, cells = guess
    problem = _("The column headers should be on row 1 (a title row above them is allowed). Row {row} looks "
                "like the header, but none of its columns ({found}) is one this import reads, such as "
                "{names}.").format(row=number, found=listed(as_text(c) for c in cells if not is_blank(c)), names=names)
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
# Year first, four digits, one separator throughout, or 年月日 (日 or the spoken 号: 2024年1月5号); spaces anywhere
# between the parts; a midnight time as a program may add. Day-first and month-first forms (1/5/2024,
# 05/01/2024) and two-digit years (24-1-5) mean different dates to different people, so they are refused, not
# guessed.
_DATE = re.compile(r"""^(?P<year>\d{4})\s*(?:
        (?P<sep>[-/.])\s*(?P<month>\d{1,2})\s*(?P=sep)\s*(?P<day>\d{1,2})
      | 年\s*(?P<cn_month>\d{1,2})\s*月\s*(?P<cn_day>\d{1,2})\s*[日号]
    )(?:\s+0?0:00(?::00)?)?$""", re.VERBOSE)


def parse_date(value: Any) -> datetime.date:
    """A date cell (a datetime at midnight too) or a date as staff write it (DATE_FORMS, with spaces or
    full-width digits, 号 for 日). Raises CellError naming the accepted forms: a number (a serial not formatted as a
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


# --- reading: typed cells (the three imports read a yes/no, a choice, a number alike) ---------------------------
# The words a yes/no cell may hold, compared normalised and lower-cased ("ＹＥＳ", " 是 " and "Y" read). The
# marks √ and × are what Chinese input methods offer (dui, cuo); ✓ ✔ and ✗ ✘ are the same marks from other
# fonts, read alike but not listed. A number (1, 0) is not a yes or a no: a column shifted by one is refused.
YES_NO: dict[str, bool] = {"是": True, "否": False, "需要": True, "不需要": False, "yes": True, "no": False,
                           "y": True, "n": False, "true": True, "false": False, "√": True, "×": False}
_MARKS = {"✓": True, "✔": True, "✗": False, "✘": False}
INT_MAX = 2_147_483_647  # PostgreSQL's integer
_WHOLE = re.compile(r"^[+]?\d+$")
# A decimal as text: digits with at most one point, signed or not ("1.5", "+4", "-0.5", ".5"); no exponent
# ("1e3"), no NaN or Infinity, no thousands separator. A float from an .xlsx cell is not text: it is read as a number.
_PLAIN_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


def check_required(value: Any) -> None:
    """Raise CellError ("This value is required.") for a blank cell: empty, spaces, or only what nobody sees (a
    zero-width space). An unreadable cell (UnreadCell) is not blank: its reader says what is wrong with it."""
    if is_blank(value) or (isinstance(value, str) and not cell_text(value)):
        raise CellError(_("This value is required."))


def one_of(words: Iterable[str]) -> str:
    """The message refusing a word not among `words` (the ones the file may use, as the user reads them)."""
    return _("Expected one of: {words}.").format(words=" / ".join(str(word) for word in words))


def read_bool(value: Any) -> bool:
    """A yes/no cell: Excel's TRUE/FALSE, or one of YES_NO (or a mark like √). Raises CellError listing the
    words (also for an UnreadCell: its message)."""
    value = readable(value)
    if isinstance(value, bool):
        return value
    word = cell_text(value).lower()
    if word in YES_NO:
        return YES_NO[word]
    if word in _MARKS:
        return _MARKS[word]
    raise CellError(one_of(YES_NO))


def read_choice(value: Any, words: Mapping[str, str], shown: Iterable[str] | None = None) -> str:
    """The stored value of a choice cell. `words` maps each word the file may use (normalised; lower-cased for
    letters) to its stored value; `shown` are the words the refusal lists (by default every key of `words`),
    such as the labels in the user's language. Raises CellError."""
    word = cell_text(value)
    choice = words.get(word) or words.get(word.lower())
    if choice is None:
        raise CellError(one_of(words if shown is None else shown))
    return choice


def read_int(value: Any, *, maximum: int = INT_MAX) -> int:
    """A whole number, not negative, at most `maximum`: a number cell ("5" or 5.0) or its text ("+5", "５").
    Raises CellError: a fraction, text, a yes/no cell, a negative number, one too large (text longer than
    `maximum`, however long, is refused before it is read)."""
    value = readable(value)
    if isinstance(value, bool):
        raise CellError(_("A whole number is expected."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = cell_text(value)
        if text.startswith("-") and _WHOLE.match(text[1:]):
            raise CellError(_("Cannot be negative."))
        if not _WHOLE.match(text):
            raise CellError(_("A whole number is expected."))
        # Python refuses to read text of more than 4,300 digits (leading zeros counted) as a number
        # (sys.get_int_max_str_digits): digits beyond the maximum's are too large without being read.
        digits = text.lstrip("+").lstrip("0")
        if len(digits) > len(str(maximum)):
            raise CellError(_("The number is too large."))
        number = int(digits or "0")
    if number < 0:
        raise CellError(_("Cannot be negative."))
    if number > maximum:
        raise CellError(_("The number is too large."))
    return number


def read_decimal(value: Any, *, places: int = 2, maximum: Decimal = Decimal("9999999.99"),
                 negative: str | None = None) -> Decimal:
    """A number of at most `places` decimal places (1 or 2), not negative, at most `maximum` (the model's
    max_digits), quantized to `places`. `negative` is the message for a negative number when the field says it
    better ("Hours cannot be negative."). A formula's float (0.1+0.2 is 0.30000000000000004 in the file) is
    rounded to `places` when that is what it means; text is plain decimal text ("1.5", "+4", not "1e3").
    Raises CellError: other text, a yes/no cell, a negative number, one too large, too many places."""
    value = readable(value)
    if isinstance(value, bool):
        raise CellError(_("A number is expected."))
    if isinstance(value, float) and abs(value - round(value, places)) < 1e-9:
        value = round(value, places)
    if isinstance(value, float):
        text = repr(value)  # a number cell, as the file stores it (1e-05 included)
    else:
        text = cell_text(value)
        if not _PLAIN_DECIMAL.match(text):  # "1e3" is no amount anyone types; "1e-99999999999" would read as 0
            raise CellError(_("A number is expected."))
        if not text.startswith("-") and len(text.lstrip("+").split(".")[0].lstrip("0")) > len(str(int(maximum))):
            raise CellError(_("The number is too large."))  # as read_int: refused before it is read
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise CellError(_("A number is expected.")) from exc
    if not number.is_finite():
        raise CellError(_("A number is expected."))
    if number < 0:
        raise CellError(negative or _("Cannot be negative."))
    if number > maximum:
        raise CellError(_("The number is too large."))
    if number.normalize().as_tuple().exponent < -places:  # trailing zeros ("1.500") are not places
        raise CellError(_("At most one decimal place.") if places == 1 else _("At most two decimal places."))
    return number.quantize(Decimal(1).scaleb(-places))


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


def sheet_unneutralise(text: str) -> str:
    """The text of a workbook's text cell as it was before `csv_neutralise`, for a CSV export opened in Excel and
    saved as .xlsx: Excel keeps a CSV cell's leading ' as part of the text, so that '=SUM would import as another
    name. Only a ' before a character a spreadsheet runs (= + - @, a tab, a carriage return) is taken off: 'abc
    stays 'abc (a ' typed in Excel is its text prefix, which the file keeps as a style, not in the text)."""
    if text[:1] == "'" and text[1:2] in _FORMULA_STARTS:
        return text[1:]
    return text


# --- writing --------------------------------------------------------------------------------------------
# A rate in an export: the fraction as a number, shown as a percentage with the pages' one decimal.
PERCENT_FORMAT = "0.0%"


class Rate(float):
    """A rate (a fraction) headed for an export: written as a number formatted PERCENT_FORMAT, so 0.5 reads
    50.0% and still sums and charts as 0.5."""


def cell_for(worksheet: Any, value: Any) -> Any:
    """Dates as date cells; a Rate as a percentage; text that looks like a formula stays text (a worker named
    "=HYPERLINK(…)" must not become a live link in someone's spreadsheet)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, Rate):
        cell = WriteOnlyCell(worksheet, value=float(value))
        cell.number_format = PERCENT_FORMAT
        return cell
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
