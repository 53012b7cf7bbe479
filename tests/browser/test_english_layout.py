"""The header at an office screen's width (issue 15: "English layout at 1366 px: the navbar wraps to three lines
and the language selector collapses"): for every role, in English and in Chinese, at 1366 x 768 the navbar is
one line (every top-level item at the same height, the bar no taller than one line) and the language selector
shows its language in full."""

import pytest

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ["city_staff", "district_staff", "department_staff", "street_officer", "committee_staff"]

MEASURE = """() => {
  const nav = document.querySelector('nav.navbar');
  const items = [...nav.querySelectorAll('.navbar-brand, #nav > ul > li, #nav > form, #nav > #bell, #nav > .dropdown')];
  const select = nav.querySelector('select[name=language]');
  return {
    height: nav.offsetHeight,
    tops: items.map(e => Math.round(e.getBoundingClientRect().top + e.getBoundingClientRect().height / 2)),
    names: items.map(e => e.innerText.trim().slice(0, 20)),
    select: select.clientWidth, selectNeeds: select.scrollWidth,
    selectText: select.options[select.selectedIndex].text,
  };
}"""


@pytest.mark.parametrize("role", ROLES)
def test_the_navbar_is_one_line_at_1366_px_in_both_languages(browser, live_server, request, role: str) -> None:  # noqa: ANN001
    user = request.getfixturevalue(role)
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    page = context.new_page()
    try:
        log_in(page, live_server, user.username, PASSWORD)
        for language in ("en", "zh-hans"):
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            page.goto(f"{live_server.url}/")
            assert page.locator("html").get_attribute("lang") == language
            found = page.evaluate(MEASURE)
            assert len(found["tops"]) >= 5, found  # brand, some menus, the language form, bell, user menu
            assert max(found["tops"]) - min(found["tops"]) <= 4, f"{role} {language}: items on several lines {found}"
            assert found["height"] < 70, f"{role} {language}: navbar {found['height']} px high {found}"
            # The selector shows its language whole ("English", "简体中文"), not a clipped stub.
            assert found["select"] >= 60 and found["selectText"] in ("English", "简体中文"), found
    finally:
        context.close()
