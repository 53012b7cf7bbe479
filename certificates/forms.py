from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.models import CertificateType
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
