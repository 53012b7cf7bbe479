from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateType, SealItem
from portal.core.forms import BootstrapFormMixin


class NamesField(forms.CharField):
    """A list of names, typed one per line or separated by 、 or commas."""

    def prepare_value(self, value):  # noqa: ANN001, ANN201
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):  # noqa: ANN001, ANN201
        text = super().to_python(value) or ""
        for separator in ("、", ",", "，", ";", "；"):
            text = text.replace(separator, "\n")
        return [name.strip() for name in text.splitlines() if name.strip()]


class CertificateTypeForm(BootstrapFormMixin, forms.ModelForm):
    aliases = NamesField(label=_("Other names"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                         help_text=_("What residents call it, one per line."))
    sub_items = NamesField(label=_("Sub-items"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = CertificateType
        fields = ["name", "aliases", "sub_items", "rule", "conditions", "alternative_route", "handled_by", "legal_basis",
                  "source_document", "is_active"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("conditions", "alternative_route", "legal_basis")}


class RegistrationForm(BootstrapFormMixin, forms.Form):
    certificate_type = forms.ModelChoiceField(label=_("Certificate"), queryset=CertificateType.objects.none())
    applicant_name = forms.CharField(label=_("Applicant"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=18, min_length=18,
                                help_text=_("Stored only masked, never in clear."),
                                widget=forms.TextInput(attrs={"autocomplete": "off"}))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    facts = forms.CharField(label=_("Facts certified"), widget=forms.Textarea(attrs={"rows": 3}))
    verification = forms.CharField(label=_("How the facts were verified"), widget=forms.Textarea(attrs={"rows": 2}))
    seal_used = forms.BooleanField(label=_("The committee's seal is used"), required=False, initial=True)
    approver = forms.CharField(label=_("Approved by (for the seal register)"), max_length=50, required=False)

    def __init__(self, *args, types, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["certificate_type"].queryset = types


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the void"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class SealUseForm(BootstrapFormMixin, forms.Form):
    item = forms.ChoiceField(label=_("Seal-use item"), choices=[c for c in SealItem.choices if c[0] != "certificate"])
    content = forms.CharField(label=_("Content"), max_length=300)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=999, initial=1)
    approver = forms.CharField(label=_("Approved by"), max_length=50)
    applicant_name = forms.CharField(label=_("Applicant"), max_length=50, required=False)
    applicant_phone = forms.CharField(label=_("Applicant's phone"), max_length=20, required=False)
