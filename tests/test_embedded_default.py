"""The embedded default: no DATABASE_URL, no broker -> SQLite under var/, tasks in-process; every main page works."""

import importlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent

Run = Callable[..., str]


@pytest.fixture(scope="module")
def embedded(tmp_path_factory) -> tuple[Run, Path, str]:  # noqa: ANN001
    """A fresh embedded default, migrated and with the demo loaded twice; runs commands against it."""
    var = tmp_path_factory.mktemp("embedded")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.base", PORTAL_VAR_DIR=str(var), DJANGO_ALLOWED_HOSTS="testserver",
               PYTHONPATH=str(ROOT))

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    run("manage.py", "migrate", "--no-input")
    first = run("manage.py", "load_demo")
    again = run("manage.py", "load_demo")  # idempotent
    assert first == again
    return run, var, first


def test_migrate_load_demo_and_walk_the_main_pages_on_sqlite(embedded) -> None:  # noqa: ANN001
    run, var, demo_output = embedded
    assert "waitan" in demo_output and "baoxing" in demo_output
    assert (var / "portal.sqlite3").exists()

    lines = run("tests/support/walk_pages.py").splitlines()
    assert len(lines) > 40
    failures = [line for line in lines if not line.startswith("200 ")]
    assert not failures, failures


def _results(json_lines: str) -> dict[tuple[str, str, str], tuple]:
    rows = [json.loads(line) for line in json_lines.splitlines() if line.startswith("{")]
    return {(r["indicator"], r["scope"], r["code"]): (r["numerator"], r["denominator"], r["value"], r["missing"])
            for r in rows}


@pytest.mark.django_db
def test_sqlite_computes_the_same_indicators_as_postgresql(embedded) -> None:  # noqa: ANN001
    """The two databases take different write paths (replace on SQLite, write what differs on PostgreSQL)."""
    run = embedded[0]
    on_sqlite = _results(run("manage.py", "compute_indicators", "--year", "2025", "--format", "json"))

    # The districts and the certificate catalogue come from migrations; a transactional test before this one may
    # have flushed them.
    for module in ("committees.migrations.0002_reference_districts", "certificates.migrations.0002_national_catalogue"):
        importlib.import_module(module).load(apps, None)
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("compute_indicators", year=2025, format="json", stdout=out)
    on_postgresql = _results(out.getvalue())

    assert len(on_sqlite) > 1000
    assert on_sqlite == on_postgresql


def test_recompute_on_the_embedded_default_says_done_and_the_new_figures_replace_the_old(embedded) -> None:  # noqa: ANN001
    """Issue 15: on the embedded default the run finishes inside the request, and the page kept the button and
    the old 计算时间. The answer now says 已完成 and triggers the dashboard's refresh, which shows the new time."""
    run = embedded[0]
    outcome = json.loads(run("tests/support/embedded_recompute.py").splitlines()[-1])
    assert outcome["run"] == "done" and outcome["trigger"] == "indicators-computed"
    assert "已完成" in outcome["answer"] and "every 1s" not in outcome["answer"]
    assert outcome["before"] and outcome["after"] and outcome["before"] != outcome["after"]
    assert outcome["partial"] == "dashboards/_indicators_body.html"
    assert outcome["after_html"].lstrip().startswith('<div id="dashboard-body"')
