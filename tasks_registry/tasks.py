"""Celery entry points of task admission: the daily reminders (schedule in portal/settings/celery.py).
They call the services, as a command or a button would; nothing else lives here."""

from celery import shared_task
from django.utils import timezone

from tasks_registry.services.notices import admission_request_remind_overdue, task_list_remind_districts


@shared_task
def remind_overdue_reviews() -> int:
    return admission_request_remind_overdue(today=timezone.localdate())


@shared_task
def remind_district_lists() -> int:
    """From 1 October: next year's list is due; from 1 January, while it is still missing: it is overdue."""
    return task_list_remind_districts(today=timezone.localdate())
