from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Registers the filter of a model's CodeField before any app's filtersets module is imported (by its
        # views and URLs, after every app is ready).
        from portal.core import filters  # noqa: F401
