"""The other names and sub-items of a certificate type: typed or imported as one text, kept as a list.

One way to split them (the form and the import agree) and one check on each name: no control character
(a NUL byte would reach PostgreSQL, which refuses it in text and JSON)."""

import unicodedata
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

__all__ = ["SEPARATORS", "split_names", "validate_names"]

SEPARATORS = ("、", ",", "，", ";", "；")


def split_names(text: str) -> list[str]:
    """The names in `text`: one per line, or separated by 、 , ， ; or ；."""
    for separator in SEPARATORS:
        text = text.replace(separator, "\n")
    return [name.strip() for name in text.splitlines() if name.strip()]


def _visible(name: str) -> str:
    return "".join(f"\\x{ord(char):02x}" if unicodedata.category(char) == "Cc" else char for char in name)


def validate_names(value: Any) -> None:
    """A list of names, each a text without control characters (tabs, NUL bytes…). Raises ValidationError."""
    if not isinstance(value, list) or not all(isinstance(name, str) for name in value):
        raise ValidationError(_("Give a list of names."), code="names")
    for name in value:
        if any(unicodedata.category(char) == "Cc" for char in name):
            raise ValidationError(_("“%(name)s” holds a control character (a tab or an invisible character)."),
                                  code="control_character", params={"name": _visible(name)})
