"""Working days of the State Council's schedule (issue 14): holidays off, make-up working days (调休) on, the city's
calendar over the shipped schedule, and Monday to Friday (flagged) for a year nobody has loaded."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from portal.workdays.models import CalendarDay, CalendarYear
from portal.workdays.schedule import (
    add_working_days,
    deadline,
    is_working_day,
    schedule_known,
    schedule_warning,
    shipped_years,
    unknown_years,
    unknown_years_of,
    working_days_between,
    year_schedule,
)
from portal.workdays.services import calendar_day_delete, calendar_day_save, calendar_year_delete, calendar_year_save
from tests.support.factories import CalendarDayFactory, CalendarYearFactory

pytestmark = pytest.mark.django_db

D = datetime.date


def _count_day_by_day(start: datetime.date, end: datetime.date) -> int:
    """The definition, one day at a time: working days after `start` up to and including `end`."""
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def test_the_national_day_week_and_its_make_up_days_2025() -> None:
    # 国办发明电〔2024〕12号: 1–8 October off; Sunday 28 September and Saturday 11 October worked.
    assert is_working_day(D(2025, 9, 28)) and D(2025, 9, 28).weekday() == 6
    assert is_working_day(D(2025, 10, 11)) and D(2025, 10, 11).weekday() == 5
    assert not any(is_working_day(D(2025, 10, day)) for day in range(1, 9))
    assert not is_working_day(D(2025, 10, 12))  # an ordinary Sunday
    # A review started on 22 September 2025, 15 working days (PORTAL_ADMISSION_REVIEW_WORKING_DAYS).
    assert add_working_days(D(2025, 9, 22), 15) == D(2025, 10, 17)  # Monday to Friday said 13 October
    # Filed on 1 September 2025 for a task starting on 13 October: 26 working days, not 30.
    assert working_days_between(D(2025, 9, 1), D(2025, 10, 13)) == 26


def test_the_counts_keep_their_definitions() -> None:
    """`day` itself never counts; n <= 0 gives it back; between() counts (start, end]; the two agree."""
    assert add_working_days(D(2025, 9, 26), 1) == D(2025, 9, 28)  # Friday -> the make-up Sunday
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)  # across the holiday
    assert add_working_days(D(2025, 10, 1), 0) == D(2025, 10, 1)
    assert add_working_days(D(2025, 10, 1), -3) == D(2025, 10, 1)
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 9)) == 0
    assert working_days_between(D(2025, 10, 9), D(2025, 10, 1)) == 0
    assert working_days_between(D(2025, 9, 30), D(2025, 10, 9)) == 1
    for start in (D(2024, 12, 20), D(2025, 1, 24), D(2025, 9, 19), D(2026, 2, 10), D(2026, 12, 24)):
        for n in (1, 5, 15, 30):
            assert working_days_between(start, add_working_days(start, n)) == n, (start, n)


def test_long_spans_count_by_arithmetic_as_day_by_day(django_assert_max_num_queries) -> None:  # noqa: ANN001
    CalendarDayFactory(day=D(2027, 3, 3), is_working_day=False)  # a Wednesday off
    CalendarDayFactory(day=D(2027, 3, 6), is_working_day=True)  # a Saturday worked
    start, end = D(2024, 12, 29), D(2027, 4, 2)
    assert working_days_between(start, end) == _count_day_by_day(start, end)
    with django_assert_max_num_queries(1):  # however long the span: one query
        assert working_days_between(D(2026, 1, 1), D(9999, 12, 31)) > 2_000_000
    with django_assert_max_num_queries(1):
        add_working_days(D(2025, 9, 22), 30)


def test_a_year_nobody_knows_counts_monday_to_friday_with_a_warning() -> None:
    assert 2026 in shipped_years() and 2090 not in shipped_years()
    # 1 October 2090 is a Sunday; the real schedule of 2090 is unknown: Monday to Friday, and no NotImplementedError.
    assert add_working_days(D(2090, 9, 29), 1) == D(2090, 10, 2)
    assert is_working_day(D(2090, 10, 2)) and not is_working_day(D(2090, 10, 1))
    assert not schedule_known(2090) and schedule_known(2025)
    assert unknown_years(D(2088, 12, 1), D(2090, 1, 5)) == [2088, 2089, 2090]
    with translation.override("zh-hans"):
        assert schedule_warning(D(2090, 1, 2), D(2090, 3, 1)) == \
            "2090 年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。"
        CalendarYearFactory(year=2089)
        assert schedule_warning(D(2087, 6, 1), D(2091, 1, 1)).startswith("2087–2088、2090–2091 年的节假日安排尚未载入")
    assert schedule_warning(D(2025, 1, 1), D(2026, 12, 31)) is None
    assert schedule_warning(D(2025, 1, 1), None) is None


def test_a_day_the_city_enters_overrides_the_published_schedule(city_staff) -> None:  # noqa: ANN001
    friday = calendar_day_save(actor=city_staff, instance=CalendarDay(
        day=D(2025, 10, 17), is_working_day=False, name="测试调整", source_document="测试通知"))
    assert add_working_days(D(2025, 9, 22), 15) == D(2025, 10, 20)
    worked = calendar_day_save(actor=city_staff, instance=CalendarDay(
        day=D(2025, 10, 4), is_working_day=True, source_document="测试通知"))  # a Saturday inside the holiday
    assert add_working_days(D(2025, 9, 22), 15) == D(2025, 10, 16)
    assert working_days_between(D(2025, 9, 1), D(2025, 10, 13)) == 27
    calendar_day_delete(actor=city_staff, pk=friday.pk)
    calendar_day_delete(actor=city_staff, pk=worked.pk)
    assert add_working_days(D(2025, 9, 22), 15) == D(2025, 10, 17)
    assert working_days_between(D(2025, 9, 1), D(2025, 10, 13)) == 26
    assert list(AuditEntry.objects.filter(object_type="workdays.calendarday").order_by("id")
                .values_list("action", "actor")) == [("calendarday.create", city_staff.pk),
                                                     ("calendarday.create", city_staff.pk),
                                                     ("calendarday.delete", city_staff.pk),
                                                     ("calendarday.delete", city_staff.pk)]


def test_a_new_years_schedule_is_entered_then_marked_loaded(city_staff) -> None:  # noqa: ANN001
    with pytest.raises(DomainError) as empty:
        calendar_year_save(actor=city_staff, year=2090, source_document="国办发明电〔2089〕1号")
    assert empty.value.code == "no_days"
    calendar_day_save(actor=city_staff, instance=CalendarDay(day=D(2090, 10, 2), is_working_day=False, name="国庆节",
                                                             source_document="国办发明电〔2089〕1号"))
    assert add_working_days(D(2090, 9, 29), 1) == D(2090, 10, 3)
    loaded = calendar_year_save(actor=city_staff, year=2090, source_document="国办发明电〔2089〕1号")
    assert loaded.loaded_by == city_staff and schedule_known(2090)
    assert schedule_warning(D(2090, 1, 2), D(2090, 3, 1)) is None
    with pytest.raises(DomainError) as shipped:
        calendar_year_save(actor=city_staff, year=2025, source_document="国办发明电〔2024〕12号")
    assert shipped.value.code == "shipped"
    with pytest.raises(ValidationError):
        calendar_year_save(actor=city_staff, year=2090, source_document="again")
    calendar_year_delete(actor=city_staff, pk=loaded.pk)
    assert not schedule_known(2090)


def test_only_the_citys_staff_write_the_calendar(personas) -> None:  # noqa: ANN001
    """Everyone else is refused first (PermissionDenied, 403), before the calendar is read or the input judged:
    a shipped year, a year with days, a year with none are refused alike, and nothing is changed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    entry, loaded = CalendarDayFactory(day=D(2090, 10, 2)), CalendarYearFactory(year=2091)
    for name in ("district_staff", "street_officer", "committee_staff", "department_staff", "outsider"):
        actor = personas[name]
        with CaptureQueriesContext(connection) as queries:
            with pytest.raises(PermissionDenied):
                calendar_day_save(actor=actor, instance=CalendarDay(day=D(2091, 1, 2), is_working_day=False,
                                                                    source_document="x"))
            with pytest.raises(PermissionDenied):
                calendar_day_delete(actor=actor, pk=entry.pk)
            with pytest.raises(PermissionDenied):
                calendar_year_delete(actor=actor, pk=loaded.pk)
            for year in (2025, 2090, 2092, 1999):  # shipped, with a day, with none, outside the calendar
                with pytest.raises(PermissionDenied):
                    calendar_year_save(actor=actor, year=year, source_document="国办发明电〔2089〕1号")
        assert not [q["sql"] for q in queries.captured_queries if "workdays_" in q["sql"]], name
    assert list(CalendarDay.objects.values_list("pk", flat=True)) == [entry.pk]
    assert list(CalendarYear.objects.values_list("pk", flat=True)) == [loaded.pk]
    assert not AuditEntry.objects.exists()


