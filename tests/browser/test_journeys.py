"""Issue 15's journeys: each role logs in and opens every page of its menu, in Chinese and in English, as a new
user would in their first hour; each page is kept as a full-page screenshot.

The pages are the menu's own links (and the notification bell), found in the navbar the person sees, so a page
added to a menu is walked without a change here; each must have its heading below (HEADINGS, by URL name after
redirects), and each role must reach at least the pages it works with (MUST_REACH). Per page the person notices:
no error page, the navbar on one line at 1366 px, the page's heading in the language chosen (a Chinese page's
heading in Chinese, an English page's in English), and an English menu with no Chinese word left.

Screenshots: `$SCREENSHOT_DIR/<lang>/<role>-<page>.png`, by default var/screenshots (var/ is git-ignored).
"""

import datetime
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import resolve
from django.utils import timezone, translation
from playwright.sync_api import expect

from portal.indicators.services import compute_year
from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.support.factories import (
    AdmissionRequestFactory,
    CommitteeYearFactory,
    CommunityWorkerFactory,
    DispatchFactory,
    NotificationFactory,
    QualificationFactory,
    RegistrationFactory,
    SealUseFactory,
    TaskItemFactory,
    TaskListFactory,
    ViolationReportFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOT_DIR = Path(os.environ.get("SCREENSHOT_DIR") or settings.BASE_DIR / "var" / "screenshots")
LANGUAGES = ("zh-hans", "en")
ROLES = ("city_staff", "district_staff", "department_staff", "street_officer", "committee_staff")

# A page's heading, by its URL name (after redirects): its msgid(s), `%(name)s` standing for whatever is filled in.
HEADINGS: dict[str, tuple[str, ...]] = {
    "dashboards:home": ("Welcome, %(name)s",),
    "dashboards:indicators": ("Indicators %(year)s",),  # "Indicators" goes to the dashboard of the person's unit
    "committees:district_list": ("Districts",),
    "committees:committee_list": ("Committees",),
    "committees:import_list": ("Import and export",),
    "committees:access_grants": ("Access grants",),
    "tasks:list_index": ("Task lists",),
    "tasks:request_list": ("Admission requests",),
    "tasks:report_list": ("Violation reports",),
    "tasks:dispatch": ("Dispatch a task",),
    "tasks:received": ("Tasks sent to us", "Dispatched tasks and burden"),
    "certificates:lookup": ("Can we issue it?",),
    "certificates:register": ("Certificate register",),
    "certificates:seals": ("Seal register",),
    "certificates:statistics": ("Certificate statistics %(year)s",),
    "certificates:catalogue": ("Certificate catalogue",),
    "workdays:calendar": ("Working-day calendar %(year)s",),
    "notifications": ("Notifications",),
}
# Pages outside the portal's layout: opened and kept as a screenshot, with no heading of ours to check.
OWN_LAYOUT = {"api-docs"}  # Swagger UI, the machine interface

# The pages each role works with (issue 15's list): a menu that lost one fails here, not silently.
MUST_REACH = {
    "city_staff": {"dashboards:home", "dashboards:indicators", "tasks:list_index", "workdays:calendar"},
    "district_staff": {"dashboards:home", "dashboards:indicators", "committees:committee_list", "tasks:list_index",
                       "tasks:request_list", "tasks:report_list", "tasks:dispatch", "tasks:received",
                       "certificates:lookup", "certificates:register", "certificates:seals", "certificates:catalogue"},
    "department_staff": {"dashboards:home", "tasks:list_index", "tasks:request_list", "tasks:report_list",
                         "tasks:dispatch", "tasks:received"},
    "street_officer": {"dashboards:home", "dashboards:indicators", "committees:committee_list", "tasks:list_index",
                       "tasks:request_list", "tasks:report_list", "tasks:dispatch", "tasks:received",
                       "certificates:lookup", "certificates:register", "certificates:seals"},
    "committee_staff": {"dashboards:home", "dashboards:indicators", "committees:committee_list", "tasks:list_index",
                        "tasks:report_list", "tasks:received", "certificates:lookup", "certificates:register",
                        "certificates:seals", "certificates:statistics"},
}
ERROR_HEADINGS = ("Not allowed", "Page not found", "Something went wrong", "The request cannot be read",
                  "This address only takes a form", "The form was not sent")
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _heading_pattern(msgids: tuple[str, ...], language: str) -> re.Pattern:
    """The heading as the language shows it: each msgid translated, its placeholders any text."""
    with translation.override(language):
        shown = [translation.gettext(msgid) for msgid in msgids]
    return re.compile("|".join(".+".join(re.escape(part) for part in PLACEHOLDER.split(text)) for text in shown))


def _seed(world, personas) -> None:  # noqa: ANN001
    """A district with a year of records and figures, a published list with a dispatch, a request
    under review, a violation report, a certificate and a seal use: no page is only its empty state."""
    year = timezone.localdate().year
    for committee, households in ((world.baoxing, 3300), (world.hankou, 1600), (world.yunnan, 1200)):
        CommitteeYearFactory(committee=committee, year=year - 1, households=households)
    worker = CommunityWorkerFactory(committee=world.baoxing, name="王芳", hired_on=datetime.date(2019, 5, 6))
    QualificationFactory(worker=worker, obtained_on=datetime.date(2021, 9, 1))
    compute_year(year - 1)

    task_list = TaskListFactory(district=world.huangpu, year=year, status="published")
    item = TaskItemFactory(task_list=task_list, title="老年人助餐服务需求调查")
    TaskItemFactory(task_list=task_list, title="社区垃圾分类宣传")
    street_officer, committee_staff = personas["street_officer"], personas["committee_staff"]
    DispatchFactory(item=item, committee=world.baoxing, sent_by=street_officer,
                    starts_on=datetime.date(year, 1, 5), due_on=datetime.date(year, 12, 31))
    AdmissionRequestFactory(applicant=street_officer, title="老年人助餐需求摸排", status="street_review",
                            starts_on=datetime.date(year, 3, 1), ends_on=datetime.date(year, 12, 31))
    AdmissionRequestFactory(applicant=personas["department_staff"], title="健康档案入户核对", status="district_review",
                            starts_on=datetime.date(year, 4, 1), ends_on=datetime.date(year, 10, 31))
    ViolationReportFactory(committee=world.baoxing, reporter=committee_staff, sent_on=datetime.date(year, 4, 1))
    RegistrationFactory(committee=world.baoxing, issuer=committee_staff)
    SealUseFactory(committee=world.baoxing, handler=committee_staff)
    for persona in personas.values():
        NotificationFactory(user=persona, text="有一件准入申请待您审核", url="/tasks/requests/")


def _switch_to_english(page) -> None:  # noqa: ANN001
    """The navbar's language selector, as a person uses it."""
    selector = page.locator("nav select[name=language]")
    selector.select_option("en")
    with page.expect_navigation():
        selector.locator("xpath=following-sibling::button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def _menu(page, base: str) -> list[str]:  # noqa: ANN001
    """The addresses of the navbar's pages (dropdowns included) and the bell, in menu order."""
    hrefs = page.locator("nav .navbar-nav a[href]:not([href='#']), nav a#bell").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    return list(dict.fromkeys(href if href.startswith("http") else base + href for href in hrefs))


def _walk(browser, live_server, role: str, username: str, language: str) -> None:  # noqa: ANN001
    """One browser context: log in, choose the language, open each page of the menu, check it, keep a screenshot."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        log_in(page, live_server, username, PASSWORD)
        if language == "en":
            _switch_to_english(page)
        reached = set()
        for url in _menu(page, live_server.url):
            response = page.goto(url)
            assert response is not None and response.ok, f"{role} {language}: {url} answered {response and response.status}"
            match = resolve(urlsplit(page.url).path)
            name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
            reached.add(name)
            where = f"{role} {language} {name} ({page.url})"
            shot = SCREENSHOT_DIR / language / f"{role}-{name.replace(':', '-')}.png"
            if name in OWN_LAYOUT:
                page.screenshot(path=shot, full_page=True)
                continue
            assert name in HEADINGS, f"{where}: a menu page with no heading in HEADINGS; add it"
            expect(page.locator("nav.navbar .navbar-nav").first, where).to_be_visible()
            navbar, brand = page.locator("nav.navbar").bounding_box(), page.locator(".navbar-brand").bounding_box()
            assert navbar["height"] < 2 * brand["height"], f"{where}: the navbar wraps at 1366 px"
            expect(page.locator("html"), where).to_have_attribute("lang", language)
            heading = page.locator("main h1").first
            expect(heading, where).to_have_text(_heading_pattern(HEADINGS[name], language))
            text = heading.inner_text()
            assert not _heading_pattern(ERROR_HEADINGS, language).fullmatch(text), f"{where}: an error page"
            if language == "zh-hans":
                assert CJK.search(text), f"{where}: the Chinese page's heading {text!r} is not in Chinese"
            else:
                menu = page.locator("nav .navbar-nav").first.inner_text()
                assert not CJK.search(menu), f"{where}: Chinese left in the English menu: {menu!r}"
            page.screenshot(path=shot, full_page=True)
        missing = MUST_REACH[role] - reached
        assert not missing, f"{role} {language}: the menu does not reach {sorted(missing)}"
    finally:
        context.close()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_every_page_of_its_menu_in_chinese_and_english(browser, live_server, world, personas,
                                                                       role) -> None:  # noqa: ANN001
    _seed(world, personas)
    for language in LANGUAGES:  # one context each; the seeded world once (a transactional test flushes it after)
        _walk(browser, live_server, role, personas[role].username, language)
