from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "portal.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        # Imports here, as Django asks of ready(): the models are loaded only now.
        from committees.models import OrgImport
        from portal.core.signals import import_applied
        from portal.indicators.receivers import recompute_after_import_applied

        import_applied.connect(recompute_after_import_applied, sender=OrgImport,
                               dispatch_uid="indicators.recompute_after_import")
