"""The one text normaliser for what people type, paste or upload as a code, an ID number or a search.

A code copied from a chat or a web page carries what nobody sees: a zero-width space (U+200B), a byte order
mark (U+FEFF) inside a cell, a no-break space (U+00A0), an ideographic space (U+3000), or full-width digits
and letters typed in the Chinese input mode (３１０１, Ｘ). Without normalising, "３１０１０１" and "310101"
are two units, and an import creates a second worker beside the existing one. Every boundary (imports, forms,
the API, the certificate lookup, filters) calls `normalise` once, so the rest of the portal only ever sees the
canonical text.

`normalise`: Unicode NFKC (full-width forms become ASCII, compatibility spaces become a space), format
characters (Unicode category Cf: zero-width spaces and joiners, BOM, bidirectional marks and overrides)
removed, surrounding whitespace trimmed. A control character (category Cc: NUL, ESC, DEL, U+0001…) has no
plausible reading and is refused, named (`InvalidText`), as is a lone surrogate (category Cs, which no
UTF-8 text, nor PostgreSQL, can hold). `normalise_search` does the same for a search, whose
tabs and line breaks read as spaces.

Only codes, ID numbers, staff numbers and searches are normalised: NFKC would turn the full-width punctuation of
a Chinese name or description (，（）：) into ASCII, so free text is stored as typed.
"""

import unicodedata

__all__ = ["InvalidText", "character_name", "invalid_text_message", "normalise", "normalise_or_none", "normalise_search"]

# Whitespace a pasted multi-line text may hold inside; at the ends it is trimmed like any space.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


class InvalidText(ValueError):
    """The text holds a character no code, ID number or search may hold; `str(error)` names it (U+001B ESCAPE),
    `character` is the character itself. Views and readers turn it into a field error in the user's language
    with `invalid_text_message`."""

    def __init__(self, character: str) -> None:
        self.character = character
        super().__init__(character_name(character))


def character_name(character: str) -> str:
    """'U+001B ESCAPE': the code point and, where Unicode has one, the name, for a message that says which
    character to remove."""
    name = unicodedata.name(character, "")
    if not name and unicodedata.category(character) == "Cc":
        name = _CONTROL_NAMES.get(ord(character), "CONTROL")
    return f"U+{ord(character):04X} {name}".strip()


# Unicode gives control characters no name; the usual ones, for the message.
_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED", 0x0D: "CARRIAGE RETURN",
                  0x1B: "ESCAPE", 0x7F: "DELETE"}


def normalise(text: str, *, multiline: bool = False) -> str:
    """The canonical form of `text` (see the module's docstring). `multiline` keeps line breaks and tabs inside
    (a pasted list); otherwise they are refused like any control character, except at the ends.

    Raises: InvalidText naming the first control character found.
    """
    text = unicodedata.normalize("NFKC", text)
    kept = []
    for character in text:
        category = unicodedata.category(character)
        if category == "Cf":
            continue
        if category == "Cc" and not (character in _ALLOWED_CONTROLS and (multiline or character.isspace())):
            raise InvalidText(character)
        if category == "Cs":  # half of a UTF-16 pair, alone (a JSON "\ud800"): no character, and no UTF-8 for it
            raise InvalidText(character)
        kept.append(character)
    text = "".join(kept).strip()
    if not multiline and any(character in _ALLOWED_CONTROLS for character in text):
        raise InvalidText(next(character for character in text if character in _ALLOWED_CONTROLS))
    return text


def normalise_or_none(text: str | None) -> str | None:
    """`normalise` for an optional value: None stays None; raises InvalidText like `normalise`."""
    return None if text is None else normalise(text)


def normalise_search(text: str) -> str:
    """`normalise` for what is searched: a search pasted from a spreadsheet cell or a chat carries tabs and line
    breaks, which are read as spaces; every run of spaces becomes one ("助餐\t服务\r\n" -> "助餐 服务").

    Raises: InvalidText naming the first control character other than a tab or a line break.
    """
    return " ".join(normalise(text, multiline=True).split())


def invalid_text_message(error: InvalidText) -> str:
    """The message for the user, in the active language: which character, and what to do."""
    from django.utils.translation import gettext as _

    return _("The text holds an invisible or control character ({character}) that cannot be read. "
             "Type it again, or paste it as plain text.").format(character=str(error))
