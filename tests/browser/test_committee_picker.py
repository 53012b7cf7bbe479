"""Issue 15: the committee tree picker in a browser (portal/core/widgets.py CommitteePicker with
static/js/committee-picker.js). District staff file a request: the picker appears once the scope asks for chosen
committees, a search by name or by a code typed full-width finds the committee, a whole street is chosen with one
tick, the count follows, and the saved draft names every committee of that street."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tasks_registry.models import AdmissionRequest, Dispatch
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_choose_a_whole_street_and_save(page, live_server, world, district_staff) -> None:  # noqa: ANN001
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/new/")
    picker = page.locator("#id_committees")
    streets = page.locator("#id_streets")
    expect(picker).to_be_hidden()  # no scope chosen yet
    expect(streets).to_be_hidden()
    page.locator("#id_scope").select_option("streets")
    expect(picker).to_be_hidden()
    expect(streets).to_be_visible()  # the 街道 list only while the scope is streets
    page.locator("#id_scope").select_option("committees")
    expect(picker).to_be_visible()
    expect(streets).to_be_hidden()
    count = picker.locator("[data-picker-count]")
    expect(count).to_have_text("已选 0 个，共 3 个居村委会")

    search = picker.get_by_placeholder("按名称或代码搜索居村委会")
    search.fill("汉口")
    expect(picker.get_by_label("汉口路居委会")).to_be_visible()
    expect(picker.get_by_label("云南中路居委会")).to_be_hidden()
    expect(picker.get_by_label("宝兴居委会")).to_be_hidden()
    search.fill("３１０１０１００２")  # 南京东路街道's code, typed in the Chinese input mode
    expect(picker.get_by_label("云南中路居委会")).to_be_visible()
    expect(picker.get_by_label("汉口路居委会")).to_be_hidden()
    search.fill("没有这个居委会")
    expect(picker.get_by_text("没有符合搜索条件的居村委会。")).to_be_visible()
    search.fill("")
    expect(picker.get_by_label("云南中路居委会")).to_be_hidden()  # its street closed again, as it was

    picker.get_by_label("外滩街道全部居村委会").check()
    expect(count).to_have_text("已选 2 个，共 3 个居村委会")
    page.locator("summary", has_text="外滩街道").click()
    expect(picker.get_by_label("宝兴居委会")).to_be_checked()
    expect(picker.get_by_label("汉口路居委会")).to_be_checked()
    picker.get_by_label("宝兴居委会").uncheck()
    expect(picker.get_by_label("外滩街道全部居村委会")).not_to_be_checked()
    assert picker.get_by_label("外滩街道全部居村委会").evaluate("box => box.indeterminate")
    expect(count).to_have_text("已选 1 个，共 3 个居村委会")
    picker.get_by_label("外滩街道全部居村委会").check()  # the whole street again

    start = datetime.date.today() + datetime.timedelta(days=120)
    page.locator("#id_title").fill("楼组长信息更新")
    page.locator("#id_category").select_option("assistance")
    page.locator("#id_legal_basis").fill("《上海市居民委员会工作条例》")
    page.locator("#id_hours_per_month").fill("2")
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + datetime.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#request-status")).to_have_text("草稿")
    saved = AdmissionRequest.objects.get(title="楼组长信息更新")
    assert set(saved.committees.values_list("pk", flat=True)) == {world.baoxing.pk, world.hankou.pk}

    page.goto(f"{live_server.url}/tasks/requests/{saved.pk}/edit/")
    picker = page.locator("#id_committees")
    expect(picker.get_by_label("宝兴居委会")).to_be_checked()  # the saved choice, its street open
    expect(picker.get_by_label("云南中路居委会")).not_to_be_checked()
    expect(picker.locator("[data-picker-count]")).to_have_text("已选 2 个，共 3 个居村委会")


def test_without_javascript_it_is_still_checkboxes_by_street(browser, live_server, world, street_officer) -> None:  # noqa: ANN001
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    log_in(page, live_server, street_officer.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/new/")
    picker = page.locator("#id_committees")
    expect(picker).to_be_visible()  # the scope's toggle is the script's: without it the picker stays
    expect(picker.locator("[data-picker-tools]")).to_be_hidden()
    expect(picker.locator("fieldset")).to_have_count(1)  # the officer's one street, open
    expect(picker.get_by_label("宝兴居委会")).to_be_visible()
    expect(picker.get_by_label("云南中路居委会")).to_have_count(0)
    context.close()


def test_what_a_hidden_picker_or_street_list_holds_is_not_sent(page, live_server, world, district_staff) -> None:  # noqa: ANN001
    """Committees ticked, then a street chosen, then the scope set to 全区: the hidden fields are disabled, the
    form sends neither, and the draft names no committee and no street. Shown again, the street list works."""
    log_in(page, live_server, district_staff.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/requests/new/")
    picker, streets, scope = page.locator("#id_committees"), page.locator("#id_streets"), page.locator("#id_scope")
    scope.select_option("committees")
    picker.get_by_placeholder("按名称或代码搜索居村委会").fill("宝兴")
    picker.get_by_label("宝兴居委会").check()
    expect(picker.locator("[data-picker-count]")).to_have_text("已选 1 个，共 3 个居村委会")
    scope.select_option("streets")
    expect(picker.get_by_label("宝兴居委会")).to_be_disabled()
    streets.select_option(label="外滩街道")
    scope.select_option("district")
    expect(streets).to_be_disabled()
    expect(picker.get_by_label("宝兴居委会")).to_be_disabled()

    start = datetime.date.today() + datetime.timedelta(days=120)
    page.locator("#id_title").fill("全区楼组长信息更新")
    page.locator("#id_category").select_option("assistance")
    page.locator("#id_legal_basis").fill("《上海市居民委员会工作条例》")
    page.locator("#id_hours_per_month").fill("2")
    page.locator("#id_starts_on").fill(start.isoformat())
    page.locator("#id_ends_on").fill((start + datetime.timedelta(days=30)).isoformat())
    with page.expect_request(lambda request: request.method == "POST") as posted:
        page.get_by_role("button", name="保存草稿").click()
    body = posted.value.post_data or ""
    assert "committees" not in body and "streets" not in body, "the hidden fields send nothing"
    expect(page.locator("#request-status")).to_have_text("草稿")
    saved = AdmissionRequest.objects.get(title="全区楼组长信息更新")
    assert (saved.scope, list(saved.committees.all()), list(saved.streets.all())) == ("district", [], [])

    page.goto(f"{live_server.url}/tasks/requests/{saved.pk}/edit/")
    expect(page.locator("#id_streets")).to_be_disabled()
    page.locator("#id_scope").select_option("streets")
    expect(page.locator("#id_streets")).to_be_enabled()
    page.locator("#id_streets").select_option(label="外滩街道")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#request-status")).to_have_text("草稿")
    saved.refresh_from_db()
    assert (saved.scope, list(saved.committees.all()), list(saved.streets.all())) == ("streets", [], [world.waitan])


def test_a_street_officer_sends_to_every_committee_they_reach(page, live_server, world, street_officer) -> None:  # noqa: ANN001
    """Issue 15's tryout: the dispatch page chooses committees in the picker only; "选择全部" is worded by what
    the officer reaches (their street's two, not 全区), and each committee shows its code after its name."""
    today = timezone.localdate()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    log_in(page, live_server, street_officer.username, PASSWORD)
    page.goto(f"{live_server.url}/tasks/dispatch/")
    expect(page.locator("#id_street")).to_have_count(0)
    expect(page.locator("#id_everywhere")).to_have_count(0)
    picker = page.locator("#id_committees")
    expect(picker.get_by_label("宝兴居委会")).to_be_visible()  # the officer's one street, open
    expect(picker.locator("label", has_text="宝兴居委会").locator("small")).to_have_text(world.baoxing.code)
    picker.get_by_role("button", name="选择全部 2 个居村委会").click()
    expect(picker.locator("[data-picker-count]")).to_have_text("已选 2 个，共 2 个居村委会")
    page.locator("#id_item").select_option(str(item.pk))
    page.locator("#id_starts_on").fill(today.isoformat())
    page.locator("#id_due_on").fill(today.isoformat())
    page.get_by_role("button", name="下派", exact=True).click()
    expect(page.get_by_text("已下派给 2 个居村委会。")).to_be_visible()
    assert set(Dispatch.objects.values_list("committee", flat=True)) == {world.baoxing.pk, world.hankou.pk}
