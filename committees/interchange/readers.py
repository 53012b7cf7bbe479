"""Reading an organisation file as sheets of rows, without trusting it.

A source is a folder of CSV files, one .csv file, a .zip of CSV files or an .xlsx workbook. Rows are
streamed (csv module, portal.core.spreadsheets for workbooks), so memory does not grow with the file. An .xlsx
or .zip is a zip archive: its directory is checked before anything is inflated, so an archive bomb is
refused instead of filling the memory or the disk. Hidden sheets are listed, never read; each sheet's header
may sit under a title row (find_header), and a workbook's rows are read no wider than it; a cell the CSV export
neutralised ('=…) is read back as it was, from the CSV (csv_unneutralise) or from the .xlsx Excel saved it as
(portal.core.spreadsheets reads it so: sheet_unneutralise).
"""

import contextlib
import csv
import io
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _

from committees.interchange.schema import SHEET_BY_NAME
from portal.core.spreadsheets import (
    Rows,
    Table,
    UnreadableFile,
    check_archive,
    csv_unneutralise,
    find_header,
    open_workbook,
    sheet_rows,
    visible_sheets,
)
from portal.core.wording import sentences

SUFFIXES = (".xlsx", ".csv", ".zip")
logger = logging.getLogger(__name__)


@dataclass
class RawSheet:
    """One sheet: its header row as written, and an iterator of (row number, cells) under it, numbered as in
    the file. An empty sheet has no header (header_row 0); `problem` says why no header was found."""

    name: str
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None  # data rows, when the file says so without reading it all
    header_row: int = 1
    problem: str | None = None


def _sheet_name(name: str) -> str:
    return name.strip().lower()


def _table(name: str, rows: Rows) -> Table:
    """The sheet's header (within the first rows, under a title) and its rows, by the format's column names."""
    sheet = SHEET_BY_NAME[name]
    return find_header(rows, lambda text: text in sheet.headers, [column.label for column in sheet.columns])


def _csv_rows(text: IO[str], name: str) -> Rows:
    reader = csv.reader(text)
    number = 0
    try:
        for number, cells in enumerate(reader, start=1):  # noqa: B007 - the number is read after a failure
            yield number, [csv_unneutralise(cell) for cell in cells]
    except UnicodeDecodeError as exc:
        after = _("(after row {row})").format(row=number) if number else ""
        raise UnreadableFile(sentences(_encoding_message(name), after)) from exc
    except csv.Error as exc:
        raise UnreadableFile(_csv_message(name, number + 1)) from exc


def _csv_message(name: str, row: int) -> str:
    return _("{name} cannot be read as CSV from row {row} on (a quotation mark that is never closed?).").format(
        name=name, row=row)


def _encoding_message(name: str) -> str:
    return _("{name} is not UTF-8 text. In Excel, save it as \"CSV UTF-8\".").format(name=name)


def _count_lines(raw: IO[bytes]) -> int:
    count = sum(chunk.count(b"\n") for chunk in iter(lambda: raw.read(1 << 20), b""))
    raw.seek(0)
    return max(count - 1, 0)


class Source(contextlib.ExitStack):
    """The sheets of a file or folder, by DOMAIN sheet name; unknown sheets are listed, not read."""

    def __init__(self, path: Path, *, display_name: str | None = None) -> None:
        super().__init__()
        self.path = Path(path)
        self.display_name = display_name or self.path.name
        self.unknown: list[str] = []
        self.hidden: list[str] = []  # hidden sheets of a workbook: never read, whatever their name
        self._openers: dict[str, Any] = {}

    def __enter__(self) -> "Source":
        super().__enter__()
        try:
            self._open()
        except BaseException:
            self.close()
            raise
        return self

    def _open(self) -> None:
        path = self.path
        if path.is_dir():
            for file in sorted(path.iterdir()):
                if file.suffix.lower() == ".csv":
                    self._add_csv(file.stem, lambda file=file: self.enter_context(file.open("rb")))
            return
        suffix = path.suffix.lower()
        if suffix == ".csv":
            self._add_csv(path.stem, lambda: self.enter_context(path.open("rb")))
        elif suffix == ".zip":
            check_archive(path)
            archive = self.enter_context(zipfile.ZipFile(path))
            for member in archive.infolist():
                member_path = Path(member.filename)
                if not member.is_dir() and member_path.suffix.lower() == ".csv" and not member_path.name.startswith("."):
                    self._add_csv(member_path.stem, lambda member=member: self.enter_context(archive.open(member)))
        elif suffix == ".xlsx":
            self._open_workbook(path)
        else:
            raise UnreadableFile(_("Only .xlsx, .csv and .zip files can be imported."))

    def _add_csv(self, stem: str, opener: Any) -> None:
        name = _sheet_name(stem)
        if name not in SHEET_BY_NAME:
            self.unknown.append(stem)
            return
        if name in self._openers:
            raise UnreadableFile(_("The sheet {sheet} appears twice.").format(sheet=name))

        def open_sheet(stem: str = stem) -> RawSheet:
            raw = opener()
            total = _count_lines(raw) if raw.seekable() else None
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            table = _table(name, _csv_rows(text, f"{stem}.csv"))
            if total is not None:
                total = max(total - max(table.header_row - 1, 0), 0)
            return RawSheet(name, table.header, table.rows, total, table.header_row, table.problem)

        self._openers[name] = open_sheet

    def _open_workbook(self, path: Path) -> None:
        try:
            workbook = self.enter_context(open_workbook(path))
        except UnreadableFile:
            logger.info("unreadable workbook %s", self.display_name, exc_info=True)
            raise
        visible, self.hidden = visible_sheets(workbook)
        for worksheet in visible:
            name = _sheet_name(worksheet.title)
            if name not in SHEET_BY_NAME:
                self.unknown.append(worksheet.title)
                continue
            if name in self._openers:
                raise UnreadableFile(_("The sheet {sheet} appears twice.").format(sheet=name))
            self._openers[name] = lambda worksheet=worksheet, name=name: self._worksheet(workbook, worksheet, name)

    @staticmethod
    def _worksheet(workbook: Any, worksheet: Any, name: str) -> RawSheet:
        # The stored size (<dimension>) is only a hint for the progress bar: some tools write a wrong one.
        # Rows are read to the end, no wider than the header (find_header sees to it).
        max_row = worksheet.max_row
        table = _table(name, sheet_rows(workbook, worksheet))
        total = max(max_row - table.header_row, 0) if max_row else None
        return RawSheet(name, table.header, table.rows, total, table.header_row, table.problem)

    @property
    def sheet_names(self) -> list[str]:
        return list(self._openers)

    def sheet(self, name: str) -> RawSheet:
        return self._openers[name]()
