from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import BootstrapFormMixin
from portal.core.text import InvalidText, invalid_text_message, normalise
from portal.indicators.models import Target
from portal.indicators.registry import BY_CODE, PERCENT_PLACES, fraction_of, percent_of


class TargetValueField(forms.DecimalField):
    """A target's number as typed: a rate as a percentage ("90", "90.5", "90%", full-width "９０"), a count as a
    number. Which one it is depends on the indicator chosen, so TargetForm.clean() checks the range and converts."""

    def to_python(self, value: Any) -> Decimal | None:
        if isinstance(value, str):
            try:
                value = normalise(value)
            except InvalidText as error:
                raise forms.ValidationError(invalid_text_message(error), code="invalid_text") from error
            value = value.removesuffix("%").strip()
        return super().to_python(value)


class TargetForm(BootstrapFormMixin, forms.ModelForm):
    """A target, with a rate entered and shown as a percentage (90 for 90%) and stored as a fraction (0.9000):
    the edit form shows the stored 0.9 as 90, so saving it unchanged keeps 0.9. A rate outside 0–100% is refused
    on `value`; a count is as before."""

    value = TargetValueField(
        label=_("target value"), widget=forms.NumberInput(attrs={"step": "any"}),
        help_text=_("A rate as a percentage (90 for 90%, up to two decimals), or a count."))

    class Meta:
        model = Target
        fields = ["indicator", "year_from", "year_to", "comparison", "value", "source"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        target = self.instance
        if target.value is not None and target.indicator in BY_CODE and BY_CODE[target.indicator].is_rate:
            self.initial["value"] = percent_of(target.value)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        value, code = cleaned.get("value"), cleaned.get("indicator")
        if value is None:
            return cleaned
        if code not in BY_CODE:  # the indicator's own error says why; the number's unit is unknown
            cleaned.pop("value")
            return cleaned
        if not BY_CODE[code].is_rate:  # the model checks a count's digits
            if value < 0:
                self.add_error("value", _("A target cannot be negative."))
        elif not 0 <= value <= 100:
            self.add_error("value", _("A rate's target is a percentage from 0 to 100 (90 for 90%)."))
        elif value != value.quantize(Decimal(1).scaleb(-PERCENT_PLACES)):
            self.add_error("value", _("A rate's target is kept to two decimal places of a percentage "
                                      "(90.55 for 90.55%)."))
        else:
            cleaned["value"] = fraction_of(value)
        return cleaned
