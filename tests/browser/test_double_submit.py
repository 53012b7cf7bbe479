"""One submit, one record (issue 12), in a browser: a double click on 登记 registers one certificate. The button
disables itself while the form is sent (static/js/portal.js); without script the one-time token still makes the
second sending show the first one's registration (portal.core.views.submit_once). The POSTs are held in flight by
the test (a slow answer), so that the second click comes while the first is being answered."""

import pytest
from django.db import connection, transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from certificates.models import CertificateType, Registration, SealUse, SerialCounter
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _catalogue(national_catalogue):  # noqa: ANN001, ANN202 - tests/conftest.py
    return national_catalogue


def _fill_registration(page: Page, live_server, committee_staff) -> None:  # noqa: ANN001
    log_in(page, live_server, committee_staff.username, PASSWORD)
    living = CertificateType.objects.get(name="居住情况证明")
    page.goto(f"{live_server.url}/certificates/register/new/?type={living.pk}")
    page.locator("#id_applicant_name").fill("王芳")
    page.locator("#id_id_number").fill("11010519491231002X")
    page.locator("#id_purpose").fill("子女入学")
    page.locator("#id_facts").fill("自2019年起实际居住于本居民区")
    page.locator("#id_verification").fill("入户走访，核对户口簿")


def _hold_posts(page: Page) -> list:
    """The registration POSTs, kept in flight until the test lets them through (a slow answer)."""
    held: list = []
    page.route("**/certificates/register/new/**",
               lambda route: held.append(route) if route.request.method == "POST" else route.continue_())
    return held


def _clicker(page: Page):  # noqa: ANN202
    """Clicks on 登记 with the mouse where it is: a locator would wait for the pending navigation to finish."""
    button = page.get_by_role("button", name="登记", exact=True)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    return lambda: page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def _wait_for(page: Page, held: list, count: int) -> None:
    for _ in range(100):
        if len(held) >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{len(held)} POSTs sent, {count} expected")


def test_a_second_click_on_register_sends_nothing_while_the_first_is_answered(page: Page, live_server, world,
                                                                              committee_staff) -> None:  # noqa: ANN001
    _fill_registration(page, live_server, committee_staff)
    held = _hold_posts(page)
    click = _clicker(page)
    click()
    _wait_for(page, held, 1)
    click()  # the double click's second click, on the button disabled meanwhile (without script: sent, below)
    page.wait_for_timeout(500)
    assert len(held) == 1
    held[0].continue_()
    expect(page.locator("#registration")).to_contain_text("110***********002X")
    assert Registration.objects.count() == 1 and SealUse.objects.count() == 1


def _lock_waits() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # inside a transaction the view is a snapshot
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid IN (SELECT pid FROM pg_stat_activity"
                       " WHERE datname = current_database())")  # this database's sessions only
        return cursor.fetchone()[0]


def _wait_for_lock_waits(page: Page, count: int) -> None:
    for _ in range(200):
        if _lock_waits() >= count:
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"{_lock_waits()} requests waiting, {count} expected")


def test_without_script_a_double_click_sends_twice_and_registers_once(browser, live_server, world,
                                                                      committee_staff) -> None:  # noqa: ANN001
    """No script to disable the button: the second click sends the form again while the first is being answered,
    and the token answers it with the first one's registration. The first is kept busy by this test, which holds
    the committee's serial counter (a slow answer); the second waits for the first."""
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    counter = SerialCounter.objects.create(committee=world.baoxing, year=timezone.localdate().year)
    try:
        _fill_registration(page, live_server, committee_staff)
        click = _clicker(page)
        with transaction.atomic():
            SerialCounter.objects.select_for_update().get(pk=counter.pk)
            click()
            _wait_for_lock_waits(page, 1)  # the first, at the counter
            click()
            _wait_for_lock_waits(page, 2)  # the second, behind the first (its token)
        expect(page.locator("#registration")).to_contain_text("110***********002X")
        expect(page.get_by_role("alert").filter(has_text="已提交，未重复创建")).to_be_visible()
        assert Registration.objects.count() == 1 and SealUse.objects.count() == 1
    finally:
        context.close()
