from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from committees.interchange.services import check_upload
from committees.models import YEAR_MAX, YEAR_MIN, Committee, CommitteeYear, CommunityWorker, Qualification
from portal.accounts.models import User
from portal.core.forms import BootstrapFormMixin, DateInput, NormalisedCharField


class YearForm(forms.Form):
    """`?year=` of a page: a year the portal knows (YEAR_MIN to YEAR_MAX), or nothing (the page's default).
    The one year parser of the pages; the API's serializers take the same bounds."""

    year = forms.IntegerField(min_value=YEAR_MIN, max_value=YEAR_MAX, required=False)

    @classmethod
    def year_or(cls, data: object, default: int | None) -> int | None:
        form = cls(data)
        return (form.cleaned_data["year"] if form.is_valid() else None) or default


class CommitteeYearForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CommitteeYear
        fields = ["year", "households", "resident_households", "office_area_m2", "elder_area_m2", "work_fund_yuan"]

    def clean(self):  # noqa: ANN201
        data = super().clean()
        households, resident = data.get("households"), data.get("resident_households")
        if households is not None and resident is not None and resident > households * 2:
            self.add_error(
                "resident_households",
                _("Resident households are more than twice the households under jurisdiction; please check the figure."),
            )
        return data


class CommunityWorkerForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = CommunityWorker
        fields = ["code", "name", "position", "hired_on", "left_on"]
        labels = {"name": pgettext_lazy("person", "Name")}  # 姓名, not the 名称 of a unit
        widgets = {"hired_on": DateInput(), "left_on": DateInput()}


class QualificationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["level", "obtained_on"]
        widgets = {"obtained_on": DateInput()}


class AccessGrantForm(BootstrapFormMixin, forms.Form):
    username = NormalisedCharField(label=_("Username"), max_length=150)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    access = forms.ChoiceField(label=_("Access"), choices=[("view", _("read only")), ("change", _("read and edit"))])

    def __init__(self, *args, committees, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees.select_related("street")
        self.fields["committee"].label_from_instance = lambda c: _("%(street)s · %(name)s (%(code)s)") % {
            "street": c.street.name, "name": c.name, "code": c.code}

    def clean_username(self) -> object:
        username = self.cleaned_data["username"].strip()
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No active user has this username.")) from None
        if user.is_superuser:
            raise forms.ValidationError(_("Administrators need no grants."))
        return user


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Django's documented recipe: the widget sends a list, each file is cleaned as one."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001, ANN201
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportUploadForm(BootstrapFormMixin, forms.Form):
    """One .xlsx workbook, or one or several CSV files named after their sheets (Django's multiple-file recipe)."""

    files = MultipleFileField(
        label=_("File"),
        widget=MultipleFileInput(attrs={"accept": ".xlsx,.csv,.zip"}),
        help_text=_("An .xlsx workbook made from the template, or CSV files named after the sheets "
                    "(committees.csv, workers.csv, ...), UTF-8."),
    )

    def clean_files(self):  # noqa: ANN201
        files = self.cleaned_data["files"]
        try:
            check_upload(files)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc
        return files
