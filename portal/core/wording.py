"""Translated pieces joined as the active language writes them (issue 15, Chinese typography).

A text made of several translated pieces must not be joined with English spacing: two sentences are "A. B." in
English and "甲。乙。" in Chinese (no space after "。"); a label and its value "Label: value" and "标签：值"; the
items of a list "a, b" and "a、b". Each join is one translatable pattern, so the catalogue says how each language
writes it:

- `sentences(*parts)`: whole sentences (each with its own full stop) one after another
  (pgettext "two sentences in a row", "%(first)s %(second)s"; zh "%(first)s%(second)s": no space after "。"). In
  templates, between two translated sentences:
  `{% load wording %}…{% endblocktranslate %}{% between_sentences %}{% blocktranslate %}…`.
- a label and its value: pgettext "between a label and its value", ": " (zh "："), in templates
  `{% translate ": " context "between a label and its value" %}`, never a literal ": " nor a label's own colon
  followed by a space.
- the items of a list: portal.core.spreadsheets.listed (pgettext "between the items of a list", ", "; zh "、").
- a remark after a figure or a name: the space inside the msgid (" (not recorded)", zh "（未填报）").
"""

from django.utils.translation import pgettext


def sentence_gap() -> str:
    """What goes between two sentences in the active language: " " in English, "" in Chinese."""
    return pgettext("two sentences in a row", "%(first)s %(second)s") % {"first": "", "second": ""}


# A full-width mark holds its own space: after it, Chinese sets none.
_SPACED_MARK = tuple("。！？；：）」』”")


def sentences(*parts: str | None) -> str:
    """The non-empty `parts`, each a whole sentence, as one text: "A. B." / "甲。乙。". A part that does not end with
    a full-width mark (a title closing a notice: "…：ZR2025-00001 社区事务") keeps a space before the next one in
    every language."""
    text, gap = "", sentence_gap()
    for part in parts:
        if part:
            if text:
                text += gap if text.endswith(_SPACED_MARK) else " "
            text += str(part)
    return text
