"""Issue 5's journey: a street officer files a request (a similar item is suggested) → street review →
district approval → the item is on the published list → dispatch to two committees → the committee
staff see it and their burden meter moves → an unlisted dispatch is refused."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tasks_registry.models import Dispatch, TaskItem, TaskList
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_from_request_to_dispatch(page, live_server, world, street_officer, district_staff, committee_staff) -> None:  # noqa: ANN001
    year = datetime.date.today().year + 1
    listed = TaskList.objects.create(level="district", district=world.huangpu, year=year, status="published",
                                     published_at=datetime.datetime(year - 1, 12, 1, tzinfo=datetime.UTC))
    TaskItem.objects.create(task_list=listed, code="001", title="老年人助餐服务需求调查", category="assistance",
                            responsible_unit="区民政局", hours_per_month=Decimal("2"))
    start, end = datetime.date(year, 3, 1), datetime.date(year, 6, 30)
    # A colleague in the street reviews it first: nobody reviews their own request (alone, it would go to the
    # district: test_lone_street_officer.py).
    UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)

    log_in(page, live_server, street_officer.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/new/")
    page.locator("#id_title").fill("老年人助餐需求摸排")
    expect(page.locator("#similar")).to_contain_text("老年人助餐服务需求调查")  # the duplicate check, as they type
    page.locator("#id_category").select_option("assistance")
    page.locator("#id_legal_basis").fill("《上海市养老服务条例》第二十条")
    page.locator("#id_scope").select_option("committees")
    # The officer's one street is open in the committee picker (tests/browser/test_committee_picker.py).
    page.locator("#id_committees").get_by_label("宝兴居委会").check()
    page.locator("#id_committees").get_by_label("汉口路居委会").check()
    page.locator("#id_hours_per_month").fill("3")
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill(end.isoformat())
    page.get_by_role("button", name="提交申报").click()
    expect(page.locator("#request-status")).to_have_text("街道审核中")
    request_url = page.url

    page.context.clear_cookies()
    log_in(page, live_server, "waitan2", PASSWORD)
    page.goto(request_url)
    page.get_by_role("button", name="同意，转区级审核").click()
    expect(page.locator("#request-status")).to_have_text("区级审核中")

    page.context.clear_cookies()
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/")
    page.locator("#requests").get_by_role("link", name="老年人助餐需求摸排").click()
    assert page.url == request_url
    page.get_by_role("button", name="准入并报备").click()
    expect(page.locator("#request-status")).to_have_text("已准入并报备")
    expect(page.locator("#timeline")).to_contain_text("街道审核通过")

    page.get_by_role("link", name=f"黄浦区 {year} 区级清单").click()
    expect(page.locator("#list-items")).to_contain_text("老年人助餐需求摸排")

    page.goto(f"{live_server.url}/tasks/dispatch/")
    filed = TaskItem.objects.get(title="老年人助餐需求摸排")
    page.locator("#id_item").select_option(str(filed.pk))
    page.locator("#id_committees").get_by_label("外滩街道全部居村委会").check()  # the whole street: both
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_due_on").fill(end.isoformat())
    page.get_by_role("button", name="下派", exact=True).click()
    expect(page.locator(".alert-success")).to_contain_text("已下派给 2 个居村委会")
    assert Dispatch.objects.filter(item=filed).count() == 2

    page.locator("#id_unlisted-title").fill("创文迎检入户台账")
    page.locator("#id_unlisted-committees").get_by_placeholder("按名称或代码搜索居村委会").fill("云南中路")
    page.locator("#id_unlisted-committees").get_by_label("云南中路居委会").check()
    page.get_by_role("button", name="尝试下派").click()
    expect(page.locator("#dispatch-refused")).to_contain_text("不得下派")

    page.context.clear_cookies()
    log_in(page, live_server, committee_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/received/?year={year}")
    expect(page.locator("#dispatches")).to_contain_text("老年人助餐需求摸排")
    expect(page.locator("#burden-table tbody tr").first.locator("td").nth(2)).to_have_text("3")  # March
    expect(page.locator("#burden-chart svg")).to_have_count(1)
