"""Strict configuration from the environment (portal/env.py) and the embedded default of settings.base."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_url

MAIN = Path(__file__).resolve().parent.parent  # /work/main
VAR = "PORTAL_TEST_SETTING"


# --- env_bool --------------------------------------------------------------------------------------


class TestEnvBool:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [
            ("true", True),
            ("false", False),
            ("1", True),
            ("0", False),
            ("yes", True),
            ("no", False),
            ("on", True),
            ("off", False),
            ("TRUE", True),
            (" No ", False),
            ("Yes", True),
        ],
    )
    def test_it_accepts_the_usual_spellings(
        self, monkeypatch: pytest.MonkeyPatch, raw: str, value: bool
    ) -> None:
        monkeypatch.setenv(VAR, raw)
        assert env_bool(VAR, not value) is value

    @pytest.mark.parametrize("raw", ["maybe", "2", "y", "nope", "truee"])
    def test_it_refuses_anything_else_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, raw: str
    ) -> None:
        monkeypatch.setenv(VAR, raw)
        with pytest.raises(ImproperlyConfigured, match=VAR) as exc_info:
            env_bool(VAR, False)
        assert repr(raw) in str(exc_info.value)

    @pytest.mark.parametrize("default", [True, False])
    def test_unset_or_empty_gives_the_default(self, monkeypatch: pytest.MonkeyPatch, default: bool) -> None:
        monkeypatch.delenv(VAR, raising=False)
        assert env_bool(VAR, default) is default
        monkeypatch.setenv(VAR, "")
        assert env_bool(VAR, default) is default


# --- env_int ---------------------------------------------------------------------------------------


class TestEnvInt:
    def test_it_reads_a_whole_number(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(VAR, "7")
        assert env_int(VAR, 1, minimum=5) == 7

    def test_minimum_itself_is_accepted(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(VAR, "0")
        assert env_int(VAR, 3, minimum=0) == 0

    @pytest.mark.parametrize("raw", ["five", "1.5", "10x", "0x10"])
    def test_it_refuses_a_non_number_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, raw: str
    ) -> None:
        monkeypatch.setenv(VAR, raw)
        with pytest.raises(ImproperlyConfigured, match=VAR):
            env_int(VAR, 1)

    @pytest.mark.parametrize(("raw", "minimum"), [("4", 5), ("-1", 0), ("0", 1)])
    def test_it_refuses_a_value_below_the_minimum(
        self, monkeypatch: pytest.MonkeyPatch, raw: str, minimum: int
    ) -> None:
        monkeypatch.setenv(VAR, raw)
        with pytest.raises(ImproperlyConfigured, match=VAR) as exc_info:
            env_int(VAR, 10, minimum=minimum)
        assert str(minimum) in str(exc_info.value)

    def test_unset_or_empty_gives_the_default(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv(VAR, raising=False)
        assert env_int(VAR, 42, minimum=1) == 42
        monkeypatch.setenv(VAR, "")
        assert env_int(VAR, 42, minimum=1) == 42


# --- env_url ---------------------------------------------------------------------------------------


class TestEnvUrl:
    SCHEMES = ("postgres", "postgresql", "sqlite")

    @pytest.mark.parametrize(
        "raw",
        ["mysql://root@db/portal", "http://example.org", "postgres:/missing-slash", "127.0.0.1:5432/portal"],
    )
    def test_it_refuses_a_wrong_scheme_naming_the_variable(
        self, monkeypatch: pytest.MonkeyPatch, raw: str
    ) -> None:
        monkeypatch.setenv(VAR, raw)
        with pytest.raises(ImproperlyConfigured, match=VAR) as exc_info:
            env_url(VAR, schemes=self.SCHEMES)
        assert "postgres://" in str(exc_info.value)

    @pytest.mark.parametrize(
        "raw", ["postgres://postgres@127.0.0.1:5432/portal", "postgresql://db/portal", "sqlite:///x.db"]
    )
    def test_it_accepts_a_listed_scheme(self, monkeypatch: pytest.MonkeyPatch, raw: str) -> None:
        monkeypatch.setenv(VAR, raw)
        assert env_url(VAR, schemes=self.SCHEMES) == raw

    def test_unset_or_blank_is_empty(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv(VAR, raising=False)
        assert env_url(VAR, schemes=self.SCHEMES) == ""
        monkeypatch.setenv(VAR, "   ")
        assert env_url(VAR, schemes=self.SCHEMES) == ""


# --- portal.settings.base in a fresh interpreter ---------------------------------------------------

# Nothing of the test run's own configuration may leak into the child process.
_CONFIG_PREFIXES = (
    "DJANGO_",
    "DATABASE_",
    "CELERY_",
    "REDIS_",
    "CACHE_",
    "PORTAL_",
    "AXES_",
    "STATIC_",
    "LOG_",
)


def _clean_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_CONFIG_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="portal.settings.base", PORTAL_VAR_DIR=str(tmp_path / "var"), **overrides
    )
    return env


def _python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=MAIN,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


class TestSettingsProcess:
    def test_bad_boolean_stops_the_process_naming_the_variable(self, tmp_path: Path) -> None:
        result = _python("import django; django.setup()", _clean_env(tmp_path, DJANGO_DEBUG="maybe"))
        assert result.returncode != 0
        assert "ImproperlyConfigured" in result.stderr
        assert "DJANGO_DEBUG" in result.stderr
        assert "'maybe'" in result.stderr

    def test_without_database_url_it_runs_on_sqlite_under_var_dir_with_eager_tasks(
        self, tmp_path: Path
    ) -> None:
        code = (
            "import django, json; django.setup(); from django.conf import settings; "
            "db = settings.DATABASES['default']; "
            "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
            "'eager': settings.CELERY_TASK_ALWAYS_EAGER}))"
        )
        env = _clean_env(tmp_path)
        assert "DATABASE_URL" not in env and "CELERY_BROKER_URL" not in env
        result = _python(code, env)
        assert result.returncode == 0, result.stderr
        values = json.loads(result.stdout.strip().splitlines()[-1])
        assert values["engine"] == "django.db.backends.sqlite3"
        assert Path(values["name"]).parent == tmp_path / "var"
        assert (tmp_path / "var").is_dir()
        assert values["eager"] is True

    def test_with_database_and_broker_urls_it_uses_postgresql_and_real_workers(self, tmp_path: Path) -> None:
        code = (
            "import django, json; django.setup(); from django.conf import settings; "
            "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'], "
            "'eager': settings.CELERY_TASK_ALWAYS_EAGER}))"
        )
        env = _clean_env(
            tmp_path,
            DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/2",
            DJANGO_SECRET_KEY="a-real-secret-for-this-test-0123456789abcdef",
        )
        result = _python(code, env)
        assert result.returncode == 0, result.stderr
        values = json.loads(result.stdout.strip().splitlines()[-1])
        assert values == {"engine": "django.db.backends.postgresql", "eager": False}
        assert not (tmp_path / "var").exists()


def test_postgresql_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    env = _clean_env(tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal")
    result = _python("import django; django.setup()", env)
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr


# --- production settings pass Django's deployment checklist ----------------------------------------------------------


def test_production_settings_pass_check_deploy_with_warnings_as_failures(tmp_path: Path) -> None:
    """`manage.py check --deploy --fail-level WARNING` with production's environment (docker compose plus
    DJANGO_HTTPS=true): HSTS for a year with subdomains and preload, secure cookies, SSL redirect, a real key."""
    env = _clean_env(
        tmp_path,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/portal",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/2",
        DJANGO_SECRET_KEY="k3-a-real-production-secret-for-this-test-5x9Q2mZr7LwP0vTb4Nc8Hd6Jf1Ys",
        DJANGO_ALLOWED_HOSTS="portal.example.gov.cn",
        DJANGO_HTTPS="true",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=MAIN, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [({}, "security.W004"), ({"DJANGO_HTTPS": "true", "DJANGO_HSTS_PRELOAD": "false"}, "security.W021")],
    ids=["without HTTPS: no HSTS", "HSTS without preload"],
)
def test_check_deploy_names_what_is_missing(tmp_path: Path, overrides: dict[str, str], warning: str) -> None:
    """The same check fails when a setting is missing: the test above would see one that went missing."""
    env = _clean_env(tmp_path, DJANGO_SECRET_KEY="k3-a-real-production-secret-for-this-test-5x9Q2mZr7LwP0vTb4Nc8Hd6Jf1Ys",
                     DJANGO_ALLOWED_HOSTS="portal.example.gov.cn", **overrides)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=MAIN, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode != 0
    assert warning in result.stderr
