"""How an indicator's number reads: a rate as a percentage with one decimal, a count as a whole number."""

import math
from decimal import Decimal

from django import template
from django.utils.translation import gettext as _

register = template.Library()

NO_VALUE = "—"


@register.filter
def indicator_value(value: float | Decimal | None, is_rate: bool) -> str:
    """"12.3%" for a rate (a fraction), "1,234" for a count; "—" when there is no number (no result for the year:
    the template hands over None or "", never a server error)."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal) or not math.isfinite(value):
        return NO_VALUE
    if is_rate:
        return f"{value * 100:.1f}%"
    return f"{int(round(value)):,}"


@register.filter
def points_per_year(slope: float, is_rate: bool) -> str:
    """A projection's yearly change: percentage points for a rate, a count otherwise."""
    if not isinstance(slope, int | float | Decimal) or not math.isfinite(slope):
        return NO_VALUE
    if is_rate:
        return _("%(n)s percentage points") % {"n": f"{slope * 100:+.1f}"}
    return f"{slope:+.1f}"
