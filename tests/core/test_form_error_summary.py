"""A form sent back with errors says so at its top (issue 15): the request form is long, and its errors were shown
only at their fields, below the fold. templates/includes/form_fields.html, which renders every form, puts an alert
above the fields: "请修正下面标出的 N 处错误。", linking to the first field at fault."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

SUMMARY = re.compile(r'<div class="alert alert-danger form-error-summary" role="alert">'
                     r'<a class="alert-link" href="#(?P<target>[^"]+)">(?P<text>[^<]+)</a></div>')


def _sent_empty(client, user, language: str):  # noqa: ANN001, ANN202
    """The request form sent with its title, legal basis and dates left empty."""
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.post(reverse("tasks:request_new"), {"title": "", "category": "assistance", "scope": "district",
                                                      "hours_per_month": "2", "save": "1"})


def test_the_request_form_sums_up_its_errors_at_the_top(client, street_officer) -> None:  # noqa: ANN001
    response = _sent_empty(client, street_officer, "zh-hans")
    form = response.context["form"]
    invalid = [name for name in form.fields if name in form.errors]
    assert response.status_code == 400 and len(invalid) >= 3, form.errors
    page = response.content.decode()
    summaries = SUMMARY.findall(page)
    assert summaries == [(form[invalid[0]].id_for_label, f"请修正下面标出的 {len(invalid)} 处错误。")]
    summary_at = SUMMARY.search(page).start()
    # Above every field of the form, and it leads to the first one at fault, which the page has.
    assert summary_at < page.index(f'id="{form[invalid[0]].id_for_label}"')
    assert summary_at < min(page.index(f'for="{field.id_for_label}"') for field in form.visible_fields())


def test_the_summary_is_in_english_with_the_language_switch(client, street_officer) -> None:  # noqa: ANN001
    response = _sent_empty(client, street_officer, "en")
    form = response.context["form"]
    count = sum(name in form.errors for name in form.fields)
    assert [text for _target, text in SUMMARY.findall(response.content.decode())] == [
        f"Please correct the {count} errors marked below."]


def test_a_form_without_errors_has_no_summary(client, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    page = client.get(reverse("tasks:request_new")).content.decode()
    assert "form-error-summary" not in page and 'id="id_title"' in page
