"""Reads for a user: the effective catalogue, the lookup, the registers and their statistics.

The lookup committee staff keep open all day is one box and an unmistakable answer while they type. The
effective catalogue of a district (national and city types, the district's own, its overrides in place of what
they override) is a few hundred rows at most: it is read in one query and matched in Python, so the answer costs
the same whatever the size of the registers. Matching, best first: the name; a name, other name or sub-item
inside what was typed ("开个死亡证明") or the other way round; pinyin initials ("hyzk" → 婚姻状况证明) or full
pinyin, with every reading of a character of several (重名证明 is chongming and zhongming, cmzm and zmzm); then
characters in common. The readings of each name are worked out once per process (term_spelling), so a keystroke
costs a walk over the catalogue's names and no query more than before.
"""

from __future__ import annotations

import datetime
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone
from pypinyin import Style, pinyin

from certificates.filtersets import RegistrationFilterSet, SealUseFilterSet
from certificates.models import CertificateType, LookupTally, Registration, SealUse
from committees.models import Committee
from portal.core.scoping import may_ever, permission_name, unit_of
from portal.core.text import InvalidText, normalise_search

if TYPE_CHECKING:
    from portal.accounts.models import User

# Words residents wrap around what they need: "我想开个死亡证明" is a 死亡证明.
FILLER = re.compile("(" + "|".join([
    "请问", "我想", "我要", "想要", "需要", "能不能", "可不可以", "可以", "帮忙", "帮我", "麻烦",
    "开一个", "开一张", "开一份", "开个", "开张", "开", "办一个", "办个", "办理", "办", "要",
    "一个", "一张", "一份", "给我", "吗", "呢", "吧", "的",
]) + ")")
PUNCTUATION = re.compile(r"[\s,，。.!！?？、;；:：\"“”'‘’()（）]+")


# --- the catalogue --------------------------------------------------------------------------------------------
def certificate_type_catalogue(*, district: str | None, queryset: QuerySet[CertificateType]) -> list[CertificateType]:
    """What applies in a district: its own types, its overrides, and the national and city types they leave.

    `queryset` is where the types are read from: what the reader may see (`restrict(user, "view")`), or for the
    public list, which publishes the catalogue to everyone, every type.
    """
    rows = list(queryset.filter(Q(district__isnull=True) | Q(district_id=district)).order_by("jurisdiction", "name"))
    # An override the district set aside (not in use) still replaces the national or city type.
    overridden = {row.overrides_id for row in rows if row.overrides_id}
    return [row for row in rows if row.is_active and row.pk not in overridden]


def certificate_type_list(*, actor: User) -> list[CertificateType]:
    """The catalogue that applies to the actor: their district's (unit_of), read through restrict(); for the
    city, the national and city types."""
    return certificate_type_catalogue(district=unit_of(actor, "district"),
                                      queryset=CertificateType.objects.restrict(actor, "view"))


def certificate_type_issuable(*, actor: User, district: str | None) -> list[CertificateType]:
    """The types a committee of `district` may issue, by name: the choices of the registration form and what
    registration_create accepts. Read through restrict(actor, "view"), in one query."""
    catalogue = certificate_type_catalogue(district=district, queryset=CertificateType.objects.restrict(actor, "view"))
    return sorted((c for c in catalogue if c.issuable), key=lambda c: c.name)


def certificate_type_get(*, actor: User, pk: int) -> CertificateType:
    """One type of the actor's catalogue; CertificateType.DoesNotExist for any other (another district's: never
    revealed)."""
    for certificate_type in certificate_type_list(actor=actor):
        if certificate_type.pk == pk:
            return certificate_type
    raise CertificateType.DoesNotExist


def certificate_type_district(*, actor: User, action: str = "add") -> str | None:
    """The district whose catalogue the actor keeps (`action`: "add" types to it, or "change" them, which the
    import does), or None: where a new type goes, and whether the catalogue page offers to add or import.

    The declared action decides who (CertificateType.actions: a district's staff); the district is their own. The
    city, a superuser and anyone else without a district of their own keep none. No query.
    """
    district = unit_of(actor, "district")
    return str(district) if district and may_ever(actor, CertificateType, action) else None


def certificate_types_editable(*, actor: User, types: list[CertificateType]) -> set[int]:
    """Which of `types` the actor may change (the catalogue page's edit links), in one query of restrict()."""
    return set(CertificateType.objects.restrict(actor, "change").filter(pk__in=[t.pk for t in types])
               .values_list("pk", flat=True))


# --- the lookup ----------------------------------------------------------------------------------------------
@dataclass
class Match:
    certificate: CertificateType
    score: int
    matched: str  # the term that matched, for "户籍证明 → 居民身份信息证明"


def _terms(certificate: CertificateType) -> list[str]:
    return [certificate.name, *certificate.aliases, *certificate.sub_items]


