"""Plausibility (issue 15): what staff should look at again after saving an admission request, or after reporting a
dispatched task done; never refused."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.core.wording import sentences
from tasks_registry.models import AdmissionRequest, Dispatch

FAR_START_YEARS = 2
# Reported hours beyond this many times the hours the list declares for the months a task ran look like a slip.
HOURS_SPENT_FACTOR = 3


def _years_after(day: datetime.date, years: int) -> datetime.date:
    """`day` moved `years` calendar years on (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def admission_request_warnings(instance: AdmissionRequest, *, today: datetime.date | None = None) -> list[str]:
    """What looks wrong in one admission request, one sentence each ([] when nothing does). Pure: no query.

    A start more than FAR_START_YEARS (2) years after `today` (default: today in Shanghai)."""
    today = today or timezone.localdate()
    starts_on = instance.starts_on
    if starts_on is not None and starts_on > _years_after(today, FAR_START_YEARS):
        return [_("The start (%(date)s) is more than %(years)s years from today.") % {
            "date": starts_on.isoformat(), "years": FAR_START_YEARS}]
    return []


def plausibility_message(warnings: list[str]) -> str:
    """The one message a page shows after saving a request with `warnings` (non-empty): "Saved. Please check: …"."""
    return _("Saved. Please check: %(warnings)s") % {"warnings": sentences(*warnings)}


def dispatch_hours_warnings(dispatch: Dispatch) -> list[str]:
    """What looks wrong in the hours a task reported done took, one sentence each ([] when nothing does): more
    than HOURS_SPENT_FACTOR (3) times its item's declared hours per month over the calendar months it ran (its
    start's and due date's included). No query beyond the dispatch's item."""
    if dispatch.hours_spent is None:
        return []
    months = (dispatch.due_on.year - dispatch.starts_on.year) * 12 + dispatch.due_on.month - dispatch.starts_on.month + 1
    declared = dispatch.item.hours_per_month * months
    if dispatch.hours_spent <= declared * HOURS_SPENT_FACTOR:
        return []
    return [ngettext(
        "%(hours)s hours is more than %(factor)s times the %(declared)s hours the list declares for this task over "
        "the %(months)s month it ran: please check the figure.",
        "%(hours)s hours is more than %(factor)s times the %(declared)s hours the list declares for this task over "
        "the %(months)s months it ran: please check the figure.", months) % {
        "hours": f"{dispatch.hours_spent.normalize():f}", "factor": HOURS_SPENT_FACTOR,
        "declared": f"{declared.normalize():f}", "months": months}]
