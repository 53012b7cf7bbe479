"""Forms keep what was saved (issue 15), in the browser: each edit page of EDIT_PAGES shows its saved dates and
numbers in Chinese and in English (Chromium's own `input.value`, empty when the HTML held a date it refuses), and
saving it unchanged changes nothing and shows no error; a search with a date shows the date searched for.
The lists, and the guard that a new form with a date or number field is in them: tests/core/test_edit_forms_keep_values.py.
"""

from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tests.core.test_edit_forms_keep_values import EDIT_PAGES, SEARCHES, TODAY, date_and_number_fields, dotted
from tests.support.factories import SealUseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ("zh-hans", "en")


def _row(record: Model) -> dict[str, Any]:
    """The record's columns as saved, but for the time it was last changed."""
    record = type(record).objects.get(pk=record.pk)
    return {f.attname: getattr(record, f.attname) for f in record._meta.concrete_fields
            if not getattr(f, "auto_now", False)}


def _logged_in(browser, live_server, user, language: str):  # noqa: ANN001, ANN202
    """A page of a new browser context, logged in as `user`, the language chosen (the cookie the selector sets)."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, live_server, user.username, PASSWORD)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    return page


def _check_inputs(where: str, inputs, expected: dict[str, Any]) -> None:  # noqa: ANN001
    """Each date or number input shows its expected value (the browser's `value`: empty when it refused the HTML)."""
    for element in inputs.element_handles():
        name, kind, value = element.get_attribute("name"), element.get_attribute("type"), element.input_value()
        assert name in expected, f"{where}: {kind} input {name} shows {value!r}, expected nothing"
        wanted = expected[name]
        if wanted is TODAY:
            wanted = timezone.localdate()
        if kind == "date":
            assert value == wanted.isoformat(), f"{where}: {name} shows {value!r}, saved {wanted}"
        else:
            assert value != "" and Decimal(value) == Decimal(wanted), f"{where}: {name} shows {value!r}, saved {wanted}"


@pytest.mark.parametrize("edit", EDIT_PAGES, ids=lambda edit: edit.form.rsplit(".", 1)[1])
def test_an_edit_form_shows_its_dates_and_numbers_and_saves_them_unchanged(browser, live_server, client, world,
                                                                           personas, edit) -> None:  # noqa: ANN001
    user = personas[edit.persona]
    record = edit.record(world, user)  # saved in Chinese, then opened in English: still the same values
    for language in LANGUAGES:
        if edit.saved and language != LANGUAGES[0]:
            record = edit.record(world, user)  # the send changed the first one
        url = edit.url(record)
        client.force_login(user)
        form_class = type(client.get(url).context["form"])
        assert dotted(form_class) == edit.form, f"{url} is not the edit page of {edit.form}"
        names = date_and_number_fields(form_class)
        expected = edit.shown(record) if edit.shown else {name: getattr(record, name) for name in names}
        assert all(expected.get(name) is not None for name in names), f"{edit.form}: set every date and number"
        before = _row(record)
        where = f"{edit.form} {language}"

        page = _logged_in(browser, live_server, user, language)
        try:
            page.goto(live_server.url + url)
            expect(page.locator("html")).to_have_attribute("lang", language)
            form = page.locator("main form").filter(has=page.locator(f"[name={names[0]}]"))
            inputs = form.locator("input[type=date], input[type=number]")
            expect(inputs).to_have_count(len(names))
            _check_inputs(where, inputs, expected)
            for name, text in edit.typed.items():
                form.locator(f"[name={name}]").fill(text)
            with page.expect_navigation():
                form.locator("button[type=submit]").first.click()
            expect(page.locator(".invalid-feedback, .alert-danger")).to_have_count(0)
            assert page.url != live_server.url + url, f"{where}: the form came back instead of saving"
        finally:
            page.context.close()
        if edit.saved:
            assert edit.saved(type(record).objects.get(pk=record.pk)), f"{where}: not saved as sent"
        else:
            assert _row(record) == before, f"{where}: saving the form unchanged changed the record"


def test_a_search_shows_the_dates_searched_for(browser, live_server, world, personas) -> None:  # noqa: ANN001
    for filterset, (persona, url_name, query) in SEARCHES.items():
        user = personas[persona]
        SealUseFactory(committee=world.baoxing, handler=user)
        for language in LANGUAGES:
            page = _logged_in(browser, live_server, user, language)
            try:
                page.goto(live_server.url + reverse(url_name) + "?" + "&".join(f"{k}={v}" for k, v in query.items()))
                expect(page.locator("html")).to_have_attribute("lang", language)
                for name, value in query.items():
                    shown = page.locator(f"main input[name={name}]").input_value()
                    assert shown == value, f"{filterset} {language}: {name} shows {shown!r}, searched for {value}"
            finally:
                page.context.close()
