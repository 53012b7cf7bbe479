"""Reading an organisation file as sheets of rows, without trusting it.

A source is a folder of CSV files, one .csv file, a .zip of CSV files or an .xlsx workbook. Rows are
streamed (csv module, openpyxl read-only mode), so memory does not grow with the file. An .xlsx or
.zip is a zip archive: its directory is checked before anything is inflated, so an archive bomb is
refused instead of filling the memory or the disk.
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
from portal.core.spreadsheets import UnreadableFile, check_archive

SUFFIXES = (".xlsx", ".csv", ".zip")
logger = logging.getLogger(__name__)


@dataclass
class RawSheet:
    """One sheet: its header row as written, and an iterator of (row number, cells)."""

    name: str
    header: list[Any]
    rows: Iterator[tuple[int, list[Any]]]
    total: int | None  # data rows, when the file says so without reading it all


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _sheet_name(name: str) -> str:
    return name.strip().lower()


def _csv_rows(text: IO[str], name: str) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    reader = csv.reader(text)
    try:
        header = next(reader, [])
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_encoding_message(name)) from exc
    except csv.Error as exc:
        raise UnreadableFile(_csv_message(name, 1)) from exc

    def rows() -> Iterator[tuple[int, list[str]]]:
        number = 1
        try:
            for number, cells in enumerate(reader, start=2):  # noqa: B007 - the number is read after a failure
                yield number, cells
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_encoding_message(name) + " " + _("(after row {row})").format(row=number)) from exc
        except csv.Error as exc:
            raise UnreadableFile(_csv_message(name, number + 1)) from exc

    return header, rows()


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
            header, rows = _csv_rows(text, f"{stem}.csv")
            return RawSheet(name, header, rows, total)

        self._openers[name] = open_sheet

    def _open_workbook(self, path: Path) -> None:
        import openpyxl  # imported here: the page and command load fast when no workbook is read

        check_archive(path)
        try:
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            logger.info("unreadable workbook %s: %r", self.display_name, exc)
            raise UnreadableFile(_("The workbook cannot be read; it may be damaged. Save it again in Excel.")) from exc
        self.callback(workbook.close)
        for title in workbook.sheetnames:
            name = _sheet_name(title)
            if name not in SHEET_BY_NAME:
                self.unknown.append(title)
                continue
            if name in self._openers:
                raise UnreadableFile(_("The sheet {sheet} appears twice.").format(sheet=name))
            self._openers[name] = lambda title=title, name=name: self._worksheet(workbook[title], name)

    @staticmethod
    def _worksheet(worksheet: Any, name: str) -> RawSheet:
        # The stored size (<dimension>) is only a hint for the progress bar: some tools write a wrong one,
        # and openpyxl would stop reading there. Rows are read to the end, no wider than the header.
        max_row = worksheet.max_row
        worksheet.reset_dimensions()
        header = list(next(worksheet.iter_rows(max_row=1, values_only=True), ()))
        while header and _blank(header[-1]):
            header.pop()
        rows = worksheet.iter_rows(min_row=2, max_col=max(len(header), 1), values_only=True)
        return RawSheet(name, header, ((number, list(cells)) for number, cells in enumerate(rows, start=2)),
                        max_row - 1 if max_row else None)

    @property
    def sheet_names(self) -> list[str]:
        return list(self._openers)

    def sheet(self, name: str) -> RawSheet:
        return self._openers[name]()
