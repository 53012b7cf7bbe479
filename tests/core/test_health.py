"""/health/: each dependency with its status, 200 while the database answers (portal/core/health.py).

The cache down is tests/faults/test_cache_outage.py; the database down (503) is tests/faults/test_database_restart.py.
"""

import contextlib
import socket
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings

from portal.celery import app
from portal.core import heartbeat
from portal.core.health import CHECK_SECONDS, WORKER_STALE_SECONDS
from tests.support.services import free_port

pytestmark = pytest.mark.django_db


def _health(client):  # noqa: ANN001, ANN202
    response = client.get("/health/")
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


@pytest.fixture
def no_heartbeats():  # noqa: ANN201
    heartbeat.broker_redis().delete(heartbeat.KEY)
    yield
    heartbeat.broker_redis().delete(heartbeat.KEY)


def test_every_dependency_up_with_a_beating_worker_is_ok(client, no_heartbeats) -> None:  # noqa: ANN001
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        deadline = time.monotonic() + 10
        while worker.hostname not in heartbeat.ages() and time.monotonic() < deadline:
            time.sleep(0.1)
        status, body = _health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok", "cache": "ok", "broker": "ok", "worker": "ok"}
    assert body["checks"]["worker"]["workers"] == 1 and body["checks"]["worker"]["age_s"] < WORKER_STALE_SECONDS
    assert body["checks"]["database"]["ms"] >= 0

    # The worker stopped leaves the set at once: the portal still serves, degraded.
    assert worker.hostname not in heartbeat.ages()
    status, body = _health(client)
    assert (status, body["status"], body["checks"]["worker"]) == (200, "degraded", {"status": "down", "error": "no heartbeat"})


def test_a_stale_heartbeat_is_a_worker_down(client, no_heartbeats) -> None:  # noqa: ANN001
    heartbeat.beat("celery@gone", now=time.time() - WORKER_STALE_SECONDS - 5)
    heartbeat.beat("celery@alive", now=time.time() - 3)
    assert heartbeat.ages() == pytest.approx({"celery@alive": 3, "celery@gone": WORKER_STALE_SECONDS + 5}, abs=1)
    assert _health(client)[1]["checks"]["worker"]["workers"] == 1

    heartbeat.broker_redis().zrem(heartbeat.KEY, "celery@alive")
    status, body = _health(client)
    assert (status, body["status"], body["checks"]["worker"]["status"]) == (200, "degraded", "down")


def test_a_broker_down_is_degraded_not_an_error(client) -> None:  # noqa: ANN001
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"):
        status, body = _health(client)
    assert status == 200
    assert body["status"] == "degraded"
    assert body["checks"]["broker"] == {"status": "down", "error": "ConnectionError"}
    assert body["checks"]["worker"]["status"] == "down"
    assert body["checks"]["database"]["status"] == body["checks"]["cache"]["status"] == "ok"


def test_a_broker_that_never_answers_costs_the_deadline_not_a_hang(client) -> None:  # noqa: ANN001
    """A black hole (a firewall dropping packets): a socket that accepts and never says a word."""
    with contextlib.closing(socket.socket()) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        held: list[socket.socket] = []
        accepting = threading.Thread(target=lambda: [held.append(silent.accept()[0]) for _ in range(4)], daemon=True)
        accepting.start()
        with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{silent.getsockname()[1]}/0"):
            started = time.monotonic()
            status, body = _health(client)
            elapsed = time.monotonic() - started
        for connection in held:
            connection.close()
    assert elapsed < CHECK_SECONDS + 1
    assert status == 200
    assert body["checks"]["broker"]["status"] == "down"


def test_without_a_broker_tasks_run_in_process_and_the_portal_is_ok(client) -> None:  # noqa: ANN001
    """The embedded default (no CELERY_BROKER_URL): no broker and no worker to wait for."""
    with override_settings(CELERY_BROKER_URL=None):
        status, body = _health(client)
    assert (status, body["status"]) == (200, "ok")
    assert body["checks"]["broker"] == body["checks"]["worker"] == {"status": "not used"}


def test_health_needs_no_login_and_says_nothing_of_the_hosts(client) -> None:  # noqa: ANN001
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{free_port()}/0"):
        response = client.get("/health/")
    assert response.status_code == 200
    assert "127.0.0.1" not in response.content.decode()
