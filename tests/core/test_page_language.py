"""Every page reads in the language chosen (issue 15: "no Chinese sentence left untranslated in English pages";
"Chinese typography").

The walk of tests/core/test_hostile_walk.py (every URL pattern, its parameters filled from a small world) is
reused: every persona, the platform administrator and an anonymous visitor open every route's real paths, once
with the language switch set to English and once to Chinese, and each HTML page's visible text (text nodes, plus
the title, placeholder, aria-label and alt attributes a person reads or hears) is checked.

- **English.** No CJK character outside data: a run of CJK text must be made of values stored in the database (the
  names of units, people, certificates; the test's world writes them in Chinese, as real data is). The language
  selector's own name "简体中文" is data too. A Chinese sentence in a template, a Chinese msgid or a msgstr missing
  from the Chinese side of a lazy string all fail.
- **Chinese.** No half-width punctuation (`, : ; ! ? ( )`) next to a CJK character (an ASCII part such as
  "10:30", a file name or a code keeps its own), no dangling "·" separator (a block starting or ending with it, or
  two in a row: an optional part that was empty), no doubled 区 ("黄浦区区卫生健康委员会"). No space after a
  full-width mark or before one: translated pieces joined with English spacing ("…不得下派。 只能…", "社区基金： 无",
  "150.00 （未填报）"); a button, a badge or an icon is a box of its own, not part of the sentence beside it. No space
  between a person's name of the world and Chinese text ("社区工作者 田强 已保存。").

The world (the `people` fixture) has what makes these pages: named people and a named worker, requests for chosen
committees and for streets and one filed on a list, a committee year without its office area. Besides the GET pages,
the pages shown after sending a form are checked: every edit form of test_edit_forms_keep_values.EDIT_PAGES saved
unchanged (its "已保存" message) and a dispatch refused for its deadline (the refusal's alert).

A page the walk cannot open for a persona (403, 404, a redirect) is not checked for that persona; a route none of
them can open shows in the printed figures (pytest -s).
"""

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from committees.models import CommitteeYear, CommunityWorker
from portal.accounts.models import User
from tasks_registry.models import AdmissionRequest
from tests.core.test_edit_forms_keep_values import EDIT_PAGES
from tests.core.test_hostile_walk import (  # noqa: F401 - fixtures
    ADMIN,
    PK,
    YEAR,
    Sender,
    Walk,
    _as_shown,
    aligned_sequences,
    all_routes,
    fillings,
    walk,
)
from tests.core.test_typography import HALF_WIDTH_NEXT_TO_CJK
from tests.support import factories as f

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d·—…]+")
IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Pages printed for a resident in Chinese whatever the staff member's language: the certificate and the slip that
# sends the resident elsewhere are documents of the committee, not pages of the portal.
CHINESE_DOCUMENTS = {"certificates:register_print", "certificates:slip"}
READ_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")
INLINE = {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "samp", "small", "span",
          "strong", "sub", "sup", "time", "u", "var", "wbr", "br"}
HIDDEN = {"script", "style", "template", "noscript"}
VOID = {"br", "wbr"}
# An inline element drawn as a box of its own (a button, a badge, an icon): what it holds or stands for is a block,
# not part of a sentence.
BOXED = re.compile(r"(^|\s)(btn|badge|bi)(\s|$)")


