from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TasksRegistryConfig(AppConfig):
    name = "tasks_registry"
    verbose_name = _("Task admission")