def test_a_day_or_year_already_taken_out_is_not_found(city_staff) -> None:  # noqa: ANN001
    """The city's staff deleting what someone else deleted just before: DoesNotExist (the page's 404), no entry."""
    entry, loaded = CalendarDayFactory(), CalendarYearFactory()
    assert calendar_day_delete(actor=city_staff, pk=entry.pk).day == entry.day  # the row as it was, for the message
    assert calendar_year_delete(actor=city_staff, pk=loaded.pk).year == loaded.year
    with pytest.raises(CalendarDay.DoesNotExist):
        calendar_day_delete(actor=city_staff, pk=entry.pk)
    with pytest.raises(CalendarYear.DoesNotExist):
        calendar_year_delete(actor=city_staff, pk=loaded.pk)
    assert AuditEntry.objects.count() == 2


def test_the_calendar_holds_2000_to_2100(city_staff) -> None:  # noqa: ANN001
    for day in (D(1999, 12, 31), D(2101, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            calendar_day_save(actor=city_staff, instance=CalendarDay(day=day, is_working_day=False, source_document="x"))
        assert "day" in refused.value.message_dict


def test_the_year_lists_shipped_and_entered_days() -> None:
    CalendarDayFactory(day=D(2025, 10, 17), is_working_day=False, name="测试")
    with translation.override("zh-hans"):
        days = {day.day: day for day in year_schedule(2025)}
    assert days[D(2025, 9, 28)].is_working_day and days[D(2025, 9, 28)].entry is None
    assert days[D(2025, 10, 1)].name == "国庆节" and not days[D(2025, 10, 1)].is_working_day
    assert days[D(2025, 10, 17)].entry is not None and days[D(2025, 10, 17)].shipped is None
    assert D(2025, 10, 16) not in days  # an ordinary Thursday


def _entry(day: datetime.date, working: bool, name: str = "") -> CalendarDay:
    return CalendarDay(day=day, is_working_day=working, name=name, source_document="国办发明电〔2089〕1号")


@pytest.mark.parametrize("day, working, name, message", [
    (D(2090, 10, 3), True, "调休上班", "2090-10-03（星期二）本来就是工作日（周一至周五上班，周六、周日休息），无需录入"),
    (D(2090, 10, 7), False, "", "2090-10-07（星期六）本来就是休息日"),
    (D(2025, 9, 28), True, "", "2025-09-28（星期日）在已公布的安排中本来就是调休上班（国庆节），无需录入"),
    (D(2025, 10, 1), False, "", "2025-10-01（星期三）在已公布的安排中本来就是放假（国庆节）"),
    (D(2025, 10, 1), False, "国庆节", "2025-10-01（星期三）在已公布的安排中本来就是放假（国庆节）"),
    (D(2025, 10, 4), False, "", "2025-10-04（星期六）在已公布的安排中本来就是放假（国庆节）"),
])
def test_an_entry_that_changes_nothing_is_refused(city_staff, day, working, name, message) -> None:  # noqa: ANN001
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        calendar_day_save(actor=city_staff, instance=_entry(day, working, name))
    assert list(refused.value.message_dict) == ["__all__"]
    assert refused.value.message_dict["__all__"][0].startswith(message)
    assert not CalendarDay.objects.exists() and not AuditEntry.objects.exists()


def test_a_holiday_needs_its_name(city_staff) -> None:  # noqa: ANN001
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        calendar_day_save(actor=city_staff, instance=_entry(D(2090, 10, 2), False))  # a Monday off
    assert refused.value.message_dict == {"name": ["放假日须填写名称，例如国庆节。"]}
    with pytest.raises(ValidationError) as both:  # with the model's own reasons, all at once
        calendar_day_save(actor=city_staff, instance=CalendarDay(day=D(2090, 10, 2), is_working_day=False))
    assert set(both.value.message_dict) == {"name", "source_document"}
    assert not CalendarDay.objects.exists()


@pytest.mark.parametrize("day, working, name", [
    (D(2090, 10, 2), False, "国庆节"),  # a Monday off
    (D(2090, 10, 1), False, "国庆节"),  # a Sunday named as part of the holiday (as the shipped schedule lists them)
    (D(2090, 10, 7), True, ""),  # a Saturday worked
    (D(2025, 10, 8), True, ""),  # corrects a shipped holiday: worked after all
    (D(2025, 9, 28), False, ""),  # corrects a shipped make-up Sunday: not worked after all
    (D(2025, 10, 1), False, "国庆节、中秋节"),  # corrects the name the shipped schedule gives it
])
def test_an_entry_that_changes_the_day_or_its_name_is_saved(city_staff, day, working, name) -> None:  # noqa: ANN001
    with translation.override("zh-hans"):
        saved = calendar_day_save(actor=city_staff, instance=_entry(day, working, name))
    assert CalendarDay.objects.get().pk == saved.pk and is_working_day(day) == working


def test_editing_an_entry_into_a_no_op_is_refused_and_keeps_it(city_staff) -> None:  # noqa: ANN001
    entry = calendar_day_save(actor=city_staff, instance=_entry(D(2090, 10, 7), True, "调休上班"))
    entry.day = D(2090, 10, 3)  # a Tuesday: already a working day
    with pytest.raises(ValidationError):
        calendar_day_save(actor=city_staff, instance=entry)
    assert CalendarDay.objects.get().day == D(2090, 10, 7)


def test_a_status_reads_the_same_whoever_says_it(city_staff) -> None:  # noqa: ANN001
    """A Saturday worked is 调休上班 whether the library ships it or the city entered it; a day off on Monday to
    Friday is 放假; a Saturday or Sunday off without a holiday's name is 休息日."""
    calendar_day_save(actor=city_staff, instance=_entry(D(2025, 10, 4), True))  # a shipped holiday Saturday, worked
    calendar_day_save(actor=city_staff, instance=_entry(D(2025, 10, 17), False, "测试"))
    calendar_day_save(actor=city_staff, instance=_entry(D(2025, 10, 8), True))
    CalendarDayFactory(day=D(2025, 11, 8), is_working_day=False, name="")  # an old row saying nothing new
    with translation.override("zh-hans"):
        days = {day.day: day for day in year_schedule(2025)}
        labels = {day: str(days[day].status.label) for day in days}
    assert days[D(2025, 9, 28)].entry is None and days[D(2025, 10, 4)].entry is not None
    assert labels[D(2025, 9, 28)] == labels[D(2025, 10, 4)] == labels[D(2025, 10, 11)] == "调休上班"
    assert labels[D(2025, 10, 1)] == labels[D(2025, 10, 17)] == "放假"
    assert labels[D(2025, 10, 8)] == "工作日" and labels[D(2025, 11, 8)] == "休息日"


def test_deadline_brings_its_warning(django_assert_max_num_queries) -> None:  # noqa: ANN001
    with translation.override("zh-hans"), django_assert_max_num_queries(2):
        late = deadline(D(2089, 12, 20), 30)
    assert late.day == add_working_days(D(2089, 12, 20), 30) and str(late) == late.day.isoformat()
    assert late.warning == "2089–2090 年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。"
    with translation.override("zh-hans"):  # Chinese sentences follow one another without a space (issue 15)
        assert late.said("请调整。") == f"请调整。{late.warning}"
    with translation.override("en"):
        assert late.said("Adjust it.") == f"Adjust it. {late.warning}"
    known = deadline(D(2025, 9, 22), 15)
    assert (known.day, known.warning, known.said("请调整。")) == (D(2025, 10, 17), None, "请调整。")
    stored = deadline(D(2090, 1, 2), 15, day=D(2090, 1, 23))
    assert stored.day == D(2090, 1, 23) and "2090" in stored.warning
    with django_assert_max_num_queries(1):  # many spans, one query
        assert unknown_years_of([(D(2025, 1, 1), D(2025, 2, 1)), (D(2089, 12, 1), D(2090, 1, 1)), (None, D(2090, 1, 1)),
                                 (D(2090, 1, 1), D(2089, 1, 1))]) == [[], [2089, 2090], [], []]
