"""Durable jobs (portal/core/jobs.py, issue 12): claiming a job, the sweep, the states a page shows, the settings.

A "live runner" is another database session holding the job's lock, as a worker running it does; a dead one is a
session that took the lock and went away. The broker is the suite's Redis; the fault tests (tests/faults/) stop
a private one and kill a real worker.
"""

import datetime

import pytest
from celery.exceptions import Retry
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.module_loading import import_string

from committees.models import OrgImport
from portal.celery import app
from portal.core import jobs
from portal.core.models import AuditEntry
from portal.core.tasks import jobs_sweep
from portal.indicators.models import ComputationRun, Result
from portal.indicators.services import run_computation
from portal.indicators.tasks import compute_indicators
from tests.support.factories import CommitteeYearFactory, ComputationRunFactory, OrgImportFactory
from tests.support.jobs import Runner, broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def purge():  # noqa: ANN201
    """The messages these tests send go to the suite's broker, which no worker reads here: cleared after."""
    yield
    app.control.purge()


def _run(**fields) -> ComputationRun:  # noqa: ANN003
    defaults = {"status": "queued", "started_at": None, "finished_at": None, "progress": 0}
    return ComputationRunFactory(**{**defaults, **fields})


def _ago(seconds: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=seconds)


# --- claiming -------------------------------------------------------------------------------------------------
def test_a_queued_run_is_claimed_run_and_counted(world) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing)
    run = run_computation(_run())
    assert run.status == "done" and run.attempts == 1 and run.started_at and run.result_count > 0


def test_a_second_delivery_while_a_live_worker_runs_it_does_nothing(world) -> None:  # noqa: ANN001
    run = _run(status="running", started_at=timezone.now(), attempts=1, progress=10)
    runner = Runner(run)
    try:
        with pytest.raises(jobs.JobBusy):
            run_computation(run)
        # Through the task: it looks again later (with backoff), and drops the message after its last try.
        with pytest.raises(Retry):
            compute_indicators.apply(args=[run.pk])
        assert compute_indicators.apply(args=[run.pk], retries=compute_indicators.max_retries).successful()
        run.refresh_from_db()
        assert (run.status, run.attempts, run.progress) == ("running", 1, 10)
        assert not Result.objects.exists()
        assert run.job_state == jobs.RUNNING
    finally:
        runner.die()


def test_a_delivery_after_the_worker_died_runs_it_again(world) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing)
    run = _run(status="running", started_at=_ago(60), attempts=1, progress=10)
    Runner(run).die()  # it took the job, then its process went away
    assert run.job_state == jobs.STALLED
    run = run_computation(run)
    assert run.status == "done" and run.attempts == 2 and run.result_count == Result.objects.filter(year=2025).count()


def test_a_finished_run_delivered_again_is_left_alone(world) -> None:  # noqa: ANN001
    run = ComputationRunFactory(result_count=7)
    assert run_computation(run).result_count == 7
    run.refresh_from_db()
    assert run.attempts == 0 and not Result.objects.exists()


def test_a_run_that_keeps_killing_its_worker_is_given_up_with_a_readable_message(world, settings) -> None:  # noqa: ANN001
    settings.PORTAL_JOBS = {**settings.PORTAL_JOBS, "max_attempts": 3}
    run = _run(status="running", started_at=_ago(60), attempts=3)
    run = run_computation(run)
    assert run.status == "failed" and run.attempts == 3 and not Result.objects.exists()
    assert "已开始执行 3 次" in run.error and "已放弃" in run.error
    assert AuditEntry.objects.get(action="computationrun.give_up").object_id == str(run.pk)


# --- the sweep ------------------------------------------------------------------------------------------------
def test_the_sweep_sends_jobs_waiting_without_a_live_message(world, settings, purge) -> None:  # noqa: ANN001
    settings.PORTAL_JOBS = {**settings.PORTAL_JOBS, "resend_after": 600}
    never_sent = _run()
    lost = _run(sent_at=_ago(601))
    fresh = _run(sent_at=_ago(5))
    done = ComputationRunFactory()
    assert never_sent.job_state == jobs.WAITING and lost.job_state == jobs.STALLED and fresh.job_state == jobs.QUEUED
    assert jobs.sweep() == {"sent": 2, "requeued": 0, "given_up": 0}
    for run in (never_sent, lost, fresh, done):
        run.refresh_from_db()
    assert never_sent.sent_at > _ago(5) and lost.sent_at > _ago(5) and fresh.sent_at < _ago(4)
    assert done.sent_at is None and never_sent.status == lost.status == "queued"


