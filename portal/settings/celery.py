"""Celery: Redis with real workers when CELERY_BROKER_URL is set, otherwise tasks run in-process.

Delivery settings follow ENGINEERING §3 and issue 12: late acks with idempotent tasks (durable jobs,
portal/core/jobs.py), prefetch 1, a message back in the queue when the worker process running it dies, and a
visibility timeout longer than the hard time limit so that a running task is never redelivered beside itself,
yet short enough that the message of a whole worker killed comes back within the hour. A job whose worker
died is found sooner by the jobs sweep (every minute, and when a worker starts).
"""

from datetime import timedelta

from celery.schedules import crontab

from portal.env import env_int, env_url

CELERY_BROKER_URL = env_url("CELERY_BROKER_URL", schemes=("redis", "rediss", "memory"))
CELERY_RESULT_BACKEND = env_url("CELERY_RESULT_BACKEND", schemes=("redis", "rediss")) or None
# The embedded default: no broker, so tasks run eagerly in the calling process.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
# The worker process died (killed, out of memory): the message goes back to the queue. A job whose runs keep
# killing their worker is given up after PORTAL_JOBS["max_attempts"] runs (portal/core/jobs.py), no loop.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TASK_TIME_LIMIT = 30 * 60
# Above the hard time limit and the longest retry countdown (jobs.TASK_OPTIONS, 5 minutes).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 10 * 60}
# A request that sends a message to a broker that is down gives up within seconds, and the job waits.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Durable jobs (portal/core/jobs.py), in seconds: how often the sweep runs; after how long a queued job's
# message counts as lost and is sent again; how many runs a job gets before it is given up; how long a step
# may run before it counts as stopped where no lock tells (SQLite).
PORTAL_JOBS = {
    "sweep_every": env_int("PORTAL_JOBS_SWEEP_SECONDS", 60, minimum=1),
    "resend_after": env_int("PORTAL_JOBS_RESEND_SECONDS", 10 * 60, minimum=1),
    "max_attempts": env_int("PORTAL_JOBS_MAX_ATTEMPTS", 3, minimum=1),
    "running_limit": CELERY_TASK_TIME_LIMIT + 60,
}
# The beat schedule is code, reviewed like code (STYLE.md B7).
CELERY_BEAT_SCHEDULE: dict = {
    "jobs-sweep": {
        "task": "portal.core.tasks.jobs_sweep",
        "schedule": timedelta(seconds=PORTAL_JOBS["sweep_every"]),
        "options": {"expires": PORTAL_JOBS["sweep_every"]},  # a sweep not run in its minute is replaced by the next
    },
    "sessions-clear-expired": {
        "task": "portal.core.tasks.sessions_clear_expired",
        "schedule": crontab(hour=3, minute=17),  # "17 3 * * *": nightly, 03:17 Shanghai time
    },
    "indicators-nightly": {
        "task": "portal.indicators.tasks.compute_recent_years",
        "schedule": crontab(hour=2, minute=7),  # "7 2 * * *": the current and the previous year, before work starts
    },
    # Working mornings: sent every day, the task skips holidays and keeps make-up working days (调休), which
    # crontab's Monday to Friday cannot know (portal/workdays/schedule.py).
    "admission-overdue-reviews": {
        "task": "tasks_registry.tasks.remind_overdue_reviews",
        "schedule": crontab(hour=8, minute=30),  # "30 8 * * *"
        "kwargs": {"working_days_only": True},
    },
    "district-list-reminders": {
        "task": "tasks_registry.tasks.remind_district_lists",
        "schedule": crontab(hour=8, minute=40),  # "40 8 * * *": from 1 October until next year's list is out
        "kwargs": {"working_days_only": True},
    },
}
