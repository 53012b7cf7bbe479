"""The one text normaliser (portal/core/text.py, issue 14): what is typed in the Chinese input mode or pasted from a
chat is the same code as what is typed plainly; a control character is refused, named, in the user's language."""

import pytest
from django.utils import translation

from portal.core.text import (
    InvalidText,
    character_name,
    invalid_text_message,
    normalise,
    normalise_or_none,
    normalise_person_name,
    normalise_search,
    search_key,
)


@pytest.mark.parametrize("typed", [
    "３１０１０１",              # full-width digits (the Chinese input mode)
    "310\u200b101",              # a zero-width space pasted from a chat
    "\ufeff310101",              # a byte order mark at the start of a cell
    "310101\u2060",              # a word joiner
    "\u202d310101\u202c",        # bidirectional override marks
    "\u00a0310101\u3000",        # a no-break space and an ideographic space around it
    " \t310101\r\n",             # a tab and a line break at the ends
])
def test_a_code_typed_or_pasted_any_way_is_the_same_code(typed: str) -> None:
    assert normalise(typed) == "310101"


def test_full_width_letters_become_ascii_and_keep_their_case() -> None:
    assert normalise("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"
    assert normalise("ｗｔ－９") == "wt-9"


def test_what_is_only_invisible_is_empty() -> None:
    assert normalise("\u200b\ufeff\u3000") == ""


@pytest.mark.parametrize("character, name", [
    ("\x00", "U+0000 NULL"),
    ("\x1b", "U+001B ESCAPE"),
    ("\x7f", "U+007F DELETE"),
    ("\x07", "U+0007 BELL"),
    ("\x85", "U+0085 CONTROL"),        # NEL, a C1 control: Unicode gives it no name
    ("\ud800", "U+D800"),              # a lone surrogate (JSON "\ud800"): no UTF-8 for it
])
def test_a_control_character_is_refused_and_named(character: str, name: str) -> None:
    with pytest.raises(InvalidText) as refused:
        normalise(f"3101{character}01")
    assert refused.value.character == character and str(refused.value) == name == character_name(character)


def test_a_line_break_or_a_tab_inside_a_code_is_refused_but_kept_in_a_multiline_text() -> None:
    with pytest.raises(InvalidText, match="LINE FEED"):
        normalise("3101\n01")
    with pytest.raises(InvalidText, match="TAB"):
        normalise("3101\t01")
    assert normalise(" 第一行\n第二行\t\n", multiline=True) == "第一行\n第二行"
    with pytest.raises(InvalidText, match="ESCAPE"):
        normalise("第一行\n\x1b", multiline=True)


def test_a_search_reads_tabs_and_line_breaks_as_single_spaces() -> None:
    assert normalise_search("助餐\t服务\r\n") == "助餐 服务"
    assert normalise_search("  ｈｙｚｋ\u200b ") == "hyzk"
    assert normalise_search("婚姻  \u3000 状况") == "婚姻 状况"
    with pytest.raises(InvalidText, match="NULL"):
        normalise_search("死亡\x00证明")


def test_an_optional_value_stays_none() -> None:
    assert normalise_or_none(None) is None
    assert normalise_or_none("３１０１") == "3101"


def test_the_message_names_the_character_in_the_users_language() -> None:
    error = InvalidText("\x1b")
    with translation.override("zh-hans"):
        chinese = invalid_text_message(error)
    with translation.override("en"):
        english = invalid_text_message(error)
    assert "U+001B ESCAPE" in chinese and "U+001B ESCAPE" in english
    assert "控制字符" in chinese and "control character" in english


@pytest.mark.parametrize(("typed", "written"), [
    ("张 三", "张三"),                      # a Chinese name has no space between its characters
    ("张\u3000三", "张三"),                 # the ideographic space of the Chinese input mode
    ("\u00a0欧阳 娜娜 ", "欧阳娜娜"),
    ("张\u200b三", "张三"),                 # a zero-width space pasted from a chat
    ("买买提 · 艾力", "买买提·艾力"),        # the dot of a transcribed name, without spaces around it
    (" Anna  Schmidt ", "Anna Schmidt"),    # a Latin name keeps one space between its words
    ("王 Anna", "王 Anna"),                  # between scripts, the space stays
    ("李主任（代）", "李主任（代）"),          # no NFKC: full-width punctuation as typed
])
def test_a_persons_name_is_written_one_way(typed: str, written: str) -> None:
    assert normalise_person_name(typed) == written


def test_a_name_search_ignores_spaces() -> None:
    assert search_key("张 三") == search_key("张三") == "张三"
    assert search_key("Anna  Schmidt") == "AnnaSchmidt"
