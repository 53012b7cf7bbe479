"""The one cell-reading layer the three spreadsheet imports share (portal/core/spreadsheets.py, issue 14).

The readers: the organisation import (committees/interchange), the certificate catalogue import and the task-list
import. Each case is tested through every reader it concerns, with real files: formulas a program wrote without a
result, hidden sheets, dates as staff write them, a title above the header, codes with what nobody sees, control
characters, and CSV cells neutralised against formula injection.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from certificates.models import CertificateType
from certificates.services import catalogue_import
from committees.interchange import export_org, import_org
from committees.interchange.exporter import _cell
from committees.interchange.schema import SHEET_BY_NAME
from committees.models import Committee, CommunityWorker
from portal.core.spreadsheets import (
    DATE_FORMS,
    HEADER_WITHIN,
    CellError,
    FirstSheet,
    SheetRows,
    UnreadCell,
    cell_text,
    csv_neutralise,
    csv_unneutralise,
    find_header,
    first_visible_sheet,
    label_keys,
    parse_date,
    sheet_unneutralise,
)
from tasks_registry.models import TaskItem, TaskList
from tasks_registry.services.lists import task_list_import_items
from tests.support.factories import CommunityWorkerFactory
from tests.support.spreadsheets import builtin_number_format, excel_saved, excel_text, workbook_bytes

pytestmark = pytest.mark.django_db

D = datetime.date
JAN_5 = D(2024, 1, 5)


# --- the shared layer, cell by cell ----------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "2024-01-05", "2024-1-5", "2024/1/5", "2024/01/05", "2024.1.5", "2024年1月5日", "2024 年 1 月 5 日", " 2024 / 1 / 5 ",
    "2024年1月5号", "2024 年 1 月 5 号", "２０２４年１月５号",
    "２０２４年１月５日", "２０２４／１／５", "２０２４－０１－０５", "2024-01-05 00:00:00", "2024/1/5 0:00",
    datetime.datetime(2024, 1, 5), JAN_5,
])
def test_it_reads_a_date_as_staff_write_it(value: Any) -> None:
    assert parse_date(value) == JAN_5


@pytest.mark.parametrize("value, says", [
    ("1/5/2024", "无法确定是哪一天"),  # 5 January or 1 May
    ("05/01/2024", "无法确定是哪一天"),
    ("24-1-5", "无法确定是哪一天"),  # 2024 or 1924
    ("2024-1/5", "无法确定是哪一天"),  # two separators
    ("20240105", "无法确定是哪一天"),
    ("明天", "无法确定是哪一天"),
    ("2024-02-30", "不存在"),
    ("2023-02-29", "不存在"),
    ("2024年13月1日", "不存在"),
    ("2024年2月30号", "不存在"),
    ("2024年1月5", "无法确定是哪一天"),
    (45296, "不是日期"),  # a serial in a cell not formatted as a date
    (45296.0, "不是日期"),
    (datetime.datetime(2024, 1, 5, 8, 30), "还含有时间"),
])
def test_it_refuses_a_date_it_would_have_to_guess_listing_the_forms_it_reads(value: Any, says: str) -> None:
    with pytest.raises(CellError) as refused:
        parse_date(value)
    assert says in str(refused.value)
    assert DATE_FORMS in str(refused.value)
    assert all(form in DATE_FORMS for form in ("2024-01-05", "2024/1/5", "2024.1.5", "2024年1月5日"))


@pytest.mark.parametrize("value, text", [
    ("３１０１０１", "310101"), ("310101\u200b", "310101"), ("\ufeff310101", "310101"), ("3101\ufeff01", "310101"),
    ("310101\u00a0", "310101"), ("ＷＴ－０１００", "WT-0100"), (310101, "310101"), (310101.0, "310101"),
])
def test_a_code_is_read_as_canonical_text(value: Any, text: str) -> None:
    assert cell_text(value) == text


@pytest.mark.parametrize("value, text", [
    ("新华（一）居委会", "新华（一）居委会"), ("宝兴\u200b居委会", "宝兴居委会"), ("\ufeff张敏", "张敏"),
    ("张\u00a0敏", "张 敏"), ("书记：兼主任，", "书记：兼主任，"),
])
def test_a_name_stays_as_typed_without_what_nobody_sees(value: str, text: str) -> None:
    assert cell_text(value, prose=True) == text


@pytest.mark.parametrize("prose", [False, True])
def test_a_control_character_is_refused_and_named(prose: bool) -> None:
    with pytest.raises(CellError, match="U\\+001B"):
        cell_text("书\x1b记", prose=prose)
    assert cell_text("第一行\n第二行", prose=prose, multiline=True) == "第一行\n第二行"


@pytest.mark.parametrize("text", ["=SUM(A1:A9)", "+86 21", "-1号楼", "@admin", "\tx", "\rx", "'=x", "''=x", "'-",
                                  "'abc", "abc", "", "-", "'", "''", "'''+", "5-1"])
def test_a_csv_cell_is_neutralised_and_read_back_unchanged(text: str) -> None:
    written = csv_neutralise(text)
    assert written[:1] not in {"=", "+", "-", "@", "\t", "\r"}
    assert csv_unneutralise(written) == text


@pytest.mark.parametrize("text, read", [
    ("'=SUM(A1:A9)", "=SUM(A1:A9)"), ("'+86 21", "+86 21"), ("'-1号楼", "-1号楼"), ("'@admin", "@admin"), ("'\tx", "\tx"),
    ("'abc", "'abc"), ("'", "'"), ("''=x", "''=x"), ("=x", "=x"), ("a'=b", "a'=b"),
])
def test_a_workbook_cell_loses_only_the_quote_before_a_formula_character(text: str, read: str) -> None:
    """A CSV export opened in Excel and saved as .xlsx keeps the ' that neutralised a cell."""
    assert sheet_unneutralise(text) == read


