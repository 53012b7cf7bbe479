from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm

from portal.core.forms import BootstrapFormMixin, NormalisedCharField


class LoginForm(BootstrapFormMixin, AuthenticationForm):
    # The username (often a staff number) in its canonical form, as Django's UsernameField reads it (NFKC) and
    # without a pasted zero-width space; a control character is the field's error. Passwords stay as typed.
    username = NormalisedCharField(widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "none",
                                                                "autocomplete": "username"}))


class PortalPasswordChangeForm(BootstrapFormMixin, PasswordChangeForm):
    pass
