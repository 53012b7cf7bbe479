"""The lookup committee staff keep open all day: one box, an unmistakable answer while they type.

The effective catalogue of a district (national and city types, the district's own, its overrides in
place of what they override) is a few hundred rows at most: it is read in one query and matched in
Python, so the answer costs the same whatever the size of the registers. Matching, best first:
the name; a name, other name or sub-item inside what was typed ("开个死亡证明") or the other way round;
pinyin initials ("hyzk" → 婚姻状况证明) or full pinyin; then characters in common.
"""

import re
from dataclasses import dataclass

from django.db.models import Q
from pypinyin import Style, lazy_pinyin

from certificates.models import CertificateType

# Words residents wrap around what they need: "我想开个死亡证明" is a 死亡证明.
FILLER = re.compile("(" + "|".join([
    "请问", "我想", "我要", "想要", "需要", "能不能", "可不可以", "可以", "帮忙", "帮我", "麻烦",
    "开一个", "开一张", "开一份", "开个", "开张", "开", "办一个", "办个", "办理", "办", "要",
    "一个", "一张", "一份", "给我", "吗", "呢", "吧", "的",
]) + ")")
PUNCTUATION = re.compile(r"[\s,，。.!！?？、;；:：\"“”'‘’()（）]+")


def _terms(certificate: CertificateType) -> list[str]:
    return [certificate.name, *certificate.aliases, *certificate.sub_items]


def pinyin_forms(text: str) -> tuple[str, str]:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower(), "".join(lazy_pinyin(text)).lower()


def search_text(certificate: CertificateType) -> str:
    """What the lookup matches a type by, stored on the row (and in the type's cache)."""
    parts = []
    for term in _terms(certificate):
        initials, full = pinyin_forms(term)
        parts += [term, initials, full]
    return " ".join(parts)


def normalise(query: str) -> str:
    query = PUNCTUATION.sub("", query.strip().lower())
    stripped = FILLER.sub("", query)
    return stripped or query


def effective_catalogue(district_code: str | None) -> list[CertificateType]:
    """What applies in a district: its own types, its overrides, and the national and city types they leave."""
    rows = list(CertificateType.objects.filter(Q(district__isnull=True) | Q(district_id=district_code))
                .order_by("jurisdiction", "name"))
    # An override the district set aside (not in use) still replaces the national or city type.
    overridden = {row.overrides_id for row in rows if row.overrides_id}
    return [row for row in rows if row.is_active and row.pk not in overridden]


@dataclass
class Match:
    certificate: CertificateType
    score: int
    matched: str  # the term that matched, for "户籍证明 → 居民身份信息证明"


def _score(certificate: CertificateType, query: str, raw: str) -> tuple[int, str]:
    terms = _terms(certificate)
    if query == certificate.name or raw == certificate.name:
        return 100, certificate.name
    for term in terms:
        if term == query:
            return 90, term
    for term in terms:
        if term in raw or term in query:
            return 80 + min(len(term), 9), term  # the longer the name found in the sentence, the surer
    for term in terms:
        bare = term.removesuffix("证明")
        if len(query) >= 2 and (query in term or (bare and bare in query)):
            return 60, term
    if query.isascii() and query.isalpha():
        for term in terms:
            initials, full = pinyin_forms(term)
            if initials.startswith(query) or full.startswith(query):
                return 50, term
            if len(query) >= 3 and (query in initials or query in full):
                return 40, term
    shared = sum(1 for char in set(query) if char in certificate.name and not char.isascii() and char not in "证明")
    if shared >= 2:
        return 10 + shared, certificate.name
    return 0, ""


def lookup(district_code: str | None, query: str, *, limit: int = 8) -> list[Match]:
    raw = PUNCTUATION.sub("", query.strip().lower())
    normal = normalise(query)
    if not normal:
        return []
    matches = []
    for certificate in effective_catalogue(district_code):
        score, term = _score(certificate, normal, raw)
        if score:
            matches.append(Match(certificate, score, term))
    matches.sort(key=lambda m: (-m.score, m.certificate.name))
    return matches[:limit]
