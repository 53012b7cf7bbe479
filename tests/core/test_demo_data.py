"""load_demo shows the product (issue 15): this year's lists, requests in every state, dispatches, reports at each
stage, registers over the year, annual records for every year, two officers in 外滩街道; and a second run changes
nothing. On PostgreSQL, as the tests run; tests/test_embedded_default.py runs it on SQLite."""

import importlib
import io
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Registration, SealUse
from committees.models import Committee, CommitteeYear, CommunityWorker, District
from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.models import AuditEntry, Notification
from portal.demo.services import DEMO_PASSWORD
from portal.indicators.models import Result
from tasks_registry.choices import ListStatus, ReportStatus, RequestStatus
from tasks_registry.models import (
    AdmissionRequest,
    Dispatch,
    ReportEvent,
    RequestEvent,
    TaskItem,
    TaskList,
    ViolationReport,
)
from tasks_registry.selectors import admission_request_queue

HUANGPU = "310101"
pytestmark = pytest.mark.django_db


def _reference_data() -> None:
    """The migrations' reference rows (districts, the national catalogue, the targets): a transactional test before
    this one may have flushed them."""
    for module in ("committees.migrations.0002_reference_districts", "certificates.migrations.0002_national_catalogue",
                   "portal.indicators.migrations.0002_seed_targets"):
        importlib.import_module(module).load(apps, None)


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker) -> Iterator[str]:  # noqa: ANN001
    """The demo loaded once for the module (a load takes seconds), in a transaction rolled back at its end; each test
    runs in a savepoint inside it. Returns the command's output."""
    with django_db_blocker.unblock(), transaction.atomic():
        _reference_data()
        yield _load()
        transaction.set_rollback(True)


