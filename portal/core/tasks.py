"""Celery entry points of the core: maintenance only, logic stays in the code they call."""

from typing import Any

from celery import shared_task
from celery.signals import worker_ready

from portal.core import jobs


@shared_task(**jobs.TASK_OPTIONS)
def sessions_clear_expired(self) -> None:  # noqa: ANN001
    """Delete expired login sessions (Django's clearsessions); idempotent."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()


@shared_task(**jobs.TASK_OPTIONS)
def jobs_sweep(self) -> dict[str, int]:  # noqa: ANN001
    """Every minute (CELERY_BEAT_SCHEDULE) and when a worker starts: send again the jobs waiting without a live
    message, revive or give up those whose worker stopped (portal/core/jobs.py). Idempotent: two sweeps at
    once send a message twice at worst, and a job runs once."""
    return jobs.sweep()


@worker_ready.connect
def sweep_jobs_when_a_worker_starts(sender: Any, **kwargs: Any) -> None:
    """A worker that starts picks up what waited, or stopped, while none ran."""
    jobs_sweep.apply_async()
