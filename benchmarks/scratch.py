"""What every benchmark shares: a scratch PostgreSQL database (dropped and recreated only when its name
contains "bench"), the environment a Django child or this process runs with, migrate, and Django set up
against that database. Importing it puts the project root on the path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # a benchmark runs as a script: benchmarks/ is on the path, the project root is not
    sys.path.insert(0, str(ROOT))
BENCH_SECRET_KEY = "bench-only-key-not-a-secret-" + "x" * 40


def database_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def server_url(url: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def scratch_name(url: str) -> str:
    """The database name of `url`, which a benchmark may drop only if it contains "bench"."""
    name = database_name(url)
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop database {name!r}: a scratch database's name must contain 'bench'.")
    return name


def drop_database(url: str) -> None:
    name = scratch_name(url)
    with psycopg.connect(server_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def recreate_database(url: str) -> None:
    """Drop and create the database of `url`, connected to the server's `postgres` database."""
    drop_database(url)
    with psycopg.connect(server_url(url), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(scratch_name(url))))


def django_env(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "portal.settings.base",
        "DJANGO_SECRET_KEY": BENCH_SECRET_KEY,
        "DJANGO_DEBUG": "false",  # DEBUG would keep every statement in memory
    }


def migrate(database_url: str) -> None:
    env = {**os.environ, **django_env(database_url)}
    done = subprocess.run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stdout + done.stderr)
        raise SystemExit(f"migrate failed (exit {done.returncode})")


def setup_django(database_url: str) -> None:
    """Point Django at the scratch database (before setup, so the settings read it) and open the connection."""
    os.environ.update(django_env(database_url))
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()


def close_django_connections() -> None:
    from django.apps import apps

    if apps.ready:
        from django.db import connections

        connections.close_all()
