"""Model fields shared by every app."""

from typing import Any

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.core.forms import NormalisedCharField

__all__ = ["CodeField"]


class CodeField(models.CharField):
    """A stored code, ID number, staff number or item number: a CharField (same column, same storage) that every
    boundary built from the model reads in its canonical form (portal.core.text.normalise): a ModelForm, the
    Django admin's forms and a `ValidatedModelSerializer` (portal.core.api maps it to the API's
    NormalisedCharField) turn `３１０１` or a code pasted with a zero-width space into `3101`, and name a control
    character as the field's error (issue 14). Nothing is normalised on save: code that writes through the ORM
    (an import, a service) normalises at its own boundary; `manage.py check_codes` finds stored codes that are
    not canonical (portal.core.codes).

    Never for names or descriptions: NFKC turns their full-width punctuation into ASCII.
    """

    description = _("Code (read in its canonical form)")

    def formfield(self, **kwargs: Any) -> forms.Field | None:
        # A caller's form_class (a ModelForm's field_classes, an admin override) still wins.
        return super().formfield(**{"form_class": NormalisedCharField, **kwargs})
