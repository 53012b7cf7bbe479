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

`normalise_person_name` writes a person's name one way (issue 15): "张 三" is 张三, as a Chinese name is written (no
space between its characters), while "Anna  Schmidt" keeps one space; a search for a name compares `search_key`s, so
"张三" finds a "张 三" stored before.

Only codes, ID numbers, staff numbers and searches are normalised: NFKC would turn the full-width punctuation of
a Chinese name or description (，（）：) into ASCII, so free text is stored as typed. `check_free_text` refuses in
free text (names, titles, descriptions, reasons) what no one types and what misleads a reader (issue 13): a control
character (ESC, U+0001…; tabs and line breaks only where the text has several lines), a bidirectional override,
embedding, isolate or mark (U+202E turns "txt.exe" into what reads as "exe.txt"), a lone surrogate. Every form
(portal.core.forms.FreeTextFormMixin) and serializer (portal.core.api.FreeTextMixin) checks every free-text field
with it.
"""

import unicodedata

__all__ = [
    "BIDI_CONTROLS", "InvalidText", "character_name", "check_free_text", "invalid_text_message", "is_cjk", "normalise",
    "normalise_or_none", "normalise_person_name", "normalise_search", "search_key",
]

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


# Unicode's bidirectional formatting characters: the embeddings and overrides (LRE RLE PDF LRO RLO), the isolates
# (LRI RLI FSI PDI) and the marks (LRM RLM ALM). Invisible, they reorder what is shown around them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def check_free_text(text: str, *, multiline: bool = False) -> None:
    """Refuse in a name or a description what no one types (see the module's docstring): a control character (tab,
    CR and LF only when `multiline`), a bidirectional formatting character (BIDI_CONTROLS), a lone surrogate. The
    text is not changed: free text is stored as typed.

    Raises: InvalidText naming the first such character.
    """
    for character in text:
        if character in BIDI_CONTROLS:
            raise InvalidText(character)
        category = unicodedata.category(character)
        if category == "Cs" or (category == "Cc" and not (multiline and character in _ALLOWED_CONTROLS)):
            raise InvalidText(character)


def invalid_text_message(error: InvalidText) -> str:
    """The message for the user, in the active language: which character, and what to do."""
    from django.utils.translation import gettext as _

    return _("The text holds an invisible or control character ({character}) that cannot be read. "
             "Type it again, or paste it as plain text.").format(character=str(error))


# Scripts whose words are written without spaces between them (Unicode character names' prefixes): Chinese, Japanese
# and Korean names are written family name first, without a space ("王芳").
_CJK_SCRIPTS = ("CJK ", "HANGUL ", "HIRAGANA ", "KATAKANA ")
# The dots between the parts of a transcribed name (买买提·艾力): written without spaces around them, like the name.
_NAME_DOTS = frozenset("\u00b7\u2027\u30fb\u2022\uff65")


def is_cjk(character: str) -> bool:
    """Whether `character` is a Chinese, Japanese or Korean one (a Han ideograph, kana or hangul)."""
    return unicodedata.name(character, "").startswith(_CJK_SCRIPTS)


def _written_together(before: str, after: str) -> bool:
    """Whether a space between these two characters of a name is none of the name's: both are CJK (or a name's dot)."""
    return all(is_cjk(char) or char in _NAME_DOTS for char in (before, after))


def normalise_person_name(text: str) -> str:
    """A person's name as typed, written one way: every run of spaces (the ideographic space U+3000 and the no-break
    space too) is one space, or none between two CJK characters (or a name's dot), and none at the ends; invisible
    zero-width characters (U+200B, U+FEFF) are gone. "张 三" -> "张三", "买买提 · 艾力" -> "买买提·艾力",
    " Anna  Schmidt " -> "Anna Schmidt". Unlike `normalise`, no NFKC: full-width punctuation stays as typed. Control
    and bidirectional formatting characters are left for check_free_text to refuse."""
    kept = "".join(" " if unicodedata.category(char) == "Zs" else char for char in text
                   if unicodedata.category(char) != "Cf" or char in BIDI_CONTROLS)
    name = ""
    for word in kept.split(" "):
        if word:
            name += word if not name or _written_together(name[-1], word[0]) else f" {word}"
    return name


def search_key(text: str) -> str:
    """What a name search compares (`normalise_person_name`, then no space at all), so a search for "张三" finds
    "张 三" stored before names were normalised, and "Anna Schmidt" finds "Anna  Schmidt". Compare it with the
    stored text without its spaces (django.db.models.functions.Replace)."""
    return normalise_person_name(text).replace(" ", "")
