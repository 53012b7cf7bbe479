"""Forms of the calendar page: a day of the city's calendar, a year marked loaded, the year shown."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.core.forms import BootstrapFormMixin, DateInput
from portal.workdays.models import YEAR_MAX, YEAR_MIN, CalendarDay


class CalendarDayForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["day", "is_working_day", "name", "source_document"]
        widgets = {"day": DateInput()}


class CalendarYearForm(BootstrapFormMixin, forms.Form):
    """Mark a year's schedule loaded, citing the State Council's notice."""

    year = forms.IntegerField(label=_("year"), min_value=YEAR_MIN, max_value=YEAR_MAX, widget=forms.HiddenInput)
    source_document = forms.CharField(label=_("source document"), max_length=200, help_text=_(
        "The State Council notice of the year's holidays, for example 国办发明电〔2025〕7号."))


class YearQueryForm(forms.Form):
    """`?year=` of the calendar page: a year the calendar holds, or nothing (the current year)."""

    year = forms.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)
