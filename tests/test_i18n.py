"""The Simplified Chinese catalogue is complete and keeps every placeholder (no database needed)."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

PO_PATH = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def catalog():  # noqa: ANN201 - babel.messages.catalog.Catalog
    with PO_PATH.open("rb") as f:
        return read_po(f, locale="zh_Hans")


def _messages(catalog):  # noqa: ANN001, ANN202
    return [m for m in catalog if m.id]  # the header has id ""


def _ids(message) -> tuple[str, ...]:  # noqa: ANN001
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple[str, ...]:  # noqa: ANN001
    if isinstance(message.string, tuple):
        return message.string
    return (message.string,)


def test_every_message_is_translated_and_not_fuzzy(catalog) -> None:  # noqa: ANN001
    messages = _messages(catalog)
    assert messages, "the catalogue has no messages"
    untranslated = [_ids(m)[0] for m in messages if not all(s and s.strip() for s in _strings(m))]
    fuzzy = [_ids(m)[0] for m in messages if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated msgids: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy msgids: {fuzzy}"
    assert "nplurals=1" in catalog.plural_forms


def test_placeholders_match(catalog) -> None:  # noqa: ANN001
    mismatched = []
    for message in _messages(catalog):
        expected = set().union(*(PLACEHOLDER.findall(i) for i in _ids(message)))
        for string in _strings(message):
            found = set(PLACEHOLDER.findall(string or ""))
            if found != expected:
                mismatched.append((_ids(message)[0], sorted(expected), sorted(found)))
    assert not mismatched, f"placeholders differ (msgid, expected, found): {mismatched}"
