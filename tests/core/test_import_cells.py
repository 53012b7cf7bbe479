"""Typed cells as the three imports read them (portal.core.spreadsheets: read_bool, read_choice, read_int,
read_decimal, check_required): a yes/no takes a known set of words and refuses anything else listing them, a
choice refuses an unknown word listing the words the file may use, a number is neither text nor negative, a
required cell is not blank; and problems are reported in the order of the file (by row, then by column).

Each case with its right value, through the task-list import (needs_seal, hours, category, the required
columns) and the certificate catalogue import (its rule, its name), and the organisation import's cells.
"""

import datetime
import io
import re
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import CertificateType
from certificates.services import catalogue_import
from committees.interchange.cells import read_cell
from committees.interchange.exporter import _cell, write_template
from committees.interchange.importer import import_org
from committees.interchange.schema import SHEET_BY_NAME
from portal.core.spreadsheets import (
    CellError,
    UnreadCell,
    check_required,
    read_bool,
    read_choice,
    read_decimal,
    read_int,
)
from tasks_registry.models import TaskItem, TaskList
from tasks_registry.services.lists import task_list_import_items
from tests.support.spreadsheets import write_csv_folder, write_xlsx

YES_NO_WORDS = "是 / 否 / 需要 / 不需要 / yes / no / y / n / true / false / √ / ×"
REFUSED_YES_NO = f"应为以下之一：{YES_NO_WORDS}。"
CATEGORIES = "应为以下之一：依法履职事项 / 依法协助事项 / 印章使用事项。"
RULES = "应为以下之一：可以据实出具 / 经居民议事协商、主任签字后出具 / 不予出具。"
REQUIRED = "此项为必填项。"

# The task list's columns as its export writes them (the zh_Hans labels of the item's fields).
CODE, TITLE, CATEGORY, UNIT = "序号", "任务事项", "类别", "责任单位"
HOURS, SEAL = "每个居委会每月工作量（小时）", "需加盖居委会印章"
EXITED, REASON = "退出日期", "退出原因"
HEADER = [CODE, TITLE, CATEGORY, UNIT, HOURS, SEAL]


# --- the shared readers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value, right", [
    ("是", True), ("否", False), ("需要", True), ("不需要", False), ("yes", True), ("No", False), ("YES", True),
    ("Y", True), ("n", False), ("true", True), ("FALSE", False), ("√", True), ("×", False), ("✓", True),
    ("✗", False), (" 是 ", True), ("ＹＥＳ", True), ("需要\u200b", True), (True, True), (False, False),
])
def test_a_yes_no_cell_reads_the_known_words(value: Any, right: bool) -> None:
    assert read_bool(value) is right


@pytest.mark.parametrize("value", ["也许", "可能", "需", "1", 1, 0, "x", "yes!", "是的", "有"])
def test_a_yes_no_cell_refuses_any_other_word_listing_the_known_ones(value: Any) -> None:
    with pytest.raises(CellError) as refused:
        read_bool(value)
    assert str(refused.value) == REFUSED_YES_NO


@pytest.mark.parametrize("value, places, right", [
    ("3.5", 1, Decimal("3.5")), (2, 1, Decimal("2.0")), ("１２", 1, Decimal("12.0")), (0.1 + 0.2, 2, Decimal("0.30")),
    ("+4", 2, Decimal("4.00")), ("1.500", 2, Decimal("1.50")), (0, 1, Decimal("0.0")), (7.25, 2, Decimal("7.25")),
    (".5", 1, Decimal("0.5")), ("0" * 5000 + "3.5", 1, Decimal("3.5")),
    (1e3, 2, Decimal("1000.00")),  # a number cell Excel stores as 1E3 is a number, not exponent text
])
def test_a_decimal_cell_is_read_to_its_places(value: Any, places: int, right: Decimal) -> None:
    number = read_decimal(value, places=places)
    assert number == right and number.as_tuple().exponent == -places


