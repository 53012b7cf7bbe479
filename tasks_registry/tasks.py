"""Celery entry points of task admission: the daily reminders (schedule in portal/settings/celery.py)."""

from celery import shared_task
from django.utils import timezone


@shared_task
def remind_overdue_reviews() -> int:
    from tasks_registry.notices import remind_overdue_reviews as remind

    return remind(timezone.localdate())


@shared_task
def remind_district_lists() -> int:
    """From 1 October: next year's list is due; from 1 January, while it is still missing: it is overdue."""
    from tasks_registry.notices import remind_district_lists as remind

    return remind(timezone.localdate())
