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


# --- Shared data ----------------------------------------------------------------------------------------

# Streets, towns and townships per district: roughly the city's real shape, summing to DOMAIN's
# 107 街道, 106 镇 and 2 乡 (Chongming holds the two townships).
DISTRICT_SHAPE: dict[str, tuple[int, int, int]] = {
    "310101": (10, 0, 0), "310104": (12, 1, 0), "310105": (9, 1, 0), "310106": (13, 1, 0),
    "310107": (8, 2, 0), "310109": (8, 0, 0), "310110": (12, 0, 0), "310112": (4, 9, 0),
    "310113": (3, 9, 0), "310114": (3, 7, 0), "310115": (12, 24, 0), "310116": (1, 9, 0),
    "310117": (6, 11, 0), "310118": (3, 8, 0), "310120": (3, 8, 0), "310151": (0, 16, 2),
}


def u(key: str, salt: int) -> str:
    """SQL for a uniform number in [0, 1) drawn from `key` (an SQL text expression): the same on every run."""
    return f"((hashtextextended({key}, {salt}) & 9223372036854775807)::float8 / 9223372036854775808.0)"


def streets_statement() -> tuple[str, str]:
    """The 215 streets of DISTRICT_SHAPE, set-based: codes district + kind digit + 01, 02, ..."""
    shape = ", ".join(f"('{d}', {s}, {t}, {w})" for d, (s, t, w) in DISTRICT_SHAPE.items())
    return ("streets", f"""
            INSERT INTO committees_street (code, name, kind, district_id)
            SELECT x.code, '第' || x.code || k.word, k.kind, s.district
            FROM (VALUES {shape}) AS s(district, streets, towns, townships)
            CROSS JOIN LATERAL (VALUES ('0', 'street', '街道', s.streets), ('1', 'town', '镇', s.towns),
                                       ('2', 'township', '乡', s.townships)) AS k(digit, kind, word, how_many)
            CROSS JOIN LATERAL generate_series(1, k.how_many) AS n
            CROSS JOIN LATERAL (SELECT s.district || k.digit || lpad(n::text, 2, '0') AS code) AS x
        """)
