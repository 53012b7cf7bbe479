from pathlib import Path

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from committees.models import Committee, Department
from portal.core.forms import BootstrapFormMixin, DateInput, NormalisedCharField
from portal.core.widgets import CommitteePicker
from tasks_registry.choices import RequestScope
from tasks_registry.models import MAX_HOURS_SPENT, AdmissionRequest, TaskItem, TaskList, ViolationReport

_DATE = DateInput()


class TaskListForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TaskList
        fields = ["year"]


class TaskItemForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = TaskItem
        fields = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
                  "hours_per_month", "forms", "systems", "needs_seal"]
        widgets = {f: forms.Textarea(attrs={"rows": 2}) for f in ("legal_basis", "description", "forms", "systems")}


class ExitForm(BootstrapFormMixin, forms.Form):
    exited_at = forms.DateField(label=_("Exits on"), widget=_DATE)
    exit_reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000)


class DispatchForm(BootstrapFormMixin, forms.Form):
    """A listed item to chosen committees. The committee picker (portal/core/widgets.py) chooses them one by one,
    a whole street, or every committee offered at once: the separate street list and "every committee" box it
    once had said the same thing three ways (issue 15). The API input (api.serializers.DispatchInput) takes
    committees too."""

    item = forms.ModelChoiceField(label=_("List item"), queryset=TaskItem.objects.none())
    committees = forms.ModelMultipleChoiceField(
        label=_("Committees"), queryset=Committee.objects.none(), widget=CommitteePicker(),
        error_messages={"required": _("Choose the committees that receive the task.")})
    starts_on = forms.DateField(label=_("From"), widget=_DATE)
    due_on = forms.DateField(label=_("Due on"), widget=_DATE)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, items, committees, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: f"{item.task_list} · {item.code} {item.title}"
        self.fields["committees"].queryset = committees


class UnlistedForm(BootstrapFormMixin, forms.Form):
    """A task that is on no list: the portal refuses it and records the attempt."""

    title = forms.CharField(label=_("Task"), max_length=200)
    committees = forms.ModelMultipleChoiceField(label=_("Committees"), queryset=Committee.objects.none(),
                                                widget=CommitteePicker())
    year = forms.IntegerField(label=_("Year"), min_value=1949, max_value=2100)

    def __init__(self, *args, committees, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["committees"].queryset = committees


class DispatchDoneForm(forms.Form):
    """办结: the hours a task sent to the committee really took, in all (the received page's row form)."""

    hours_spent = forms.DecimalField(label=_("Hours actually spent"), min_value=0, max_value=MAX_HOURS_SPENT,
                                     max_digits=5, decimal_places=1,
                                     widget=forms.NumberInput(attrs={"step": "0.5", "min": "0"}))


ATTACHMENT_TYPES = {".pdf": b"%PDF", ".png": b"\x89PNG", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff",
                    ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04"}


class AdmissionRequestForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = AdmissionRequest
        fields = ["title", "category", "legal_basis", "description", "scope", "committees", "streets", "hours_per_month",
                  "forms", "systems", "needs_seal", "starts_on", "ends_on"]
        widgets = {"starts_on": _DATE, "ends_on": _DATE,
                   "committees": CommitteePicker(shown_when=("scope", RequestScope.COMMITTEES)),
                   "streets": forms.SelectMultiple(attrs={"size": 5, "data-shown-when-name": "scope",
                                                           "data-shown-when-value": RequestScope.STREETS}),
                   **{f: forms.Textarea(attrs={"rows": 2}) for f in ("legal_basis", "description", "forms", "systems")}}

    def __init__(self, *args, committees, streets, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.fields["committees"].queryset = committees
        self.fields["streets"].queryset = streets
        similar = reverse("tasks:request_similar") + (f"?exclude={self.instance.pk}" if self.instance.pk else "")
        # As the applicant types, HTMX shows the list items and open requests that look alike.
        self.fields["title"].widget.attrs.update({"autocomplete": "off", "hx-get": similar, "hx-target": "#similar",
                                                  "hx-trigger": "input changed delay:300ms", "hx-swap": "outerHTML"})


class SimilarForm(forms.Form):
    """The duplicate check's query: the title being typed, and the request being revised (left out)."""

    title = NormalisedCharField(max_length=200, required=False, search=True)  # a search, not the title saved
    exclude = forms.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class ReviewForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("Opinion or reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             max_length=2000)


class CommentForm(BootstrapFormMixin, forms.Form):
    text = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    attachment = forms.FileField(label=_("Attachment"), required=False,
                                 help_text=_("PDF, Word, Excel or an image, at most 20 MB."))

    def clean_attachment(self):  # noqa: ANN201
        return self.clean_attachment_file(self.cleaned_data.get("attachment"))

    @staticmethod
    def clean_attachment_file(upload):  # noqa: ANN001, ANN205
        """Size-limited, and of a type the first bytes confirm (a renamed .exe is not a PDF)."""
        if upload is None:
            return None
        if upload.size > settings.PORTAL_ATTACHMENT_MAX_MB * 2**20:
            raise forms.ValidationError(_("The file is larger than {n} MB.").format(n=settings.PORTAL_ATTACHMENT_MAX_MB))
        magic = ATTACHMENT_TYPES.get(Path(upload.name).suffix.lower())
        head = upload.read(8)
        upload.seek(0)
        if magic is None or not head.startswith(magic):
            raise forms.ValidationError(_("Only PDF, Word (.docx), Excel (.xlsx), PNG and JPEG files can be attached."))
        return upload


class ViolationReportForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ViolationReport
        fields = ["sender", "title", "sent_on", "description"]
        widgets = {"sent_on": _DATE, "description": forms.Textarea(attrs={"rows": 3})}

    evidence_file = forms.FileField(label=_("Evidence"), required=False,
                                    help_text=_("A photo, a PDF or an Office file of the task as it was sent."))

    def clean_evidence_file(self):  # noqa: ANN201
        return CommentForm.clean_attachment_file(self.cleaned_data.get("evidence_file"))


class ReplyForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("What the department did"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class HandleReportForm(BootstrapFormMixin, forms.Form):
    comment = forms.CharField(label=_("Comment or reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=2000)
    department = forms.ModelChoiceField(label=_("Transfer to"), queryset=Department.objects.none(), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False,
                                choices=[("", "—"), *ViolationReport.Outcome.choices])