def test_the_sweep_queues_again_a_run_whose_worker_died_and_leaves_a_live_one(
        world, purge, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    dead = _run(status="running", started_at=_ago(60), attempts=1, progress=10)
    alive = _run(status="running", started_at=_ago(60), attempts=1, progress=10)
    Runner(dead).die()
    runner = Runner(alive)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert jobs.sweep() == {"sent": 0, "requeued": 1, "given_up": 0}
        dead.refresh_from_db()
        alive.refresh_from_db()
        assert (dead.status, dead.started_at, dead.progress, dead.attempts) == ("queued", None, 0, 1)
        assert dead.sent_at is not None
        assert (alive.status, alive.sent_at) == ("running", None)
    finally:
        runner.die()


def test_the_sweep_gives_up_after_the_last_attempt(world, settings, purge) -> None:  # noqa: ANN001
    settings.PORTAL_JOBS = {**settings.PORTAL_JOBS, "max_attempts": 2}
    run = _run(status="running", started_at=_ago(60), attempts=2)
    assert jobs.sweep() == {"sent": 0, "requeued": 0, "given_up": 1}
    run.refresh_from_db()
    assert run.status == "failed" and run.finished_at and "已开始执行 2 次" in run.error


def test_the_sweep_gives_up_an_import_step_with_its_reason_in_the_report(world, district_staff, settings,
                                                                       purge) -> None:  # noqa: ANN001
    settings.PORTAL_JOBS = {**settings.PORTAL_JOBS, "max_attempts": 1}
    org_import = OrgImportFactory(district=world.huangpu, actor=district_staff, status="applying",
                                  started_at=_ago(60), attempts=1, file=ContentFile(b"x", name="stuck.csv"))
    stored = org_import.file.name
    assert org_import.file.storage.exists(stored)
    assert jobs.sweep()["given_up"] == 1
    org_import.refresh_from_db()
    assert org_import.status == "failed" and org_import.error_count == 1
    assert "已开始执行 1 次" in org_import.errors[0]["message"]
    assert not org_import.file and AuditEntry.objects.filter(action="orgimport.fail").exists()


def test_confirming_a_checked_file_starts_the_import_as_a_new_job(world, district_staff, settings) -> None:  # noqa: ANN001
    """The check's start and attempts are not the import's: right after confirming, the page shows no stopped job,
    and the import step gets all its attempts (review of issue 12: it was given up unrun with max_attempts=1)."""
    from committees.interchange.services import org_import_confirm

    settings.PORTAL_JOBS = {**settings.PORTAL_JOBS, "max_attempts": 1}
    checked = OrgImportFactory(district=world.huangpu, actor=district_staff, status="valid", started_at=_ago(60),
                               attempts=1, sent_at=_ago(60), file=ContentFile(b"x", name="checked.csv"))
    org_import_confirm(actor=district_staff, pk=checked.pk)
    checked.refresh_from_db()
    assert (checked.status, checked.attempts, checked.started_at) == ("applying", 0, None)
    assert checked.job_state in (jobs.WAITING, jobs.QUEUED)
    with jobs.claim(OrgImport, checked.pk, status="applying") as claimed:
        assert claimed is not None and claimed.attempts == 1
    assert AuditEntry.objects.filter(action="orgimport.confirm", object_id=str(checked.pk)).exists()


def test_the_sweep_never_fails_when_the_broker_refuses(world, settings) -> None:  # noqa: ANN001
    run = _run()
    with broker("redis://127.0.0.1:1/0"):  # nobody listens on port 1
        assert jobs.sweep()["sent"] == 0
    run.refresh_from_db()
    assert run.sent_at is None and run.job_state == jobs.WAITING


# --- settings ---------------------------------------------------------------------------------------------------
def test_delivery_settings_keep_a_job_until_it_is_done() -> None:
    assert settings.CELERY_TASK_ACKS_LATE and settings.CELERY_TASK_REJECT_ON_WORKER_LOST
    assert settings.CELERY_WORKER_PREFETCH_MULTIPLIER == 1
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT < visibility <= 3600
    assert jobs.TASK_OPTIONS["retry_backoff_max"] < visibility and jobs.TASK_OPTIONS["max_retries"] == 5
    # What the worker really uses (celery#7651: the setting was not always honoured).
    assert app.conf.broker_transport_options["visibility_timeout"] == visibility
    assert app.conf.task_reject_on_worker_lost and app.conf.task_acks_late
    task = app.tasks["portal.indicators.tasks.compute_indicators"]
    assert task.acks_late and task.reject_on_worker_lost and task.retry_jitter and task.max_retries == 5


def test_the_sweep_runs_every_minute() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["jobs-sweep"]
    assert entry["task"] == jobs_sweep.name
    assert entry["schedule"] == datetime.timedelta(seconds=settings.PORTAL_JOBS["sweep_every"]) <= datetime.timedelta(
        minutes=1)


def test_both_kinds_of_background_work_are_durable_jobs() -> None:
    assert set(jobs.job_models()) == {ComputationRun, OrgImport}
    for model in jobs.job_models():
        assert import_string(model.job_task).name == model.job_task and model.job_statuses
