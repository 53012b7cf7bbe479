"""The broker's Redis stops: pressing 重新计算 answers the page, says the computation waits for the queue, and
leaves the run queued with nothing sent; Redis back, the sweep sends it and a worker computes it (issue 12,
"Durable jobs").

The broker is a private Redis of the test's own (tests/support/services.py); the Celery app's messages and the
test worker (start_worker) use it for the test (tests/support/jobs.py `broker`).
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse

from portal.celery import app
from portal.core.tasks import jobs_sweep
from portal.indicators.models import ComputationRun, Result
from tests.support.factories import CommitteeYearFactory
from tests.support.jobs import broker, wait_for
from tests.support.services import RedisServer

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis():  # noqa: ANN201
    with RedisServer() as server, broker(server.url()):
        yield server


def test_a_recompute_while_the_broker_is_down_waits_and_runs_when_it_is_back(redis, client, world,
                                                                             district_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, households=3300)
    client.force_login(district_staff)
    redis.stop()

    started = time.monotonic()
    answer = client.post(reverse("dashboards:recompute"), {"year": 2025}, headers={"HX-Request": "true"})
    assert answer.status_code == 200 and time.monotonic() - started < 5, "the page waits seconds at most"
    run = answer.context["run"]
    assert run.job_state == "waiting"
    assert "任务队列暂时不可用：本次计算正在等待，队列恢复后将自动开始。" in answer.content.decode()
    run.refresh_from_db()
    assert (run.status, run.sent_at, run.attempts) == ("queued", None, 0)
    # The dashboard, opened again while Redis is down, says the same; pressing again joins the same run.
    page = client.get(reverse("dashboards:indicators", args=["district", "310101"]) + "?year=2025")
    assert page.status_code == 200 and "本次计算正在等待" in page.content.decode()
    again = client.post(reverse("dashboards:recompute"), {"year": 2025}, headers={"HX-Request": "true"})
    assert again.status_code == 200 and again.context["run"].pk == run.pk

    redis.start()  # the same port, empty: the message was never there
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        jobs_sweep.delay()  # as beat does every minute, and a worker when it starts
        wait_for(lambda: ComputationRun.objects.get(pk=run.pk).status == "done", what="the run done")
    run.refresh_from_db()
    assert run.sent_at is not None and run.attempts == 1 and run.result_count == Result.objects.filter(year=2025).count()
    assert Result.objects.get(indicator="oversized_committees", scope="district", code="310101").numerator == 1
    status = client.get(reverse("dashboards:run_status", args=[run.pk]), headers={"HX-Request": "true"})
    assert status.context["finished_now"] and "已完成：用时" in status.content.decode()
