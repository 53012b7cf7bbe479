from django import forms
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, CommitteeYear, CommunityWorker, Qualification
from portal.core.forms import BootstrapFormMixin


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
        widgets = {"hired_on": forms.DateInput(attrs={"type": "date"}), "left_on": forms.DateInput(attrs={"type": "date"})}


class QualificationForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Qualification
        fields = ["level", "obtained_on"]
        widgets = {"obtained_on": forms.DateInput(attrs={"type": "date"})}


class AccessGrantForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    committee = forms.ModelChoiceField(label=_("Committee"), queryset=Committee.objects.none())
    access = forms.ChoiceField(label=_("Access"), choices=[("view", _("read only")), ("change", _("read and edit"))])

    def __init__(self, *args, committees, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees.select_related("street")
        self.fields["committee"].label_from_instance = lambda c: f"{c.street.name} · {c.name} ({c.code})"

    def clean_username(self) -> object:
        from portal.accounts.models import User

        username = self.cleaned_data["username"].strip()
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(_("No active user has this username.")) from None
        if user.is_superuser:
            raise forms.ValidationError(_("Administrators need no grants."))
        return user
