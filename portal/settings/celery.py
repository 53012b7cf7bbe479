"""Celery: Redis with real workers when CELERY_BROKER_URL is set, otherwise tasks run in-process.

Delivery settings follow ENGINEERING §3: late acks with idempotent tasks, prefetch 1, and a visibility
timeout longer than the hard time limit so that a running task is never redelivered beside itself.
"""

from celery.schedules import crontab

from portal.env import env_url

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes=("redis", "rediss", "memory"))
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", schemes=("redis", "rediss")) or None
# The embedded default: no broker, so tasks run eagerly in the calling process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 3600}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The beat schedule is code, reviewed like code (STYLE.md B7).
CELERY_BEAT_SCHEDULE: dict = {
    "sessions-clear-expired": {
        "task": "portal.core.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=17),  # "17 3 * * *": nightly, 03:17 Shanghai time
    },
    "indicators-nightly": {
        "task": "portal.indicators.tasks.compute_recent_years",
        "schedule": crontab(hour=2, minute=7),  # "7 2 * * *": the current and the previous year, before work starts
    },
    "admission-overdue-reviews": {
        "task": "tasks_registry.tasks.remind_overdue_reviews",
        "schedule": crontab(hour=8, minute=30, day_of_week="1-5"),  # working mornings
    },
    "district-list-reminders": {
        "task": "tasks_registry.tasks.remind_district_lists",
        "schedule": crontab(hour=8, minute=40, day_of_week="1-5"),  # from 1 October until next year's list is out
    },
}
