from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from portal.core.forms import BootstrapFormMixin


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    pass


class PortalPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass
