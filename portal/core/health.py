"""/health/: can the portal serve, and which of its dependencies answer (for the operator and compose).

Policy (issue 12, "Degrade, don't fail"): the database is the one dependency no page can do without.
- database answers → HTTP 200; "status" is "ok" when everything else answers too, else "degraded";
- database does not answer → HTTP 503, "status": "down" (compose marks the web container unhealthy).
A cache, broker or worker that is down is reported but leaves the answer 200: pages work without the cache
(it reads as a miss, settings.redis_cache), and a job started without a broker or worker waits for them.

Each check runs in a thread of its own with a deadline of CHECK_SECONDS, all at once, so the whole answer
comes within about that time whatever hangs. The JSON, every check with its own "status":

    {"status": "ok" | "degraded" | "down",
     "checks": {"database": {"status": "ok", "ms": 1.3},
                "cache":    {"status": "down", "error": "no round trip"},
                "broker":   {"status": "ok" | "down" | "not used", "ms": 0.4},
                "worker":   {"status": "ok" | "down" | "not used", "workers": 1, "age_s": 1.2}}}

"not used": the embedded default runs tasks in-process, with no broker and no worker. "error" is the
exception's class name only (this page is public); the full error goes to the log (logger portal.core.health).
A worker is alive when its heartbeat (portal/core/heartbeat.py) is at most WORKER_STALE_SECONDS old.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse

from portal.core import heartbeat

logger = logging.getLogger(__name__)

CHECK_SECONDS = 2.0  # deadline of every check (they run at once); compose's health check allows 5 s
WORKER_STALE_SECONDS = heartbeat.STALE_AFTER  # a beat older than this: the worker counts as stopped

Check = Callable[[], dict[str, Any]]


class Down(Exception):
    """A dependency answered, but wrongly."""


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()  # this thread's connection: back to the pool
    return {}


def _cache() -> dict[str, Any]:
    """A write then a read of a key of our own: the cache ignores its connection errors (a miss), so asking
    whether the value comes back is the way to know it works."""
    key, token = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, token, 10)
    if cache.get(key) != token:
        raise Down("no round trip")
    cache.delete(key)
    return {}


def _broker() -> dict[str, Any]:
    client = heartbeat.broker_redis()
    if client is None:
        return {"status": "not used"}
    client.ping()
    return {}


def _worker() -> dict[str, Any]:
    if heartbeat.broker_redis() is None:
        return {"status": "not used"}
    alive = [age for age in heartbeat.ages().values() if age <= WORKER_STALE_SECONDS]
    if not alive:
        raise Down("no heartbeat")
    return {"workers": len(alive), "age_s": round(min(alive), 1)}


CHECKS: dict[str, Check] = {"database": _database, "cache": _cache, "broker": _broker, "worker": _worker}


def _run(name: str, check: Check) -> dict[str, Any]:
    started = time.monotonic()
    try:
        result = {"status": "ok", **check()}
    except Exception as error:  # any failure of a dependency is its status, never a 500
        logger.warning("health: %s is down: %r", name, error)
        return {"status": "down", "error": str(error) if isinstance(error, Down) else type(error).__name__}
    if result["status"] == "ok":
        result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def health(request: HttpRequest) -> JsonResponse:
    """The dependencies' states as JSON (see the module docstring): 200 while the database answers, else 503."""
    pool = ThreadPoolExecutor(max_workers=len(CHECKS), thread_name_prefix="health")
    futures = {name: pool.submit(_run, name, check) for name, check in CHECKS.items()}
    deadline = time.monotonic() + CHECK_SECONDS
    checks: dict[str, dict[str, Any]] = {}
    for name, future in futures.items():
        try:
            checks[name] = future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            logger.warning("health: %s did not answer within %s s", name, CHECK_SECONDS)
            checks[name] = {"status": "down", "error": "timeout"}
    pool.shutdown(wait=False, cancel_futures=True)  # a hung check finishes in its thread, unwaited for

    if checks["database"]["status"] != "ok":
        return JsonResponse({"status": "down", "checks": checks}, status=503)
    degraded = any(check["status"] == "down" for check in checks.values())
    return JsonResponse({"status": "degraded" if degraded else "ok", "checks": checks})


# /health/ reads no session: SessionTimeoutMiddleware (portal/accounts/sessions.py) leaves it alone, so that it
# answers within its deadline while the database, where sessions are kept, is down.
health.session_free = True  # type: ignore[attr-defined]
