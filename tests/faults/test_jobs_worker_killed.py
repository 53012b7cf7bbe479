"""A worker's pool process is killed with SIGKILL in the middle of a computation: the run is delivered again
(task_reject_on_worker_lost, or else the jobs sweep) and its results equal those of a clean run (issue 12,
"Durable jobs").

The worker is a real one, as in production: `celery -A portal worker -P prefork -c 1`, a process of its own on
the test database, fed by a private Redis. The city is big enough (set-based SQL, tens of thousands of workers)
for the computation to last a moment, and the pool process is killed as soon as the run is marked running:
the test checks that the results were not yet written when it was killed.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.indicators.models import ComputationRun, Result
from portal.indicators.services import compute_year, start_run
from tests.support.jobs import broker, wait_for
from tests.support.services import RedisServer

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROOT = Path(settings.BASE_DIR)
STREETS, COMMITTEES_PER_STREET, WORKERS_PER_COMMITTEE = 60, 60, 25  # 3,600 committees, 90,000 workers


def fill_city(district: str) -> None:
    """Streets, committees with their 2025 records, workers and qualifications under `district`, set-based. Every
    varying value is a hash of the row's key, so every run writes the same rows."""
    def u(key: str, salt: int) -> str:  # a number in [0, 1) drawn from `key`
        return f"((hashtextextended({key}, {salt}) & 9223372036854775807)::float8 / 9223372036854775808.0)"

    statements = [
        f"""INSERT INTO committees_street (code, name, kind, district_id)
            SELECT '{district}0' || (29 + n)::text, '演练街道' || n, 'street', '{district}'
            FROM generate_series(1, {STREETS}) AS n""",
        f"""INSERT INTO committees_committee (code, name, kind, established_on, dissolved_on, transition, street_id)
            SELECT s.code || lpad(n::text, 3, '0'), '演练居委会' || s.code || n, 'residents', NULL, NULL, false, s.code
            FROM committees_street s CROSS JOIN generate_series(1, {COMMITTEES_PER_STREET}) AS n
            WHERE s.name LIKE '演练街道%'""",
        f"""INSERT INTO committees_committeeyear (year, households, resident_households, office_area_m2, elder_area_m2,
                                                 work_fund_yuan, updated_at, committee_id)
            SELECT 2025, h, round(h * 0.9), round((40 + 300 * {u('c.code', 2)})::numeric, 2),
                   round((20 + 200 * {u('c.code', 3)})::numeric, 2), round((60000 + 90000 * {u('c.code', 4)})::numeric, 2),
                   now(), c.code
            FROM committees_committee c CROSS JOIN LATERAL (SELECT (300 + 4000 * {u('c.code', 1)})::int AS h) AS x
            WHERE c.name LIKE '演练%'""",
        f"""INSERT INTO committees_communityworker (code, name, position, hired_on, left_on, committee_id)
            SELECT 'K' || c.code || lpad(n::text, 3, '0'), '社工' || n, '社区工作者',
                   date '2010-01-01' + floor(5000 * {u("c.code || n", 5)})::int, NULL, c.code
            FROM committees_committee c CROSS JOIN generate_series(1, {WORKERS_PER_COMMITTEE}) AS n
            WHERE c.name LIKE '演练%'""",
        f"""INSERT INTO committees_qualification (level, obtained_on, worker_id)
            SELECT (ARRAY['assistant', 'intermediate', 'senior'])[1 + floor(3 * {u('w.code', 6)})::int],
                   date '2015-01-01' + floor(4000 * {u('w.code', 7)})::int, w.id
            FROM committees_communityworker w WHERE w.code LIKE 'K%' AND {u('w.code', 8)} < 0.7""",
    ]
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        cursor.execute("ANALYZE")


def results(year: int) -> list[tuple]:
    return list(Result.objects.filter(year=year).order_by("indicator", "scope", "code").values_list(
        "indicator", "scope", "code", "numerator", "denominator", "value", "missing"))


def pool_processes(pid: int) -> list[int]:
    """The worker's pool processes: its children (pgrep -P)."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True)
    return [int(line) for line in found.stdout.split()]


@pytest.fixture
def worker(tmp_path):  # noqa: ANN001, ANN201
    """A prefork worker with one pool process, on the test database and a private Redis; its log in tmp_path."""
    log = tmp_path / "worker.log"
    with RedisServer() as redis, broker(redis.url()), log.open("wb") as output:
        database = connection.settings_dict
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test", "CELERY_BROKER_URL": redis.url(),
               "REDIS_URL": redis.url(1),
               "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
                               f"{database['PORT'] or 5432}/{database['NAME']}"}
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "portal", "worker", "-P", "prefork", "-c", "1", "-l", "INFO",
             "-n", f"killed-{redis.port}@%h", "--without-mingle", "--without-gossip"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_for(lambda: b" ready." in log.read_bytes(), 60, "the worker ready")
            process.log = log  # type: ignore[attr-defined]
            yield process
        finally:
            process.terminate()  # warm shutdown
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # the group of the worker started here, nothing else
                process.wait(10)


def test_a_run_whose_pool_process_is_killed_is_run_again_with_the_results_of_a_clean_run(worker, world) -> None:  # noqa: ANN001
    fill_city(world.huangpu.code)
    run = start_run(year=2025, trigger=ComputationRun.Trigger.BUTTON)  # not in a transaction: sent at once
    deadline = time.monotonic() + 60
    while ComputationRun.objects.filter(pk=run.pk, status="running").count() == 0:
        assert time.monotonic() < deadline, worker.log.read_text()
        time.sleep(0.005)
    children = pool_processes(worker.pid)
    assert len(children) == 1, children
    os.kill(children[0], signal.SIGKILL)
    run.refresh_from_db()
    assert run.status == "running" and not Result.objects.filter(year=2025).exists(), (
        "the computation finished before the kill: make the city bigger")

    wait_for(lambda: ComputationRun.objects.get(pk=run.pk).status in ("done", "failed"), 120, "the run finished")
    run.refresh_from_db()
    log = worker.log.read_text()
    assert run.status == "done", (run.error, log)
    assert run.attempts == 2, "started twice: killed, then delivered again"
    assert "SIGKILL" in log and "WorkerLostError" in log, log

    # A clean run of the same year finds nothing to change, and the counts are the city's.
    after_recovery = results(2025)
    assert compute_year(2025) == len(after_recovery) == run.result_count
    assert results(2025) == after_recovery
    recorded = STREETS * COMMITTEES_PER_STREET  # the committees with a 2025 record
    assert dict(Result.objects.filter(year=2025, scope="city").values_list("indicator", "denominator"))[
        "work_fund_coverage"] == recorded
