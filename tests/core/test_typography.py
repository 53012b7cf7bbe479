"""Chinese typography in the catalogue and the templates (issue 15), no database needed.

- Every msgstr of the zh_Hans catalogue uses full-width punctuation next to Chinese: `：，（）；！？`, never
  `: , ( ) ; ! ?` after or before a CJK character (or a full-width mark). What keeps its ASCII form: placeholders
  (`%(name)s`, `{name}`), URLs, times and ratios between digits ("10:30"), a file extension (".xlsx"), and a mark
  quoted as a symbol (“?”).
- Templates hold no Chinese outside `{% translate %}`/`{% blocktranslate %}` and comments, except the documents
  printed for residents in Chinese whatever the language (the certificate and the slip), and no msgid is Chinese.
"""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO_PATH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN_PO_PATH = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"

# A CJK ideograph or a full-width/CJK punctuation mark.
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"
_HALF = r"[,:;!?()]"
HALF_WIDTH_NEXT_TO_CJK = re.compile(rf"{_CJK}\s*{_HALF}|{_HALF}\s*{_CJK}")
# What keeps its ASCII form, blanked before the check.
KEPT = re.compile(
    r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}"  # placeholders
    r"|https?://\S+"  # URLs
    r"|\d[:,]\d"  # 10:30, 1,500
    r"|“[^”]{1,3}”"  # a mark quoted as a symbol: “?”
)
CJK_TEXT = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Printed for the resident in Chinese, whatever the language of the staff member who prints them.
CHINESE_DOCUMENTS = {"certificates/print.html", "certificates/slip.html"}


def typography_faults(text: str) -> list[str]:
    """The half-width marks next to CJK text in `text`, each with a little context."""
    blanked = KEPT.sub(lambda m: "\x01" * len(m.group()), text)
    return [text[max(0, m.start() - 6):m.end() + 6] for m in HALF_WIDTH_NEXT_TO_CJK.finditer(blanked)]


@pytest.fixture(scope="module")
def catalog():  # noqa: ANN201 - babel.messages.catalog.Catalog
    with PO_PATH.open("rb") as f:
        return read_po(f, locale="zh_Hans")


def _strings(message) -> tuple[str, ...]:  # noqa: ANN001
    return message.string if isinstance(message.string, tuple) else (message.string,)


def _ids(message) -> tuple[str, ...]:  # noqa: ANN001
    return message.id if isinstance(message.id, tuple) else (message.id,)


def test_chinese_catalogue_uses_full_width_punctuation(catalog) -> None:  # noqa: ANN001
    faults = [(_ids(m)[0], string, found) for m in catalog if m.id for string in _strings(m)
              if string and (found := typography_faults(string))]
    assert not faults, f"{len(faults)} msgstrs with half-width punctuation next to Chinese (msgid, msgstr, where):\n" \
        + "\n".join(map(repr, faults))


def test_no_msgid_is_chinese_on_english_pages(catalog) -> None:  # noqa: ANN001
    """A Chinese msgid (an official term, an example of Chinese data) is shown as written on English pages,
    unless the English catalogue gives its English."""
    with EN_PO_PATH.open("rb") as f:
        english = {m.id: m.string for m in read_po(f, locale="en") if m.id and m.string}
    chinese = [_ids(m)[0] for m in catalog if m.id and any(CJK_TEXT.search(i) for i in _ids(m))
               and not (english.get(m.id) and not CJK_TEXT.search(str(english[m.id])))]
    assert not chinese, f"Chinese msgids without English: {chinese}"


_TRANSLATED = re.compile(
    r"\{%\s*blocktranslate\b.*?%\}.*?\{%\s*endblocktranslate\s*%\}"
    r"|\{%\s*translate\b.*?%\}|\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def test_templates_hold_no_hard_coded_chinese() -> None:
    """Chinese in a template outside the translation tags is shown in English too (msgids are English, so
    Chinese inside a translation tag fails test_no_msgid_is_chinese once extracted)."""
    templates = [p for p in (ROOT / "templates").rglob("*.html")
                 if p.relative_to(ROOT / "templates").as_posix() not in CHINESE_DOCUMENTS]
    for app in ("certificates", "committees", "tasks_registry", "portal"):
        templates += (ROOT / app).rglob("templates/**/*.html")
    assert templates
    faults = []
    for path in templates:
        source = _TRANSLATED.sub("", path.read_text(encoding="utf-8"))
        faults += [f"{path.relative_to(ROOT)}: {line.strip()[:100]}" for line in source.splitlines()
                   if CJK_TEXT.search(line)]
    assert not faults, "hard-coded Chinese in templates:\n" + "\n".join(faults)


def test_templates_translate_no_chinese_msgid() -> None:
    """A `{% translate %}` or `{% blocktranslate %}` with a Chinese text: the msgid is shown as is in English."""
    tag = re.compile(r"\{%\s*translate\b.*?%\}|\{%\s*blocktranslate\b.*?%\}.*?\{%\s*endblocktranslate\s*%\}", re.S)
    found = [f"{path.relative_to(ROOT)}: {match.group()[:100]}" for path in (ROOT / "templates").rglob("*.html")
             for match in tag.finditer(path.read_text(encoding="utf-8")) if CJK_TEXT.search(match.group())]
    assert not found, "Chinese msgids in templates:\n" + "\n".join(found)


def test_the_detector_finds_what_it_is_for() -> None:
    assert typography_faults("社区基金(会)覆盖率")
    assert typography_faults("姓名: 王芳")
    assert typography_faults("已完成, 请刷新")
    assert typography_faults("（? 表示未填报）")
    assert not typography_faults("%(year)s 年度：缺少 %(office)s m²（“?”表示未填报）。")
    assert not typography_faults("会议 10:30 开始，导出 .xlsx 文件，见 https://example.org/a?b=1。")
    assert not typography_faults("%(name)s（%(code)s）")