@pytest.mark.parametrize("value, places, says", [
    ("abc", 1, "应为数字。"), ("三", 1, "应为数字。"), (True, 1, "应为数字。"), ("NaN", 1, "应为数字。"),
    ("-1", 1, "不能为负数。"), (-0.5, 2, "不能为负数。"), ("2.25", 1, "最多保留一位小数。"),
    ("2.125", 2, "最多保留两位小数。"), ("100", 1, "数值过大。"),
    # Exponent text is no amount anyone types: "1e1" is not 10, "1e-99999999999" not 0.
    ("1e1", 1, "应为数字。"), ("1E1", 1, "应为数字。"), ("1e-99999999999", 1, "应为数字。"), ("5e-1", 1, "应为数字。"),
    ("Infinity", 1, "应为数字。"), ("1,000", 1, "应为数字。"),
    ("1" * 5000, 1, "数值过大。"), ("1" * 5000 + ".5", 1, "数值过大。"), ("-" + "1" * 5000, 1, "不能为负数。"),
    (1e16, 1, "数值过大。"),
])
def test_a_decimal_cell_refuses_text_negatives_and_too_many_places(value: Any, places: int, says: str) -> None:
    with pytest.raises(CellError) as refused:
        read_decimal(value, places=places, maximum=Decimal("99.9"))
    assert str(refused.value) == says


def test_a_decimal_cell_says_negative_as_the_field_says_it() -> None:
    with pytest.raises(CellError) as refused:
        read_decimal("-3", places=1, negative="工作量不能为负数。")
    assert str(refused.value) == "工作量不能为负数。"


@pytest.mark.parametrize("value, right", [("5", 5), (5.0, 5), ("+5", 5), ("５", 5), (0, 0), ("2147483647", 2147483647),
                                          ("0" * 5000 + "5", 5), ("+" + "0" * 5000, 0)])
def test_a_whole_number_cell_is_read(value: Any, right: int) -> None:
    assert read_int(value) == right


@pytest.mark.parametrize("value, says", [("-5", "不能为负数。"), (-5, "不能为负数。"), ("5.5", "应为整数。"), (5.5, "应为整数。"),
                                         ("五", "应为整数。"), (True, "应为整数。"), ("2147483648", "数值过大。"),
                                         # Longer than Python reads as a number (4,300 digits): too large, not a crash.
                                         ("1" * 5000, "数值过大。"), ("+" + "9" * 4301, "数值过大。"),
                                         ("21474836470", "数值过大。"), ("-" + "1" * 5000, "不能为负数。")])
def test_a_whole_number_cell_refuses_fractions_text_and_negatives(value: Any, says: str) -> None:
    with pytest.raises(CellError) as refused:
        read_int(value)
    assert str(refused.value) == says


def test_a_whole_number_cell_is_held_to_a_smaller_maximum_too() -> None:
    assert read_int("0099", maximum=99) == 99
    for value in ("100", "1" * 5000):
        with pytest.raises(CellError) as refused:
            read_int(value, maximum=99)
        assert str(refused.value) == "数值过大。"


def test_a_choice_cell_refuses_an_unknown_word_listing_the_words_shown() -> None:
    words = {"duty": "duty", "依法履职事项": "duty", "assistance": "assistance"}
    assert (read_choice("DUTY", words), read_choice("依法履职事项", words)) == ("duty", "duty")
    with pytest.raises(CellError) as refused:
        read_choice("其他", words, ["依法履职事项", "依法协助事项"])
    assert str(refused.value) == "应为以下之一：依法履职事项 / 依法协助事项。"


@pytest.mark.parametrize("value", [None, "", "   ", "\u200b", "\u3000"])
def test_a_blank_cell_is_refused_where_required(value: Any) -> None:
    with pytest.raises(CellError) as refused:
        check_required(value)
    assert str(refused.value) == REQUIRED


@pytest.mark.parametrize("value", ["x", 0, False, datetime.date(2024, 1, 5), UnreadCell("B2", "=1+1")])
def test_a_cell_holding_something_is_not_refused_as_blank(value: Any) -> None:
    check_required(value)