class VisibleText(HTMLParser):
    """The page's text as blocks: the text of each block element with its inline children (a `·` between two
    links belongs to one block; a button or a badge is a block of its own), plus the attributes read out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.hidden = 0
        self.inline: list[bool] = []  # the open inline elements: whether each is a box of its own

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in HIDDEN:
            self.hidden += 1
        boxed = bool(BOXED.search(dict(attrs).get("class") or ""))
        if tag in INLINE and tag not in VOID:
            self.inline.append(boxed)
        if tag not in INLINE or boxed:
            self._flush()
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and value.strip():
                self.blocks.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        boxed = tag in INLINE and tag not in VOID and self.inline and self.inline.pop()
        if tag not in INLINE or boxed:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.current.append(data)

    def close(self) -> None:
        super().close()
        self._flush()


def visible_blocks(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.blocks


def stored_texts() -> str:
    """Every text stored in the database (character and text columns; JSON as text), joined by NULs: the data a
    page may show in Chinese whatever the language."""
    values: set[str] = {name for _code, name in settings.LANGUAGES}
    for model in apps.get_models():
        for model_field in model._meta.concrete_fields:
            if isinstance(model_field, models.CharField | models.TextField | models.JSONField):
                for value in model._default_manager.values_list(model_field.attname, flat=True).distinct():
                    if value:
                        values.add(value if isinstance(value, str) else str(value))
    return "\x00".join(values)


def not_data(run: str, corpus: str) -> bool:
    """Whether a run of CJK text is not made of stored values: covered greedily by the longest pieces that are
    substrings of the corpus (two names side by side, "黄浦区外滩街道", are data)."""
    start = 0
    while start < len(run):
        end = len(run)
        while end > start and run[start:end] not in corpus:
            end -= 1
        if end == start:
            if IDEOGRAPH.match(run[start]):
                return True
            end = start + 1  # a punctuation mark between data
        start = end
    return False


DANGLING_DOT = re.compile(r"^·|·$|·\s*·")


def english_faults(blocks: list[str], corpus: str) -> list[str]:
    return sorted({f"{run!r} in {block[:120]!r}" for block in blocks for run in CJK.findall(block)
                   if IDEOGRAPH.search(run) and not_data(run, corpus)})


# Chinese text sets no space after a full-width mark, nor before one: two translated sentences joined with " "
# ("…不得下派。 只能…"), a label and a value ("社区基金： 无"), a value and a remark ("150.00 （未填报）").
FULL_WIDTH_MARK = "。，、：；！？（）"
SPACED_MARK = re.compile(rf"[{FULL_WIDTH_MARK}]\s+(?=\w)|(?<=\S)\s+[{FULL_WIDTH_MARK}]")
# A CJK ideograph or a full-width mark: what a person's name is written against, without a space.
CJK_CHAR = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]"


def spaced_names(block: str, names: Iterable[str]) -> list[str]:
    """The person names of `names` written with a space against Chinese text ("社区工作者 田强 已保存。")."""
    found = []
    for name in names:
        pattern = re.compile(rf"{CJK_CHAR}\s+{re.escape(name)}|{re.escape(name)}\s+{CJK_CHAR}")
        found += [match.group() for match in pattern.finditer(block)]
    return found


def chinese_faults(blocks: list[str], names: Iterable[str] = ()) -> list[str]:
    """The typography faults of a Chinese page's blocks; `names` are the people's names of the data shown."""
    faults = set()
    for block in blocks:
        for match in HALF_WIDTH_NEXT_TO_CJK.finditer(block):
            faults.add(f"half-width {match.group()!r} in {block[:120]!r}")
        for match in SPACED_MARK.finditer(block):
            start = max(0, match.start() - 4)
            faults.add(f"space at a full-width mark {block[start:match.end() + 4]!r} in {block[:120]!r}")
        for spaced in spaced_names(block, names):
            faults.add(f"space around a name {spaced!r} in {block[:120]!r}")
        if DANGLING_DOT.search(block):
            faults.add(f"dangling · in {block[:120]!r}")
        if "区区" in block:
            faults.add(f"区区 in {block[:120]!r}")
    return sorted(faults)


def _html(response: Any) -> str | None:
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
        return None
    if getattr(response, "streaming", False):
        return None
    return response.content.decode()


# One persona a role (the outsider and the other district's staff see the same templates), the platform
# administrator and an anonymous visitor.
PERSONAS = (ADMIN, "anonymous", "city_staff", "district_staff", "department_staff", "street_officer", "committee_staff")
# The people of the world, named as people are (the factories leave users nameless: a page would show a username).
NAMES = {ADMIN: ("钱", "涛"), "city_staff": ("陈", "静"), "district_staff": ("李", "明"), "department_staff": ("赵", "敏"),
         "street_officer": ("王", "芳"), "outsider": ("孙", "伟"), "committee_staff": ("周", "丽"),
         "other_district_staff": ("吴", "刚")}
WORKER = "田强"


@pytest.fixture
def people(walk: Walk, world) -> list[str]:  # noqa: ANN001, F811
    """The walk's world with what the typography check needs on its pages, and the people's names written on them:
    named users and a named worker; requests for chosen committees, for streets, and one filed on a list; a
    committee's year without its office area (the shortfall table's "（未填报）")."""
    for persona, (last, first) in NAMES.items():
        User.objects.filter(pk=walk.personas[persona].pk).update(last_name=last, first_name=first)
        walk.personas[persona].refresh_from_db()
    CommunityWorker.objects.filter(committee=world.baoxing).update(name=WORKER)
    CommitteeYear.objects.filter(committee=world.yunnan, year=YEAR).update(office_area_m2=None)
    officer = walk.personas["street_officer"]
    for scope, targets in (("committees", {"committees": [world.baoxing, world.hankou]}),
                           ("streets", {"streets": [world.waitan, world.nanjing]})):
        request = f.AdmissionRequestFactory(applicant=walk.personas["department_staff"] if scope == "streets" else officer,
                                            scope=scope, status="district_review", **targets)
        f.RequestEventFactory(request=request)
    filed = f.AdmissionRequestFactory(applicant=officer, status="approved", committees=[world.baoxing])
    f.RequestEventFactory(request=filed)
    return [f"{last}{first}" for last, first in NAMES.values()] + [WORKER, "张三"]


def _extra_paths() -> list[tuple[str, str]]:
    """Pages of the rows the walk (one row of each kind, at PK) does not open: the `people` fixture's requests."""
    return [("tasks:request_detail", reverse("tasks:request_detail", args=[pk]))
            for pk in AdmissionRequest.objects.exclude(pk=PK).values_list("pk", flat=True)]