def test_numbers_are_never_neutralised_in_a_csv_export() -> None:
    column = SHEET_BY_NAME["committee_years"].column("work_fund_yuan")
    assert _cell(column, Decimal("-5"), for_csv=True) == "-5"
    assert _cell(SHEET_BY_NAME["committee_years"].column("households"), -5, for_csv=True) == -5
    assert _cell(SHEET_BY_NAME["workers"].column("name"), "-5", for_csv=True) == "'-5"  # text that looks like one


def _rows(workbook: openpyxl.Workbook) -> list[tuple[int, list[Any]]]:
    with first_visible_sheet(io.BytesIO(workbook_bytes(workbook))) as sheet:
        return list(sheet.rows)


def test_a_formula_a_program_wrote_comes_as_an_unread_cell_naming_it() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["a", "b", "c", "d"])
    for _ in range(3):
        workbook.active.append([None, None, None, None])
    workbook.active["D5"] = "=100+60"
    workbook.active["C5"] = "=100+60"
    [(number, cells)] = _rows(workbook)[1:]
    assert number == 5
    assert cells[3] == UnreadCell("D5", "=100+60")
    message = UnreadCell("D5", "=100+60").message
    assert "D5" in message and "=100+60" in message and "Excel" in message and "粘贴为数值" in message


def test_a_formula_excel_saved_is_read_as_its_result_and_an_empty_result_as_blank() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["=100+60", '="第"&"一"', '=IF(1,"","x")', "=1/0"])
    data = excel_saved(workbook_bytes(workbook), {"A1": 160, "B1": "第一", "C1": ""})
    with first_visible_sheet(io.BytesIO(data)) as sheet:
        [(number, cells)] = list(sheet.rows)
    assert (number, cells[:3]) == (1, [160, "第一", None])
    assert cells[3] == UnreadCell("D1", "=1/0")  # never computed


def test_an_error_value_comes_as_an_unread_cell() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["x", "#DIV/0!"])
    [(_number, cells)] = _rows(workbook)
    assert cells == ["x", UnreadCell("B1", "", "#DIV/0!")]
    assert "#DIV/0!" in cells[1].message and "B1" in cells[1].message


def test_text_excel_escaped_is_read_as_it_was_typed() -> None:
    """Excel stores ESC as _x001B_ and a typed "_x001B_" as _x005F_x001B_."""
    workbook = openpyxl.Workbook()
    workbook.active.append([excel_text("书\x1b记"), "_x005F_x001B_", "_x000D_"])
    assert _rows(workbook) == [(1, ["书\x1b记", "_x001B_", "\r"])]


def test_a_text_cell_neutralised_by_the_csv_export_reads_as_its_text() -> None:
    """The CSV export, opened in Excel and saved as .xlsx: the ' is text of the cell."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["'=SUM", "'-5", "'@x", "'abc", "'", "''=x", 5])
    assert _rows(workbook) == [(1, ["=SUM", "-5", "@x", "'abc", "'", "''=x", 5])]


def test_a_date_formatted_number_that_no_date_can_be_says_so() -> None:
    workbook = openpyxl.Workbook()
    workbook.active.append(["x", 10**10, 2958466])  # 2958465 is 9999-12-31
    for cell in ("B1", "C1"):
        workbook.active[cell].number_format = "yyyy-mm-dd"
    [(_number, cells)] = _rows(workbook)
    assert cells[1:] == [UnreadCell("B1", "", number="10000000000"), UnreadCell("C1", "", number="2958466")]
    message = cells[1].message
    assert "B1" in message and "10000000000" in message and "不能表示日期" in message
    assert "#VALUE!" not in message and "错误值" not in message
    with pytest.raises(CellError, match="不能表示日期"):
        parse_date(cells[2])


def test_no_row_is_read_wider_than_the_header() -> None:
    """A stray cell in column XFD (16,384) makes no row 16,384 cells wide, above and beyond the rows read to find
    the header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["标题"])
    sheet.append(["代码", "名称", "备注"])
    for n in range(1, 9):
        sheet.append([str(n), "a"])
    for row in (1, 3, 6, 10):
        sheet.cell(row=row, column=16384, value="x")
    with first_visible_sheet(io.BytesIO(workbook_bytes(workbook))) as first:
        table = find_header(first.rows, lambda text: text in {"代码", "名称"}, ["代码", "名称"])
        rows = list(table.rows)
    assert table.header == ["代码", "名称", "备注"]
    assert [number for number, _cells in rows] == list(range(3, 11))
    assert max(len(cells) for _number, cells in rows) == 3


