"""Issue 15: a select's empty choice says what it is in every form built on BootstrapFormMixin (portal/core/forms.py):
a required select asks "请选择", an optional one offers "—", never Django's "---------"."""

import pytest
from django import forms

from committees.models import Street
from portal.core.forms import BootstrapFormMixin
from tasks_registry.forms import AdmissionRequestForm, HandleReportForm

pytestmark = pytest.mark.django_db


class _Form(BootstrapFormMixin, forms.Form):
    street = forms.ModelChoiceField(queryset=Street.objects.none())
    other_street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False)
    kind = forms.ChoiceField(choices=[("", "---------"), ("a", "A")])
    maybe = forms.TypedChoiceField(choices=[("", "---------"), ("1", "1")], coerce=int, required=False)
    own = forms.ChoiceField(choices=[("", "任选"), ("a", "A")])


def test_required_selects_ask_and_optional_ones_offer_none() -> None:
    form = _Form()
    assert form.fields["street"].empty_label == "请选择"
    assert form.fields["other_street"].empty_label == "—"
    assert list(form.fields["kind"].choices)[0] == ("", "请选择")
    assert list(form.fields["maybe"].choices)[0] == ("", "—")
    assert list(form.fields["own"].choices)[0] == ("", "任选")  # a form's own wording is kept
    assert "---------" not in form.as_p()


def test_a_model_forms_choices_ask_too(world, district_staff) -> None:  # noqa: ANN001
    from django.utils import timezone

    from tasks_registry.selectors import filing_choices

    form = AdmissionRequestForm(**filing_choices(actor=district_staff, today=timezone.localdate()))
    assert list(form.fields["category"].choices)[0] == ("", "请选择")
    assert "---------" not in str(form["scope"]) + str(form["category"])
    assert "---------" not in str(HandleReportForm()["department"])
