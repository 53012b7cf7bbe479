"""Violation reports: committee reports, the district accepts, transfers and closes; the department never
learns who reported."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.core.exceptions import DomainError
from tasks_registry import reports
from tasks_registry.models import ViolationReport

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
    report = reports.file_report(actor=committee_staff, report=ViolationReport(
        sender="某街道办", title="创文入户调查", sent_on=datetime.date(2026, 3, 2)))
    for person in (other_district_staff, street_officer):
        with pytest.raises(PermissionDenied):
            reports.accept(actor=person, report=report)
    with pytest.raises(DomainError):
        reports.dismiss(actor=district_staff, report=report, reason="")
    reports.dismiss(actor=district_staff, report=report, reason="该事项已列入区级清单第 12 项")
    with pytest.raises(DomainError):
        reports.accept(actor=district_staff, report=report)


def test_reports_are_scoped(world, committee_staff, district_staff, other_district_staff, department_staff,
                            outsider) -> None:  # noqa: ANN001
    report = reports.file_report(actor=committee_staff, report=ViolationReport(
        sender="某部门", title="台账", sent_on=datetime.date(2026, 3, 2)))
    assert list(ViolationReport.objects.restrict(district_staff)) == [report]
    assert list(ViolationReport.objects.restrict(committee_staff)) == [report]
    for person in (other_district_staff, department_staff, outsider):  # the department: only once transferred
        assert not ViolationReport.objects.restrict(person).exists()


def test_the_department_sees_neither_the_person_nor_the_committee_that_reported(api, world, committee_staff,
                                                                               district_staff, department_staff) -> None:  # noqa: ANN001
    report = reports.file_report(actor=committee_staff, report=ViolationReport(
        sender="区卫健委", title="入户核对", sent_on=datetime.date(2026, 3, 2)))
    reports.accept(actor=district_staff, report=report)
    reports.transfer(actor=district_staff, report=report, department=department_staff.department)
    api.force_authenticate(department_staff)
    seen = api.get(f"/api/v1/violation-reports/{report.pk}/").data
    assert "reporter" not in seen and "committee" not in seen
