"""Issue 15: implausible figures are saved, and the page (or the inline row) says what to check."""

import datetime

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from committees.models import CommitteeYear, CommunityWorker
from committees.selectors import worker_warnings
from tests.support.factories import CommitteeYearFactory, CommunityWorkerFactory

pytestmark = pytest.mark.django_db

RESIDENTS_ABOVE = "已保存。请核对：实际居住户数（1700）大于管辖户数（1650）。"


def _messages(response) -> list[tuple[int, str]]:  # noqa: ANN001
    return [(message.level, str(message)) for message in response.context["messages"]]


def test_more_resident_households_than_households_is_saved_with_a_warning(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    response = client.post(url, {"year": 2025, "households": 1650, "resident_households": 1700}, follow=True)
    assert CommitteeYear.objects.get(committee=world.baoxing, year=2025).resident_households == 1700
    assert _messages(response) == [(constants.WARNING, RESIDENTS_ABOVE)]


def test_plausible_households_get_the_plain_success(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    url = reverse("committees:committeeyear_add", args=[world.baoxing.code])
    response = client.post(url, {"year": 2025, "households": 1700, "resident_households": 1700}, follow=True)
    assert CommitteeYear.objects.filter(committee=world.baoxing, year=2025).exists()
    assert [level for level, _text in _messages(response)] == [constants.SUCCESS]


def test_the_full_page_edit_warns_too(client, street_officer, world) -> None:  # noqa: ANN001
    record = CommitteeYearFactory(committee=world.baoxing, year=2025, households=1650, resident_households=1600)
    client.force_login(street_officer)
    response = client.post(reverse("committees:committeeyear_edit", args=[record.pk]),
                           {"year": 2025, "households": 1650, "resident_households": 1700}, follow=True)
    record.refresh_from_db()
    assert record.resident_households == 1700
    assert _messages(response) == [(constants.WARNING, RESIDENTS_ABOVE)]


def test_the_inline_edit_shows_the_warning_in_its_row(client, street_officer, world) -> None:  # noqa: ANN001
    record = CommitteeYearFactory(committee=world.baoxing, year=2025, households=1650, resident_households=1600)
    client.force_login(street_officer)
    url = reverse("committees:committeeyear_edit", args=[record.pk])
    data = {"year": 2025, "households": 1650, "resident_households": 1700}
    response = client.post(url, data, headers={"HX-Request": "true"})
    record.refresh_from_db()
    assert record.resident_households == 1700
    assert response.context["warning"] == RESIDENTS_ABOVE and RESIDENTS_ABOVE in response.content.decode()
    # Said in the row, not kept for the next full page.
    assert list(response.context["messages"]) == []
    plausible = client.post(url, {**data, "resident_households": 1600}, headers={"HX-Request": "true"})
    assert plausible.context["warning"] is None and "请核对" not in plausible.content.decode()


@pytest.mark.parametrize(("hired_on", "text"), [("1948-12-31", "入职日期（1948-12-31）早于 1949 年。"),
                                                ("2999-01-01", "入职日期（2999-01-01）晚于今天。")])
def test_an_implausible_hire_date_is_saved_with_a_warning(client, street_officer, world, hired_on, text) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    response = client.post(reverse("committees:worker_add", args=[world.baoxing.code]),
                           {"code": "WT-9", "name": "王五", "hired_on": hired_on}, follow=True)
    assert CommunityWorker.objects.get(code="WT-9").hired_on.isoformat() == hired_on
    assert _messages(response) == [(constants.WARNING, f"已保存。请核对：{text}")]


def test_editing_a_worker_warns_and_a_plausible_date_does_not(client, street_officer, world) -> None:  # noqa: ANN001
    worker = CommunityWorkerFactory(committee=world.baoxing, code="WT-8", name="赵六",
                                    hired_on=datetime.date(2020, 1, 1), left_on=None)
    client.force_login(street_officer)
    url = reverse("committees:worker_edit", args=[worker.pk])
    response = client.post(url, {"code": "WT-8", "name": "赵六", "hired_on": "1930-05-01"}, follow=True)
    worker.refresh_from_db()
    assert worker.hired_on == datetime.date(1930, 5, 1)
    assert [level for level, _text in _messages(response)] == [constants.WARNING]
    response = client.post(url, {"code": "WT-8", "name": "赵六", "hired_on": "1949-01-01"}, follow=True)
    assert [level for level, _text in _messages(response)] == [constants.SUCCESS]


def test_hired_today_is_plausible() -> None:
    today = datetime.date(2026, 11, 30)
    assert worker_warnings(CommunityWorker(hired_on=today), today=today) == []
    assert len(worker_warnings(CommunityWorker(hired_on=datetime.date(2026, 12, 1)), today=today)) == 1
