"""The city's calendar of working days (issue 14): what the State Council's schedule says where the portal does not
ship it yet (a new year, once its notice is published), or a correction of it.

Its own app, not portal.core's models: these models are scoped (ScopedModel), and the chokepoint's module imports
the core's grant tables (portal.core.scoping -> portal.core.grants -> portal.core.models).
How the rows are read for deadlines: portal/workdays/schedule.py.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.core.scoping import Action, ScopedModel

__all__ = ["YEAR_MAX", "YEAR_MIN", "CalendarDay", "CalendarYear", "validate_calendar_day"]

# The years the table may hold: the shipped schedule starts in 2004 (chinese-calendar), deadlines lie ahead.
# (The messages below name them.)
YEAR_MIN, YEAR_MAX = 2000, 2100
FIRST_DAY, LAST_DAY = datetime.date(YEAR_MIN, 1, 1), datetime.date(YEAR_MAX, 12, 31)
OUT_OF_RANGE = _("The calendar holds the years 2000 to 2100.")


def validate_calendar_day(value: datetime.date) -> None:
    """A day of the years the calendar holds (YEAR_MIN to YEAR_MAX); ValidationError otherwise."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(OUT_OF_RANGE, code="out_of_range")

# The calendar is the city's: everyone whose role reads it reads every row (no unit owns a day); writing is a
# role permission only the city's staff hold (portal/accounts/roles.py), so the default actions reach every row
# for them and none for anyone else.
_ACTIONS = {"view": Action(grant=None, shared=Q())}


class CalendarDay(ScopedModel):
    """One day of the State Council's schedule as the city entered it: a public holiday (not a working day) or a
    make-up working day (调休, often a Saturday or Sunday). It overrides the schedule shipped with the portal and
    the Monday-to-Friday rule for that day."""

    day = models.DateField(_("day"), unique=True, validators=[validate_calendar_day],
                           error_messages={"unique": _("This day is already in the calendar.")})
    is_working_day = models.BooleanField(_("working day"), help_text=_(
        "Ticked: people work that day (a make-up working day). Not ticked: a public holiday."))
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("For example 国庆节 or 国庆节调休上班."))
    source_document = models.CharField(_("source document"), max_length=200, help_text=_(
        "The State Council notice it comes from, for example 国办发明电〔2025〕7号."))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    actions = _ACTIONS

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(condition=Q(day__gte=FIRST_DAY) & Q(day__lte=LAST_DAY),
                                   name="calendar_day_in_range", violation_error_message=OUT_OF_RANGE),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.name}".strip()


class CalendarYear(ScopedModel):
    """A year whose whole schedule the city entered (its holidays and make-up working days, as CalendarDay rows)
    from the State Council's notice: its deadlines are then counted without the warning that the schedule is not
    loaded. A year the portal ships (chinese-calendar) needs none."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True,
                                            validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)],
                                            error_messages={"unique": _("This year's schedule is already loaded.")})
    source_document = models.CharField(_("source document"), max_length=200, help_text=_(
        "The State Council notice of the year's holidays, for example 国办发明电〔2025〕7号."))
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("loaded by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    actions = _ACTIONS

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=YEAR_MIN) & Q(year__lte=YEAR_MAX),
                                   name="calendar_year_in_range", violation_error_message=OUT_OF_RANGE),
        ]

    def __str__(self) -> str:
        return str(self.year)
