"""A street officer finds a committee and corrects its annual record in place (issue 2, "Done when")."""

import re

import pytest
from playwright.sync_api import expect

from committees.models import CommitteeYear
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import CommitteeYearFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_street_officer_edits_an_annual_record(page, live_server, street_officer, world) -> None:  # noqa: ANN001
    record = CommitteeYearFactory(committee=world.baoxing, year=2025, households=1800, resident_households=1700)
    log_in(page, live_server, street_officer.username, PASSWORD)

    page.get_by_role("button", name="组织架构").click()  # the menu that holds it
    page.get_by_role("link", name="居村委会", exact=True).click()
    page.get_by_placeholder("按名称或代码搜索").fill("宝兴")
    # The table updates in place (HTMX) as the officer types.
    expect(page.locator("#committee-table")).not_to_contain_text("汉口路居委会")
    page.get_by_role("link", name="宝兴居委会").click()
    expect(page.get_by_role("heading", name="宝兴居委会")).to_be_visible()

    row = page.locator(f"#year-{record.pk}")
    row.get_by_role("link", name="编辑").click()
    households = page.locator(f"#year-{record.pk} input[name=households]")
    households.fill("-5")
    page.locator(f"#year-{record.pk}").get_by_role("button", name="保存").click()
    expect(page.locator(f"#year-{record.pk}")).to_contain_text("确保该值大于或等于0")
    assert CommitteeYear.objects.get(pk=record.pk).households == 1800

    page.locator(f"#year-{record.pk} input[name=households]").fill("3200")
    page.locator(f"#year-{record.pk}").get_by_role("button", name="保存").click()
    saved = page.locator(f"#year-{record.pk}")
    expect(saved).to_contain_text(re.compile(r"3,?200"))
    expect(saved).to_contain_text("超规模")  # 3200 households: the split rule now applies
    expect(page.locator("#latest-flags")).to_contain_text("超规模")  # the marks above the table follow the latest year
    expect(saved.locator("form")).to_have_count(0)
    assert CommitteeYear.objects.get(pk=record.pk).households == 3200


def test_login_page_is_chinese_and_refuses_a_wrong_password(page, live_server, street_officer) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill(street_officer.username)
    page.get_by_label("密码").fill("wrong-password-123")
    page.get_by_role("button", name="登录").click()
    expect(page.locator(".alert-danger")).to_contain_text("请输入一个正确的")