def test_lists_in_messages_are_joined_in_the_user_s_language() -> None:
    sheet = FirstSheet("清单", SheetRows(None, None), ["旧版", "备份"])
    rows = [(1, ["编号", "名字"])]
    with translation.override("en"):
        assert "“旧版”, “备份”" in sheet.notices[0]
        problem = find_header(iter(rows), lambda text: False, ["Code", "Name"]).problem
        assert "(编号, 名字)" in problem and "Code, Name" in problem and "、" not in problem
    assert "“旧版”、“备份”" in sheet.notices[0]
    problem = find_header(iter(rows), lambda text: False, ["代码", "名称"]).problem
    assert "（编号、名字）" in problem and "代码、名称" in problem


def test_labels_are_known_in_every_language_the_portal_speaks() -> None:
    assert label_keys([("name", gettext_lazy("Certificate")), ("rule", gettext_lazy("Rule"))]) == {
        "name": "name", "certificate": "name", "证明事项": "name", "rule": "rule", "出具规则": "rule"}


@pytest.mark.parametrize("number_format, format_id", [
    ("yyyy年m月d日", None), ("yyyy/m/d", None), ('yyyy"年"m"月"d"日"', 31), ("yyyy/m/d", 14), ('yyyy"年"m"月"d"日"', 57),
])
def test_a_date_formatted_serial_is_a_date_in_read_only_mode(number_format: str, format_id: int | None) -> None:
    """Excel stores a date as a serial number in a date-formatted cell; Chinese Excel's own built-in formats
    (numFmtId 27-31, 36, 50-54, 57, 58) are defined nowhere in the file."""
    workbook = openpyxl.Workbook()
    workbook.active.append([45296])
    workbook.active["A1"].number_format = number_format
    data = workbook_bytes(workbook)
    if format_id is not None:
        data = builtin_number_format(data, number_format, format_id)
    with first_visible_sheet(io.BytesIO(data)) as sheet:
        assert list(sheet.rows) == [(1, [datetime.datetime(2024, 1, 5)])]
    assert parse_date(datetime.datetime(2024, 1, 5)) == JAN_5


def test_the_header_is_found_under_a_title_and_rows_keep_their_numbers() -> None:
    rows = [(1, ["XX区居委会基本情况表"]), (3, ["代码", "名称", "备注"]), (4, ["1", "a"]), (9, ["2", "b"])]
    table = find_header(iter(rows), lambda text: text in {"代码", "名称"}, ["代码", "名称"])
    assert (table.header_row, table.header, table.problem) == (3, ["代码", "名称", "备注"], None)
    assert list(table.rows) == [(4, ["1", "a"]), (9, ["2", "b"])]


def test_a_header_below_the_fifth_row_is_not_looked_for() -> None:
    rows = [(1, ["标题"]), (7, ["代码", "名称"])]
    table = find_header(iter(rows), lambda text: text in {"代码", "名称"}, ["代码", "名称"])
    assert table.problem and "第 1 行" in table.problem and "第 7 行看起来是表头" in table.problem


def test_an_empty_sheet_has_no_header_and_no_problem() -> None:
    table = find_header(iter([]), lambda text: True, ["代码"])
    assert (table.header_row, table.header, table.problem, list(table.rows)) == (0, [], None, [])


# --- the three readers -----------------------------------------------------------------------------------------

@dataclass
class Outcome:
    errors: list[tuple[int, str]]  # (row, message)
    notices: list[str]  # warnings the person sees: the hidden sheets skipped…


class Reader:
    """One of the three imports, driven through its service with a workbook: a key column (required), an
    optional text column, and (for the imports that have one) a date column."""

    id: str
    title = "清单"  # the data sheet's title
    header: list[str]
    key_column = 0
    optional_column: int
    has_dates = False

    def key(self, n: int) -> str: ...
    def row(self, key: Any, optional: Any = "") -> list[Any]: ...
    def date_row(self, key: Any, date: Any) -> list[Any]: ...
    def existing(self, key: str, optional: str = "旧") -> None: ...
    def stored(self, key: str) -> Any: ...  # the optional text of the record, None when there is none
    def stored_date(self, key: str) -> datetime.date | None: ...
    def count(self) -> int: ...
    def run(self, data: bytes) -> Outcome: ...


