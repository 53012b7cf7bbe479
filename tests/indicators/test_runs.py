"""Runs as they happen in production: a real Celery worker through Redis, two runs at once, after an import."""

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection

from committees.models import District
from portal.celery import app
from portal.indicators.models import ComputationRun, Result
from portal.indicators.services import compute_year, start_run
from portal.indicators.tasks import compute_recent_years
from tests.support.factories import CommitteeYearFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _wait(run: ComputationRun, seconds: float = 30) -> ComputationRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if not run.in_flight:
            return run
        time.sleep(0.1)
    raise AssertionError(f"run still {run.status}")


def test_a_real_worker_computes_a_queued_run(world, district_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, households=3300)
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        run = start_run(year=2025, trigger=ComputationRun.Trigger.BUTTON, actor=district_staff)
        run = _wait(run)
    assert run.status == "done" and run.triggered_by == district_staff and run.started_at and run.finished_at
    assert Result.objects.get(indicator="oversized_committees", scope="district", code="310101").numerator == 1
    assert run.result_count == Result.objects.filter(year=2025).count()


def test_two_runs_at_once_leave_one_consistent_result_set(world) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def compute() -> None:
        try:
            barrier.wait()
            compute_year(2025)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=compute) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    alone = Result.objects.filter(year=2025).count()
    compute_year(2025)
    # A flush between transactional tests may have removed the reference districts: count what is there.
    assert Result.objects.filter(year=2025).count() == alone == 4 * 6 + (3 + District.objects.count() + 1) * 7


def test_the_nightly_schedule_computes_this_year_and_last() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["indicators-nightly"]
    assert entry["task"] == compute_recent_years.name and entry["schedule"].hour == {2}