@contextmanager
def rolled_back() -> Iterator[None]:
    """A savepoint undone at the end, marked as the test case marks its own (as Sender's): a service's durable
    block may open inside it."""
    savepoint = transaction.atomic()
    savepoint._from_testcase = True
    with savepoint:
        yield
        transaction.set_rollback(True)


def _sent(client: Any, path: str, data: dict[str, Any]) -> str | None:
    """The page a person sees after sending `data` to `path` (the redirect followed: its message shown); the write
    is rolled back."""
    with rolled_back():
        return _html(client.post(path, data, follow=True))


def after_sending(walk: Walk, world, language: str) -> list[tuple[str, str, str]]:  # noqa: ANN001, F811
    """The pages shown after a form is sent, in `language`: every edit form of EDIT_PAGES saved unchanged (its
    "已保存" message names what was saved), and a dispatch refused for its deadline (the refusal's alert)."""
    found = []
    for edit in EDIT_PAGES:
        user = walk.personas[edit.persona]
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        with rolled_back():
            path = edit.url(edit.record(world, user))
            CommunityWorker.objects.update(name=WORKER)  # a worker saved is named as the check knows
            form = client.get(path).context["form"]
            html = _sent(client, path, {**_as_shown(form), **edit.typed, "save": ""})
        found.append((edit.form, f"{edit.persona} POST {path}", html))
    officer = walk.personas["street_officer"]
    client = Client()
    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    this_year = timezone.localdate().year
    path = reverse("tasks:dispatch")
    with rolled_back():
        item = f.TaskItemFactory(task_list=f.TaskListFactory(district=world.huangpu, year=this_year, status="published"))
        html = _sent(client, path, {"item": item.pk, "committees": [world.baoxing.pk],
                                    "starts_on": f"{this_year}-12-01", "due_on": f"{this_year + 1}-01-15"})
    assert html is not None and "dispatch-refused" in html, "the dispatch was not refused for its deadline"
    found.append(("tasks:dispatch", f"street_officer POST {path}", html))
    return [(route, where, html) for route, where, html in found if html is not None]


