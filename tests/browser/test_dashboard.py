"""District staff read the indicator dashboard: charts, drill-down, an export, a recompute (issue 4)."""

import datetime
from decimal import Decimal

import pytest
from celery.contrib.testing.worker import start_worker
from playwright.sync_api import expect

from portal.celery import app
from portal.indicators.models import ComputationRun
from portal.indicators.services import compute_year
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import CommitteeYearFactory, CommunityWorkerFactory, QualificationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_staff_read_drill_export_and_recompute(page, live_server, district_staff, world) -> None:  # noqa: ANN001
    for year, households in ((2024, 2000), (2025, 3300)):
        CommitteeYearFactory(committee=world.baoxing, year=year, households=households, work_fund_yuan=Decimal("90000"))
        CommitteeYearFactory(committee=world.yunnan, year=year)
    worker = CommunityWorkerFactory(committee=world.baoxing)
    QualificationFactory(worker=worker, obtained_on=datetime.date(2023, 1, 1))
    for year in (2024, 2025):
        compute_year(year)

    log_in(page, live_server, district_staff.username, PASSWORD)
    page.get_by_role("link", name="指标", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("黄浦区")
    cards = page.locator("#indicator-cards .card")
    expect(cards).to_have_count(7)
    expect(page.locator("[data-indicator=oversized_committees]")).to_contain_text("1")
    # ECharts drew the trend lines and the bar chart (SVG renderer).
    expect(page.locator("[data-trend=sw_certified_rate] svg")).to_have_count(1)
    expect(page.locator("#bar-chart svg")).to_have_count(1)
    assert page.evaluate("window.portalCharts.length") == 8

    with page.expect_download() as download:
        page.locator("#shortfall-fund").get_by_role("link", name="导出").click()
    assert download.value.suggested_filename == "district-310101-2025-fund.xlsx"

    page.locator("#child-table").get_by_role("link", name="外滩街道").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("外滩街道")
    expect(page.locator("#child-table")).to_contain_text("宝兴居委会")
    page.get_by_role("link", name="黄浦区").click()

    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        page.get_by_role("button", name="重新计算").click()
        expect(page.locator("#run-status")).to_contain_text("已完成", timeout=20_000)
    run = ComputationRun.objects.get(trigger="button")
    assert run.status == "done" and run.triggered_by == district_staff
    expect(page.get_by_role("button", name="重新计算")).to_be_enabled()
