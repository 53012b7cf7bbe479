"""What a day of the calendar is, as every page says it (issue 14: the same status reads the same whether the
shipped schedule, the city's calendar or Monday to Friday says it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["DayStatus"]


class DayStatus(models.TextChoices):
    """`portal.workdays.schedule.day_status` decides it from whether people work, the weekday and the name."""

    WORKING = "working", _("working day")  # Monday to Friday, worked
    MAKE_UP = "make_up", _("make-up working day")  # Saturday or Sunday, worked (调休上班)
    HOLIDAY = "holiday", _("holiday")  # Monday to Friday off, or a Saturday or Sunday named as part of a holiday
    REST = "rest", _("rest day")  # an ordinary Saturday or Sunday off
