"""Admission deadlines count the State Council's working days (issue 14): the National Day week and its make-up
days (调休), the city's calendar, reminders only on working days, and a warning where a year is not loaded."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from portal.core.exceptions import DomainError
from portal.workdays.models import CalendarDay
from portal.workdays.schedule import schedule_known
from portal.workdays.services import calendar_day_save
from tasks_registry.models import AdmissionRequest
from tasks_registry.tasks import remind_district_lists, remind_overdue_reviews
from tests.support.factories import CalendarDayFactory, CalendarYearFactory
from tests.tasks_registry.test_admission import new_request, submit

pytestmark = pytest.mark.django_db

D = datetime.date


def test_a_review_started_on_22_september_2025_is_due_on_17_october(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district", starts_on=D(2025, 12, 1)),
                     today=D(2025, 9, 22))
    assert settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS == 15
    assert request.review_due_on == D(2025, 10, 17)  # Monday to Friday said 13 October


def test_a_request_with_26_working_days_before_its_start_is_refused(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, scope="district", starts_on=D(2025, 10, 13))
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        submit(request, today=D(2025, 9, 1))
    assert refused.value.code == "too_late"
    assert "只剩 26 个工作日" in refused.value.message and "2025-10-17" in refused.value.message  # the earliest start
    assert AdmissionRequest.objects.get().status == "draft"
    request.starts_on = D(2025, 10, 17)  # exactly 30 working days
    request.save()
    assert submit(request, today=D(2025, 9, 1)).status == "district_review"


def test_a_make_up_sunday_is_a_working_day_a_review_can_fall_due_on(world, department_staff, district_staff,
                                                                    settings) -> None:  # noqa: ANN001
    settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS = 1
    request = submit(new_request(department_staff, world, scope="district", starts_on=D(2025, 12, 1)),
                     today=D(2025, 9, 26))  # a Friday
    assert request.review_due_on == D(2025, 9, 28)  # the Sunday worked before the National Day week


def test_a_day_the_city_enters_moves_the_due_date(world, department_staff, district_staff, city_staff) -> None:  # noqa: ANN001
    calendar_day_save(actor=city_staff, instance=CalendarDay(day=D(2025, 10, 17), is_working_day=False,
                                                             source_document="测试通知"))
    request = submit(new_request(department_staff, world, scope="district", starts_on=D(2025, 12, 1)),
                     today=D(2025, 9, 22))
    assert request.review_due_on == D(2025, 10, 20)


def _years_to(day: datetime.date) -> list[int]:
    return [year for year in range(timezone.localdate().year, day.year + 1) if not schedule_known(year)]


def test_a_deadline_in_a_year_not_loaded_is_flagged_on_the_request_pages(client, world, street_officer) -> None:  # noqa: ANN001
    start = D(timezone.localdate().year + 2, 3, 1)  # two years ahead: a year the portal does not ship
    draft = new_request(street_officer, world, committees=[world.baoxing], starts_on=start)
    client.force_login(street_officer)
    detail = client.get(reverse("tasks:request_detail", args=[draft.pk]))
    warning = detail.context["req"].schedule_warning
    assert warning and str(start.year) in warning and "截止日期按周一至周五计算，可能不准确" in warning
    assert warning in detail.content.decode()
    form = client.get(reverse("tasks:request_edit", args=[draft.pk]))
    assert warning in form.content.decode()
    for year in _years_to(start):  # the city enters the years' notices and marks them loaded
        CalendarYearFactory(year=year)
    assert client.get(reverse("tasks:request_detail", args=[draft.pk])).context["req"].schedule_warning is None
    assert 'id="schedule-warning"' not in client.get(reverse("tasks:request_edit", args=[draft.pk])).content.decode()


def test_a_request_under_review_is_flagged_until_its_due_dates_year_is_loaded(world, department_staff,
                                                                              district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district", starts_on=D(2099, 1, 1)),
                     today=timezone.localdate())
    request.review_due_on = D(2098, 1, 5)
    assert "2098" in request.schedule_warning
    for year in _years_to(request.review_due_on):
        CalendarYearFactory(year=year)
    assert request.schedule_warning is None
    request.status = "approved"
    request.review_due_on = D(2099, 1, 5)
    assert request.schedule_warning is None  # decided: no deadline left


def _overdue(world, department_staff) -> AdmissionRequest:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    AdmissionRequest.objects.filter(pk=request.pk).update(review_due_on=timezone.localdate() - datetime.timedelta(days=1))
    return request


def test_the_beat_reminds_on_working_days_only(world, department_staff, district_staff) -> None:  # noqa: ANN001
    """Whatever today is, the city's calendar decides: a holiday today, no reminder; a working day, one."""
    _overdue(world, department_staff)
    today = CalendarDayFactory(day=timezone.localdate(), is_working_day=False)
    assert remind_overdue_reviews.apply(kwargs={"working_days_only": True}).get() == 0
    assert remind_district_lists.apply(kwargs={"working_days_only": True}).get() == 0
    assert remind_overdue_reviews.apply().get() == 1  # sent by hand: whatever the day
    CalendarDay.objects.filter(pk=today.pk).update(is_working_day=True)  # e.g. a make-up Sunday
    assert remind_overdue_reviews.apply(kwargs={"working_days_only": True}).get() == 1
    for name in ("admission-overdue-reviews", "district-list-reminders"):
        entry = settings.CELERY_BEAT_SCHEDULE[name]
        assert entry["kwargs"] == {"working_days_only": True}
        assert entry["schedule"].day_of_week == set(range(7)), "every day: the task knows the holidays, crontab does not"


def test_overdue_is_counted_from_shanghais_today(world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = AdmissionRequest.objects.get(pk=_overdue(world, department_staff).pk)
    assert request.review_overdue
    request.review_due_on = timezone.localdate()
    assert not request.review_overdue
