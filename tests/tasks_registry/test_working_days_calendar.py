"""Admission deadlines count the State Council's working days (issue 14): the National Day week and its make-up
days (调休), the city's calendar, reminders only on working days, and a warning where a year is not loaded."""

import datetime

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from portal.core.exceptions import DomainError
from portal.workdays.models import CalendarDay
from portal.workdays.schedule import add_working_days, schedule_known
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
    calendar_day_save(actor=city_staff, instance=CalendarDay(day=D(2025, 10, 17), is_working_day=False, name="测试",
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


# --- every date counted in working days over a year not loaded says so (the refusal, the form, the queue, the page) ---
FAR = 700  # working days: from any date the portal runs on, beyond the years the library ships


def _loaded_to(day: datetime.date, since: datetime.date | None = None) -> None:
    for year in range((since or timezone.localdate()).year, day.year + 1):
        if not schedule_known(year):
            CalendarYearFactory(year=year)


def test_the_refusal_names_the_earliest_start_with_the_warning(world, department_staff, district_staff,
                                                              settings) -> None:  # noqa: ANN001
    settings.PORTAL_ADMISSION_FILE_WORKING_DAYS = FAR
    today = D(2026, 11, 30)
    earliest = add_working_days(today, FAR)
    request = new_request(department_staff, world, scope="district", starts_on=D(2027, 1, 4))
    with translation.override("zh-hans"), pytest.raises(DomainError) as refused:
        submit(request, today=today)
    message = refused.value.message
    assert f"请将开始日期调整到 {earliest:%Y-%m-%d} 或以后。" in message
    assert message.endswith("年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。")
    assert str(earliest.year) in message.split("或以后。")[1]
    _loaded_to(earliest, since=today)
    with translation.override("zh-hans"), pytest.raises(DomainError) as known:
        submit(request, today=today)
    assert known.value.message.endswith("或以后。")  # every year loaded: nothing to warn of


def test_the_form_states_the_earliest_start_and_the_due_date_with_the_warning(client, world, street_officer,
                                                                              settings) -> None:  # noqa: ANN001
    settings.PORTAL_ADMISSION_FILE_WORKING_DAYS = FAR
    client.force_login(street_officer)
    today = timezone.localdate()
    page = client.get(reverse("tasks:request_new"))
    earliest, review_due = page.context["earliest"], page.context["review_due"]
    assert earliest.day == add_working_days(today, FAR) and review_due.day == add_working_days(today, 15)
    warning = page.context["schedule_warning"]
    assert warning and str(earliest.day.year) in warning and warning == earliest.warning
    content = page.content.decode()
    assert f"任务最早可于 {earliest.day:%Y-%m-%d} 开始，首轮审核期限为 {review_due.day:%Y-%m-%d}。" in content
    assert warning in content
    refused = client.post(reverse("tasks:request_new"), {
        "title": "老年人助餐需求摸排", "category": "assistance", "legal_basis": "《上海市养老服务条例》",
        "scope": "committees", "committees": [world.baoxing.code], "hours_per_month": "3",
        "starts_on": today + datetime.timedelta(days=10), "ends_on": today + datetime.timedelta(days=90), "submit": "1"})
    errors = [str(m) for m in get_messages(refused.wsgi_request)]  # kept as a draft, its page says why (issue 15)
    assert refused.status_code == 302 and any(f"{earliest.day:%Y-%m-%d} 或以后。{warning}" in e for e in errors)
    _loaded_to(earliest.day)
    again = client.get(reverse("tasks:request_new"))
    assert again.context["schedule_warning"] is None and 'id="schedule-warning"' not in again.content.decode()


def _in_review(department_staff, world, due: datetime.date) -> AdmissionRequest:  # noqa: ANN001
    request = new_request(department_staff, world, scope="district", status="district_review")
    AdmissionRequest.objects.filter(pk=request.pk).update(review_due_on=due)
    return request


def test_the_request_page_shows_the_review_deadline(client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = _in_review(department_staff, world, D(2026, 12, 21))
    client.force_login(district_staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("tasks:request_detail", args=[request.pk]))
    due = page.context["review_deadline"]
    assert (due.day, due.working_days, due.warning) == (D(2026, 12, 21), 15, None)  # 2026 ships: nothing to warn of
    if due.day >= timezone.localdate():
        assert "审核期限：2026-12-21（15 个工作日）" in page.content.decode()
    else:  # run after that day: said as overdue
        assert "审核期限为 2026-12-21，已逾期。" in page.content.decode()
    AdmissionRequest.objects.filter(pk=request.pk).update(status="rejected")
    decided = client.get(reverse("tasks:request_detail", args=[request.pk]))
    assert decided.context["review_deadline"] is None and 'id="review-deadline"' not in decided.content.decode()


def test_a_review_deadline_in_a_year_not_loaded_carries_the_warning(client, world, department_staff, district_staff,
                                                                   django_assert_num_queries) -> None:  # noqa: ANN001
    request = _in_review(department_staff, world, D(2098, 1, 5))
    client.force_login(district_staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("tasks:request_detail", args=[request.pk]))
    due = page.context["review_deadline"]
    assert due.day == D(2098, 1, 5) and "2098" in due.warning and "可能不准确" in due.warning
    content = page.content.decode()
    assert "审核期限：2098-01-05（15 个工作日）" in content and due.warning in content
    assert content.count('id="schedule-warning"') == 1  # the page's warning is the deadline's, said once


def test_the_deadline_costs_the_page_no_query_beyond_its_warning(client, world, department_staff,
                                                                 district_staff) -> None:  # noqa: ANN001
    """The request page made one query for its warning (a year outside the shipped ones) before the deadline was
    shown; it still does, and none when every year is shipped."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    known, unknown = _in_review(department_staff, world, D(2026, 1, 5)), _in_review(department_staff, world, D(2098, 1, 5))
    client.force_login(district_staff)
    counts = {}
    for request in (known, unknown):
        client.get(reverse("tasks:request_detail", args=[request.pk]))  # the session's first reads out of the way
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("tasks:request_detail", args=[request.pk]))
        counts[request.pk] = [q["sql"] for q in queries.captured_queries]
    assert len(counts[unknown.pk]) == len(counts[known.pk]) + 1
    assert sum("workdays_calendaryear" in sql for sql in counts[unknown.pk]) == 1
    assert not any("workdays_calendarday" in sql for sql in counts[unknown.pk])


def test_the_queue_flags_due_dates_counted_over_a_year_not_loaded(client, world, department_staff, district_staff,
                                                                  django_assert_max_num_queries) -> None:  # noqa: ANN001
    far = [_in_review(department_staff, world, D(2098, 1, 5 + n)) for n in range(3)]
    near = _in_review(department_staff, world, D(2026, 1, 5))
    client.force_login(district_staff)
    with translation.override("zh-hans"), django_assert_max_num_queries(8):
        queue = client.get(reverse("tasks:request_list"), {"tab": "queue"})
    rows = {row.pk: row for row in queue.context["page"].object_list}
    assert set(rows) == {near.pk, *(r.pk for r in far)}
    assert rows[near.pk].review_warning is None
    assert all("2098 年的节假日安排尚未载入" in rows[r.pk].review_warning for r in far)  # counted up to 2098
    warning = queue.context["schedule_warning"]
    assert "2098 年的节假日安排尚未载入" in warning and warning in queue.content.decode()
    assert queue.content.decode().count('class="bi bi-calendar-x text-warning review-warning"') == 3
    _loaded_to(D(2098, 1, 31))
    loaded = client.get(reverse("tasks:request_list"), {"tab": "queue"})
    assert loaded.context["schedule_warning"] is None
    assert all(row.review_warning is None for row in loaded.context["page"].object_list)


def test_the_list_shows_a_review_deadline_only_while_the_review_is_pending(client, world, department_staff,
                                                                           district_staff) -> None:  # noqa: ANN001
    """An approved request keeps its review_due_on: neither its page nor the list states it (no date, no warning,
    not overdue), as AdmissionRequest.review_deadline says (issue 14 review)."""
    from tasks_registry.services.admission import admission_request_approve

    pending = _in_review(department_staff, world, D(2098, 1, 5))
    decided = _in_review(department_staff, world, D(2099, 1, 6))
    admission_request_approve(actor=district_staff, pk=decided.pk)
    overdue = _in_review(department_staff, world, D(2003, 1, 6))
    admission_request_approve(actor=district_staff, pk=overdue.pk)
    for request in (decided, overdue):
        request.refresh_from_db()
        assert request.status == "approved" and request.review_due_on is not None  # kept
        assert request.review_deadline() is None
    client.force_login(district_staff)
    with translation.override("zh-hans"):
        page = client.get(reverse("tasks:request_list"), {"tab": "all"})
        detail = client.get(reverse("tasks:request_detail", args=[decided.pk]))
    rows = {row.pk: row for row in page.context["page"].object_list}
    assert rows[pending.pk].review_due == D(2098, 1, 5) and "2098" in rows[pending.pk].review_warning
    for request in (decided, overdue):
        assert (rows[request.pk].review_due, rows[request.pk].review_warning) == (None, None)
    warning = page.context["schedule_warning"]
    assert "2098" in warning and "2099" not in warning and "2003" not in warning
    content = page.content.decode()
    assert "2098-01-05" in content and "2099-01-06" not in content and "2003-01-06" not in content
    assert content.count("review-warning") == 1 and "逾期" not in content.split('id="requests"')[1]
    assert detail.context["review_deadline"] is None and 'id="review-deadline"' not in detail.content.decode()


# --- the overdue reminder states its due date as the pages do (issue 14 review) ---------------------------------
def test_the_overdue_reminder_carries_the_warning_while_the_year_is_not_loaded(world, department_staff,
                                                                              district_staff) -> None:  # noqa: ANN001
    from portal.core.models import Notification
    from tasks_registry.services.notices import admission_request_remind_overdue

    request = _in_review(department_staff, world, D(2098, 1, 5))
    with translation.override("zh-hans"):
        assert admission_request_remind_overdue(today=D(2098, 1, 6)) == 1
    told = Notification.objects.get(user=district_staff).text
    assert told == (f"审核已逾期（期限 2098-01-05）：{request.number} {request.title} "
                    "2098 年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。")
    AdmissionRequest.objects.filter(pk=request.pk).update(title="T" * 200)  # the longest title
    with translation.override("en"):  # a job run in English still tells in the portal's language
        admission_request_remind_overdue(today=D(2098, 1, 7))
    long = Notification.objects.filter(user=district_staff).latest("id").text
    assert len(long) <= 300 and long.startswith(f"审核已逾期（期限 2098-01-05）：{request.number} TTT")
    assert long.endswith(" 2098 年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。")  # the title is shortened,
    # the warning said whole
    CalendarYearFactory(year=2098)
    with translation.override("zh-hans"):
        admission_request_remind_overdue(today=D(2098, 1, 8))
    assert Notification.objects.filter(user=district_staff).latest("id").text.endswith(f"{request.number} {'T' * 200}")


def test_the_overdue_reminder_fits_its_300_characters_whatever_the_warning(world, department_staff, district_staff,
                                                                          monkeypatch, mailoutbox,
                                                                          django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """A warning that, with the text before it, leaves no room for the title (a long translation): the bell and the
    e-mail say the same text, cut to the notification's 300 characters (issue 14 review)."""
    from portal.core.models import Notification
    from portal.workdays import schedule
    from tasks_registry.services.notices import admission_request_remind_overdue

    long_warning = "The holiday schedule is not loaded yet: " + "deadlines may be wrong; " * 12  # 328 characters
    monkeypatch.setattr(schedule, "years_warning", lambda years: long_warning if list(years) else None)
    request = _in_review(department_staff, world, D(2098, 1, 5))
    AdmissionRequest.objects.filter(pk=request.pk).update(title="T" * 200)
    type(district_staff).objects.filter(pk=district_staff.pk).update(email="huangpu@example.org")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        assert admission_request_remind_overdue(today=D(2098, 1, 6)) == 1
    told = Notification.objects.get(user=district_staff).text
    assert len(told) == 300 and told.endswith(("…", "..."))  # Django's own zh-Hans ellipsis is "..."
    assert told.startswith(f"审核已逾期（期限 2098-01-05）：{request.number} ... The holiday schedule is not loaded")
    assert mailoutbox[0].body.split("\n\n")[0] == told  # the e-mail says what the bell says


def test_a_pending_reviews_warning_is_its_deadlines_overdue_too(client, world, department_staff,
                                                                district_staff) -> None:  # noqa: ANN001
    """The request's own warning (req.schedule_warning) is its review deadline's, counted as deadline() counts it:
    an overdue due date in a year whose schedule is unknown (2003: before the shipped ones) is flagged too."""
    overdue = AdmissionRequest.objects.get(pk=_in_review(department_staff, world, D(2003, 1, 6)).pk)
    due = overdue.review_deadline()
    assert (due.day, due.working_days) == (D(2003, 1, 6), settings.PORTAL_ADMISSION_REVIEW_WORKING_DAYS)
    assert "2003" in due.warning and overdue.schedule_warning == due.warning
    client.force_login(district_staff)
    page = client.get(reverse("tasks:request_detail", args=[overdue.pk]))
    assert page.context["review_deadline"].warning == page.context["req"].schedule_warning == due.warning
    shipped = AdmissionRequest.objects.get(pk=_in_review(department_staff, world, D(2026, 1, 5)).pk)
    assert shipped.review_deadline().day == D(2026, 1, 5) and shipped.schedule_warning is None
    draft = new_request(department_staff, world, scope="district", starts_on=D(2025, 12, 1))
    assert draft.review_deadline() is None
