"""Celery entry points of the indicators: thin, the computation is in services.py."""

import contextlib

from celery import shared_task
from django.utils import timezone

from portal.core import jobs
from portal.core.exceptions import DomainError
from portal.indicators import services
from portal.indicators.models import ComputationRun


@shared_task(**jobs.TASK_OPTIONS)
def compute_indicators(self, run_id: int) -> None:  # noqa: ANN001
    """Carry out a queued ComputationRun (a durable job, portal/core/jobs.py): a delivery of a run another
    worker is running waits for it, one of a finished run does nothing, one of a run whose worker died runs it
    again. A failed computation is recorded on the run, not raised again."""
    jobs.run_step(self, lambda: _compute(run_id))


def _compute(run_id: int) -> None:
    run = ComputationRun.objects.filter(pk=run_id).first()
    if run is None:
        return
    try:
        services.run_computation(run)
    except (jobs.JobBusy, *jobs.TRANSIENT_ERRORS):
        raise
    except Exception:  # noqa: BLE001 - recorded on the run and logged by run_computation
        return


@shared_task(**jobs.TASK_OPTIONS)
def compute_recent_years(self) -> None:  # noqa: ANN001
    """Nightly (CELERY_BEAT_SCHEDULE): the current and the previous year, as the dashboards show them, when they
    have data. A second delivery joins the runs the first one started."""
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year):
        with contextlib.suppress(DomainError):  # a year without annual records: nothing to compute
            services.request_recompute(year=year, actor=None, trigger=ComputationRun.Trigger.SCHEDULE)
