"""District staff press 重新计算 with a real worker: the button shows progress while the run waits and runs, then
"已完成", and the new figures and 计算时间 replace the old ones in place, charts included (issue 15)."""

import datetime
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from playwright.sync_api import expect

from committees.models import CommitteeYear
from portal.celery import app
from portal.indicators.models import ComputationRun, Result
from portal.indicators.services import compute_year
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import CommitteeYearFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recompute_shows_progress_then_done_with_the_new_figures_in_place(page, live_server, district_staff,
                                                                          world) -> None:  # noqa: ANN001
    for year in (2024, 2025):
        CommitteeYearFactory(committee=world.baoxing, year=year, households=2000, work_fund_yuan=Decimal("90000"))
        CommitteeYearFactory(committee=world.yunnan, year=year)
        compute_year(year)
    # Computed three hours ago, so that the new time reads differently.
    earlier = timezone.now() - datetime.timedelta(hours=3)
    Result.objects.filter(year=2025).update(computed_at=earlier)
    old_time = timezone.localtime(earlier).strftime("%Y-%m-%d %H:%M")

    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/indicators/district/310101/?year=2025")
    expect(page.locator("#freshness")).to_contain_text(f"计算时间：{old_time}")
    oversized = page.locator("[data-indicator=oversized_committees] .fs-3")
    expect(oversized).to_have_text("0")
    page.evaluate("window.samePage = true")  # gone if the page were loaded again

    # 宝兴 has grown past 3,000 households since: the new figures differ from the old.
    CommitteeYear.objects.filter(committee=world.baoxing, year=2025).update(households=3300)
    app.control.purge()
    page.get_by_role("button", name="重新计算").click()
    # No worker yet: the run waits in the queue, and the button says it is computing.
    status = page.locator("#run-status")
    expect(status.get_by_role("button", name="正在计算……")).to_be_disabled()
    expect(status.get_by_role("progressbar")).to_be_visible()

    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        expect(status).to_contain_text("已完成", timeout=20_000)
    expect(page.locator("#freshness")).not_to_contain_text(old_time)
    expect(page.locator("#freshness")).to_contain_text("计算时间：")
    expect(oversized).to_have_text("1")  # the new figure, without reloading the page
    expect(page.locator("#child-table")).to_contain_text("外滩街道")
    expect(page.locator("[data-trend=oversized_committees] svg")).to_have_count(1)  # the charts drawn again
    assert page.evaluate("window.samePage") is True
    assert page.evaluate("window.portalCharts.length") == 8
    expect(status.get_by_role("button", name="重新计算")).to_be_enabled()
    run = ComputationRun.objects.get(trigger="button")
    assert run.status == "done" and run.triggered_by == district_staff
