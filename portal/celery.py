import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

from portal.core import heartbeat  # noqa: E402  (after the settings module is chosen)

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.steps["consumer"].add(heartbeat.Heartbeat)  # each worker beats for /health/ (portal/core/heartbeat.py)
