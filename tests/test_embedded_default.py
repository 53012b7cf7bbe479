"""The embedded default: no DATABASE_URL, no broker -> SQLite under var/, tasks in-process; every main page works."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_migrate_load_demo_and_walk_the_main_pages_on_sqlite(tmp_path) -> None:  # noqa: ANN001
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL")}
    env.update(DJANGO_SETTINGS_MODULE="portal.settings.base", PORTAL_VAR_DIR=str(tmp_path), DJANGO_ALLOWED_HOSTS="testserver",
               PYTHONPATH=str(ROOT))

    def run(*args: str) -> str:
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        return result.stdout

    run("manage.py", "migrate", "--no-input")
    first = run("manage.py", "load_demo")
    again = run("manage.py", "load_demo")  # idempotent
    assert "waitan" in first and "baoxing" in first and first == again
    assert (tmp_path / "portal.sqlite3").exists()

    lines = run("tests/support/walk_pages.py").splitlines()
    assert len(lines) > 40
    failures = [line for line in lines if not line.startswith("200 ")]
    assert not failures, failures
