"""Issue 15's dispatch journey in a browser: a district officer sends a listed item to one committee through the
dispatch page (the committee tree picker); the committee's staff see the bell ring, open the notice, sign for the
task (签收) and report it done with the hours it took (办结), and the burden meter's reported row shows the hours."""

from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks_registry.models import Dispatch
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_to_a_committee_is_signed_for_and_reported_done(browser, page, live_server, world, district_staff,
                                                                   committee_staff) -> None:  # noqa: ANN001
    today = timezone.localdate()
    item = make_list(district=world.huangpu, year=today.year, hours=Decimal("4")).items.get()

    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/dispatch/")
    page.locator("#id_item").select_option(str(item.pk))
    picker = page.locator("#id_committees")
    picker.get_by_placeholder("按名称或代码搜索居村委会").fill("宝兴")
    picker.get_by_label("宝兴居委会").check()
    expect(picker.locator("[data-picker-count]")).to_have_text("已选 1 个，共 3 个居村委会")
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_due_on").fill(today.isoformat())
    page.get_by_role("button", name="下派", exact=True).click()
    expect(page.get_by_text("已下派给 1 个居村委会。")).to_be_visible()
    sent = Dispatch.objects.get()
    assert (sent.item, sent.committee) == (item, world.baoxing)

    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    staff = context.new_page()
    log_in(staff, live_server, committee_staff.username, PASSWORD)
    bell = staff.locator("#bell")
    expect(bell).to_have_text("1")  # the badge: one unread notice
    bell.click()
    notice = staff.locator("#notifications a", has_text=f"{item.code} {item.title}")
    expect(notice).to_contain_text("黄浦区")
    notice.click()
    expect(staff).to_have_url(f"{live_server.url}/tasks/received/?dispatch={sent.pk}")
    row = staff.locator(f"#dispatch-{sent.pk}")
    expect(row).to_contain_text("待签收")

    row.get_by_role("button", name="签收").click()
    expect(staff.get_by_text(f"已签收：{item.code} {item.title}。")).to_be_visible()
    expect(bell).not_to_contain_text("1")  # the notice is done once the task is signed for
    row = staff.locator(f"#dispatch-{sent.pk}")
    row.get_by_label("实际耗时（小时）").fill("6")
    staff.once("dialog", lambda dialog: dialog.accept())  # "report this task done with the hours given?"
    row.get_by_role("button", name="办结").click()
    expect(staff.get_by_text(f"已办结：{item.code} {item.title}，实际耗时 6 小时。")).to_be_visible()
    expect(staff.locator(f"#dispatch-{sent.pk}")).to_contain_text("实际耗时 6 小时")

    month = today.month - 1
    expect(staff.locator("#burden-reported td").nth(month)).to_have_text("6")
    expect(staff.locator("#burden-table tbody tr").first.locator("td").nth(month)).to_have_text("4")
    context.close()
    sent.refresh_from_db()
    assert (sent.received_by, sent.done_by, sent.hours_spent) == (committee_staff, committee_staff, Decimal("6"))
