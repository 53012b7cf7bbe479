"""Workers' heartbeats, kept in the broker's Redis for /health/ (issue 12).

A consumer bootstep (Heartbeat, added to the app in portal/celery.py) stores the time every INTERVAL seconds
while the worker consumes, in one sorted set of the broker's Redis: member = the worker's node name
("celery@host"), score = Unix time in seconds (the worker's clock; /health/ compares with its own). It
leaves the set when the consumer stops (warm or cold shutdown, or a lost broker connection). /health/ reads
the ages.

Why not `app.control.ping()`: it broadcasts and then waits its whole timeout for answers, on every health
check; a beat is one ZADD every few seconds and a read one ZRANGE, and a beat proves the consumer's loop runs.
Why not Celery's event heartbeat (the `heartbeat_sent` signal): `--without-heartbeat` silences it, and the
signal does not say whether it is a beat or the worker's goodbye. Why the broker's Redis and not the cache:
the worker cannot work without the broker anyway, and the cache may be per-process (LocMemCache).
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

import redis
from celery import bootsteps
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

KEY = "portal:worker-heartbeats"
FORGET_AFTER = 24 * 3600  # seconds: a worker gone for a day leaves the set
INTERVAL = 5.0  # seconds between two beats
TIMEOUT = 0.5  # seconds, connecting and per command: a beat never holds up the worker's loop for long


def broker_redis() -> redis.Redis | None:
    """A client for the broker's Redis (short timeouts, one immediate retry), or None without a Redis broker."""
    url = settings.CELERY_BROKER_URL or ""
    return _client(url) if url.startswith(("redis://", "rediss://")) else None


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT, retry=Retry(NoBackoff(), 1))


def beat(name: str, *, now: float | None = None) -> None:
    """Record that worker `name` is alive now. Raises redis.RedisError when the broker does not answer."""
    client = broker_redis()
    if client is None:
        return
    now = time.time() if now is None else now
    pipe = client.pipeline(transaction=False)
    pipe.zadd(KEY, {name: now})
    pipe.zremrangebyscore(KEY, "-inf", now - FORGET_AFTER)
    pipe.execute()


def ages(*, now: float | None = None) -> dict[str, float]:
    """{worker node name: seconds since its last beat}, freshest first. Raises redis.RedisError when the broker
    does not answer; {} without a Redis broker."""
    client = broker_redis()
    if client is None:
        return {}
    now = time.time() if now is None else now
    rows = client.zrevrange(KEY, 0, -1, withscores=True)
    return {name.decode(): max(0.0, now - score) for name, score in rows}


STALE_AFTER = 30.0  # seconds: a worker whose last beat is older counts as stopped (six beats missed)


def any_alive() -> bool | None:
    """Whether some worker beat within STALE_AFTER seconds: True, False, or None when nobody can tell (no Redis
    broker: tasks run in-process; or the broker does not answer). For pages that say why a job does not start."""
    try:
        return any(age <= STALE_AFTER for age in ages().values()) if broker_redis() is not None else None
    except redis.RedisError:
        return None


def forget(name: str) -> None:
    """Worker `name` has stopped. Raises redis.RedisError when the broker does not answer."""
    client = broker_redis()
    if client is not None:
        client.zrem(KEY, name)


class Heartbeat(bootsteps.StartStopStep):
    """Consumer step: beats on the worker's own timer while the consumer runs, leaves the set when it stops.
    A broker that does not answer is logged, never raised: the worker's loop must go on."""

    def __init__(self, parent: Any, **kwargs: Any) -> None:  # noqa: ANN401
        super().__init__(parent, **kwargs)
        self.tref = None

    def start(self, c: Any) -> None:  # noqa: ANN401
        self._safely(beat, c.hostname)
        self.tref = c.timer.call_repeatedly(INTERVAL, self._safely, (beat, c.hostname))

    def stop(self, c: Any) -> None:  # noqa: ANN401
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
        self._safely(forget, c.hostname)

    shutdown = stop

    @staticmethod
    def _safely(action: Any, name: str) -> None:  # noqa: ANN401
        try:
            action(name)
        except redis.RedisError as error:
            logger.warning("worker heartbeat: %s(%s) failed: %s", action.__name__, name, error)
