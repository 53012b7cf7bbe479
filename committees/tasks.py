"""Celery entry points of the organisation data: thin, the logic is in the services they call."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_org_import(pk: int, step: str) -> None:
    """Check or apply an uploaded organisation import; idempotent (see services.run_step)."""
    from committees.interchange.services import run_step

    run_step(pk, step)
