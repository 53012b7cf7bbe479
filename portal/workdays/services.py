"""Writes to the city's calendar (issue 14), shared by the page, the API and the admin (STYLE.md B1, rule of two).

Only the city's staff hold the permissions (portal/accounts/roles.py). Nothing is cached, so nothing is
invalidated: every deadline computed after the commit counts with the change (portal/workdays/schedule.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from portal.core.audit import audit, snapshot
from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from portal.core.services import record_save
from portal.workdays.models import CalendarDay, CalendarYear
from portal.workdays.schedule import shipped_years

if TYPE_CHECKING:
    from portal.accounts.models import User

__all__ = ["calendar_day_delete", "calendar_day_save", "calendar_year_delete", "calendar_year_save"]


def calendar_day_save(*, actor: User, instance: CalendarDay, source: str = AuditEntry.Source.WEB) -> CalendarDay:
    """Add a day to the city's calendar, or change one (`instance`, new or changed in memory): a public holiday or a
    make-up working day, overriding the shipped schedule for that day.

    Side effects: the row; an audit entry (calendarday.create / calendarday.update).
    Raises: ValidationError (a day outside 2000 to 2100 or already entered, no source document); PermissionDenied
    unless the actor may add (change) calendar days, which rolls the write back.
    """
    return record_save(actor=actor, instance=instance, source=source)


@transaction.atomic
def calendar_day_delete(*, actor: User, pk: int, source: str = AuditEntry.Source.WEB) -> None:
    """Take a day out of the city's calendar: the shipped schedule (or Monday to Friday) holds for it again.

    Side effects: the row is deleted; an audit entry (calendarday.delete) keeps what it said.
    Raises: CalendarDay.DoesNotExist unless the actor may delete it.
    """
    entry = CalendarDay.objects.restrict(actor, "delete").select_for_update().get(pk=pk)
    audit(actor=actor, action="calendarday.delete", instance=entry, before=snapshot(entry), source=source)
    entry.delete()


@transaction.atomic
def calendar_year_save(*, actor: User, year: int, source_document: str,
                       source: str = AuditEntry.Source.WEB) -> CalendarYear:
    """Mark the schedule of `year` loaded: its holidays and make-up working days are in the calendar, from the State
    Council's notice `source_document`; its deadlines are no longer flagged as counted Monday to Friday.

    Side effects: the CalendarYear row (loaded by the actor); an audit entry (calendaryear.create).
    Raises: DomainError (code "shipped": the portal ships that year's schedule; code "no_days": none of its days
    is in the calendar yet); ValidationError (a year outside 2000 to 2100, already loaded, no source document);
    PermissionDenied unless the actor may add calendar years.
    """
    if year in shipped_years():
        raise DomainError(_("The State Council's schedule of {year} ships with the portal; it needs no loading. "
                            "Enter a day only to correct it.").format(year=year), code="shipped")
    if not CalendarDay.objects.filter(day__year=year).exists():
        raise DomainError(_("Enter the holidays and make-up working days of {year} first, from the State Council's "
                            "notice.").format(year=year), code="no_days", fields={"year": [_("No day of this year "
                                                                                             "is in the calendar.")]})
    return record_save(actor=actor, instance=CalendarYear(year=year, source_document=source_document, loaded_by=actor),
                       source=source)


@transaction.atomic
def calendar_year_delete(*, actor: User, pk: int, source: str = AuditEntry.Source.WEB) -> None:
    """Mark a year's schedule not loaded any more (its days stay in the calendar): its deadlines are flagged again.

    Side effects: the CalendarYear row is deleted; an audit entry (calendaryear.delete).
    Raises: CalendarYear.DoesNotExist unless the actor may delete it.
    """
    loaded = CalendarYear.objects.restrict(actor, "delete").select_for_update().get(pk=pk)
    audit(actor=actor, action="calendaryear.delete", instance=loaded, before=snapshot(loaded), source=source)
    loaded.delete()
