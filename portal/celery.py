import os
from typing import Any

from celery import Celery, Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.base")

from portal.core import heartbeat  # noqa: E402  (after the settings module is chosen)


class AuditedTask(Task):
    """Every task of the portal: what it writes is audited as `task` (portal/core/audit.py), whoever sent it."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from portal.core.audit import Source, audit_source  # models: only once Django is set up

        with audit_source(Source.TASK):
            return super().__call__(*args, **kwargs)


app = Celery("portal", task_cls=AuditedTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.steps["consumer"].add(heartbeat.Heartbeat)  # each worker beats for /health/ (portal/core/heartbeat.py)
