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
    is_working_day,
    schedule_known,
    schedule_warning,
    shipped_years,
    unknown_years,
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
    entry = CalendarDayFactory()
    for name in ("district_staff", "street_officer", "committee_staff", "department_staff"):
        with pytest.raises(PermissionDenied):
            calendar_day_save(actor=personas[name], instance=CalendarDay(day=D(2091, 1, 2), is_working_day=False,
                                                                         source_document="x"))
        with pytest.raises(CalendarDay.DoesNotExist):
            calendar_day_delete(actor=personas[name], pk=entry.pk)
        with pytest.raises(CalendarYear.DoesNotExist):
            calendar_year_delete(actor=personas[name], pk=CalendarYearFactory().pk)
    assert not CalendarDay.objects.filter(day=D(2091, 1, 2)).exists()
    assert CalendarDay.objects.filter(pk=entry.pk).exists()


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
