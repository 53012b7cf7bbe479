"""`form|invalid_fields`: what templates/includes/form_fields.html sums up above a form with errors (issue 15: a long
form's errors were shown only at their fields, out of sight)."""

from django import forms, template
from django.forms.boundfield import BoundField

register = template.Library()


@register.filter
def invalid_fields(form: forms.BaseForm) -> list[BoundField]:
    """The visible fields of a bound `form` that have errors, in the form's order ([] for an unbound form)."""
    if not getattr(form, "is_bound", False):
        return []
    return [field for field in form.visible_fields() if field.errors]
