"""Celery entry points of the core: maintenance only, logic stays in the code they call."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def sessions_clear_expired() -> None:
    """Delete expired login sessions (Django's clearsessions); idempotent."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
