"""Helpers for the durable-job tests (portal/core/jobs.py, issue 12): another worker's database session, the
Celery app pointed at another broker, waiting for a job's status."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import kombu.pools
import psycopg
from django.db import connection

from portal.celery import app
from portal.core import jobs


def session() -> psycopg.Connection:
    """A session of its own on the test database (autocommit), as another process would have."""
    db = connection.settings_dict
    return psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                           dbname=db["NAME"], autocommit=True)


class Runner:
    """Another database session holding a job's lock, as the worker running it does; `die()` drops it, as the
    death of that worker does."""

    def __init__(self, job: jobs.Job) -> None:
        self.session = session()
        self.session.execute("SELECT pg_advisory_lock(%s, %s)", jobs._key(type(job), job.pk))

    def die(self) -> None:
        """The session ends; returns once the server has let it go (it does so on its own time)."""
        pid = self.session.info.backend_pid
        self.session.close()
        with session() as watcher:
            deadline = time.monotonic() + 10
            while watcher.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()[0]:
                assert time.monotonic() < deadline, "the server kept the session"
                time.sleep(0.01)


@contextlib.contextmanager
def broker(url: str) -> Iterator[None]:
    """Messages sent (and workers started with start_worker) in the block use the broker at `url`.

    The environment's CELERY_BROKER_URL wins over `app.conf.broker_url` (celery.app.utils.Settings), so the
    read and write URLs are set; the connection and producer pools are dropped on the way in and out."""
    def reset() -> None:
        kombu.pools.reset()  # closes the pools of every broker and forgets them
        app._pool = None
        app.amqp._producer_pool = None

    reset()
    app.conf.broker_read_url = app.conf.broker_write_url = url
    try:
        yield
    finally:
        reset()
        app.conf.broker_read_url = app.conf.broker_write_url = None


def wait_for(condition: Callable[[], object], seconds: float = 30, what: str = "the condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(0.05)
