"""A real Celery worker, fed through Redis, runs our tasks against PostgreSQL (no eager mode)."""

import datetime
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from portal.celery import app
from portal.core.tasks import sessions_clear_expired

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker():  # noqa: ANN201
    assert settings.CELERY_BROKER_URL.startswith("redis://") and not settings.CELERY_TASK_ALWAYS_EAGER
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10) as worker:
        yield worker


def _wait_for(condition, seconds: float = 20) -> bool:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_worker_clears_expired_sessions_through_redis(worker) -> None:  # noqa: ANN001
    now = timezone.now()
    Session.objects.create(session_key="expired" * 4, session_data="x", expire_date=now - datetime.timedelta(days=1))
    Session.objects.create(session_key="current" * 4, session_data="x", expire_date=now + datetime.timedelta(days=1))
    sessions_clear_expired.delay()
    assert _wait_for(lambda: not Session.objects.filter(session_key="expired" * 4).exists())
    assert Session.objects.filter(session_key="current" * 4).exists()


def test_beat_schedule_runs_the_cleanup_nightly() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["sessions-clear-expired"]
    assert entry["task"] == sessions_clear_expired.name
    assert entry["schedule"].hour == {3}