# Pinyin of a term: at most its first 40 characters are spelled (names, other names and sub-items are shorter).
_SPELLED_CHARACTERS = 40
_INITIALS = ("zh", "ch", "sh")


@dataclass(frozen=True)
class Spelling:
    """What may be typed for each character of a term: `units[i]` the whole spellings of character i (each of its
    readings, its initial zh/ch/sh, its first letter), `prefixes[i]` what typing may have reached inside it (every
    non-empty beginning of a reading). Latin letters and digits stand for themselves."""

    units: tuple[frozenset[str], ...]
    prefixes: tuple[frozenset[str], ...]

    def spells(self, query: str, *, anywhere: bool = False) -> bool:
        """Whether `query` (lower-case letters) is a spelling of the term's beginning, or with `anywhere` of any run
        of its characters: each character typed whole, as an initial or a first letter, the last one perhaps only
        begun ("zhongmzm", "cmzm", "chongmi" for 重名证明). A walk over the characters keeping the positions of
        the query reached, so the readings of a long name are never multiplied out."""
        reached: set[int] = set()  # positions of the query spelled by the characters before this one
        for index, (units, prefixes) in enumerate(zip(self.units, self.prefixes, strict=True)):
            if anywhere or index == 0:
                reached.add(0)
            if not reached:
                return False
            if len(query) in reached:
                return True
            following: set[int] = set()
            for position in reached:
                rest = query[position:]
                if rest in prefixes:
                    return True
                following.update(position + len(unit) for unit in units if rest.startswith(unit))
            reached = following
        return len(query) in reached


# A few hundred types of a few names each, shared by the districts: ~5 KB a term, at most ~20 MB a process.
@functools.lru_cache(maxsize=4096)
def term_spelling(term: str) -> Spelling:
    """Every reading of every character of `term` (pypinyin, heteronym=True: the phrase dictionary's reading in
    context and each reading of the character alone), computed once per term and process: 重名证明 is spelled
    chongming as well as zhongming, 还款能力证明 huankuan as well as haikuan. ü is typed v or u."""
    characters = term.lower()[:_SPELLED_CHARACTERS]
    in_context = pinyin(characters, style=Style.NORMAL, heteronym=True, errors=list)  # one item per character
    if len(in_context) != len(characters):  # never seen; the readings of each character alone still hold
        in_context = [[] for _character in characters]
    units, prefixes = [], []
    for character, phrase_readings in zip(characters, in_context, strict=True):
        if character.isascii():
            if not character.isalnum():
                continue
            readings = {character}
        else:
            alone = pinyin(character, style=Style.NORMAL, heteronym=True, errors="ignore")
            readings = {r for r in (*phrase_readings, *(alone[0] if alone else ())) if r.isascii() and r.isalpha()}
            readings |= {r.replace("v", "u") for r in readings}
        if not readings:
            continue  # punctuation, a space: nothing is typed for it
        units.append(frozenset(readings | {r[0] for r in readings} | {r[:2] for r in readings if r[:2] in _INITIALS}))
        prefixes.append(frozenset(r[:n] for r in readings for n in range(1, len(r) + 1)))
    return Spelling(tuple(units), tuple(prefixes))


def lookup_terms(query: str) -> tuple[str, str]:
    """What the lookup matches of `query`, read once: `(raw, bare)`. `raw` is its canonical form
    (portal.core.text.normalise_search: full-width letters and digits typed in the Chinese input mode are ASCII)
    in lower case, without punctuation or spaces; `bare` is `raw` without the words residents wrap around what
    they need ("我想开个…"), or `raw` itself when nothing else is left.

    Raises: InvalidText naming a control character (the pages and the API read `q` with a normalising field first).
    """
    raw = PUNCTUATION.sub("", normalise_search(query).lower())
    return raw, FILLER.sub("", raw) or raw


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
        spellings = [(term, term_spelling(term)) for term in terms]
        for term, spelling in spellings:
            if spelling.spells(query):
                return 50, term
        if len(query) >= 3:
            for term, spelling in spellings:
                if spelling.spells(query, anywhere=True):
                    return 40, term
    shared = sum(1 for char in set(query) if char in certificate.name and not char.isascii() and char not in "证明")
    if shared >= 2:
        return 10 + shared, certificate.name
    return 0, ""


def certificate_type_match(*, catalogue: list[CertificateType], query: str, limit: int = 8) -> list[Match]:
    """The types of `catalogue` that match what was typed, best first. A query holding a control character
    matches nothing (the pages and the API refuse it before: portal.core.text)."""
    try:
        raw, normal = lookup_terms(query)
    except InvalidText:
        return []
    if not normal:
        return []
    matches = []
    for certificate in catalogue:
        score, term = _score(certificate, normal, raw)
        if score:
            matches.append(Match(certificate, score, term))
    matches.sort(key=lambda m: (-m.score, m.certificate.name))
    return matches[:limit]


