from django import forms

from portal.core.forms import BootstrapFormMixin
from portal.indicators.models import Target


class TargetForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["indicator", "year_from", "year_to", "comparison", "value", "source"]