def test_every_state_of_requests_and_reports_exists(demo) -> None:  # noqa: ANN001
    assert set(AdmissionRequest.objects.values_list("status", flat=True)) == set(RequestStatus.values)
    assert set(ViolationReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    approved = AdmissionRequest.objects.get(status=RequestStatus.APPROVED)
    # Filed on this year's published district list (报备), not on a draft of another year.
    assert approved.filed_item.task_list.year == timezone.localdate().year
    assert approved.filed_item.task_list.status == ListStatus.PUBLISHED
    # Written through the services: each request and report has its timeline and its audit entries.
    for request in AdmissionRequest.objects.all():
        assert RequestEvent.objects.filter(request=request, kind="created").exists()
        assert AuditEntry.objects.filter(object_type="tasks_registry.admissionrequest", object_id=str(request.pk),
                                         action="admissionrequest.create").exists()
    assert ReportEvent.objects.filter(kind="replied").exists()  # the department answered the closed one
    assert ViolationReport.objects.get(status=ReportStatus.CLOSED).outcome


def test_this_years_published_lists_dispatches_and_registers(demo) -> None:  # noqa: ANN001
    today = timezone.localdate()
    lists = TaskList.objects.filter(year=today.year, status=ListStatus.PUBLISHED)
    assert {(task_list.level, task_list.district_id) for task_list in lists} == {("city", None), ("district", HUANGPU)}
    assert all(task_list.items.count() >= 4 for task_list in lists)
    assert TaskItem.objects.filter(task_list__year=today.year, exited_at__isnull=False).exclude(exit_reason="").exists()
    dispatches = Dispatch.objects.filter(starts_on__year=today.year)
    assert dispatches.count() >= 5
    assert {d.item.task_list.level for d in dispatches} == {"city", "district"}
    assert AuditEntry.objects.filter(action="dispatch.send").count() == len({d.item_id for d in dispatches})

    registrations = Registration.objects.filter(committee="310101013018", year=today.year)
    months = {timezone.localtime(r.issued_at).month for r in registrations}
    assert months == set(range(1, today.month + 1))  # every month of the year so far
    assert all(timezone.localtime(r.issued_at).year == today.year and r.issued_at <= timezone.now()
               for r in registrations)
    voided = registrations.filter(voided_at__isnull=False)
    assert 0 < voided.count() < registrations.count()
    assert AuditEntry.objects.filter(action="registration.void").count() == voided.count()
    # Serials follow the days they were issued on.
    by_serial = list(registrations.order_by("serial").values_list("issued_at", flat=True))
    assert by_serial == sorted(by_serial)
    seal = SealUse.objects.filter(committee="310101013018", registration__isnull=True)
    assert {timezone.localtime(s.used_at).month for s in seal} == set(range(1, today.month + 1))


def test_baoxing_signed_for_one_dispatch_and_reported_another_done_with_its_hours(demo) -> None:  # noqa: ANN001
    baoxing = User.objects.get(username="baoxing")
    received = Dispatch.objects.filter(committee="310101013018", received_at__isnull=False)
    assert received.filter(done_at__isnull=True).exists()  # 签收, not yet 办结
    done = received.get(done_at__isnull=False)
    assert done.received_by == done.done_by == baoxing
    # The hours it took, near the hours the list declares for the months it ran (the burden meter compares them).
    months = (done.due_on.year - done.starts_on.year) * 12 + done.due_on.month - done.starts_on.month + 1
    declared = done.item.hours_per_month * months
    assert declared / 2 <= done.hours_spent <= declared * 2
    # Through the services: each receipt and the report of done have their audit entry.
    assert AuditEntry.objects.filter(action="dispatch.receive", actor=baoxing).count() == received.count() == 2
    assert AuditEntry.objects.filter(action="dispatch.complete", actor=baoxing, object_id=str(done.pk)).exists()


def test_every_year_up_to_this_one_has_records_and_results_and_other_districts_none(demo) -> None:  # noqa: ANN001
    today = timezone.localdate()
    committees = Committee.objects.filter(street__district=HUANGPU).count()
    per_year = dict(CommitteeYear.objects.values("year").annotate(n=Count("id")).values_list("year", "n"))
    assert per_year == {year: committees for year in range(2023, today.year + 1)}
    assert set(Result.objects.values_list("year", flat=True)) == set(range(2023, today.year + 1))
    assert AuditEntry.objects.filter(action="committeeyear.create").count() == committees * len(per_year)

    others = District.objects.exclude(pk=HUANGPU)
    assert others.count() == 15
    assert not CommitteeYear.objects.exclude(committee__street__district=HUANGPU).exists()
    assert not Committee.objects.exclude(street__district=HUANGPU).exists()
    assert "黄浦区" in demo.split("\n")[1]
    assert all(district.name in demo for district in others)


def test_the_two_waitan_officers_exist_and_log_in(demo, client) -> None:  # noqa: ANN001
    officers = User.objects.filter(role=Role.STREET, street="310101013", is_active=True).order_by("username")
    assert [user.username for user in officers] == ["waitan", "waitan2"]
    for officer in officers:
        assert officer.username in demo
        client.logout()
        response = client.post(reverse("accounts:login"), {"username": officer.username, "password": DEMO_PASSWORD},
                               follow=True)
        assert response.context["user"] == officer
    # One reviews what the other filed: the request waitan2 filed passed 外滩街道's review by waitan.
    waitan, waitan2 = officers
    passed = AdmissionRequest.objects.get(applicant=waitan2, status=RequestStatus.DISTRICT_REVIEW)
    assert passed.events.filter(kind="street_approved", actor=waitan).exists()
    assert admission_request_queue(actor=waitan).filter(status=RequestStatus.STREET_REVIEW).exists()


def test_running_it_twice_changes_nothing(demo) -> None:  # noqa: ANN001
    models = (User, CommitteeYear, CommunityWorker, TaskList, TaskItem, Dispatch, AdmissionRequest, RequestEvent,
              ViolationReport, ReportEvent, Registration, SealUse, Notification, Result)

    def counts() -> dict[str, int]:
        return {model.__name__: model.objects.count() for model in models}

    first = counts()
    states = sorted(AdmissionRequest.objects.values_list("title", "status"))
    receipts = sorted(Dispatch.objects.values_list("pk", "received_at", "done_at", "hours_spent"))
    audit = AuditEntry.objects.count()
    again = _load()
    assert counts() == first
    assert sorted(AdmissionRequest.objects.values_list("title", "status")) == states
    assert sorted(Dispatch.objects.values_list("pk", "received_at", "done_at", "hours_spent")) == receipts
    assert AuditEntry.objects.count() == audit
    assert again == demo


def test_demo_users_are_people_shown_with_their_unit(demo) -> None:  # noqa: ANN001
    """Each demo user has a person's name, and the portal writes a person of a unit one way (User.name_with_unit):
    the notices of a dispatch read "李强（黄浦区）下派新任务：…", never the unit twice ("外滩街道外滩街道")."""
    users = {user.username: user for user in User.objects.select_related("district", "street", "committee")}
    with translation.override("zh-hans"):
        assert users["waitan"].name_with_unit == "王芳（外滩街道）"
        assert users["huangpu"].name_with_unit == "李强（黄浦区）"
        assert users["baoxing"].name_with_unit == "张伟（宝兴居委会）"
        assert users["admin"].name_with_unit == "陈静"  # no unit: the name alone
    with translation.override("en"):
        assert users["waitan"].name_with_unit == "王芳 (外滩街道)"
    for user in users.values():
        assert user.get_full_name() and user.get_full_name() not in user.unit_name
    notices = list(Notification.objects.filter(user=users["baoxing"], text__contains="下派新任务")
                   .values_list("text", flat=True))
    senders = {text.split("下派新任务")[0] for text in notices}
    assert senders == {"李强（黄浦区）", "王芳（外滩街道）"}, senders


def test_a_second_run_renames_demo_users_named_after_their_unit(demo) -> None:  # noqa: ANN001
    """A demo loaded before the users had person names ("外滩 街道") is renamed; the password is kept."""
    waitan = User.objects.get(username="waitan")
    waitan.last_name, waitan.first_name = "外滩", "街道"
    waitan.set_password("changed-by-the-user")
    waitan.save()
    _load()
    waitan.refresh_from_db()
    assert waitan.get_full_name() == "王芳"
    assert waitan.check_password("changed-by-the-user")
