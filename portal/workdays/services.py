"""Writes to the city's calendar (issue 14), shared by the page, the API and the admin (STYLE.md B1, rule of two).

Only the city's staff hold the permissions (portal/accounts/roles.py). Nothing is cached, so nothing is
invalidated: every deadline computed after the commit counts with the change (portal/workdays/schedule.py).
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from portal.core.scoping import may_ever
from portal.core.services import record_save
from portal.workdays.choices import DayStatus
from portal.workdays.models import YEAR_MAX, YEAR_MIN, CalendarDay, CalendarYear
from portal.workdays.schedule import day_status, published_day, shipped_years

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["calendar_day_delete", "calendar_day_problems", "calendar_day_save", "calendar_year_delete",
           "calendar_year_save"]


@transaction.atomic
def calendar_day_save(*, actor: User, instance: CalendarDay) -> CalendarDay:
    """Add a day to the city's calendar, or change one (`instance`, new or changed in memory): a public holiday or a
    make-up working day, overriding the shipped schedule for that day.

    An entry changes something: what the day is (day_status: working, make-up working day, holiday, rest day)
    differs from what the shipped schedule, or Monday to Friday, says; or it corrects the name the shipped schedule
    gives the day. A holiday (a Monday-to-Friday day off) has a name.
    Side effects: the row; an audit entry (calendarday.create / calendarday.update).
    Raises: PermissionDenied unless the actor may add (change) calendar days (checked first, and again after the
    write, which rolls it back); ValidationError (a day changing nothing: non-field; a holiday with no name: "name";
    with the model's own: a day outside 2000 to 2100 or already entered, no source document).
    """
    if not may_ever(actor, CalendarDay, "add" if instance._state.adding else "change"):
        raise PermissionDenied
    problems = calendar_day_problems(instance)
    if problems:
        try:
            instance.full_clean()
        except ValidationError as error:  # said together, so the form shows every reason at once
            for field, messages in error.message_dict.items():
                problems.setdefault(field, []).extend(messages)
        raise ValidationError(problems)
    return record_save(actor=actor, instance=instance)


def calendar_day_problems(entry: CalendarDay) -> dict[str, list[str]]:
    """Why `entry` cannot be saved as it says (see calendar_day_save): {field or NON_FIELD_ERRORS: [message]}; {}
    when it may, or when its day is no date of the calendar (the model says why). No query: the admin's form asks
    it too, to say it on the form."""
    if not isinstance(entry.day, datetime.date) or not YEAR_MIN <= entry.day.year <= YEAR_MAX:
        return {}
    name = (entry.name or "").strip()
    working, published_name = published_day(entry.day)
    before = day_status(entry.day, working=working, name=published_name)
    after = day_status(entry.day, working=entry.is_working_day, name=name or published_name)  # as year_schedule shows it
    day, weekday = entry.day.isoformat(), date_format(entry.day, "l")
    if after == DayStatus.HOLIDAY and not (name or published_name):
        return {"name": [_("A holiday needs its name, for example 国庆节.")]}
    if after != before or (published_name and name and name != published_name):
        return {}
    if published_name:
        message = _("{day} ({weekday}) is already a {status} in the published schedule ({name}): enter it only to "
                    "change whether people work that day, or to correct its name.").format(
            day=day, weekday=weekday, status=before.label, name=published_name)
    else:
        message = _("{day} ({weekday}) is already a {status} (Monday to Friday are worked, Saturday and Sunday are "
                    "not): enter a day only to change whether people work that day.").format(
            day=day, weekday=weekday, status=before.label)
    return {NON_FIELD_ERRORS: [message]}


@transaction.atomic
def calendar_day_delete(*, actor: User, pk: int) -> CalendarDay:
    """Take a day out of the city's calendar: the shipped schedule (or Monday to Friday) holds for it again.
    Returns the row as it was (its pk gone), for the message that names its day.

    Side effects: the row is deleted; an audit entry (calendarday.delete) keeps what it said.
    Raises: PermissionDenied unless the actor may delete calendar days (checked before anything is read);
    CalendarDay.DoesNotExist when the day is not in the calendar (never was, or was just taken out by someone
    else: the page answers 404).
    """
    if not may_ever(actor, CalendarDay, "delete"):
        raise PermissionDenied
    entry = CalendarDay.objects.restrict(actor, "delete").select_for_update().get(pk=pk)
    audit(actor=actor, action="calendarday.delete", instance=entry, before=snapshot(entry))
    entry.delete()
    return entry


@transaction.atomic
def calendar_year_save(*, actor: User, year: int, source_document: str) -> CalendarYear:
    """Mark the schedule of `year` loaded: its holidays and make-up working days are in the calendar, from the State
    Council's notice `source_document`; its deadlines are no longer flagged as counted Monday to Friday.

    Side effects: the CalendarYear row (loaded by the actor); an audit entry (calendaryear.create).
    Raises: PermissionDenied unless the actor may add calendar years (checked before anything is read or
    validated); DomainError (code "shipped": the portal ships that year's schedule; code "no_days": none of its
    days is in the calendar yet); ValidationError (a year outside 2000 to 2100, already loaded, no source document).
    """
    if not may_ever(actor, CalendarYear, "add"):
        raise PermissionDenied
    if year in shipped_years():
        raise DomainError(_("The State Council's schedule of {year} ships with the portal; it needs no loading. "
                            "Enter a day only to correct it.").format(year=year), code="shipped")
    if not CalendarDay.objects.restrict(actor).filter(day__year=year).exists():
        raise DomainError(_("Enter the holidays and make-up working days of {year} first, from the State Council's "
                            "notice.").format(year=year), code="no_days", fields={"year": [_("No day of this year "
                                                                                             "is in the calendar.")]})
    return record_save(actor=actor, instance=CalendarYear(year=year, source_document=source_document, loaded_by=actor))


@transaction.atomic
def calendar_year_delete(*, actor: User, pk: int) -> CalendarYear:
    """Mark a year's schedule not loaded any more (its days stay in the calendar): its deadlines are flagged again.
    Returns the row as it was (its pk gone), for the message that names its year.

    Side effects: the CalendarYear row is deleted; an audit entry (calendaryear.delete).
    Raises: PermissionDenied unless the actor may delete calendar years (checked before anything is read);
    CalendarYear.DoesNotExist when the year is not marked loaded (never was, or was just unmarked by someone else:
    the page answers 404).
    """
    if not may_ever(actor, CalendarYear, "delete"):
        raise PermissionDenied
    loaded = CalendarYear.objects.restrict(actor, "delete").select_for_update().get(pk=pk)
    audit(actor=actor, action="calendaryear.delete", instance=loaded, before=snapshot(loaded))
    loaded.delete()
    return loaded
