"""Issue 15: the seal register (and the certificate register) at phone width (390 × 844): no sideways scrolling
of the page, each entry a card of labelled lines, and the search by name, number or date usable there
(certificates.filtersets.SealUseFilterSet)."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certificates import services
from certificates.models import CertificateType
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _scroll_width(page) -> int:  # noqa: ANN001
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_seal_register_reads_and_searches_at_phone_width(browser, live_server, world, committee_staff,
                                                             national_catalogue) -> None:  # noqa: ANN001
    committee_staff.last_name, committee_staff.first_name = "王", "芳"
    committee_staff.save()
    registration = services.registration_create(
        actor=committee_staff, committee=world.baoxing, certificate_type=CertificateType.objects.get(name="居住情况证明"),
        applicant_name="孙丽", id_number="11010519491231002X", purpose="子女入学", facts="f", verification="v",
        approver="李主任")
    for n in range(3):
        services.seal_use_create(actor=committee_staff, committee=world.baoxing, item="notice", copies=2,
                                 content=f"关于小区二次供水水箱清洗期间临时停水安排的通知（第{n + 1}批，含各楼栋具体时间表）",
                                 approver="李主任", applicant_name="周明", applicant_phone="13812345678")
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, live_server, committee_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/certificates/seals/")
    expect(page.locator("#seals tbody tr")).to_have_count(4)
    assert _scroll_width(page) <= PHONE["width"]
    expect(page.locator("#seals thead")).to_be_hidden()  # a card per entry, each line labelled
    first = page.locator("#seals tbody tr").first
    assert first.bounding_box()["width"] <= PHONE["width"]

    page.get_by_label("证明编号").fill(registration.number)
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#seals tbody tr")).to_have_count(1)
    expect(page.locator("#seals")).to_contain_text("孙丽")
    assert _scroll_width(page) <= PHONE["width"]

    page.goto(f"{live_server.url}/certificates/seals/")
    page.get_by_label("姓名").fill("没有这个人")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#seals-none")).to_have_text("没有符合搜索条件的用印记录。")
    page.get_by_role("link", name="显示全部").click()
    expect(page.locator("#seals tbody tr")).to_have_count(4)
    assert _scroll_width(page) <= PHONE["width"]

    page.goto(live_server.url + reverse("certificates:register"))  # the certificate register: cards too
    expect(page.locator("#register tbody tr")).to_have_count(1)
    assert _scroll_width(page) <= PHONE["width"]
    context.close()
