"""Everything that waits for someone rings the bell and sends an e-mail; the beat reminds of what is late."""

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.core.models import Notification
from tasks_registry import admission, notices
from tasks_registry.tasks import remind_district_lists, remind_overdue_reviews
from tests.tasks_registry.test_admission import TODAY, new_request
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db


def test_a_submitted_request_rings_the_street_and_then_the_district(client, world, department_staff, street_officer,
                                                                    district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    street_officer.email = "waitan@example.cn"
    street_officer.save()
    request = new_request(department_staff, world, committees=[world.baoxing])
    with django_capture_on_commit_callbacks(execute=True):
        request = admission.submit(actor=department_staff, request=request, today=TODAY)
    assert Notification.objects.get(user=street_officer).url == reverse("tasks:request_detail", args=[request.pk])
    assert len(mail.outbox) == 1 and "待审核" in mail.outbox[0].subject and mail.outbox[0].to == ["waitan@example.cn"]

    client.force_login(street_officer)
    page = client.get(reverse("dashboards:home")).content.decode()
    assert 'id="bell"' in page and ">1</span>" in page
    client.get(reverse("notification_open", args=[Notification.objects.get(user=street_officer).pk]))
    assert ">1</span>" not in client.get(reverse("dashboards:home")).content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        request = admission.approve(actor=street_officer, request=request)
    assert Notification.objects.filter(user=district_staff).exists()
    with django_capture_on_commit_callbacks(execute=True):
        admission.reject(actor=district_staff, request=request, reason="重复")
    assert "不予准入" in Notification.objects.filter(user=department_staff).get().text


def test_the_beat_reminds_of_overdue_reviews_and_missing_district_lists(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = admission.submit(actor=department_staff, request=new_request(department_staff, world, scope="district"),
                               today=TODAY)
    assert notices.remind_overdue_reviews(request.review_due_on) == 0
    assert notices.remind_overdue_reviews(request.review_due_on + datetime.timedelta(days=1)) == 1
    assert "逾期" in Notification.objects.filter(user=district_staff).latest("id").text
    make_list(district=world.xuhui, year=2027)
    assert notices.remind_district_lists(datetime.date(2026, 10, 1)) == 15  # every district but 徐汇 (published)
    assert "12 月 31 日" in Notification.objects.filter(user=district_staff).latest("id").text
    for name in ("admission-overdue-reviews", "district-list-reminders"):
        assert settings.CELERY_BEAT_SCHEDULE[name]["task"] in (remind_overdue_reviews.name, remind_district_lists.name)
