"""Durable background jobs (issue 12): a job is a row in the database before it is a message to a worker.

The row is the truth and the message only says "run the current step of row N", so a message may be lost,
refused or delivered twice without losing or doubling a job:

- **Sending** (`send`, `send_on_commit`): a broker that refuses the message never fails the request. The
  row stays queued with `sent_at` empty, its page says that it waits for the queue, and the sweep sends it
  when the broker is back.
- **Claiming** (`claim`): a worker holds the job while it runs a step. On PostgreSQL that is a session
  advisory lock on (the job's model, pk), which the server frees when the holder's connection ends, so a
  worker that died frees it too. A delivery that cannot take the lock runs nothing (`JobBusy`: the task
  looks again later, then drops the message); one that takes it runs the step from "queued", or again from
  "running" when the previous runner died, at most `PORTAL_JOBS["max_attempts"]` times.
- **Sweeping** (`sweep`: every minute from beat, and when a worker starts): queued jobs without a live
  message (never sent, or sent longer ago than `resend_after`) are sent again; running jobs whose runner is
  gone are queued and sent again, or, after `max_attempts` runs, given up with a message the user can read.
- **Retry and cancel** (each app's services) act only on a job nobody runs (`hold`).

On SQLite (the embedded default, eager Celery) steps run inside the request: no lock is taken, and a
running job counts as stopped once it has run longer than `running_limit`.

A job model subclasses `Job` and declares what the sweep needs (see `Job`); the sweep finds them all.
"""

from __future__ import annotations

import contextlib
import logging
import zlib
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any, ClassVar, TypeVar

import kombu.exceptions
import redis.exceptions
from celery.utils.time import get_exponential_backoff_interval
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when a message is published: kombu wraps the transport's
# connection errors in OperationalError after its retries; the rest is what a transport may let through.
# A Redis that answers but refuses the write (out of memory under "noeviction") is a refusal too.
BROKER_ERRORS = (kombu.exceptions.KombuError, redis.exceptions.RedisError, OSError)
# Database errors worth another try (a restart, a dropped connection, a deadlock): the task retries them.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# The options of every job task: late acks, a message back in the queue when its worker process dies, and
# retries of transient errors with exponential backoff and full jitter (ENGINEERING §3). The backoff ceiling
# stays well below the broker's visibility timeout (portal/settings/celery.py).
TASK_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


class JobBusy(Exception):
    """Another live process runs a step of this job now."""


class Job(models.Model):
    """The bookkeeping of a durable job, for a model that also has `status` and `started_at` (empty while the
    job waits, the start of the step being run otherwise).

    A subclass declares:
    - `job_statuses`: the statuses of a job not finished (queued or running);
    - `job_task`: the Celery task that runs a step (its dotted path, which is also its name), called with
      `job_args()`;
    - `job_queued`, `job_running`: the fields (besides started_at) set when the job is queued again and when a
      worker starts a step;
    - `job_give_up`: the dotted path of the service that fails the job with a message, called as
      `give_up(job=job, message=message)`; it does nothing to a job already finished.
    """

    sent_at = models.DateTimeField(_("sent to the queue at"), null=True, blank=True,
                                   help_text=_("Empty: the queue has not taken the job's message."))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0,
                                                help_text=_("How many times a worker started the job."))

    job_statuses: ClassVar[tuple[str, ...]] = ()
    job_task: ClassVar[str] = ""
    job_queued: ClassVar[dict[str, Any]] = {}
    job_running: ClassVar[dict[str, Any]] = {}
    job_give_up: ClassVar[str] = ""

    class Meta:
        abstract = True

    def job_args(self) -> tuple:
        """The task's arguments for the job's current step."""
        return (self.pk,)

    @property
    def job_in_flight(self) -> bool:
        return self.status in self.job_statuses  # type: ignore[attr-defined]

    @property
    def job_state(self) -> str:
        """What the job's page says about it: see `state`."""
        return state(self)

    @property
    def job_without_worker(self) -> bool:
        """A job in the queue while no worker runs (their heartbeats stopped): its page says it starts when one
        does, rather than only spinning. False when nobody can tell (portal.core.heartbeat.any_alive)."""
        from portal.core import heartbeat  # inside: the worker's bootstep module, read only for pages

        return self.job_state == QUEUED and heartbeat.any_alive() is False


JobModel = TypeVar("JobModel", bound=Job)


def job_models() -> list[type[Job]]:
    """Every concrete job model of the project."""
    return [model for model in apps.get_models() if issubclass(model, Job)]


def _option(name: str) -> int:
    return int(settings.PORTAL_JOBS[name])


