"""Issue 15's tryout of the received tasks at phone width (390 × 844), as committee staff read them: each dispatch
a card of labelled lines (table-stack) with the 签收 button fully on screen, no 居村委会 line (every row is the
committee's own), an overdue task marked 逾期 first, and the burden meter's month table scrolling inside its card
while the page itself never scrolls sideways."""

import datetime
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from tasks_registry.models import Dispatch
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or settings.BASE_DIR / "var" / "screenshots") / "phone"


def _scroll_width(page) -> int:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth")


def _inside(box: dict) -> bool:
    return box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


def test_received_tasks_read_and_sign_at_phone_width(browser, live_server, world, district_staff,
                                                     committee_staff, csp_violations) -> None:  # noqa: ANN001
    today = timezone.localdate()
    item = make_list(district=world.huangpu, year=today.year, title="居民健康档案信息核对及重点人群随访情况汇总上报").items.get()
    fresh = [Dispatch.objects.create(item=item, committee=world.baoxing, sent_by=district_staff, starts_on=today,
                                     due_on=today + datetime.timedelta(days=30 + n), note="请于月底前报送街道社区办")
             for n in range(3)]
    late = Dispatch.objects.create(item=item, committee=world.baoxing, sent_by=district_staff,
                                   starts_on=today - datetime.timedelta(days=180), due_on=today - datetime.timedelta(days=150))
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.on("console", lambda message: csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    log_in(page, live_server, committee_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/received/")
    rows = page.locator("#dispatches tbody tr")
    expect(rows).to_have_count(4)
    assert _scroll_width(page) <= PHONE["width"]
    expect(page.locator("#dispatches thead")).to_be_hidden()  # a card per dispatch, each line labelled
    expect(rows.first).to_have_id(f"dispatch-{late.pk}")  # overdue first
    expect(rows.first.locator(".dispatch-overdue")).to_have_text("逾期")
    expect(page.locator(f"#dispatch-{fresh[0].pk} .dispatch-overdue")).to_have_count(0)
    expect(page.locator("#dispatches td[data-label='居村委会']")).to_have_count(0)  # all the committee's own
    assert rows.first.bounding_box()["width"] <= PHONE["width"]

    months = page.locator("#burden-table")
    frame = months.locator("xpath=..")
    assert _inside(frame.bounding_box())
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth"), "the twelve months scroll inside the card"
    frame.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    expect(months.locator("thead th").last).to_be_in_viewport()
    assert _scroll_width(page) <= PHONE["width"]

    sign = page.locator(f"#dispatch-{late.pk}").get_by_role("button", name="签收")
    sign.scroll_into_view_if_needed()
    assert _inside(sign.bounding_box()), "the 签收 button is wholly on screen"
    sign.click()
    expect(page.get_by_text(f"已签收：{item.code} {item.title}。")).to_be_visible()
    done = page.locator(f"#dispatch-{late.pk}").get_by_role("button", name="办结")
    done.scroll_into_view_if_needed()
    assert _inside(done.bounding_box()) and _inside(page.locator(f"#hours-{late.pk}").bounding_box())
    assert _scroll_width(page) <= PHONE["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "committee-received-390.png", full_page=True)
    context.close()
    assert csp_violations == []
