"""PostgreSQL restarts under a running portal: the next requests all succeed (issue 12, "Database faults").

The portal runs in a subprocess (tests/faults/restart_client.py) on a private PostgreSQL of the test's own
(tests/support/services.py), migrated for the test, with the production settings: Django's psycopg pool with
CONN_HEALTH_CHECKS, i.e. the pool's own `check` before handing a connection out. Without it the connections
the pool keeps are dead after the restart, and each costs one request a 500.
"""

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.support.services import PostgresServer

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]


class Portal:
    """The subprocess: ask() sends a command and returns its JSON answer (or fails the test after 60 s)."""

    def __init__(self, env: dict[str, str], log) -> None:  # noqa: ANN001
        self.log = log
        self.process = subprocess.Popen([sys.executable, str(ROOT / "tests/faults/restart_client.py")], cwd=ROOT,
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True)

    def ask(self, command: str):  # noqa: ANN201
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], 60)
        line = self.process.stdout.readline() if ready else ""
        assert line, f"no answer to {command!r}:\n{self.stderr()}"
        return json.loads(line)

    def walk(self) -> list[tuple[str, int]]:
        return [tuple(row) for row in self.ask("walk")]

    def stderr(self) -> str:
        self.log.seek(0)
        return self.log.read()[-4000:]

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(30)


@pytest.fixture(scope="module")
def server_and_portal():  # noqa: ANN201
    with PostgresServer() as postgres:
        env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL", "CACHE_URL")}
        env.update(DATABASE_URL=postgres.url(), DJANGO_SETTINGS_MODULE="portal.settings.base", PYTHONPATH=str(ROOT),
                   DJANGO_SECRET_KEY="restart-test-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
                   DJANGO_ALLOWED_HOSTS="testserver", DATABASE_POOL_MIN="2")
        migrated = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input"], cwd=ROOT, env=env,
                                  capture_output=True, text=True, timeout=300)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        with tempfile.TemporaryFile(mode="w+") as log:
            portal = Portal(env, log)
            try:
                yield postgres, portal
            finally:
                portal.close()


def test_a_postgresql_restart_costs_no_request(server_and_portal) -> None:  # noqa: ANN001
    postgres, portal = server_and_portal
    before = portal.walk()
    assert {status for _, status in before} == {200}, before
    assert portal.ask("health")[1]["checks"]["database"]["status"] == "ok"  # the pool now holds 2 connections

    postgres.restart()  # fast shutdown: every connection the pool holds is cut

    for _ in range(2):
        after = portal.walk()
        assert after == before, portal.stderr()


def test_health_answers_503_while_postgresql_is_down_and_200_once_it_is_back(server_and_portal) -> None:  # noqa: ANN001
    postgres, portal = server_and_portal
    postgres.stop()
    started = time.monotonic()
    status, body = portal.ask("health")
    assert time.monotonic() - started < 4  # the database check's deadline, not the pool's 10 s
    assert status == 503
    assert body["status"] == "down" and body["checks"]["database"]["status"] == "down"

    postgres.start()
    assert {status for _, status in portal.walk()} == {200}, portal.stderr()
    status, body = portal.ask("health")
    assert (status, body["status"], body["checks"]["broker"]["status"]) == (200, "ok", "not used")
