"""Celery entry points of the organisation data: thin, the logic is in the services they call."""

from celery import shared_task
from django.db import OperationalError


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def run_org_import(pk: int, step: str) -> None:
    """Check or apply an uploaded organisation import; idempotent (see services.org_import_run)."""
    from committees.interchange.services import org_import_run  # inside: the service enqueues this task

    org_import_run(pk=pk, step=step)
