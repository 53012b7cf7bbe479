"""Issue 6's journey: committee staff look up 死亡证明 (choosing it counts a resident answered, once) and print
the route slip, look up a may-issue type, register it, print it; then void it (issue 11: the button comes from
restrict(user, "void"))."""

import pytest
from playwright.sync_api import expect

from certificates.models import LookupTally, Registration
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _catalogue(national_catalogue):  # noqa: ANN001, ANN202 - tests/conftest.py
    return national_catalogue


def test_look_up_refuse_with_a_slip_then_register_and_print(page, live_server, world, committee_staff) -> None:  # noqa: ANN001
    log_in(page, live_server, committee_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/certificates/")
    page.locator("#lookup-q").fill("开个死亡证明")
    results = page.locator("#lookup-results")
    expect(results).to_contain_text("不予出具")
    results.get_by_role("link").first.click()
    expect(page.locator("#answer-card")).to_contain_text("居民死亡医学证明")
    assert list(LookupTally.objects.values_list("certificate_type__name", "count")) == [("死亡证明", 1)]
    with page.context.expect_page() as slip_page:
        page.get_by_role("link", name="打印告知单").click()
    slip = slip_page.value
    expect(slip.locator("#slip-route")).to_contain_text("请到")
    slip.close()

    page.locator("#lookup-q").fill("居住证明")
    expect(results).to_contain_text("可以出具")
    results.get_by_role("link").first.click()
    expect(page.locator("#answer-card")).to_contain_text("可以据实出具")
    page.get_by_role("link", name="登记出具").click()
    page.locator("#id_applicant_name").fill("王芳")
    page.locator("#id_id_number").fill("11010519491231002X")
    page.locator("#id_purpose").fill("子女入学")
    page.locator("#id_facts").fill("自2019年起实际居住于本居民区")
    page.locator("#id_verification").fill("入户走访，核对户口簿")
    page.get_by_role("button", name="登记", exact=True).click()
    expect(page.locator("#registration")).to_contain_text("110***********002X")
    registration = Registration.objects.get()
    with page.context.expect_page() as printed:
        page.get_by_role("link", name="打印").click()
    expect(printed.value.locator("#print-serial")).to_contain_text(registration.number)
    printed.value.close()

    page.get_by_label("作废原因").fill("用途写错")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="作废", exact=True).click()
    expect(page.locator(".alert-secondary")).to_contain_text("用途写错")
    expect(page.get_by_role("button", name="作废", exact=True)).to_have_count(0)
    registration.refresh_from_db()
    assert registration.voided_at is not None