@pytest.mark.parametrize("value, right", [("是", True), ("√", True), ("不需要", False), ("N", False), (True, True)])
def test_the_organisation_import_reads_yes_no_with_the_same_words(value: Any, right: bool) -> None:
    transition = SHEET_BY_NAME["committees"].column("transition")
    assert read_cell(transition, value) is right


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_organisation_import_refuses_huge_and_exponent_numbers_row_by_row(world, tmp_path, fmt: str) -> None:  # noqa: ANN001
    """A number cell of 5,000 digits is a row error ("too large"), not an unexpected error that stops the import;
    exponent text in an amount is not a number."""
    row = {"committee_code": "310101013018", "year": "2025", "households": "1" * 5000, "resident_households": "900",
           "office_area_m2": "1e3", "elder_area_m2": "1e-99999999999", "work_fund_yuan": "9" * 5000}
    sheets = {"committee_years": [row]}
    path = (write_csv_folder(tmp_path / "org", sheets) if fmt == "csv"
            else write_xlsx(tmp_path / "org.xlsx", sheets, numbers=False))

    report = import_org(path, dry_run=True)

    assert [(error.sheet, error.row, error.column, error.message) for error in report.errors] == [
        ("committee_years", 2, "households", "数值过大。"), ("committee_years", 2, "office_area_m2", "应为数字。"),
        ("committee_years", 2, "elder_area_m2", "应为数字。"), ("committee_years", 2, "work_fund_yuan", "数值过大。")]


def test_the_organisation_import_refuses_yes_no_with_the_same_message() -> None:
    transition = SHEET_BY_NAME["committees"].column("transition")
    with pytest.raises(CellError) as refused:
        read_cell(transition, "也许")
    assert str(refused.value) == REFUSED_YES_NO


def test_the_organisation_template_writes_yes_no_as_是_否_and_reads_them_back() -> None:
    transition = SHEET_BY_NAME["committees"].column("transition")
    assert [_cell(transition, value, for_csv=False) for value in (True, False)] == ["是", "否"]
    assert [read_cell(transition, word) for word in ("是", "否")] == [True, False]
    target = io.BytesIO()
    write_template(target)
    header = openpyxl.load_workbook(target)["committees"]["G1"]
    assert header.value == "旧改过渡" and header.comment.text == "transition：是 / 否"


# --- the task-list import --------------------------------------------------------------------------------------