def certificate_type_lookup(*, actor: User, query: str, limit: int = 8) -> list[Match]:
    """The lookup for a signed-in user: their catalogue's matches, best first."""
    return certificate_type_match(catalogue=certificate_type_list(actor=actor), query=query, limit=limit)


# --- the registers -------------------------------------------------------------------------------------------
def acting_committees(*, actor: User, model: type[Registration] | type[SealUse]) -> QuerySet[Committee]:
    """The committees the actor writes `model`'s register for (registrations or seal uses): a committee's own
    staff, their committee. Who may is the model's declared "add" action (its permission and level); explicit
    grants never count: a grant lets others read a register, never write it.

    The services authorise through it, and every button, link and default asks it: nobody is offered a register
    they may not write. Nothing to read for someone who may never add (an empty queryset).
    """
    if not may_ever(actor, model, "add"):
        return Committee.objects.none()
    return Committee.objects.restrict(actor, "view", perm=permission_name(model, "add"), include_grants=False)


def acting_committee(*, actor: User, model: type[Registration] | type[SealUse], code: str | None = None
                     ) -> Committee | None:
    """The committee a register is written for: the one named by `code` (Committee.DoesNotExist when the actor
    does not act for it), or by default the only one the actor acts for; None when there is none or more than one
    to choose from (district staff, the city, a superuser). One query at most."""
    committees = acting_committees(actor=actor, model=model).select_related("street")
    if code is not None:
        return committees.get(pk=code)
    rows = list(committees[:2])
    return rows[0] if len(rows) == 1 else None


def registration_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[Registration]:
    """The registrations the actor may read, newest first, filtered like the API."""
    queryset = (Registration.objects.restrict(actor).select_related("certificate_type", "committee")
                .order_by("-issued_at", "-id"))
    return RegistrationFilterSet(filters or {}, queryset=queryset).qs


def seal_use_search(*, actor: User, filters: dict[str, Any] | None = None) -> SealUseFilterSet:
    """The seal register's search over the seal uses the actor may read, newest first, each with its handler,
    committee and certificate (for the voided mark): `.qs` the rows, `.form` the search as read (its errors on
    the fields it could not read, which filter nothing)."""
    queryset = (SealUse.objects.restrict(actor).select_related("handler", "committee", "registration")
                .order_by("-used_at", "-id"))
    return SealUseFilterSet(filters or {}, queryset=queryset)


def seal_use_list(*, actor: User, filters: dict[str, Any] | None = None) -> QuerySet[SealUse]:
    """The seal uses the actor may read, newest first, filtered like the API (seal_use_search)."""
    return seal_use_search(actor=actor, filters=filters).qs


def registration_statistics(*, actor: User, year: int | None = None) -> dict[str, Any]:
    """Registrations by type and month, voids, requests turned away by type, in the actor's scope, for `year`
    (by default the current one, which the answer names). `totals["issued"]` and the `by_type` counts include the
    voided registrations (a voided number stays used; the statistics page says so); `totals["voided"]` is how many
    of them were voided.

    The year's registrations are read once, grouped by type id and month: no join per row, and at a district's
    hundreds of thousands of rows an index-only scan of `registration_statistics_idx`, which holds every
    column read (benchmarks/certificates.py). The names of the types found come after, in a query of their own.
    """
    year = year or timezone.localdate().year
    rows = list(Registration.objects.restrict(actor).filter(year=year).annotate(month=ExtractMonth("issued_at"))
                .values("certificate_type", "month")
                .annotate(n=Count("*"), voided=Count("voided_at")).order_by())
    names = dict(CertificateType.objects.filter(pk__in={row["certificate_type"] for row in rows}).values_list("pk", "name"))
    table: dict[str, list[int]] = {}
    for row in rows:
        table.setdefault(names[row["certificate_type"]], [0] * 12)[row["month"] - 1] += row["n"]
    committees = Committee.objects.restrict(actor).values("pk")
    turned_away = list(LookupTally.objects.filter(committee__in=committees, issuable=False,
                                                  day__gte=datetime.date(year, 1, 1), day__lte=datetime.date(year, 12, 31))
                       .values("certificate_type__name").annotate(n=Sum("count")).order_by("-n"))
    totals = {"issued": sum(row["n"] for row in rows), "voided": sum(row["voided"] for row in rows)}
    return {"year": year,
            "by_type": [{"name": name, "months": months, "total": sum(months)} for name, months in sorted(table.items())],
            "turned_away": [{"name": r["certificate_type__name"], "n": r["n"]} for r in turned_away],
            "totals": {**totals, "turned_away": sum(r["n"] for r in turned_away)}}