def _in_flight(model: type[Job]) -> Q:
    return Q(status__in=model.job_statuses)


# --- locks -----------------------------------------------------------------------------------------------------
def _key(model: type[Job], pk: int) -> tuple[int, int]:
    """The advisory lock's two int4 keys: the model (a CRC of its label, signed) and the row."""
    kind = zlib.crc32(f"job:{model._meta.label_lower}".encode())
    return (kind - 2**32 if kind >= 2**31 else kind, int(pk) % 2**31)


def _locks() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def _session_lock(model: type[Job], pk: int) -> Iterator[bool]:
    """Try to hold the job for this database session until the block ends; yields whether it is held.

    The server frees the lock when the session ends; `client_connection_check_interval` (portal/settings/base.py)
    makes it notice a dead worker within a second, even in the middle of a long statement."""
    if not _locks():
        yield True
        return
    key = _key(model, pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", key)
        held = bool(cursor.fetchone()[0])
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", key)
            except DatabaseError:  # the connection is gone, and the lock with it
                logger.warning("job %s %s: could not release its lock", model._meta.label_lower, pk, exc_info=True)


def hold(job: Job) -> bool:
    """Whether no runner holds `job`; if so, nobody can start it until the current transaction ends.
    For retry, cancel and the sweep, inside `transaction.atomic()`."""
    if not _locks():
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", _key(type(job), job.pk))
        return bool(cursor.fetchone()[0])


def runner_alive(job: Job) -> bool:
    """Whether a live process runs a step of `job` now (a look, no lock taken). On SQLite: whether it started
    less than `running_limit` seconds ago."""
    if job.started_at is None or not job.job_in_flight:  # type: ignore[attr-defined]
        return False
    if not _locks():
        return job.started_at > timezone.now() - timedelta(seconds=_option("running_limit"))  # type: ignore[attr-defined]
    kind, row = _key(type(job), job.pk)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND classid::bigint = %s AND objid::bigint = %s)", [kind % 2**32, row])
        return bool(cursor.fetchone()[0])


# --- states ----------------------------------------------------------------------------------------------------
WAITING, QUEUED, RUNNING, STALLED = "waiting", "queued", "running", "stalled"


def state(job: Job) -> str:
    """What a job's page tells the user, for a job not finished ("" for one that is):
    "waiting" (the queue has not taken its message: it starts when the queue is back), "queued", "running",
    or "stalled" (its message is long gone, or its runner stopped: the sweep sends it again, or the user may
    retry or cancel it)."""
    if not job.job_in_flight:
        return ""
    if job.started_at is None:  # type: ignore[attr-defined]
        if job.sent_at is None:
            return WAITING
        return STALLED if job.sent_at < timezone.now() - timedelta(seconds=_option("resend_after")) else QUEUED
    return RUNNING if runner_alive(job) else STALLED


# --- sending ---------------------------------------------------------------------------------------------------
def send(job: Job) -> bool:
    """Send the message of the job's current step. True when the broker took it (`sent_at` is now); False when
    the broker refused it: `sent_at` is emptied, the refusal logged, and the job waits for the sweep.

    On the embedded default (eager Celery) the step runs here and now. Raises: nothing for a broker fault."""
    model = type(job)
    try:
        import_string(model.job_task).apply_async(job.job_args())
    except BROKER_ERRORS:
        logger.warning("job %s %s: the broker refused its message; it waits for the queue", model._meta.label_lower,
                       job.pk, exc_info=True)
        model._default_manager.filter(pk=job.pk).update(sent_at=None)
        job.sent_at = None
        return False
    now = timezone.now()
    model._default_manager.filter(pk=job.pk).update(sent_at=now)
    job.sent_at = now
    return True


def send_on_commit(job: Job) -> None:
    """Send the job's message once the current transaction commits (workers never see uncommitted rows)."""
    transaction.on_commit(lambda: send(job))


