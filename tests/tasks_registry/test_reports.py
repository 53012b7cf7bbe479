"""Violation reports: committee reports, the district accepts, transfers and closes; the department never
learns who reported."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.core.exceptions import DomainError
from tasks_registry.models import ViolationReport
from tasks_registry.services.reports import (
    violation_report_accept,
    violation_report_dismiss,
    violation_report_file,
    violation_report_transfer,
)

pytestmark = pytest.mark.django_db


def _report(client, committee_staff) -> ViolationReport:  # noqa: ANN001
    client.force_login(committee_staff)
    photo = SimpleUploadedFile("通知.jpg", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    client.post(reverse("tasks:report_new"), {"sender": "区卫生健康委员会", "title": "居民健康档案入户核对",
                                              "sent_on": datetime.date(2026, 3, 2), "evidence_file": photo})
    return ViolationReport.objects.get()


def test_a_report_goes_from_committee_to_district_to_department_and_closes(client, world, committee_staff,
                                                                           district_staff, department_staff) -> None:  # noqa: ANN001
    report = _report(client, committee_staff)
    assert (report.committee, report.reporter, report.status) == (world.baoxing, committee_staff, "submitted")
    client.force_login(district_staff)
    client.post(reverse("tasks:report_act", args=[report.pk, "accept"]))
    client.post(reverse("tasks:report_act", args=[report.pk, "transfer"]), {"department": department_staff.department_id,
                                                                           "comment": "请核查后回复"})
    client.force_login(department_staff)
    page = client.get(reverse("tasks:report_detail", args=[report.pk])).content.decode()
    assert "居民健康档案入户核对" in page
    assert committee_staff.username not in page and "通知.jpg" not in page, "the department never sees who reported"
    assert client.get(reverse("tasks:report_evidence", args=[report.pk])).status_code == 403
    client.post(reverse("tasks:report_act", args=[report.pk, "reply"]), {"comment": "已停止下派，改由部门自行核对"})
    client.force_login(district_staff)
    client.post(reverse("tasks:report_act", args=[report.pk, "close"]), {"outcome": "withdrawn"})
    report.refresh_from_db()
    assert (report.status, report.outcome) == ("closed", "withdrawn")
    assert [e.kind for e in report.events.all()] == ["submitted", "accepted", "transferred", "replied", "closed"]


def test_a_dismissal_needs_a_reason_and_only_the_district_handles(world, committee_staff, district_staff,
                                                                  other_district_staff, street_officer) -> None:  # noqa: ANN001
    report = violation_report_file(actor=committee_staff, data={
        "sender": "某街道办", "title": "创文入户调查", "sent_on": datetime.date(2026, 3, 2)})
    for person in (other_district_staff, street_officer):
        with pytest.raises(ViolationReport.DoesNotExist):
            violation_report_accept(actor=person, pk=report.pk)
    with pytest.raises(DomainError):
        violation_report_dismiss(actor=district_staff, pk=report.pk, reason="")
    violation_report_dismiss(actor=district_staff, pk=report.pk, reason="该事项已列入区级清单第 12 项")
    with pytest.raises(ViolationReport.DoesNotExist):  # dismissed: no longer among the reports to handle
        violation_report_accept(actor=district_staff, pk=report.pk)


def test_reports_are_scoped(world, committee_staff, district_staff, other_district_staff, department_staff,
                            outsider) -> None:  # noqa: ANN001
    report = violation_report_file(actor=committee_staff, data={
        "sender": "某部门", "title": "台账", "sent_on": datetime.date(2026, 3, 2)})
    assert list(ViolationReport.objects.restrict(district_staff)) == [report]
    assert list(ViolationReport.objects.restrict(committee_staff)) == [report]
    for person in (other_district_staff, department_staff, outsider):  # the department: only once transferred
        assert not ViolationReport.objects.restrict(person).exists()


def test_the_department_sees_neither_the_person_nor_the_committee_that_reported(api, world, committee_staff,
                                                                               district_staff, department_staff) -> None:  # noqa: ANN001
    report = violation_report_file(actor=committee_staff, data={
        "sender": "区卫健委", "title": "入户核对", "sent_on": datetime.date(2026, 3, 2)})
    violation_report_accept(actor=district_staff, pk=report.pk)
    violation_report_transfer(actor=district_staff, pk=report.pk, department=department_staff.department)
    api.force_authenticate(department_staff)
    seen = api.get(f"/api/v1/violation-reports/{report.pk}/").data
    assert "reporter" not in seen and "committee" not in seen


@pytest.mark.parametrize("action", ["accept", "dismiss"])
def test_a_step_the_form_refuses_is_shown_and_done_nothing(client, world, committee_staff, district_staff,
                                                           action) -> None:  # noqa: ANN001
    report = violation_report_file(actor=committee_staff, data={
        "sender": "某街道办", "title": "创文入户调查", "sent_on": datetime.date(2026, 3, 2)})
    client.force_login(district_staff)
    response = client.post(reverse("tasks:report_act", args=[report.pk, action]), {"comment": "意" * 3000})
    assert response.status_code == 400 and "comment" in response.context["form"].errors
    report.refresh_from_db()
    assert report.status == "submitted" and [e.kind for e in report.events.all()] == ["submitted"]


def test_a_reply_the_form_refuses_is_shown_and_not_sent(client, world, committee_staff, district_staff,
                                                        department_staff) -> None:  # noqa: ANN001
    report = violation_report_file(actor=committee_staff, data={
        "sender": "某街道办", "title": "创文入户调查", "sent_on": datetime.date(2026, 3, 2)})
    violation_report_accept(actor=district_staff, pk=report.pk)
    violation_report_transfer(actor=district_staff, pk=report.pk, department=department_staff.department)
    client.force_login(department_staff)
    for comment in ("意" * 3000, ""):
        response = client.post(reverse("tasks:report_act", args=[report.pk, "reply"]), {"comment": comment})
        assert response.status_code == 400 and response.context["reply_form"].errors
    assert not report.events.filter(kind="replied").exists()
    client.force_login(district_staff)
    closing = client.post(reverse("tasks:report_act", args=[report.pk, "close"]), {"outcome": ""})
    assert closing.status_code == 400 and "outcome" in closing.context["form"].errors
