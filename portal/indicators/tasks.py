"""Celery entry points of the indicators: thin, the computation is in services.py."""


from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from portal.indicators.models import ComputationRun


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def compute_indicators(run_id: int) -> None:
    """Carry out a queued ComputationRun; a second delivery finds it done and does nothing."""
    from portal.indicators.services import run_computation  # inside: the service enqueues this task

    run = ComputationRun.objects.filter(pk=run_id).first()
    if run is not None:
        run_computation(run)


@shared_task
def compute_recent_years() -> None:
    """Nightly (CELERY_BEAT_SCHEDULE): the current and the previous year, as the dashboards show them."""
    from portal.indicators.services import start_run  # inside: the service enqueues the computation task

    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        start_run(year=year, trigger=ComputationRun.Trigger.SCHEDULE)