class OrganisationReader(Reader):
    id = "organisation"
    title = "workers"
    header = ["工号", "居委会代码", "姓名", "职务", "入职日期"]
    optional_column = 3
    date_column = 4
    has_dates = True

    def __init__(self, world: Any, tmp_path: Any) -> None:
        self.world, self.tmp_path = world, tmp_path

    def key(self, n: int) -> str:
        return f"WT-{n:04d}"

    def row(self, key: Any, optional: Any = "") -> list[Any]:
        return [key, "310101013018", "张敏", optional, "2015-03-01"]

    def date_row(self, key: Any, date: Any) -> list[Any]:
        return [key, "310101013018", "张敏", "", date]

    def existing(self, key: str, optional: str = "旧") -> None:
        CommunityWorkerFactory(committee=self.world.baoxing, code=key, name="张敏", position=optional, hired_on=D(2015, 3, 1))

    def stored(self, key: str) -> Any:
        return CommunityWorker.objects.filter(code=key).values_list("position", flat=True).first()

    def stored_date(self, key: str) -> datetime.date | None:
        return CommunityWorker.objects.filter(code=key).values_list("hired_on", flat=True).first()

    def count(self) -> int:
        return CommunityWorker.objects.count()

    def run(self, data: bytes) -> Outcome:
        path = self.tmp_path / "org.xlsx"
        path.write_bytes(data)
        report = import_org(path)
        return Outcome([(error.row, error.message) for error in report.errors], report.warnings)


class CatalogueReader(Reader):
    id = "catalogue"
    header = ["Certificate", "Rule", "Conditions"]
    optional_column = 2

    def __init__(self, world: Any, district_staff: Any) -> None:
        self.world, self.actor = world, district_staff

    def key(self, n: int) -> str:
        return f"黄浦区测试证明{n}"

    def row(self, key: Any, optional: Any = "") -> list[Any]:
        return [key, "facts", optional]

    def existing(self, key: str, optional: str = "旧") -> None:
        CertificateType.objects.create(name=key, rule="facts", jurisdiction="district", district=self.world.huangpu,
                                       conditions=optional)

    def stored(self, key: str) -> Any:
        return CertificateType.objects.filter(district=self.world.huangpu, name=key).values_list(
            "conditions", flat=True).first()

    def count(self) -> int:
        return CertificateType.objects.filter(district=self.world.huangpu).count()

    def run(self, data: bytes) -> Outcome:
        _written, errors, notices = catalogue_import(actor=self.actor, upload=io.BytesIO(data))
        return Outcome([(error.row, error.message) for error in errors], notices)


class TaskListReader(Reader):
    id = "task list"
    header = ["序号", "任务事项", "类别", "责任单位", "内容说明", "退出日期", "退出原因"]
    optional_column = 4
    date_column = 5
    has_dates = True

    def __init__(self, world: Any, district_staff: Any) -> None:
        self.actor = district_staff
        self.task_list = TaskList.objects.create(level="district", district=world.huangpu, year=2030)

    def key(self, n: int) -> str:
        return f"{n:03d}"

    def row(self, key: Any, optional: Any = "") -> list[Any]:
        return [key, "协助开展人口普查", "assistance", "区民政局", optional]

    def date_row(self, key: Any, date: Any) -> list[Any]:
        return [key, "协助开展人口普查", "assistance", "区民政局", "", date, "并入其他事项"]

    def existing(self, key: str, optional: str = "旧") -> None:
        TaskItem.objects.create(task_list=self.task_list, code=key, title="协助开展人口普查", category="assistance",
                                responsible_unit="区民政局", description=optional)

    def stored(self, key: str) -> Any:
        return self.task_list.items.filter(code=key).values_list("description", flat=True).first()

    def stored_date(self, key: str) -> datetime.date | None:
        return self.task_list.items.filter(code=key).values_list("exited_at", flat=True).first()

    def count(self) -> int:
        return self.task_list.items.count()

    def run(self, data: bytes) -> Outcome:
        _written, errors, notices = task_list_import_items(actor=self.actor, pk=self.task_list.pk, upload=io.BytesIO(data))
        return Outcome([(error.row, error.message) for error in errors], notices)


READERS = ["organisation", "catalogue", "task list"]


@pytest.fixture(params=READERS)
def reader(request, world, tmp_path) -> Reader:  # noqa: ANN001
    if request.param == "organisation":
        return OrganisationReader(world, tmp_path)
    staff = request.getfixturevalue("district_staff")
    return CatalogueReader(world, staff) if request.param == "catalogue" else TaskListReader(world, staff)


@pytest.fixture(params=["organisation", "task list"])
def dated_reader(request, world, tmp_path) -> Reader:  # noqa: ANN001
    """The imports with a date column (and a code as key: the catalogue's key is a certificate's name)."""
    if request.param == "organisation":
        return OrganisationReader(world, tmp_path)
    return TaskListReader(world, request.getfixturevalue("district_staff"))


