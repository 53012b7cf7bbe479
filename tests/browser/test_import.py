"""District staff import a file in the browser: upload, the error table, the fixed file, confirm (issue 3)."""

import pytest
from playwright.sync_api import expect

from committees.models import Committee, CommitteeYear
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.spreadsheets import write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _file(tmp_path, name: str, households: str):  # noqa: ANN001, ANN202
    return write_xlsx(tmp_path / name, {
        "committees": [{"code": "310101013002", "street_code": "310101013", "name": "新开居委会", "kind": "居委会"}],
        "committee_years": [
            {"committee_code": "310101013002", "year": "2025", "households": "1200", "resident_households": "1100"},
            {"committee_code": "310101013018", "year": "2025", "households": households, "resident_households": "900"},
        ],
    }, labels=True)


def test_district_staff_fix_a_file_from_the_error_table_and_import_it(page, live_server, district_staff, world,
                                                                       tmp_path) -> None:  # noqa: ANN001
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.get_by_role("button", name="组织架构").click()  # the menu that holds it
    page.get_by_role("link", name="导入导出").click()
    page.get_by_label("文件").set_input_files(str(_file(tmp_path, "年报.xlsx", "-40")))
    page.get_by_role("button", name="上传并校验").click()

    errors = page.locator("#import-errors")
    expect(errors).to_contain_text("不能为负数")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr").first).to_contain_text("3")  # the row as the spreadsheet numbers it
    expect(errors).to_contain_text("管辖户数")
    assert not Committee.objects.filter(code="310101013002").exists()

    page.get_by_label("文件").set_input_files(str(_file(tmp_path, "年报-改.xlsx", "960")))
    page.get_by_role("button", name="上传并校验").click()
    counts = page.locator("#import-counts")
    expect(counts).to_contain_text("待新建")
    expect(counts.locator("tfoot")).to_contain_text("3")
    assert not CommitteeYear.objects.exists(), "nothing is written before the confirmation"

    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-status")).to_contain_text("已导入")
    assert CommitteeYear.objects.get(committee_id="310101013018").households == 960
    assert Committee.objects.get(code="310101013002").name == "新开居委会"
