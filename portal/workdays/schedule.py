"""Working days (工作日) for every deadline of the portal (DOMAIN "Reference data": a request is filed at least 30
working days before its task starts and reviewed within 15).

Whether a day is a working day, in this order:
1. the city's calendar table (`CalendarDay`, kept by the city's staff): the State Council's notice for a year the
   portal does not ship yet, or a correction;
2. the State Council's published schedule as shipped by the `chinese-calendar` library (module `chinese_calendar`,
   MIT licence; 2004 to 2026 in 1.11.0): public holidays are off, make-up working days (调休) are on, Saturday or
   Sunday;
3. Monday to Friday, for a year neither knows: then `schedule_known(year)` is False and the pages say the deadline
   may be wrong (`schedule_warning`).
A year's schedule is known when the library ships it or the city marked it loaded (`CalendarYear`). Every message
or page that states a date counted in working days over a year not known says so: `deadline()` counts a date and
brings the warning with it (`Deadline.warning`, `Deadline.said(message)`); a date counted before and stored gets it
from `deadline(start, n, day=stored)`, many at once from `unknown_years_of` and `years_warning` (one query).

Counting (unchanged from the Monday-to-Friday functions this replaces, only the calendar differs):
- `add_working_days(day, n)`: the n-th working day after `day` (`day` itself never counts; n <= 0 gives `day`);
- `working_days_between(start, end)`: the working days after `start` up to and including `end` (0 when
  end <= start). So `working_days_between(d, add_working_days(d, n)) == n`.

Reading: every call reads the city's rows for the days it looks at, in one query (a year holds a few dozen), and
the library's schedule from memory (built once per process: it cannot change while the process runs). The rows
are deliberately not cached across calls: checking a cache's version would cost the same one query as reading
them, and reading them means a change by the city's staff counts at once in every process and every worker,
inside a transaction too, with no invalidation to get wrong and no cache outage to survive.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import chinese_calendar
from django.db.models import QuerySet
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from portal.core.wording import sentences
from portal.workdays.choices import DayStatus
from portal.workdays.models import CalendarDay, CalendarYear

__all__ = ["Deadline", "ScheduleDay", "add_working_days", "day_status", "deadline", "is_working_day", "published_day",
           "schedule_known", "schedule_warning", "shipped_years", "unknown_years", "unknown_years_of",
           "working_days_between", "year_schedule", "years_warning"]

_DAY = datetime.timedelta(days=1)


# --- the shipped schedule (chinese-calendar) ----------------------------------------------------------------------
@cache
def _shipped() -> dict[datetime.date, tuple[bool, str]]:
    """The library's days that differ from Monday to Friday, or are part of a holiday: {day: (working, holiday's
    English name)}. Holidays (weekends inside them included) are not working days; make-up days are."""
    days = {day: (False, name) for day, name in chinese_calendar.holidays.items()}
    days.update({day: (True, name) for day, name in chinese_calendar.workdays.items()})
    return days


@cache
def shipped_years() -> range:
    """The years whose schedule the library ships (the years of its holiday table)."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@cache