def book(reader: Reader, rows: list[list[Any]], *, above: list[list[Any]] = (), hidden: bool = False) -> openpyxl.Workbook:
    """A workbook as staff send it: `above` the header (a title, a blank row), the header, the rows. With
    `hidden`, a hidden sheet holding rubbish comes first (the organisation import's is named like a sheet of the
    format, so that reading it would fail the import)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if hidden:
        secret = workbook.create_sheet("committees" if reader.id == "organisation" else "旧版")
        secret.append(["代码", "名称"] if reader.id == "organisation" else reader.header)
        secret.append(["rubbish", excel_text("\x1b")] if reader.id == "organisation" else
                      reader.row(excel_text("\x1b"), excel_text("\x1b")))
        secret.sheet_state = "hidden"
    sheet = workbook.create_sheet(reader.title)
    for row in above:
        sheet.append(row)
    sheet.append(reader.header)
    for row in rows:
        sheet.append(row)
    return workbook


def column_letter(index: int) -> str:
    return get_column_letter(index + 1)


@pytest.mark.parametrize("where", ["key", "optional"])
def test_a_formula_without_a_saved_result_is_a_row_error_naming_the_cell(reader: Reader, where: str) -> None:
    workbook = book(reader, [reader.row(reader.key(1), "书记"), reader.row(reader.key(2), "书记")])
    column = reader.key_column if where == "key" else reader.optional_column
    workbook[reader.title][f"{column_letter(column)}3"] = "=100+60"
    before = reader.count()

    outcome = reader.run(workbook_bytes(workbook))

    [(row, message)] = outcome.errors
    assert row == 3
    assert f"{column_letter(column)}3" in message and "=100+60" in message and "Excel" in message
    assert reader.count() == before, "nothing was written"


def test_a_formula_excel_computed_is_read_as_its_result(reader: Reader) -> None:
    workbook = book(reader, [reader.row(reader.key(1), '="第"&"一"'), reader.row(reader.key(2), '=IF(1,"","x")')])
    letter = column_letter(reader.optional_column)
    data = excel_saved(workbook_bytes(workbook), {f"{letter}2": "第一", f"{letter}3": ""},
                       sheet=1)

    outcome = reader.run(data)

    assert outcome.errors == []
    assert (reader.stored(reader.key(1)), reader.stored(reader.key(2))) == ("第一", "")


def test_an_error_value_is_a_row_error(reader: Reader) -> None:
    outcome = reader.run(workbook_bytes(book(reader, [reader.row(reader.key(1), "#N/A")])))
    [(row, message)] = outcome.errors
    assert row == 2 and "#N/A" in message and f"{column_letter(reader.optional_column)}2" in message


def test_hidden_sheets_are_skipped_and_named(reader: Reader) -> None:
    outcome = reader.run(workbook_bytes(book(reader, [reader.row(reader.key(1), "书记")], hidden=True)))

    assert outcome.errors == []
    assert reader.stored(reader.key(1)) == "书记"
    hidden = "committees" if reader.id == "organisation" else "旧版"
    assert any(hidden in notice and "隐藏" in notice for notice in outcome.notices), outcome.notices


def test_a_title_row_above_the_header_and_row_numbers_as_in_the_file(reader: Reader) -> None:
    workbook = book(reader, [reader.row(reader.key(1), "书记"), reader.row(reader.key(2), excel_text("书\x1b记"))],
                    above=[["XX区居委会基本情况表"], []])
    workbook[reader.title].merge_cells("A1:E1")

    outcome = reader.run(workbook_bytes(workbook))

    [(row, message)] = outcome.errors
    assert row == 5 and "U+001B" in message  # header on row 3, data from row 4
    assert reader.stored(reader.key(1)) is None, "nothing was written"
    workbook[reader.title][f"{column_letter(reader.optional_column)}5"] = "主任"
    assert reader.run(workbook_bytes(workbook)).errors == []
    assert (reader.stored(reader.key(1)), reader.stored(reader.key(2))) == ("书记", "主任")


def test_a_header_that_cannot_be_found_is_explained(reader: Reader) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = reader.title
    sheet.append(["XX区居委会基本情况表"])
    sheet.append(["编号", "名字", "备注"])
    sheet.append(["1", "x", ""])

    outcome = reader.run(workbook_bytes(workbook))

    [(row, message)] = outcome.errors
    assert row == 2
    assert "表头应在第 1 行" in message and "第 2 行看起来是表头" in message and "编号" in message


@pytest.mark.parametrize("hidden_character", ["\u200b", "\ufeff", "\u00a0", "\u2060"])
def test_what_nobody_sees_in_a_key_updates_the_existing_row(reader: Reader, hidden_character: str) -> None:
    key = reader.key(7)
    reader.existing(key)
    before = reader.count()
    written = key[:2] + hidden_character + key[2:] if hidden_character != "\u00a0" else key + hidden_character

    outcome = reader.run(workbook_bytes(book(reader, [reader.row(written, "新")])))

    assert outcome.errors == []
    assert reader.count() == before, "no second row"
    assert reader.stored(key) == "新"


def test_full_width_digits_in_a_code_update_the_existing_row(dated_reader: Reader) -> None:
    """The organisation's staff number and the task list's item number (a certificate's name is text, kept as
    typed: test_a_name_keeps_its_full_width_punctuation)."""
    reader = dated_reader
    key = reader.key(7)
    reader.existing(key)
    before = reader.count()
    full_width = key.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ"})
    assert full_width != key

    outcome = reader.run(workbook_bytes(book(reader, [reader.row(full_width, "新")])))

    assert outcome.errors == []
    assert (reader.count(), reader.stored(key)) == (before, "新")


def test_a_name_keeps_its_full_width_punctuation(reader: Reader) -> None:
    assert reader.run(workbook_bytes(book(reader, [reader.row(reader.key(1), "书记（兼）：第一")]))).errors == []
    assert reader.stored(reader.key(1)) == "书记（兼）：第一"


def test_a_control_character_is_a_cell_error_naming_it(reader: Reader) -> None:
    rows = [reader.row(reader.key(1), "书记"), reader.row(reader.key(2), excel_text("书\x07记"))]
    outcome = reader.run(workbook_bytes(book(reader, rows)))
    [(row, message)] = outcome.errors
    assert row == 3 and "U+0007" in message
    assert reader.stored(reader.key(1)) is None, "all or nothing"


@pytest.mark.parametrize("text", ["2024-01-05", "2024/1/5", "2024年1月5日", "2024 年 1 月 5 日", "２０２４年１月５日", "2024.1.5",
                                  "2024年1月5号", datetime.datetime(2024, 1, 5)])
def test_a_date_as_staff_write_it_is_read(dated_reader: Reader, text: Any) -> None:
    outcome = dated_reader.run(workbook_bytes(book(dated_reader, [dated_reader.date_row(dated_reader.key(1), text)])))
    assert outcome.errors == []
    assert dated_reader.stored_date(dated_reader.key(1)) == JAN_5


@pytest.mark.parametrize("number_format, format_id", [("yyyy年m月d日", None), ("yyyy/m/d", None),
                                                      ('yyyy"年"m"月"d"日"', 31), ("yyyy/m/d", 14)])
def test_a_date_cell_of_any_date_format_is_read(dated_reader: Reader, number_format: str, format_id: int | None) -> None:
    workbook = book(dated_reader, [dated_reader.date_row(dated_reader.key(1), 45296)])
    workbook[dated_reader.title][f"{column_letter(dated_reader.date_column)}2"].number_format = number_format
    data = workbook_bytes(workbook)
    if format_id is not None:
        data = builtin_number_format(data, number_format, format_id)

    outcome = dated_reader.run(data)

    assert outcome.errors == []
    assert dated_reader.stored_date(dated_reader.key(1)) == JAN_5


@pytest.mark.parametrize("text", ["1/5/2024", "05/01/2024", "24-1-5", "2024-02-30", 45296])
def test_a_date_that_needs_guessing_is_refused_with_the_forms_accepted(dated_reader: Reader, text: Any) -> None:
    outcome = dated_reader.run(workbook_bytes(book(dated_reader, [dated_reader.date_row(dated_reader.key(1), text)])))
    [(row, message)] = outcome.errors
    assert row == 2 and DATE_FORMS in message
    assert dated_reader.stored_date(dated_reader.key(1)) is None


def test_a_date_formatted_number_no_date_can_be_is_refused_saying_so(dated_reader: Reader) -> None:
    workbook = book(dated_reader, [dated_reader.date_row(dated_reader.key(1), 10**10)])
    cell = f"{column_letter(dated_reader.date_column)}2"
    workbook[dated_reader.title][cell].number_format = "yyyy-mm-dd"

    outcome = dated_reader.run(workbook_bytes(workbook))

    [(row, message)] = outcome.errors
    assert row == 2 and cell in message and "10000000000" in message and "不能表示日期" in message
    assert "#VALUE!" not in message
    assert dated_reader.stored_date(dated_reader.key(1)) is None


def test_a_text_cell_the_csv_export_neutralised_reads_as_its_text_from_xlsx(reader: Reader) -> None:
    """Our CSV export opened in Excel and saved as .xlsx: Excel keeps the ' that kept =SUM from running."""
    rows = [reader.row(reader.key(1), "'=SUM(1)"), reader.row(reader.key(2), "'-组长"), reader.row(reader.key(3), "'书记")]

    outcome = reader.run(workbook_bytes(book(reader, rows)))

    assert outcome.errors == []
    assert [reader.stored(reader.key(n)) for n in (1, 2, 3)] == ["=SUM(1)", "-组长", "'书记"]


