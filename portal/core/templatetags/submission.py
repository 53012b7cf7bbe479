"""`{% submission_token %}`: the one-time token of a form that creates something (issue 12; portal.core.views.submit_once)."""

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from portal.core.models import SubmissionToken

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    """A hidden input with a new random token, put after {% csrf_token %}: each rendering of the form is one
    sending, however often it is clicked or resent."""
    return format_html('<input type="hidden" name="{}" value="{}">', SubmissionToken.FIELD, uuid.uuid4())
