"""Celery entry points of the organisation data: thin, the logic is in the services they call."""

from celery import shared_task

from committees.interchange.services import org_import_run
from portal.core import jobs


@shared_task(**jobs.TASK_OPTIONS)
def run_org_import(self, pk: int, step: str) -> None:  # noqa: ANN001
    """Check or apply an uploaded organisation import, a durable job (portal/core/jobs.py): a delivery of a step
    another worker runs waits for it, one of a finished step does nothing, one whose worker died runs it again."""
    jobs.run_step(self, lambda: org_import_run(pk=pk, step=step))
