"""Plausibility of an admission request (issue 15): what staff should look at again after saving; never refused."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from tasks_registry.models import AdmissionRequest

FAR_START_YEARS = 2


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
    return _("Saved. Please check: %(warnings)s") % {"warnings": " ".join(warnings)}