# --- running ---------------------------------------------------------------------------------------------------
@contextlib.contextmanager
def claim(model: type[JobModel], pk: int, **where: Any) -> Iterator[JobModel | None]:
    """Run a step of job `pk` in the with-block, holding the job for this process until the block ends.

    Yields the row, marked running (started_at now, attempts + 1, and the model's `job_running`), or None when
    there is nothing to run: the job is finished, does not match `where` (the step is not its current one),
    or has used its attempts (it is then given up, with a message).
    Raises: JobBusy when another live process runs it. A transient database error raised in the block puts
    the job back in the queue (when the database still answers) and goes on, for the task's retry.
    """
    manager = model._default_manager
    with _session_lock(model, pk) as held:
        if not held:
            raise JobBusy(f"{model._meta.label_lower} {pk} is running elsewhere")
        job = manager.filter(_in_flight(model), pk=pk, **where).first()
        if job is not None and job.attempts >= _option("max_attempts"):
            give_up(job, _worn_out(job))
            job = None
        if job is None:
            yield None
            return
        manager.filter(pk=pk).update(started_at=timezone.now(), attempts=F("attempts") + 1, **model.job_running)
        job.refresh_from_db()
        try:
            yield job
        except TRANSIENT_ERRORS:
            with contextlib.suppress(DatabaseError):
                manager.filter(_in_flight(model), pk=pk).update(started_at=None, **model.job_queued)
            raise


def _worn_out(job: Job) -> str:
    return gettext(
        "This job was started {attempts} times and stopped each time before it finished (a worker stopped, or it "
        "ran out of time). It was given up: start it again, and tell the administrators if it keeps happening."
    ).format(attempts=job.attempts)


def give_up(job: Job, message: str) -> None:
    """Fail the job with `message` (translated, for its page), through its model's service."""
    logger.warning("job %s %s given up: %s", type(job)._meta.label_lower, job.pk, message)
    import_string(type(job).job_give_up)(job=job, message=message)


def run_step(task: Any, step: Callable[[], object]) -> None:
    """The body of a job task: run `step()`. A step busy elsewhere is looked at again later with backoff, and
    dropped once the task's retries are used (its runner finishes it, or the sweep finds it stopped)."""
    try:
        step()
    except JobBusy as busy:
        if task.request.retries >= task.max_retries:
            logger.info("%s: still busy after %s tries, dropped", busy, task.request.retries)
            return
        raise task.retry(exc=busy, countdown=get_exponential_backoff_interval(
            factor=TASK_OPTIONS["retry_backoff"], retries=task.request.retries,
            maximum=TASK_OPTIONS["retry_backoff_max"], full_jitter=True)) from None


# --- the sweep -------------------------------------------------------------------------------------------------
def sweep(*, batch: int = 200) -> dict[str, int]:
    """Send again what waits without a live message, revive or give up what runs without a runner.

    Per job model: queued jobs never sent, or sent more than `resend_after` seconds ago, are sent; running jobs
    whose runner is gone (on SQLite: running longer than `running_limit`) are queued and sent again, or given
    up after `max_attempts` runs. At most `batch` of each per model and call.
    Returns counts: {"sent": n, "requeued": n, "given_up": n}. Raises: nothing for a broker fault.
    """
    counts = {"sent": 0, "requeued": 0, "given_up": 0}
    stale = timezone.now() - timedelta(seconds=_option("resend_after"))
    for model in job_models():
        manager = model._default_manager
        waiting = manager.filter(_in_flight(model), started_at__isnull=True).filter(
            Q(sent_at__isnull=True) | Q(sent_at__lt=stale)).order_by("pk")[:batch]
        for job in waiting:
            if not send(job):
                return counts  # the broker is down: every other send would wait its timeout too; next sweep
            counts["sent"] += 1
        running = manager.filter(_in_flight(model), started_at__isnull=False).order_by("pk")[:batch]
        for job in running:
            outcome = _revive(job)
            if outcome:
                counts[outcome] += 1
    if any(counts.values()):
        logger.info("jobs sweep: %s", counts)
    return counts


def _revive(job: Job) -> str | None:
    """A running job without a live runner: queued and sent again, or given up after its attempts."""
    model = type(job)
    with transaction.atomic():
        alive = not hold(job) if _locks() else runner_alive(job)
        if alive:
            return None
        job = model._default_manager.select_for_update().filter(_in_flight(model), started_at__isnull=False,
                                                                  pk=job.pk).first()
        if job is None:
            return None
        if job.attempts >= _option("max_attempts"):
            give_up(job, _worn_out(job))
            return "given_up"
        model._default_manager.filter(pk=job.pk).update(started_at=None, **model.job_queued)
        job.refresh_from_db()
        send_on_commit(job)
    return "requeued"


def requeue(job: Job, *, send: bool = True) -> None:
    """Queue `job` again from the start of its step, with its attempts counted afresh: a user's retry, or a new
    step of the same job. Sends it on commit unless `send` is False (the caller runs or sends the step itself).
    The caller holds the job (`hold`, or a row lock) inside a transaction."""
    type(job)._default_manager.filter(pk=job.pk).update(started_at=None, attempts=0, sent_at=None, **job.job_queued)
    job.refresh_from_db()
    if send:
        send_on_commit(job)
