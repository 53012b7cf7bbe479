from typing import Any

from django import forms

from portal.core.text import InvalidText, invalid_text_message, normalise, normalise_search


class BootstrapFormMixin:
    """Gives widgets Bootstrap's classes and marks invalid fields, so templates stay one loop."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():  # type: ignore[attr-defined]
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


class DateInput(forms.DateInput):
    """`<input type="date">` with its value in ISO 8601 (2027-03-01), the only form browsers accept there: the
    locale's format (2027/03/01 in zh-Hans) shows an empty field, and saving the form again clears the date."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


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
