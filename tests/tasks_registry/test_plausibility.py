"""Issue 15: a request that starts years ahead is saved, and the page says what to check."""

import datetime

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from tasks_registry.models import AdmissionRequest
from tasks_registry.plausibility import admission_request_warnings
from tests.tasks_registry.test_request_pages import _form

pytestmark = pytest.mark.django_db


def _messages(response) -> list[tuple[int, str]]:  # noqa: ANN001
    return [(message.level, str(message)) for message in response.context["messages"]]


def test_a_draft_starting_years_ahead_is_saved_with_a_warning(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    start = datetime.date.today() + datetime.timedelta(days=3 * 365)
    response = client.post(reverse("tasks:request_new"),
                           _form(world, starts_on=start, ends_on=start + datetime.timedelta(days=30)), follow=True)
    saved = AdmissionRequest.objects.get()
    assert saved.starts_on == start
    assert _messages(response) == [(constants.WARNING,
                                    f"已保存。请核对：开始日期（{start.isoformat()}）距今天超过 2 年。")]


def test_changing_a_draft_to_start_years_ahead_warns_too(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    client.post(reverse("tasks:request_new"), _form(world), follow=True)  # its "saved" message read
    draft = AdmissionRequest.objects.get()
    start = datetime.date.today() + datetime.timedelta(days=1000)
    response = client.post(reverse("tasks:request_edit", args=[draft.pk]),
                           _form(world, starts_on=start, ends_on=start + datetime.timedelta(days=30)), follow=True)
    draft.refresh_from_db()
    assert draft.starts_on == start
    assert [level for level, _text in _messages(response)] == [constants.WARNING]


def test_a_plausible_start_gets_no_warning(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    response = client.post(reverse("tasks:request_new"), _form(world), follow=True)
    assert AdmissionRequest.objects.count() == 1
    assert _messages(response) == [(constants.SUCCESS, "草稿已保存。")]


def test_the_two_year_limit_is_exclusive() -> None:
    today = datetime.date(2024, 2, 29)
    assert admission_request_warnings(AdmissionRequest(starts_on=datetime.date(2026, 2, 28)), today=today) == []
    assert len(admission_request_warnings(AdmissionRequest(starts_on=datetime.date(2026, 3, 1)), today=today)) == 1
