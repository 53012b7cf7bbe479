from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from portal.accounts.sessions import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="portal.accounts.stamp_login")
