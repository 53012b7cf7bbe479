from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from portal.core.text import (
    InvalidText,
    check_free_text,
    invalid_text_message,
    normalise,
    normalise_person_name,
    normalise_search,
)

# The longest free text a form or the API takes where the model sets no length (a TextField: a description, facts,
# a reason): about two pages of Chinese. Forms and serializers give such a field this limit (issue 13).
TEXT_MAX_LENGTH = 5000


class FreeTextValidator:
    """A field's validator: `check_free_text` on its value (a text, or each text of a list), the error named on the
    field (code "invalid_text"). `multiline`: tabs and line breaks are allowed inside."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        for text in value if isinstance(value, list | tuple) else [value]:
            if not isinstance(text, str):
                continue
            try:
                check_free_text(text, multiline=self.multiline)
            except InvalidText as error:
                raise forms.ValidationError(invalid_text_message(error), code="invalid_text") from error

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FreeTextValidator) and other.multiline == self.multiline


def guard_free_text(field: forms.Field) -> None:
    """Make a form's free-text field (a CharField other than NormalisedCharField, which reads codes; not a password)
    refuse control and bidirectional formatting characters; give any text field (codes too) TEXT_MAX_LENGTH when it
    has no limit. A field shown as a Textarea may hold tabs and line breaks."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.PasswordInput):
        return
    code = isinstance(field, NormalisedCharField)
    if not code and not any(isinstance(validator, FreeTextValidator) for validator in field.validators):
        field.validators.append(FreeTextValidator(multiline=isinstance(field.widget, forms.Textarea)))
    if field.max_length is None:
        field.max_length = TEXT_MAX_LENGTH
        field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
        if not code and not field.widget.is_hidden:  # a code's widget has no maxlength (NormalisedCharField)
            field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))


class FreeTextFormMixin:
    """Every free-text field of the form refuses control and bidirectional formatting characters and has a length
    limit (guard_free_text). BootstrapFormMixin includes it; a form without Bootstrap's classes (an admin form)
    adds it itself."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            guard_free_text(field)


# Django's empty choice of a select (forms.models.ModelChoiceField.empty_label, BLANK_CHOICE_DASH).
_DASHES = "---------"


class BootstrapFormMixin(FreeTextFormMixin):
    """Gives widgets Bootstrap's classes and marks invalid fields, so templates stay one loop; its free-text fields
    are checked (FreeTextFormMixin).

    A select's empty choice says what it is (issue 15): Django's "---------" reads as a broken list. A required
    select asks "请选择", an optional one offers "—" (none); a form that builds its choices later (after this
    __init__) words its own empty choice.
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
            _word_empty_choice(field)
            widget = field.widget
            css = "form-check-input" if isinstance(widget, forms.CheckboxInput) else (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    # Validation runs later (never touch self.errors here: subclasses still set querysets after us).
    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:  # type: ignore[attr-defined]
                widget = self.fields[name].widget  # type: ignore[attr-defined]
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                # Screen readers announce the message with the field (its id is set in form_fields.html).
                widget.attrs["aria-invalid"] = "true"
                widget.attrs["aria-describedby"] = f"{self[name].auto_id}_error"  # type: ignore[index]


def _word_empty_choice(field: forms.Field) -> None:
    label = _("Please choose") if field.required else "—"
    if isinstance(field, forms.ModelChoiceField):
        if field.empty_label == _DASHES:
            field.empty_label = label
    elif isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
        choices = list(field.choices)
        if choices and choices[0] == ("", _DASHES):
            field.choices = [("", label), *choices[1:]]


class DateInput(forms.DateInput):
    """`<input type="date">` with its value in ISO 8601 (2027-03-01), the only form browsers accept there: the
    locale's format (2027/03/01 in zh-Hans) shows an empty field, and saving the form again clears the date."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PersonNameField(forms.CharField):
    """A person's name (an applicant, who approved), as typed but written one way (portal.core.text.
    normalise_person_name): "张 三" is 张三, "Anna  Schmidt" is Anna Schmidt, so a search finds it. Free text
    otherwise: its full-width punctuation is kept, a control character is refused (FreeTextFormMixin)."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalise_person_name(value) if isinstance(value, str) else value


class NormalisedCharField(forms.CharField):
    """A code, a staff number, an ID number or a search, as typed or pasted, in its canonical form
    (portal.core.text: full-width `３１０１０１` is `310101`, a zero-width space or a BOM is gone). A control
    character is the field's error naming it (code "invalid_text"), never a 500.

    `search=True` reads tabs and line breaks as spaces (normalise_search). Lengths are checked on the canonical
    form, so the widget sets no maxlength: a pasted code with an invisible character is not cut short by the
    browser. Never use it for names or descriptions (NFKC turns their full-width punctuation into ASCII).
    """

    def __init__(self, *, search: bool = False, **kwargs: Any) -> None:
        self.search = search
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            value = normalise_search(value) if self.search else normalise(value)
        except InvalidText as error:
            raise forms.ValidationError(invalid_text_message(error), code="invalid_text") from error
        return value or self.empty_value

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        attrs.pop("minlength", None)
        return attrs
