"""Playwright on Debian's Chromium (/usr/bin/chromium): never a downloaded browser."""

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():  # noqa: ANN201
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def csp_violations() -> list[str]:
    """What the browser refused under the Content-Security-Policy while a test ran (its console's reports)."""
    return []


@pytest.fixture
def page(browser, csp_violations):  # noqa: ANN001, ANN201
    """A page in Chinese; every test that uses it also fails if the Content-Security-Policy refused anything on
    any page it opened (an inline script, style or handler left in a template: issue 13)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("console", lambda message: csp_violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert csp_violations == []


def log_in(page, live_server, username: str, password: str) -> None:  # noqa: ANN001
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server.url}/")
