"""The Content-Security-Policy holds in the browser (issue 13): the pages, their charts' tooltips, the Django admin and
the API's Swagger UI run with nothing refused. The `page` fixture (conftest) fails any test during which Chromium
reported a refusal; the first test shows that it does report one."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from certificates.models import CertificateType
from certificates.services import registration_create
from portal.indicators.services import compute_year
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import CommitteeYearFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ID = "11010519491231002X"  # a valid resident ID number (GB 11643)


def test_the_browser_refuses_an_inline_style_and_script_and_the_fixture_sees_it(
    page, live_server, csp_violations, district_staff  # noqa: ANN001
) -> None:
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.evaluate("""() => {
        const box = document.createElement("div");
        box.innerHTML = '<p style="color: red" id="styled">x</p><img src="/missing" onerror="window.ran = 1">';
        document.body.appendChild(box);
        const script = document.createElement("script");
        script.textContent = "window.ran = 2";
        document.body.appendChild(script);
    }""")
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is None
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
    refused = list(csp_violations)
    assert any("style-src" in message for message in refused)
    assert any("script-src" in message for message in refused)
    csp_violations.clear()  # seen: the test itself passes


def test_charts_and_their_tooltips_draw_under_the_policy(page, live_server, district_staff, world) -> None:  # noqa: ANN001
    for year, households in ((2024, 2000), (2025, 3300)):
        CommitteeYearFactory(committee=world.baoxing, year=year, households=households, work_fund_yuan=Decimal("90000"))
    for year in (2024, 2025):
        compute_year(year)
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/indicators/district/310101/?year=2025")
    chart = page.locator("#bar-chart")
    expect(chart.locator("svg")).to_have_count(1)
    expect(chart).to_have_class("chart-320")
    assert chart.bounding_box()["height"] == 320  # the height from portal.css, not from a style="" attribute
    chart.scroll_into_view_if_needed()  # below the fold under the cards: a pointer hovers only what is on screen
    box = chart.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".chart-tip").first
    expect(tooltip).to_be_visible()
    expect(tooltip.locator(".chart-tip-marker")).to_have_count(1)
    assert tooltip.locator(".chart-tip-marker").evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(13, 110, 253)"


def test_the_admin_runs_under_the_policy(page, live_server, world) -> None:  # noqa: ANN001
    UserFactory(username="root", is_staff=True, is_superuser=True, password=PASSWORD)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/committees/committee/")
    expect(page.locator("#result_list")).to_contain_text("宝兴居委会")
    page.goto(f"{live_server.url}/admin/committees/committee/{world.baoxing.pk}/change/")
    expect(page.locator("#id_name")).to_have_value("宝兴居委会")
    page.goto(f"{live_server.url}/admin/tasks_registry/tasklist/add/")
    expect(page.locator("form")).not_to_have_count(0)


def test_the_api_docs_run_under_the_policy(page, live_server, district_staff) -> None:  # noqa: ANN001
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("减负通 API", timeout=20_000)
    expect(page.locator(".opblock").first).to_be_visible()


def test_the_printed_certificate_prints_with_its_stylesheet(page, live_server, committee_staff, national_catalogue) -> None:  # noqa: ANN001
    registration = registration_create(
        actor=committee_staff, committee=committee_staff.committee,
        certificate_type=CertificateType.objects.get(name="居住情况证明"), applicant_name="张三", id_number=ID,
        purpose="办理入学", facts="自2019年起居住于本居民区", verification="入户走访", seal_used=False)
    log_in(page, live_server, committee_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/certificates/register/{registration.pk}/print/")
    assert page.locator("h1").evaluate("e => getComputedStyle(e).textAlign") == "center"  # certificate_print.css
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.printed") is True