@pytest.fixture
def pages(walk: Walk, world, people) -> dict[str, list[tuple[str, str, str]]]:  # noqa: ANN001, F811
    """The walk's HTML pages in each language: {language: [(route, "persona path", html)]}. The platform
    administrator opens each path first: a path that answers him no HTML page (a download, a POST-only action) is
    not opened by the others. Then the pages of the `people` fixture's rows, and those shown after sending a form."""
    sender = Sender(walk)
    found: dict[str, list[tuple[str, str, str]]] = {"en": [], "zh-hans": []}
    paths = [(str(route), path) for route in all_routes()
             if not (str(route).startswith("admin") or "api" in str(route)) for path in fillings(walk, route)[0]]
    for route, path in [*paths, *_extra_paths()]:
        for language in found:
            for persona in PERSONAS:
                sender.clients[persona].cookies[settings.LANGUAGE_COOKIE_NAME] = language
                html = _html(sender.send(persona, "GET", path))
                if html is not None:
                    found[language].append((route, f"{persona} {path}", html))
                elif persona == ADMIN:
                    break
    for language in found:
        found[language] += after_sending(walk, world, language)
    print(f"\npage language walk: {len(walk.hits)} requests, {len(found['en'])} English pages, "
          f"{len({route for route, _where, _html in found['en']})} routes")
    return found


def test_every_page_reads_in_its_language(pages, people) -> None:  # noqa: ANN001
    """One walk for both languages (the walk's world takes a while to build): English pages hold no Chinese but
    data, Chinese pages use Chinese typography."""
    assert pages["en"] and pages["zh-hans"], "no page was opened"
    corpus = "\x00".join([stored_texts(), *(text for edit in EDIT_PAGES for text in edit.typed.values())])
    english = [f"{where}: {fault}" for route, where, html in pages["en"] if route not in CHINESE_DOCUMENTS
               for fault in english_faults(visible_blocks(html), corpus)]
    chinese = [f"{where}: {fault}" for _route, where, html in pages["zh-hans"]
               for fault in chinese_faults(visible_blocks(html), people)]
    assert not english and not chinese, (
        f"{len(english)} Chinese texts on English pages:\n" + "\n".join(english)
        + f"\n{len(chinese)} typography faults on Chinese pages:\n" + "\n".join(chinese))


def test_the_checks_catch_what_they_are_for() -> None:
    """The detectors themselves: each fault kind is found, and the allowed parts pass."""
    corpus = "\x00".join(["黄浦区", "外滩街道", "王芳"])
    assert english_faults(visible_blocks("<p>黄浦区外滩街道 · 王芳</p><p>简体中文</p>"), corpus + "\x00简体中文") == []
    assert english_faults(visible_blocks("<p>Street: 外滩街道办事处</p>"), corpus)
    assert english_faults(visible_blocks('<input placeholder="请输入">'), corpus)
    assert english_faults(visible_blocks("<script>var a = '中文';</script>"), corpus) == []
    assert chinese_faults(visible_blocks("<p>管理员 · </p>"))
    assert chinese_faults(visible_blocks("<title> · 减负通</title>"))
    assert chinese_faults(visible_blocks("<p>社区基金: 无</p>"))
    assert chinese_faults(visible_blocks("<p>黄浦区区卫生健康委员会</p>"))
    assert chinese_faults(visible_blocks("<p>2025-01-01 · <a>外滩街道</a> · 10:30，导出 .xlsx（%）</p>")) == []
    # Pieces joined with English spacing: sentences, a label and its value, a remark in brackets, a name.
    assert chinese_faults(visible_blocks("<p>不得下派。 只能下派清单中的事项。</p>"))
    assert chinese_faults(visible_blocks("<p>社区基金： 无</p>"))
    assert chinese_faults(visible_blocks("<td>150.00 <span>（未填报）</span></td>"))
    assert chinese_faults(visible_blocks("<p>是否已有?</p>"))
    assert chinese_faults(visible_blocks("<p>已报备至 黄浦区 2027 区级清单: ZR001</p>"))
    assert chinese_faults(visible_blocks("<div>社区工作者 田强 已保存。</div>"), ["田强"])
    assert chinese_faults(visible_blocks("<div>王芳 （waitan）</div>"), ["王芳"])
    # What keeps its spaces: numbers and codes in Chinese text, a name beside a date, a button or an icon beside a
    # sentence, the required mark after a label, a name in a sentence written as Chinese is.
    assert chinese_faults(visible_blocks(
        "<p>计算时间：2026-11-30 10:30。<a class='ms-2'><i class='bi bi-download'></i> 导出 2025 年结果</a></p>"
        "<p>已保存。 <a class='btn btn-sm'>撤销</a></p><label>工作量（小时） *</label>"
        "<div>2026-11-30 10:30 · 王芳</div><div>社区工作者田强已保存。</div>"), ["王芳", "田强"]) == []
