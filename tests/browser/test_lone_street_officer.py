"""Issue 11's journey: a street officer with no colleague files a request for his own street. It goes to
the district review and he is told so; he is offered no review; the district's staff find it in their
queue and approve it."""

import datetime

import pytest
from playwright.sync_api import expect

from portal.core.models import Notification
from tasks_registry.models import AdmissionRequest
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lone_street_officers_request_goes_to_the_district(page, live_server, world, street_officer,
                                                               district_staff) -> None:  # noqa: ANN001
    start = datetime.date.today() + datetime.timedelta(days=90)

    log_in(page, live_server, street_officer.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/new/")
    page.locator("#id_title").fill("楼道堆物消防隐患排查")
    page.locator("#id_category").select_option("assistance")
    page.locator("#id_legal_basis").fill("《中华人民共和国消防法》第十六条")
    page.locator("#id_scope").select_option("committees")
    page.locator("#id_committees").get_by_label("外滩街道全部居村委会").check()  # the committee picker: the whole street
    page.locator("#id_hours_per_month").fill("2")
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + datetime.timedelta(days=60)).isoformat())
    page.get_by_role("button", name="提交申报").click()

    expect(page.locator("#request-status")).to_have_text("区级审核中")
    expect(page.locator(".alert-info")).to_contain_text("外滩街道除申请人外无人可以审核，已直接转交区级审核")
    expect(page.locator("#timeline")).to_contain_text("已直接转交区级审核")
    expect(page.locator("#review")).to_have_count(0)  # nothing to review for the applicant
    request_url = page.url
    page.goto(f"{live_server.url}/tasks/requests/?tab=queue")
    expect(page.get_by_text("没有待您审核的申请")).to_be_visible()
    assert not Notification.objects.filter(user=street_officer).exists()

    page.context.clear_cookies()
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/")
    expect(page.locator(".nav-tabs .active")).to_contain_text("待我审核")
    page.locator("#requests").get_by_role("link", name="楼道堆物消防隐患排查").click()
    assert page.url == request_url
    page.get_by_role("button", name="准入并报备").click()
    expect(page.locator("#request-status")).to_have_text("已准入并报备")
    assert AdmissionRequest.objects.get().filed_item.title == "楼道堆物消防隐患排查"
