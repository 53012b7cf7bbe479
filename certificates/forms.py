"""The certificates forms: a district's type, registering a certificate, a void, a seal use; and the query
strings the pages read (a year, an override, a district, the lookup's search), each validated like any input,
never a 500. ID numbers, phone numbers, district codes and searches are read in their canonical form
(portal.core.forms.NormalisedCharField); a person's name written one way (PersonNameField: "张 三" is
张三); other names and descriptions as typed. Whether an ID number is valid is the
registration service's rule, shown on the field like any of its refusals."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates.choices import SealItem
from certificates.idnumbers import canonical_id_number, id_number_problem
from certificates.models import CertificateType
from certificates.names import split_names, validate_names
from committees.models import District
from portal.core.forms import BootstrapFormMixin, NormalisedCharField, PersonNameField

PK_MAX = 2**31 - 1  # the largest key of an integer column


class NamesField(forms.CharField):
    """A list of names, typed one per line or separated by 、 or commas; a name with a control character (a NUL
    byte, a tab) is refused here, as the model refuses it."""

    default_validators = [validate_names]

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value: Any) -> list[str]:
        # CharField's NUL check looks for "\x00" in the list, not in its names: validate_names checks each name.
        return split_names(super().to_python(value) or "")


class CertificateTypeForm(BootstrapFormMixin, forms.ModelForm):
    aliases = NamesField(label=_("Other names"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                         help_text=_("What residents call it, one per line."))
    sub_items = NamesField(label=_("Sub-items"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = CertificateType
        fields = ["name", "aliases", "sub_items", "rule", "conditions", "alternative_route", "handled_by", "legal_basis",
                  "source_document", "is_active"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("conditions", "alternative_route", "legal_basis")}


class IdNumberField(NormalisedCharField):
    """A resident ID number (GB 11643) in its canonical form (full-width digits and `Ｘ`, lowercase `x` accepted),
    checked by the one rule (idnumbers.id_number_problem) with the form's other fields, so every problem shows
    at once. registration_create applies the same rule again for its other callers."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return canonical_id_number(value) if isinstance(value, str) and value else value

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and (problem := id_number_problem(value)) is not None:
            raise forms.ValidationError(problem, code="id_number")


class RegistrationForm(BootstrapFormMixin, forms.Form):
    certificate_type = forms.TypedChoiceField(label=_("Certificate"), coerce=int)
    applicant_name = PersonNameField(label=_("Applicant"), max_length=50)
    id_number = IdNumberField(label=_("ID number"), help_text=_("Stored only masked, never in clear."),
                              widget=forms.TextInput(attrs={"autocomplete": "off"}))
    purpose = forms.CharField(label=_("Purpose"), max_length=200)
    facts = forms.CharField(label=_("Facts certified"), widget=forms.Textarea(attrs={"rows": 3}))
    verification = forms.CharField(label=_("How the facts were verified"), widget=forms.Textarea(attrs={"rows": 2}))
    seal_used = forms.BooleanField(label=_("The committee's seal is used"), required=False, initial=True)
    approver = PersonNameField(label=_("Approved by (for the seal register)"), max_length=50, required=False)

    def __init__(self, *args: Any, types: list[CertificateType], **kwargs: Any) -> None:
        """`types`: the issuable types of the committee's catalogue (selectors.certificate_type_issuable), the only
        choices offered; chosen among them without another query."""
        super().__init__(*args, **kwargs)
        self.types = {t.pk: t for t in types}
        self.fields["certificate_type"].choices = [("", _("Please choose the certificate type")),
                                                   *((t.pk, t.name) for t in types)]

    def clean_certificate_type(self) -> CertificateType:
        return self.types[self.cleaned_data["certificate_type"]]


class VoidForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason for the void"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class SealUseForm(BootstrapFormMixin, forms.Form):
    # No item is preselected: an empty first choice ("请选择"), which the required field refuses.
    item = forms.ChoiceField(label=_("Seal-use item"), choices=[
        ("", _("Please choose")), *(c for c in SealItem.choices if c[0] != "certificate")])
    content = forms.CharField(label=_("Content"), max_length=300)
    copies = forms.IntegerField(label=_("Copies"), min_value=1, max_value=999, initial=1)
    approver = PersonNameField(label=_("Approved by"), max_length=50)
    applicant_name = PersonNameField(label=_("Applicant"), max_length=50, required=False)
    applicant_phone = NormalisedCharField(label=_("Applicant's phone"), max_length=20, required=False)


# --- query strings -----------------------------------------------------------------------------------------------
class OverrideQueryForm(forms.Form):
    """?override= of "add a district type": the national or city type to adapt."""

    override = forms.IntegerField(min_value=1, max_value=PK_MAX, required=False)


class PublicListForm(forms.Form):
    """The public list's district and search, in their canonical form (a district typed `３１０１０１` is
    `310101`). The district is one of the districts the page lists, checked in Python against them: what was typed
    never reaches a query."""

    DEFAULT_DISTRICT = "310101"

    district = NormalisedCharField(required=False, max_length=6)
    q = NormalisedCharField(required=False, max_length=200, search=True)

    def __init__(self, *args: Any, districts: list[District], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.codes = [d.code for d in districts]
        self.default_district = (self.DEFAULT_DISTRICT if self.DEFAULT_DISTRICT in self.codes
                                 else next(iter(self.codes), ""))

    def clean_district(self) -> str:
        district = self.cleaned_data["district"]
        if district and district not in self.codes:
            raise forms.ValidationError(forms.ChoiceField.default_error_messages["invalid_choice"], code="invalid_choice",
                                        params={"value": district})
        return district

    def chosen(self) -> tuple[str, str]:
        """(district, search): what was asked where it is valid, the defaults otherwise."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return data.get("district") or self.default_district, data.get("q") or ""


class LookupForm(forms.Form):
    """The lookup's `q`, as typed or pasted (a search: full-width letters read as ASCII, tabs and line breaks
    as spaces); a control character is the field's error."""

    q = NormalisedCharField(required=False, max_length=200, search=True)
