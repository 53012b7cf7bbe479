"""Settings for every environment, read from environment variables (see README, "Configuration").

With nothing set the portal runs on the embedded default: a SQLite file under var/ and Celery tasks
run in-process. DATABASE_URL and CELERY_BROKER_URL switch to PostgreSQL and Redis with real workers.
"""

import hashlib
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from portal.env import env_bool, env_int, env_list, env_secret, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("PORTAL_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
# The embedded default (no DATABASE_URL) is a newcomer's machine and may use a development key;
# anything on PostgreSQL must set DJANGO_SECRET_KEY, or the start stops here.
SECRET_KEY = env_secret("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if os.environ.get("DATABASE_URL"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DATABASE_URL is.")
    SECRET_KEY = "insecure-embedded-default-key-for-local-development-only-0123456789"
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])
# A refused CSRF check: a page in the portal's layout and language (issue 15), not Django's bare English one.
CSRF_FAILURE_VIEW = "portal.core.error_pages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "guardian",
    "axes",
    "csp",
    "portal.core",
    "portal.accounts",
    "portal.dashboards",
    "portal.demo",
    "portal.indicators",
    "portal.workdays",
    "committees",
    "tasks_registry",
    "certificates",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every answer, error pages included (settings/security.py).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # A NUL or another control character in the path or query: 400 before static files, sessions or views (issue 12).
    "portal.core.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Audit entries written by a request say `api` under /api/, else `web` (portal/core/audit.py).
    "portal.core.audit.AuditSourceMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Logs out a session 30 minutes idle or 12 hours old (portal/accounts/sessions.py): after auth, messages, htmx.
    "portal.accounts.sessions.SessionTimeoutMiddleware",
    # A readable page for a GET on a POST-only address (require_POST's empty 405; issue 15).
    "portal.core.error_pages.MethodNotAllowedPageMiddleware",
    # Axes last: it turns a lockout raised during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.core.notifications.bell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "sqlite"))
if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=0)
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(VAR_DIR / "portal.sqlite3")}
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Django's own psycopg pool (ENGINEERING §2): CONN_MAX_AGE must stay 0 with it. CONN_HEALTH_CHECKS gives
    # the pool `check=ConnectionPool.check_connection` (Django 5.1+): each connection is tried before it is
    # handed out and a dead one replaced, so a PostgreSQL restart costs no request (issue 12).
    _db["CONN_HEALTH_CHECKS"] = True
    # The server notices a client that went away within a second, even mid-statement, and ends its session: a
    # killed worker's job lock (portal/core/jobs.py) is freed at once, not when its long query ends.
    _db.setdefault("OPTIONS", {})["options"] = "-c client_connection_check_interval=1000"
    _db["OPTIONS"]["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 1, minimum=0),
        "max_size": env_int("DATABASE_POOL_MAX", 4, minimum=1),
        "timeout": 10,
    }
elif _db["ENGINE"] == "django.db.backends.sqlite3":
    # Waiting for a lock beats failing with "database is locked" when a task runs beside a request.
    _db.setdefault("OPTIONS", {})["timeout"] = 20
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss"))
CACHE_URL = env_url("CACHE_URL", schemes=("redis", "rediss"))


def redis_cache(url: str) -> dict:
    """The CACHES entry for a Redis at `url`. django-redis, for its IGNORE_EXCEPTIONS: with Redis down a read
    is a miss and a write is skipped (and logged), so every page keeps working from the database (issue 12).
    Short timeouts (seconds): a cache that does not answer costs a page half a second at most, never a hang."""
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }


