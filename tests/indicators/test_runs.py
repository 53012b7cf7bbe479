"""Runs as they happen in production: a real Celery worker through Redis, two runs at once, after an import; a run
that waits or stopped, started again or cancelled from the dashboard (issue 12)."""

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from django.urls import reverse

from committees.models import District
from portal.celery import app
from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from portal.indicators.models import ComputationRun, Result
from portal.indicators.services import compute_year, run_computation, run_retry, start_run
from portal.indicators.tasks import compute_recent_years
from tests.support.factories import CommitteeYearFactory, ComputationRunFactory
from tests.support.jobs import Runner

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
    # The worker's writes are the task's, on behalf of who asked (issue 13).
    done = AuditEntry.objects.get(action="computationrun.complete")
    assert (done.source, done.actor) == ("task", district_staff)


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


# --- a run that waits or stopped (issue 12): started again or cancelled from the dashboard ----------------------
def _stalled_run(**fields) -> ComputationRun:  # noqa: ANN003
    """A run a worker took, then died running: its lock is gone, its status still says running."""
    run = ComputationRunFactory(status="running", finished_at=None, progress=10, attempts=1, **fields)
    Runner(run).die()
    return run


def _status(client, run: ComputationRun):  # noqa: ANN001, ANN202
    return client.get(reverse("dashboards:run_status", args=[run.pk]), headers={"HX-Request": "true"})


def test_a_stopped_run_is_said_so_and_started_again_by_a_worker(client, world, district_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, households=3300)
    run = _stalled_run()
    client.force_login(district_staff)
    page = _status(client, run)
    assert page.context["run"].job_state == "stalled"
    assert "本次计算已中断" in page.content.decode() and reverse("dashboards:run_retry", args=[run.pk]) in page.content.decode()
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        answer = client.post(reverse("dashboards:run_retry", args=[run.pk]), headers={"HX-Request": "true"})
        assert answer.status_code == 200 and answer.context["notice"] is None
        run = _wait(run)
    assert run.status == "done" and run.attempts == 1  # counted afresh by the retry
    assert Result.objects.get(indicator="oversized_committees", scope="district", code="310101").numerator == 1
    entry = AuditEntry.objects.get(action="computationrun.retry")
    assert entry.actor == district_staff and entry.object_id == str(run.pk)


def test_a_stopped_run_can_be_cancelled_and_a_late_message_then_does_nothing(client, world, district_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing)
    run = _stalled_run()
    client.force_login(district_staff)
    answer = client.post(reverse("dashboards:run_cancel", args=[run.pk]), headers={"HX-Request": "true"})
    run.refresh_from_db()
    assert run.status == "cancelled" and answer.context["finished_now"]
    assert "本次计算已取消" in answer.content.decode()
    assert AuditEntry.objects.get(action="computationrun.cancel").actor == district_staff
    assert run_computation(run).status == "cancelled" and not Result.objects.exists()


def test_a_run_a_worker_is_computing_can_be_neither_restarted_nor_cancelled(client, world, district_staff) -> None:  # noqa: ANN001
    run = ComputationRunFactory(status="running", finished_at=None, progress=10, attempts=1)
    runner = Runner(run)
    try:
        client.force_login(district_staff)
        assert _status(client, run).context["run"].job_state == "running"
        for action in ("run_retry", "run_cancel"):
            answer = client.post(reverse(f"dashboards:{action}", args=[run.pk]), headers={"HX-Request": "true"})
            assert answer.status_code == 200 and answer.context["notice"] == "后台进程正在计算该年度，请等待其完成。"
        run.refresh_from_db()
        assert (run.status, run.attempts) == ("running", 1)
    finally:
        runner.die()


def test_only_who_may_recompute_restarts_or_cancels_and_only_what_is_not_finished(client, world, street_officer,
                                                                                  district_staff) -> None:  # noqa: ANN001
    run, done = _stalled_run(), ComputationRunFactory()
    client.force_login(street_officer)  # reads the dashboards, does not recompute
    assert client.post(reverse("dashboards:run_retry", args=[run.pk])).status_code == 403
    assert client.post(reverse("dashboards:run_cancel", args=[run.pk])).status_code == 403
    client.force_login(district_staff)
    assert client.post(reverse("dashboards:run_retry", args=[run.pk + done.pk + 1000])).status_code == 404
    answer = client.post(reverse("dashboards:run_cancel", args=[done.pk]), headers={"HX-Request": "true"})
    assert answer.context["notice"] == "该次计算已经结束。"
    with pytest.raises(DomainError):
        run_retry(actor=district_staff, pk=done.pk)
    run.refresh_from_db()
    done.refresh_from_db()
    assert run.status == "running" and done.status == "done"


def test_a_queued_run_says_when_no_worker_is_running(client, world, district_staff) -> None:  # noqa: ANN001
    """The tryout of issue 12: with every worker stopped the button only spun. The page reads the workers'
    heartbeats (portal/core/heartbeat.py) and says the computation starts when one does."""
    from django.utils import timezone

    from portal.core import heartbeat

    run = ComputationRunFactory(status="queued", started_at=None, finished_at=None, progress=0, sent_at=timezone.now())
    client.force_login(district_staff)
    heartbeat.broker_redis().delete(heartbeat.KEY)  # no worker has beaten
    page = _status(client, run)
    assert page.context["run"].job_state == "queued" and page.context["run"].job_without_worker
    assert "当前没有运行中的后台处理程序" in page.content.decode()
    heartbeat.beat("celery@tryout")  # a worker is alive: the run simply waits its turn
    try:
        page = _status(client, run)
        assert not page.context["run"].job_without_worker and "后台处理程序" not in page.content.decode()
    finally:
        heartbeat.forget("celery@tryout")


def test_a_year_without_annual_records_is_not_computed(client, world, district_staff) -> None:  # noqa: ANN001
    """The tryout of issue 12: recompute on 2021's empty dashboard added a year of "missing" to every trend and
    projection. Refused with a message; the nightly run skips such a year too."""
    client.force_login(district_staff)
    answer = client.post(reverse("dashboards:recompute"), {"year": "2021"}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and answer.context["notice"] == "2021 年没有年度数据，无需计算。"
    assert not ComputationRun.objects.filter(year=2021).exists() and not Result.objects.filter(year=2021).exists()
    CommitteeYearFactory(committee=world.baoxing, year=2021)
    answer = client.post(reverse("dashboards:recompute"), {"year": "2021"}, headers={"HX-Request": "true"})
    assert answer.context["run"].year == 2021 and not answer.context.get("notice")
    app.control.purge()