def test_a_stray_cell_far_right_makes_no_row_wider_than_the_header(reader: Reader, monkeypatch) -> None:  # noqa: ANN001
    rows = [reader.row(reader.key(n), "书记") for n in range(1, 9)]
    workbook = book(reader, rows)
    for row in (3, 9):
        workbook[reader.title].cell(row=row, column=16384, value="x")  # column XFD
    read: list[tuple[int, int]] = []
    iterate = SheetRows.__iter__

    def spied(self: SheetRows):  # noqa: ANN202
        for number, cells in iterate(self):
            read.append((number, len(cells)))
            yield number, cells

    monkeypatch.setattr(SheetRows, "__iter__", spied)

    outcome = reader.run(workbook_bytes(workbook))

    assert outcome.errors == []
    assert [reader.stored(reader.key(n)) for n in range(1, 9)] == ["书记"] * 8
    # The first rows are read to find the header (find_header then cuts them to it); every row after is read no
    # wider than the header.
    after = [width for number, width in read if number > HEADER_WITHIN + 1]
    assert after and max(after) == len(reader.header)


# --- the organisation import: CSV and the code columns ---------------------------------------------------------

def _saved_as_xlsx(folder: Any) -> Any:
    """The CSV export opened in Excel and saved as one .xlsx: every cell as the CSV holds it, a neutralising '
    included (Excel keeps it as text)."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for file in sorted(folder.glob("*.csv")):
        sheet = workbook.create_sheet(file.stem)
        with file.open(encoding="utf-8-sig", newline="") as text:
            for cells in csv.reader(text):
                sheet.append(cells)
    path = folder.parent / "saved.xlsx"
    path.write_bytes(workbook_bytes(workbook))
    return path


@pytest.mark.parametrize("target", ["export", "export.xlsx", "export saved as .xlsx"])
def test_an_export_is_safe_to_open_and_imports_back_unchanged(world, tmp_path, target: str) -> None:  # noqa: ANN001
    Committee.objects.filter(pk=world.baoxing.pk).update(name="=宝兴居委会")
    Committee.objects.filter(pk=world.hankou.pk).update(name="-汉口路居委会")
    CommunityWorkerFactory(committee=world.baoxing, code="W-EQ", name='=HYPERLINK("http://x.example")', position="-组长",
                           hired_on=D(2015, 3, 1))
    CommunityWorkerFactory(committee=world.baoxing, code="-W2", name="+86 张敏", position="@书记", hired_on=D(2015, 3, 1))
    path = tmp_path / ("export" if target == "export saved as .xlsx" else target)
    export_org(path)
    if target != "export.xlsx":  # a spreadsheet opening the CSV runs none of these as a formula
        committees = (path / "committees.csv").read_text(encoding="utf-8-sig")
        assert "'=宝兴居委会" in committees and "'-汉口路居委会" in committees
        written = (path / "workers.csv").read_text(encoding="utf-8-sig")
        assert "'=HYPERLINK" in written and "'-组长" in written and "'-W2" in written and "'+86" in written
        assert "'@书记" in written
    if target == "export saved as .xlsx":
        path = _saved_as_xlsx(path)
        saved = [cell for row in openpyxl.load_workbook(path)["workers"].iter_rows(values_only=True) for cell in row]
        assert '\'=HYPERLINK("http://x.example")' in saved and "'-W2" in saved
    before = list(Committee.objects.order_by("pk").values()), list(CommunityWorker.objects.order_by("pk").values())

    report = import_org(path)

    assert report.ok, report.errors
    assert report.totals()["updated"] == report.totals()["created"] == 0
    assert (list(Committee.objects.order_by("pk").values()), list(CommunityWorker.objects.order_by("pk").values())) == before
    assert Committee.objects.get(pk=world.hankou.pk).name == "-汉口路居委会"


def test_a_neutralised_csv_cell_is_read_as_its_text(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "workers.csv").write_text("工号,居委会代码,姓名,职务,入职日期\nW1,310101013018,'=SUM(1),'-5,2015-03-01\n",
                                          encoding="utf-8")
    report = import_org(tmp_path / "workers.csv")
    assert report.ok, report.errors
    assert CommunityWorker.objects.filter(code="W1").values_list("name", "position").get() == ("=SUM(1)", "-5")


def test_a_csv_with_a_title_row_reports_rows_as_in_the_file(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "workers.csv").write_text(
        "外滩街道社区工作者名单,,,\n,,,\n工号,居委会代码,姓名,入职日期\nW1,310101013018,张敏,2015-03-01\nW2,310101013018,李华,1/3/2015\n",
        encoding="utf-8")
    report = import_org(tmp_path / "workers.csv")
    assert [(error.row, error.column) for error in report.errors] == [(5, "hired_on")]


def test_a_missing_column_is_reported_on_the_header_row(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "workers.csv").write_text("名单\n工号,姓名,入职日期\nW1,张敏,2015-03-01\n", encoding="utf-8")
    report = import_org(tmp_path / "workers.csv")
    assert [(error.row, error.column) for error in report.errors] == [(2, "committee_code")]


@pytest.mark.parametrize("code", ["３１０１０１０１３０１８", "310101013018\u200b", "\ufeff310101013018", "310101013018\u00a0"])
def test_a_committee_code_with_what_nobody_sees_updates_the_committee(world, tmp_path, code: str) -> None:  # noqa: ANN001
    (tmp_path / "committees.csv").write_text(f"代码,街道代码,名称,类型\n{code},310101013,宝兴居委会（新）,居委会\n",
                                             encoding="utf-8")
    before = Committee.objects.count()
    report = import_org(tmp_path / "committees.csv")
    assert report.ok, report.errors
    assert report.totals() == {"created": 0, "updated": 1, "unchanged": 0}
    assert Committee.objects.count() == before
    assert Committee.objects.get(code="310101013018").name == "宝兴居委会（新）"


def test_a_formula_in_an_optional_organisation_column_is_not_silently_empty(world, tmp_path) -> None:  # noqa: ANN001
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "committee_years"
    sheet.append(["居委会代码", "年度", "管辖户数", "实际居住户数", "办公服务用房面积"])
    sheet.append(["310101013018", 2025, 1650, 1580, 120])
    sheet.append(["310101013001", 2025, 1650, 1580, "=100+60"])
    sheet.append(["310101002001", 2025, "=1600+50", 1580, None])
    (tmp_path / "org.xlsx").write_bytes(workbook_bytes(workbook))

    report = import_org(tmp_path / "org.xlsx")

    assert [(error.row, error.column) for error in report.errors] == [(3, "office_area_m2"), (4, "households")]
    assert "E3" in report.errors[0].message and "=100+60" in report.errors[0].message
    (tmp_path / "org.xlsx").write_bytes(excel_saved(workbook_bytes(workbook), {"E3": 160, "C4": 1650}))
    report = import_org(tmp_path / "org.xlsx")
    assert report.ok, report.errors
    assert world.hankou.years.get(year=2025).office_area_m2 == Decimal("160.00")


# --- the pages say which hidden sheets were skipped -----------------------------------------------------------

def _hidden_first(header: list[str], row: list[Any]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.title = "旧版"
    workbook.active.sheet_state = "hidden"
    workbook.create_sheet("清单").append(header)
    workbook["清单"].append(row)
    return workbook_bytes(workbook)


def test_the_catalogue_page_says_which_hidden_sheets_were_skipped(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    upload = _hidden_first(["Certificate", "Rule"], ["黄浦区测试证明", "facts"])
    response = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile("c.xlsx", upload)},
                           follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert any("旧版" in message and "隐藏" in message for message in shown), shown
    refused = client.post(reverse("certificates:catalogue_import"), {"file": SimpleUploadedFile(
        "c.xlsx", _hidden_first(["Certificate", "Rule"], ["黄浦区测试证明二", "不存在的规则"]))})
    assert refused.status_code == 400 and "旧版" in refused.content.decode()


def test_the_task_list_page_says_which_hidden_sheets_were_skipped(client, world, district_staff) -> None:  # noqa: ANN001
    draft = TaskList.objects.create(level="district", district=world.huangpu, year=2030)
    client.force_login(district_staff)
    header = ["序号", "任务事项", "类别", "责任单位"]
    response = client.post(reverse("tasks:list_import", args=[draft.pk]), {"file": SimpleUploadedFile(
        "l.xlsx", _hidden_first(header, ["001", "协助开展人口普查", "assistance", "区民政局"]))}, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert any("旧版" in message and "隐藏" in message for message in shown), shown
    assert draft.items.get().code == "001"
    refused = client.post(reverse("tasks:list_import", args=[draft.pk]), {"file": SimpleUploadedFile(
        "l.xlsx", _hidden_first(header, ["002", "", "assistance", "区民政局"]))})
    assert refused.status_code == 400 and refused.context["notices"] and "旧版" in refused.content.decode()


def _patched_xlsx(value_xml: bytes) -> io.BytesIO:
    """A workbook whose B2 holds, as the file writes it, `value_xml` (a crafted or damaged file)."""
    import zipfile

    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["工号", "管辖户数"])
    workbook.active.append(["HP-1", 12345])
    saved = io.BytesIO()
    workbook.save(saved)
    patched = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved.getvalue())) as source, zipfile.ZipFile(patched, "w") as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<v>12345</v>", value_xml)
            target.writestr(member, data)
    patched.seek(0)
    return patched


def test_a_number_no_program_can_cast_is_read_as_its_text_and_refused_as_too_large() -> None:
    """openpyxl's parser raises ValueError for a number beyond Python's 4,300-digit limit; the cell is kept as the
    text the file holds, so the readers refuse it by name instead of failing the whole file."""
    from portal.core.spreadsheets import CellError, first_visible_sheet, read_int

    with first_visible_sheet(_patched_xlsx(b"<v>" + b"9" * 5000 + b"</v>")) as sheet:
        rows = list(sheet.rows)
    assert rows[1][0] == 2 and rows[1][1][0] == "HP-1" and rows[1][1][1] == "9" * 5000
    with pytest.raises(CellError):
        read_int(rows[1][1][1])
