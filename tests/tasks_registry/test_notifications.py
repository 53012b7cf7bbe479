"""Everything that waits for someone rings the bell and sends an e-mail; the beat reminds of what is late."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from portal.core.models import Notification
from tasks_registry.models import AdmissionRequest, TaskList
from tasks_registry.selectors import list_reminder
from tasks_registry.services.admission import admission_request_approve, admission_request_reject
from tasks_registry.services.notices import admission_request_remind_overdue, task_list_remind_districts
from tasks_registry.tasks import remind_district_lists, remind_overdue_reviews
from tests.tasks_registry.test_admission import new_request, submit
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db


def test_a_submitted_request_rings_the_street_and_then_the_district(client, world, department_staff, street_officer,
                                                                    district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    street_officer.email = "waitan@example.cn"
    street_officer.save()
    request = new_request(department_staff, world, committees=[world.baoxing])
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(request)
    assert Notification.objects.get(user=street_officer).url == reverse("tasks:request_detail", args=[request.pk])
    assert len(mail.outbox) == 1 and "待审核" in mail.outbox[0].subject and mail.outbox[0].to == ["waitan@example.cn"]

    client.force_login(street_officer)
    page = client.get(reverse("dashboards:home")).content.decode()
    assert 'id="bell"' in page and ">1</span>" in page
    client.get(reverse("notification_open", args=[Notification.objects.get(user=street_officer).pk]))
    assert ">1</span>" not in client.get(reverse("dashboards:home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        request = admission_request_approve(actor=street_officer, pk=request.pk)
    assert Notification.objects.filter(user=district_staff).exists()
    with django_capture_on_commit_callbacks(execute=True):
        admission_request_reject(actor=district_staff, pk=request.pk, reason="重复")
    assert "不予准入" in Notification.objects.filter(user=department_staff).get().text


def test_the_beat_reminds_of_overdue_reviews_and_missing_district_lists(world, department_staff, district_staff,
                                                                        other_district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    assert admission_request_remind_overdue(today=request.review_due_on) == 0
    assert admission_request_remind_overdue(today=request.review_due_on + datetime.timedelta(days=1)) == 1
    assert "逾期" in Notification.objects.filter(user=district_staff).latest("id").text
    make_list(district=world.xuhui, year=2027)
    assert task_list_remind_districts(today=datetime.date(2026, 10, 1)) == 1  # 黄浦区's staff; 徐汇区's is published
    assert "12 月 31 日" in Notification.objects.filter(user=district_staff).latest("id").text
    assert not Notification.objects.filter(user=other_district_staff, text__contains="2027").exists()
    assert not TaskList.objects.filter(year=2027, district=world.huangpu).exists(), "asking who to remind writes nothing"
    for name in ("admission-overdue-reviews", "district-list-reminders"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] in (remind_overdue_reviews.name, remind_district_lists.name)


def test_the_q4_reminder_goes_to_who_may_publish_the_districts_list_and_the_page_agrees(world, personas) -> None:  # noqa: ANN001
    """Who is reminded is declared here by hand (the district staff, DOMAIN "Task admission"), independently of
    the selector the beat and the banner share; then the notices actually written are compared with it."""
    day = datetime.date(2026, 10, 1)
    lists_before = TaskList.objects.count()
    task_list_remind_districts(today=day)
    reminded = {n.user for n in Notification.objects.filter(text__contains="2027")}
    assert reminded == {personas["district_staff"], personas["other_district_staff"]}
    assert {person for person in personas.values() if list_reminder(actor=person, today=day)} == reminded
    draft = make_list(district=world.huangpu, year=2027, published=False)
    Notification.objects.all().delete()
    task_list_remind_districts(today=day)  # a draft is not published: still due
    assert {n.user for n in Notification.objects.all()} == reminded
    draft.status, draft.published_at = "published", datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)
    draft.save()
    Notification.objects.all().delete()
    task_list_remind_districts(today=day)
    assert {n.user for n in Notification.objects.all()} == {personas["other_district_staff"]}
    assert TaskList.objects.count() == lists_before + 1, "the beat writes no list"


def test_a_reminder_delivered_twice_the_same_day_tells_each_person_once(world, department_staff, district_staff) -> None:  # noqa: ANN001
    """With acks late and reject-on-worker-lost a beat task may run twice (issue 12): nobody is told twice a day."""
    request = submit(new_request(department_staff, world, scope="district"))
    today = timezone.localdate()
    AdmissionRequest.objects.filter(pk=request.pk).update(review_due_on=today - datetime.timedelta(days=1))
    remind_overdue_reviews.apply()
    remind_overdue_reviews.apply()
    assert Notification.objects.filter(user=district_staff, text__contains="逾期").count() == 1
    Notification.objects.filter(user=district_staff).update(created_at=timezone.now() - datetime.timedelta(days=1))
    remind_overdue_reviews.apply()  # the next day: told again
    assert Notification.objects.filter(user=district_staff, text__contains="逾期").count() == 2
