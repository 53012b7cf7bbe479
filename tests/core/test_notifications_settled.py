"""Issue 15: a notification is marked read for everyone who got it once what it asked for is done, by anyone."""

import pytest
from django.urls import reverse

from portal.accounts.roles import Role
from portal.core.models import Notification
from tasks_registry.services.admission import admission_request_approve, admission_request_return
from tasks_registry.services.reports import violation_report_reply
from tests.support.factories import UserFactory
from tests.tasks_registry.test_admission import new_request, submit
from tests.tasks_registry.test_reports import _report

pytestmark = pytest.mark.django_db


def _bell(client, user) -> int:  # noqa: ANN001
    """The count on the bell in the header, as `user` sees it on their home page."""
    client.force_login(user)
    return client.get(reverse("dashboards:home")).context["unread_notifications"]


@pytest.fixture
def second_district_reviewer(world):  # noqa: ANN001, ANN201
    return UserFactory(username="huangpu2", role=Role.DISTRICT, district=world.huangpu)


def test_a_reviewers_notice_is_read_once_another_reviewer_of_the_district_approves(
        client, world, department_staff, district_staff, second_district_reviewer,
        django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(new_request(department_staff, world, committees=[world.baoxing, world.yunnan]))
    assert request.status == "district_review", "two streets: the district reviews it"
    assert _bell(client, district_staff) == 1 and _bell(client, second_district_reviewer) == 1

    with django_capture_on_commit_callbacks(execute=True):
        admission_request_approve(actor=second_district_reviewer, pk=request.pk)
    assert _bell(client, district_staff) == 0, "the review is done: nothing waits for the other reviewer"
    assert _bell(client, second_district_reviewer) == 0
    assert Notification.objects.get(user=district_staff).read_at is not None
    decided = Notification.objects.get(user=department_staff)
    request.refresh_from_db()
    assert request.get_status_display() in decided.text
    assert decided.url == reverse("tasks:request_detail", args=[request.pk])
    assert decided.read_at is None and _bell(client, department_staff) == 1, "the applicant's decision stays unread"


def test_the_streets_notice_is_read_when_it_passes_the_request_on_and_the_district_is_rung(
        client, world, department_staff, street_officer, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(new_request(department_staff, world, committees=[world.baoxing]))
    assert request.status == "street_review" and _bell(client, street_officer) == 1
    with django_capture_on_commit_callbacks(execute=True):
        admission_request_approve(actor=street_officer, pk=request.pk)
    assert _bell(client, street_officer) == 0
    assert _bell(client, district_staff) == 1, "the next stage's notice is new, and unread"
    with django_capture_on_commit_callbacks(execute=True):
        admission_request_return(actor=district_staff, pk=request.pk, reason="补充法律依据")
    assert _bell(client, district_staff) == 0 and _bell(client, department_staff) == 1
    with django_capture_on_commit_callbacks(execute=True):
        submit(request)
    assert _bell(client, department_staff) == 0, "submitted again: the return's notice is done"
    assert _bell(client, street_officer) == 1


def test_a_reports_notice_to_the_district_is_read_once_accepted_and_the_departments_once_replied(
        client, world, committee_staff, district_staff, second_district_reviewer, department_staff,
        django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with django_capture_on_commit_callbacks(execute=True):
        report = _report(client, committee_staff)
    assert _bell(client, district_staff) == 1 and _bell(client, second_district_reviewer) == 1

    client.force_login(second_district_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tasks:report_act", args=[report.pk, "accept"]))
    report.refresh_from_db()
    assert report.status == "accepted"
    assert _bell(client, district_staff) == 0 and _bell(client, second_district_reviewer) == 0

    client.force_login(district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("tasks:report_act", args=[report.pk, "transfer"]),
                    {"department": department_staff.department_id})
    assert _bell(client, department_staff) == 1
    with django_capture_on_commit_callbacks(execute=True):
        violation_report_reply(actor=department_staff, pk=report.pk, text="已停止下派")
    assert _bell(client, department_staff) == 0, "the department replied: its notice is done"
    assert _bell(client, district_staff) == 1, "the reply waits for the district"


def test_a_notice_is_written_in_the_portals_language_whatever_the_senders(
        client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    """A department officer browsing in English submits: the district reviewers are told in Chinese, the portal's
    language, since nobody keeps a language of their own."""
    from django.utils import translation

    with translation.override("en"):
        request = submit(new_request(department_staff, world, committees=[world.baoxing, world.yunnan]))
    assert Notification.objects.get(user=district_staff).text == f"待审核：{request.number} {request.title}"
