"""The seven annual indicators (DOMAIN "Indicators"), as code: what each counts, in which unit and direction.

The computation is in `services.py` (one set-based SQL statement for all of them); this registry is what
pages, the API, targets and exports show about each one.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

RATE, COUNT = "rate", "count"
HIGHER, LOWER = "higher", "lower"
SCOPES = ("committee", "street", "district", "city")
CITY_CODE = "310000"
# A rate target is kept as a fraction to 4 decimal places (Target.value): as a percentage, to 2 (90.55%).
PERCENT_PLACES = 2
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str  # the name in the source documents, as DOMAIN gives it
    name: Promise  # translatable: shown in the user's language
    unit: str  # RATE (a fraction, 0.4567) or COUNT
    direction: str  # HIGHER or LOWER is better
    definition: Promise
    committee_scope: bool = True  # community_fund_coverage is a street-level fact

    @property
    def is_rate(self) -> bool:
        return self.unit == RATE

    @property
    def scopes(self) -> tuple[str, ...]:
        return SCOPES if self.committee_scope else SCOPES[1:]


INDICATORS: tuple[Indicator, ...] = (
    Indicator("sw_certified_rate", "社工持证率", _("Certified social workers"), RATE, HIGHER, _(
        "Employed community workers holding any social-work qualification on 31 December, "
        "over employed community workers.")),
    Indicator("sw_intermediate_share", "社工师占比", _("Intermediate or senior social workers"), RATE, HIGHER, _(
        "Employed community workers whose highest qualification on 31 December is social worker or senior "
        "social worker, over employed community workers.")),
    Indicator("sw_senior_count", "高级社工师人数", _("Senior social workers"), COUNT, HIGHER, _(
        "Employed community workers holding the senior social worker qualification on 31 December.")),
    Indicator("office_space_compliance_rate", "办公服务用房达标率", _("Office space compliance"), RATE, HIGHER, _(
        "Residents' committees with 1,500 or more resident households whose office area and elder room area "
        "both meet the district's space standard, over residents' committees with 1,500 or more resident "
        "households. An area not recorded does not meet it.")),
    Indicator("oversized_committees", "超规模居委会数", _("Oversized residents' committees"), COUNT, LOWER, _(
        "Residents' committees with 3,000 or more households that are not kept as they are for old-area renewal.")),
    Indicator("work_fund_coverage", "工作经费达标率", _("Work fund coverage"), RATE, HIGHER, _(
        "Committees whose work fund for the year is at least 100,000 yuan, over committees. A fund not "
        "recorded does not meet it.")),
    Indicator("community_fund_coverage", "社区基金(会)覆盖率", _("Community fund coverage"), RATE, HIGHER, _(
        "Streets, towns and townships with a community fund or foundation established on or before 31 December, "
        "over all of them."), committee_scope=False),
)
BY_CODE = {indicator.code: indicator for indicator in INDICATORS}
CHOICES = [(indicator.code, indicator.name) for indicator in INDICATORS]


def percent_of(fraction: Decimal) -> Decimal:
    """A stored rate (a fraction, Decimal("0.9000")) as the percentage people enter and read: Decimal("90"),
    Decimal("90.5"); no trailing zeros, never exponent notation, so a form shows "90" and saving it unchanged
    keeps 0.9000."""
    percent = (Decimal(fraction) * _HUNDRED).quantize(Decimal(1).scaleb(-PERCENT_PLACES), rounding=ROUND_HALF_UP)
    return percent.quantize(Decimal(1)) if percent == percent.to_integral_value() else percent.normalize()


def fraction_of(percent: Decimal) -> Decimal:
    """A percentage entered (Decimal("90.5")) as the fraction stored (Decimal("0.9050"))."""
    return (Decimal(percent) / _HUNDRED).quantize(Decimal(1).scaleb(-PERCENT_PLACES - 2), rounding=ROUND_HALF_UP)


def target_display(code: str, value: Decimal | None) -> str:
    """A target's number as pages, exports and the API's `display` show it: a rate as a percentage with up
    to two decimals ("90%", "90.5%"), a count as a number ("1", "2,500"); "" without a value."""
    if value is None:
        return ""
    if BY_CODE[code].is_rate:
        return f"{percent_of(value)}%"
    number = Decimal(value)
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return f"{number:,}"
