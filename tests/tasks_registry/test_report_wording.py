"""Violation reports read as reports (issue 15): their statuses are 已提交 / 已受理 / 已移送 / 已办结, not the
wording of admission requests ("提交申报")."""

import pytest
from django.urls import reverse
from django.utils import translation

from tasks_registry.choices import RequestEventKind
from tasks_registry.models import ViolationReport
from tests.support.factories import ViolationReportFactory

pytestmark = pytest.mark.django_db

REPORT_WORDS = {"submitted": "已提交", "accepted": "已受理", "transferred": "已移送", "closed": "已办结",
                "dismissed": "不予受理"}


def test_the_report_list_shows_report_statuses(client, world, district_staff) -> None:  # noqa: ANN001
    for status in REPORT_WORDS:
        ViolationReportFactory(committee=world.baoxing, status=status, title=f"台账-{status}")
    client.force_login(district_staff)
    response = client.get(reverse("tasks:report_list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    with translation.override("zh-hans"):
        shown = {r.status: str(r.get_status_display()) for r in response.context["page"].object_list}
    assert shown == REPORT_WORDS
    page = response.content.decode()
    assert all(word in page for word in REPORT_WORDS.values())
    assert "提交申报" not in page, "the admission requests' wording is not the reports'"


def test_the_report_detail_shows_its_status_as_a_report(client, world, district_staff) -> None:  # noqa: ANN001
    report = ViolationReportFactory(committee=world.baoxing, status=ViolationReport.Status.SUBMITTED)
    client.force_login(district_staff)
    response = client.get(reverse("tasks:report_detail", args=[report.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.context["report"] == report
    assert '<span class="badge text-bg-info align-middle" id="report-status">已提交' in response.content.decode()


def test_admission_requests_keep_their_own_wording() -> None:
    with translation.override("zh-hans"):
        assert str(RequestEventKind.SUBMITTED.label) == "提交申报"
        assert str(ViolationReport.Status.SUBMITTED.label) == "已提交"