CACHES = {"default": redis_cache(CACHE_URL) if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True  # logger "django_redis.cache", at ERROR with the traceback

# --- Authentication -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Role permissions first: they answer without a query, so ModelBackend is asked only for extras.
    "portal.accounts.backends.RolePermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # ASVS 2.1.1: at least 12 characters.
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# Sessions end after 30 minutes without a request and 12 hours after the log-in however active (ASVS 3.3.1,
# 3.3.2): portal/accounts/sessions.py. The cookie lives as long as the longest session.
PORTAL_SESSION_IDLE_SECONDS = env_int("PORTAL_SESSION_IDLE_MINUTES", 30, minimum=1) * 60
PORTAL_SESSION_MAX_SECONDS = env_int("PORTAL_SESSION_MAX_HOURS", 12, minimum=1) * 3600
SESSION_COOKIE_AGE = PORTAL_SESSION_MAX_SECONDS
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True

# django-axes: lock by username + IP, not IP alone: a street office shares one NAT address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours: 15 minutes
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_VERBOSE = False

# django-guardian: we never grant anything to the anonymous user.
ANONYMOUS_USER_NAME = None

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# --- API ------------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: no browsable HTML page, whose forms and filter drop-downs would list rows (issue 13). The OpenAPI
    # docs (/api/docs/) describe the API; `?format=api` answers 404.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "portal.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "减负通 API",
    "DESCRIPTION": "Burden-Reduction Portal: organisation data of Shanghai's residents' committees, scoped per user.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Every operation documents its 400/401/403/404 answers (issue 13: schemathesis, tests/core/test_schemathesis.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "portal.core.api_schema.document_error_responses"],
}

# --- Portal ---------------------------------------------------------------------------------------
PORTAL_DEFAULT_MERGE_THRESHOLD = 500  # DOMAIN "Hierarchy": merge candidates below this many households
PORTAL_OVERSIZED_HOUSEHOLDS = 3000  # DOMAIN "Hierarchy": split at 3000 households or more
PORTAL_SPACE_STANDARD_DEFAULT = {"office_m2": 150, "elder_m2": 100}  # DOMAIN "Space standard"
PORTAL_SPACE_STANDARD_MIN_RESIDENT_HOUSEHOLDS = 1500  # DOMAIN "Indicators": the standard applies from 1500
PORTAL_WORK_FUND_MIN_YUAN = 100_000  # DOMAIN "Indicators": work_fund_coverage
# DOMAIN "Reference data": Beijing Xicheng's rules, editable defaults, in working days as the State Council's
# schedule and the city's calendar count them (holidays off, make-up days worked: portal/workdays/schedule.py).
PORTAL_ADMISSION_FILE_WORKING_DAYS = env_int("PORTAL_ADMISSION_FILE_WORKING_DAYS", 30, minimum=0)
PORTAL_ADMISSION_REVIEW_WORKING_DAYS = env_int("PORTAL_ADMISSION_REVIEW_WORKING_DAYS", 15, minimum=1)
PORTAL_ATTACHMENT_MAX_MB = env_int("PORTAL_ATTACHMENT_MAX_MB", 20, minimum=1)
# The key of the ID-number hash (finding repeat applicants without keeping numbers in clear). Set it in
# production and never change it: a new key makes earlier hashes unmatchable.
PORTAL_ID_HASH_KEY = env_secret("PORTAL_ID_HASH_KEY") or hashlib.sha256(f"id-hash:{SECRET_KEY}".encode()).hexdigest()
# Organisation imports: what an upload may be, and above what size a Celery task does the work.
PORTAL_IMPORT_LIMITS = {
    "upload_bytes": env_int("PORTAL_IMPORT_MAX_MB", 50, minimum=1) * 2**20,
    "archive_bytes": 256 * 2**20,  # an .xlsx or .zip unpacked: a city-size workbook is about 35 MB
    "shared_strings_bytes": 32 * 2**20,  # openpyxl keeps these in memory (about 9 times their size)
    "archive_members": 200,
    "archive_ratio": 150,  # spreadsheets deflate about 10:1; bombs 1000:1
    "inline_bytes": env_int("PORTAL_IMPORT_INLINE_KB", 256, minimum=0) * 2**10,
}
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_HANDLERS = [
    "portal.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "jianfutong@localhost")
PORTAL_BASE_URL = env_str("PORTAL_BASE_URL", "http://127.0.0.1:8000")  # links in notification e-mails

from portal.settings.celery import *  # noqa: E402,F403
from portal.settings.logging import *  # noqa: E402,F403
from portal.settings.security import *  # noqa: E402,F403
