"""`{% history_link obj %}`: the link from an object's page to its audit trail ("History"), for those who may read
the trail (restrict()'s may_ever, not the role); `{% may_read_audit as flag %}` for the menu."""

from typing import Any
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import pgettext

from portal.core.models import AuditEntry
from portal.core.scoping import may_ever

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_audit(context: template.Context) -> bool:
    request = context.get("request")
    return bool(request is not None and may_ever(request.user, AuditEntry, "view"))


@register.simple_tag(takes_context=True)
def history_link(context: template.Context, obj: Any, css: str = "btn btn-sm btn-outline-secondary") -> str:
    """A link to `obj`'s entries in the trail; nothing for a reader who may not read the trail."""
    if not may_read_audit(context) or getattr(obj, "pk", None) is None:
        return ""
    query = urlencode({"model": obj._meta.label_lower, "object": obj.pk})
    return format_html('<a class="{}" href="{}?{}" id="history-link"><i class="bi bi-clock-history"></i> {}</a>',
                       css, reverse("audit_trail"), query, pgettext("audit trail", "History"))
