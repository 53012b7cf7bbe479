"""How an indicator's number reads: a rate as a percentage with one decimal, a count as a whole number."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def indicator_value(value: float | None, is_rate: bool) -> str:
    if value is None:
        return "—"
    if is_rate:
        return f"{value * 100:.1f}%"
    return f"{int(round(value)):,}"


@register.filter
def points_per_year(slope: float, is_rate: bool) -> str:
    """A projection's yearly change: percentage points for a rate, a count otherwise."""
    if is_rate:
        return _("%(n)s percentage points") % {"n": f"{slope * 100:+.1f}"}
    return f"{slope:+.1f}"
