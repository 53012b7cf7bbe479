"""Celery entry points of task admission: the daily reminders (schedule in portal/settings/celery.py).
They call the services, as a command or a button would; nothing else lives here but when to run them.

The beat sends them every morning with `working_days_only=True`: nobody is reminded on a public holiday, and the
make-up working days (调休, a Saturday or Sunday) count (portal/workdays/schedule.py); crontab alone knows only
Monday to Friday. Sent by hand (or by a test) without it, they run whatever the day.
"""

from celery import shared_task
from django.utils import timezone

from portal.workdays.schedule import is_working_day
from tasks_registry.services.notices import admission_request_remind_overdue, task_list_remind_districts


@shared_task
def remind_overdue_reviews(*, working_days_only: bool = False) -> int:
    today = timezone.localdate()
    if working_days_only and not is_working_day(today):
        return 0
    return admission_request_remind_overdue(today=today)


@shared_task
def remind_district_lists(*, working_days_only: bool = False) -> int:
    """From 1 October: next year's list is due; from 1 January, while it is still missing: it is overdue."""
    today = timezone.localdate()
    if working_days_only and not is_working_day(today):
        return 0
    return task_list_remind_districts(today=today)