def _chinese_names() -> dict[str, str]:
    return {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def _shipped_name(english: str) -> str:
    """The holiday's name in the user's language (the library has English and Chinese)."""
    return english if (get_language() or "").startswith("en") else _chinese_names().get(english, english)


# --- one call's view of the calendar -------------------------------------------------------------------------------
def _table(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    """The city's entries for the days first..last (inclusive): one query."""
    if last < first:
        return {}
    return dict(CalendarDay.objects.filter(day__range=(first, last)).values_list("day", "is_working_day"))


def _working(day: datetime.date, table: Mapping[datetime.date, bool]) -> bool:
    if day in table:
        return table[day]
    shipped = _shipped().get(day)
    return shipped[0] if shipped is not None else day.weekday() < 5


def _weekdays(first: datetime.date, last: datetime.date) -> int:
    """Mondays to Fridays in first..last (inclusive), by arithmetic."""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum((first.weekday() + offset) % 7 < 5 for offset in range(rest))


# --- the public functions ------------------------------------------------------------------------------------------
def is_working_day(day: datetime.date) -> bool:
    """Whether people work on `day` (one query)."""
    return _working(day, _table(day, day))


def add_working_days(day: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `day` (`day` itself does not count; `days` <= 0 gives `day` back).

    Reads the city's rows a window at a time (one query for any usual deadline: the window spans twice the days
    asked plus a month, more than the longest holiday adds). Raises OverflowError past 9999-12-31.
    """
    remaining = days
    while remaining > 0:
        if day == datetime.date.max:
            raise OverflowError("no working day left before 9999-12-31")
        window_end = day + datetime.timedelta(days=min(2 * remaining + 31, (datetime.date.max - day).days))
        table = _table(day + _DAY, window_end)
        while day < window_end:
            day += _DAY
            if _working(day, table):
                remaining -= 1
                if remaining == 0:
                    return day
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; 0 when `end` is not after `start`.

    Mondays to Fridays are counted by arithmetic, then corrected by the days the library and the city's table say
    otherwise (one query), so a span of any length costs the same.
    """
    if end <= start:
        return 0
    first = start + _DAY
    exceptions = {day: working for day, (working, _name) in _shipped().items() if first <= day <= end}
    exceptions.update(_table(first, end))
    return _weekdays(first, end) + sum(int(working) - int(day.weekday() < 5) for day, working in exceptions.items())


def schedule_known(year: int) -> bool:
    """Whether the State Council's schedule of `year` is known: shipped with the portal, or loaded by the city
    (a CalendarYear row). Otherwise that year's deadlines count Monday to Friday."""
    return year in shipped_years() or CalendarYear.objects.filter(year=year).exists()


def unknown_years(start: datetime.date, end: datetime.date) -> list[int]:
    """The years from `start`'s to `end`'s (inclusive) whose schedule is not known, in order; [] when `end` comes
    before `start`. At most one query (none when the library ships every year of the span)."""
    return unknown_years_of([(start, end)])[0]


def unknown_years_of(spans: Sequence[tuple[datetime.date | None, datetime.date | None]]) -> list[list[int]]:
    """unknown_years of each (start, end) of `spans`, in the same order ([] for a span with a date missing or
    `end` before `start`), in one query for all of them (none when the library ships every year they span)."""
    wanted = [range(start.year, end.year + 1) if start is not None and end is not None and start <= end else range(0)
              for start, end in spans]
    candidates = sorted({year for years in wanted for year in years if year not in shipped_years()})
    if not candidates:
        return [[] for _span in spans]
    loaded = set(CalendarYear.objects.filter(year__in=candidates).values_list("year", flat=True))
    return [[year for year in years if year not in shipped_years() and year not in loaded] for years in wanted]


def _spans(years: Iterable[int]) -> str:
    """"2027", "2027–2029", "2027、2030" (the separator in the user's language)."""
    spans: list[list[int]] = []
    for year in years:
        if spans and spans[-1][1] == year - 1:
            spans[-1][1] = year
        else:
            spans.append([year, year])
    separator = pgettext("between the items of a list", ", ")
    return separator.join(str(first) if first == last else f"{first}–{last}" for first, last in spans)


def years_warning(years: Iterable[int]) -> str | None:
    """What a page says of dates counted over `years` whose schedule is not known (unknown_years, in any order,
    repeats allowed): "2027 年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。"; None for none. No query."""
    unknown = sorted(set(years))
    if not unknown:
        return None
    return _("The holiday schedule of {years} is not loaded yet: deadlines are counted Monday to Friday and may be "
             "wrong.").format(years=_spans(unknown))


def schedule_warning(start: datetime.date | None, end: datetime.date | None) -> str | None:
    """What a page says when a deadline between `start` and `end` falls in a year whose schedule is not known:
    "2027 年的节假日安排尚未载入，截止日期按周一至周五计算，可能不准确。"; None when every year is known (or a date is
    missing). At most one query."""
    return years_warning(unknown_years_of([(start, end)])[0])


@dataclass(frozen=True)
class Deadline:
    """A day counted in working days, with what has to be said with it: every message or page that states it
    states `warning` too (schedule_warning of the days it was counted over; None when their schedule is known).

    `str()` is the day in ISO (2027-01-12), for messages; `said(text)` is a message with the warning after it."""

    day: datetime.date
    working_days: int
    warning: str | None

    def __str__(self) -> str:
        return self.day.isoformat()

    def said(self, text: str) -> str:
        """`text` (which states this deadline), followed by the warning when there is one."""
        return sentences(text, self.warning)


def deadline(start: datetime.date, working_days: int, *, day: datetime.date | None = None) -> Deadline:
    """The `working_days`-th working day after `start` (add_working_days) with its warning: the one way to state a
    date counted in working days (the admission refusal, the request pages). `day`: the date when it was counted
    before and stored (e.g. a review's due date): only the warning is worked out then, over `start` to `day`.
    At most two queries (the count, the years)."""
    if day is None:
        day = add_working_days(start, working_days)
    return Deadline(day=day, working_days=working_days, warning=schedule_warning(start, day))


# --- what a day is -------------------------------------------------------------------------------------------------
def day_status(day: datetime.date, *, working: bool, name: str) -> DayStatus:
    """What `day` is, whoever says it (the shipped schedule, the city's calendar, Monday to Friday): worked, a
    make-up working day (a worked Saturday or Sunday), a holiday (a Monday-to-Friday day off, or a Saturday or Sunday
    with a holiday's name) or an ordinary rest day."""
    weekend = day.weekday() >= 5
    if working:
        return DayStatus.MAKE_UP if weekend else DayStatus.WORKING
    return DayStatus.HOLIDAY if not weekend or name else DayStatus.REST


def published_day(day: datetime.date) -> tuple[bool, str]:
    """What the shipped schedule says of `day`, without the city's calendar: (whether people work, the holiday's
    name in the user's language, "" for none); Monday to Friday for a day it does not list. No query."""
    working, english = _shipped().get(day, (day.weekday() < 5, ""))
    return working, _shipped_name(english) if english else ""


@dataclass(frozen=True)
class ScheduleDay:
    """A day of a year that is not an ordinary Monday-to-Friday day, or that the city entered.

    `entry`: the city's row for it (None: as shipped); `shipped`: what the library says of it (None: nothing, the
    day is an ordinary one to it, or the library does not know its year)."""

    day: datetime.date
    is_working_day: bool
    name: str
    entry: CalendarDay | None
    shipped: bool | None

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def status(self) -> DayStatus:
        """What the page calls it (day_status): the same words for a shipped day and an entered one."""
        return day_status(self.day, working=self.is_working_day, name=self.name)


def year_schedule(year: int, *, entries: QuerySet[CalendarDay] | None = None) -> list[ScheduleDay]:
    """The year's holidays and make-up working days, shipped and entered by the city, in order (one query):
    what the calendar page lists. `entries`: the city's rows as the reader reaches them
    (`CalendarDay.objects.restrict(user)`); by default all of them."""
    rows = CalendarDay.objects.all() if entries is None else entries
    entries_by_day = {entry.day: entry for entry in rows.filter(day__year=year)}
    shipped = {day: value for day, value in _shipped().items() if day.year == year}
    days = []
    for day in sorted({*entries_by_day, *shipped}):
        entry, (working, english) = entries_by_day.get(day), shipped.get(day, (None, ""))
        days.append(ScheduleDay(
            day=day, is_working_day=entry.is_working_day if entry else bool(working),
            name=(entry.name if entry else "") or (_shipped_name(english) if english else ""), entry=entry,
            shipped=working))
    return days