def _workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _rows_out_of_order(data: bytes) -> bytes:
    """The workbook as a program may write it: the sheet's last data row stored first (Excel shows rows by their
    number, whatever their order in the file)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                xml = content.decode()
                rows = re.findall(r"<row .*?</row>", xml, flags=re.DOTALL)
                reordered = [rows[0], rows[-1], *rows[1:-1]]  # the header, the last row, then the others
                xml = xml.replace("".join(rows), "".join(reordered))
                assert xml != content.decode()
                content = xml.encode()
            target.writestr(member, content)
    return buffer.getvalue()


@pytest.fixture
def task_list(world) -> TaskList:  # noqa: ANN001
    return TaskList.objects.create(level="district", district=world.huangpu, year=2030)


def _import(actor: Any, task_list: TaskList, data: bytes) -> list[tuple[int, str, str]]:
    _written, errors, _notices = task_list_import_items(actor=actor, pk=task_list.pk, upload=io.BytesIO(data))
    return [(error.row, error.column, error.message) for error in errors]


def _row(**cells: Any) -> list[Any]:
    values = {CODE: "001", TITLE: "协助开展人口普查", CATEGORY: "依法协助事项", UNIT: "区民政局", HOURS: 2, SEAL: "否"}
    values.update({{"code": CODE, "title": TITLE, "category": CATEGORY, "unit": UNIT, "hours": HOURS,
                    "seal": SEAL}[key]: value for key, value in cells.items()})
    return [values[column] for column in HEADER]


def test_the_task_list_header_is_the_export_s(task_list: TaskList) -> None:
    assert [str(TaskItem._meta.get_field(field).verbose_name) for field in
            ("code", "title", "category", "responsible_unit", "hours_per_month", "needs_seal", "exited_at",
             "exit_reason")] == [*HEADER, EXITED, REASON]


@pytest.mark.parametrize("seal, right", [
    ("是", True), ("否", False), ("需要", True), ("不需要", False), ("√", True), ("×", False), ("Yes", True),
    ("N", False), ("TRUE", True), (True, True), (False, False), (None, False), ("", False),
])
def test_a_task_list_seal_cell_is_read_as_yes_or_no(district_staff, task_list, seal: Any, right: bool) -> None:  # noqa: ANN001
    assert _import(district_staff, task_list, _workbook(HEADER, [_row(seal=seal)])) == []
    assert task_list.items.get(code="001").needs_seal is right


@pytest.mark.parametrize("seal", ["也许", "可能", "1", 1, "需"])
def test_a_task_list_seal_cell_of_another_word_is_refused_not_saved_as_no(district_staff, task_list,  # noqa: ANN001
                                                                          seal: Any) -> None:
    errors = _import(district_staff, task_list, _workbook(HEADER, [_row(code="001"), _row(code="002", seal=seal)]))

    assert errors == [(3, SEAL, REFUSED_YES_NO)]
    assert not task_list.items.exists(), "all or nothing"


@pytest.mark.parametrize("hours, right", [(3.5, Decimal("3.5")), ("3.5", Decimal("3.5")), ("３", Decimal("3.0")),
                                          (0, Decimal("0.0")), ("99999.9", Decimal("99999.9"))])
def test_task_list_hours_are_read_as_a_number(district_staff, task_list, hours: Any, right: Decimal) -> None:  # noqa: ANN001
    assert _import(district_staff, task_list, _workbook(HEADER, [_row(hours=hours)])) == []
    assert task_list.items.get(code="001").hours_per_month == right


@pytest.mark.parametrize("hours, says", [
    (None, REQUIRED), ("", REQUIRED), ("  ", REQUIRED), ("abc", "应为数字。"), ("两小时", "应为数字。"),
    (-1, "工作量不能为负数。"), ("-0.5", "工作量不能为负数。"), ("2.25", "最多保留一位小数。"), (100000, "数值过大。"),
    (True, "应为数字。"), ("1e1", "应为数字。"), ("2" * 5000, "数值过大。"),
])
def test_task_list_hours_blank_text_or_negative_are_refused(district_staff, task_list, hours: Any,  # noqa: ANN001
                                                            says: str) -> None:
    assert _import(district_staff, task_list, _workbook(HEADER, [_row(hours=hours)])) == [(2, HOURS, says)]
    assert not task_list.items.exists()


def test_blank_hours_at_the_end_of_a_row_are_refused_too(district_staff, task_list) -> None:  # noqa: ANN001
    """A row whose last cells are blank is stored shorter than the header: still blank cells."""
    header = [CODE, TITLE, CATEGORY, UNIT, HOURS]
    errors = _import(district_staff, task_list, _workbook(header, [["001", "协助开展人口普查", "依法协助事项", "区民政局"]]))
    assert errors == [(2, HOURS, REQUIRED)]


@pytest.mark.parametrize("category, right", [("依法协助事项", "assistance"), ("依法履职事项", "duty"), ("印章使用事项", "seal"),
                                             ("assistance", "assistance"), ("DUTY", "duty"),
                                             ("seal use", "seal")])
def test_a_task_list_category_is_read_from_its_words(district_staff, task_list, category: str, right: str) -> None:  # noqa: ANN001
    assert _import(district_staff, task_list, _workbook(HEADER, [_row(category=category)])) == []
    assert task_list.items.get(code="001").category == right


@pytest.mark.parametrize("category, says", [("其他", CATEGORIES), ("依法", CATEGORIES), (None, REQUIRED)])
def test_an_unknown_task_list_category_is_refused_listing_the_categories(district_staff, task_list, category: Any,  # noqa: ANN001
                                                                        says: str) -> None:
    assert _import(district_staff, task_list, _workbook(HEADER, [_row(category=category)])) == [(2, CATEGORY, says)]


@pytest.mark.parametrize("column", ["code", "title", "unit"])
def test_a_blank_required_task_list_cell_is_refused(district_staff, task_list, column: str) -> None:  # noqa: ANN001
    label = {"code": CODE, "title": TITLE, "unit": UNIT}[column]
    assert _import(district_staff, task_list, _workbook(HEADER, [_row(**{column: "\u200b"})])) == [(2, label, REQUIRED)]


def test_optional_task_list_cells_may_stay_blank(district_staff, task_list) -> None:  # noqa: ANN001
    header = [*HEADER, "内容说明", EXITED, REASON]
    assert _import(district_staff, task_list, _workbook(header, [[*_row(seal=None), None, None, None]])) == []
    item = task_list.items.get(code="001")
    assert (item.needs_seal, item.description, item.exited_at, item.exit_reason) == (False, "", None, "")


def test_task_list_problems_come_in_the_order_of_the_file(client, district_staff, task_list) -> None:  # noqa: ANN001
    """Rows stored out of order, and a row breaking two of the item's rules (reported by the model in the order
    of its fields: the task, then the exit reason) in columns ordered otherwise: by row, then by column."""
    header = [CODE, EXITED, REASON, TITLE, CATEGORY, UNIT, HOURS, SEAL]
    rows = [
        ["001", None, None, "正常的事项", "依法协助事项", "区民政局", 1, "否"],
        ["002", None, None, "正常的事项", "其他", "区民政局", 1, "否"],
        ["003", datetime.datetime(2030, 3, 1), None, "长" * 201, "依法协助事项", "区民政局", 1, "否"],
        ["004", None, None, "正常的事项", "依法协助事项", "区民政局", 1, "也许"],
        ["005", None, None, "正常的事项", "依法协助事项", "区民政局", "abc", "否"],
    ]
    client.force_login(district_staff)

    response = client.post(reverse("tasks:list_import", args=[task_list.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", _rows_out_of_order(_workbook(header, rows)))})

    assert response.status_code == 400
    assert [(error.row, error.column) for error in response.context["errors"]] == [
        (3, CATEGORY), (4, REASON), (4, TITLE), (5, SEAL), (6, HOURS)]
    assert not task_list.items.exists()


# --- the certificate catalogue import --------------------------------------------------------------------------

def _catalogue(actor: Any, rows: list[list[Any]], *, out_of_order: bool = False) -> list[tuple[int, str, str]]:
    data = _workbook(["证明事项", "出具规则", "替代方式"], rows)
    _written, errors, _notices = catalogue_import(actor=actor, upload=io.BytesIO(
        _rows_out_of_order(data) if out_of_order else data))
    return [(error.row, error.column, error.message) for error in errors]


@pytest.mark.parametrize("rule, right", [("可以据实出具", "facts"), ("经居民议事协商、主任签字后出具", "deliberation"),
                                         ("不予出具", "refuse"), ("facts", "facts"), ("FACTS", "facts"),
                                         ("do not issue", "refuse"), (" 可以据实出具 ", "facts")])
def test_a_catalogue_rule_is_read_from_its_words(world, district_staff, rule: str, right: str) -> None:  # noqa: ANN001
    assert _catalogue(district_staff, [["黄浦区测试证明", rule, "到派出所办理"]]) == []
    assert CertificateType.objects.get(district=world.huangpu, name="黄浦区测试证明").rule == right


@pytest.mark.parametrize("rule, says", [("其他", RULES), ("可以", RULES), ("1", RULES), (None, REQUIRED), ("\u200b", REQUIRED)])
def test_an_unknown_or_blank_catalogue_rule_is_refused_listing_the_rules(world, district_staff, rule: Any,  # noqa: ANN001
                                                                        says: str) -> None:
    assert _catalogue(district_staff, [["黄浦区测试证明", rule, "到派出所办理"]]) == [(2, "出具规则", says)]
    assert not CertificateType.objects.filter(district=world.huangpu).exists()


def test_a_catalogue_row_without_a_name_is_refused(world, district_staff) -> None:  # noqa: ANN001
    assert _catalogue(district_staff, [["  ", "可以据实出具", ""]]) == [(2, "证明事项", REQUIRED)]


def test_catalogue_problems_come_in_the_order_of_the_file(world, district_staff) -> None:  # noqa: ANN001
    rows = [["黄浦区测试证明一", "可以据实出具", ""], ["黄浦区测试证明二", "其他", ""], ["黄浦区测试证明三", "不予出具", ""],
            ["黄浦区测试证明四", None, ""]]
    errors = _catalogue(district_staff, rows, out_of_order=True)
    assert errors == [(3, "出具规则", RULES), (4, "", "不予出具的事项须写明告知居民的替代方式。"), (5, "出具规则", REQUIRED)]
