"""The lookup and characters with several readings (多音字, issue 14): 重 is zhong or chong, 还 hai or huan, and a
resident's request is typed with whichever the person reads. Every reading of every character finds the type,
whole, by initials, mixed, or half typed; a long name of polyphones costs a walk bounded by its length and the
query's (counted: the house rule is never a timed test), and the lookup's queries are unchanged."""

import pytest
from django.urls import reverse

from certificates.models import CertificateType
from certificates.selectors import Spelling, certificate_type_catalogue, certificate_type_match, term_spelling
from tests.support.factories import CertificateTypeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def polyphones(world):  # noqa: ANN001, ANN201
    return [CertificateTypeFactory(name=name, district=world.huangpu) for name in ("重名证明", "还款能力证明")]


def first(query: str) -> str | None:
    catalogue = certificate_type_catalogue(district="310101", queryset=CertificateType.objects.all())
    found = certificate_type_match(catalogue=catalogue, query=query)
    return found[0].certificate.name if found else None


@pytest.mark.parametrize("query, expected", [
    ("chongming", "重名证明"),       # the reading of 重 in 重名 (the phrase dictionary says zhong)
    ("cmzm", "重名证明"),            # its initials
    ("zhongming", "重名证明"),       # the phrase dictionary's reading still works
    ("zmzm", "重名证明"),
    ("chongmi", "重名证明"),         # still typing
    ("chmzm", "重名证明"),           # an initial zh/ch/sh and first letters, mixed
    ("ｃｈｏｎｇｍｉｎｇ", "重名证明"),  # typed in the Chinese input mode (full-width letters)
    ("huankuan", "还款能力证明"),
    ("hknl", "还款能力证明"),
    ("haikuan", "还款能力证明"),
    ("huankuannengli", "还款能力证明"),
    ("kuanneng", "还款能力证明"),     # a run inside the name
    ("hyzk", "婚姻状况证明"),        # the national catalogue's plain readings, as before
    ("wufanzui", "无犯罪记录证明"),
])
def test_any_plausible_spelling_finds_the_type(polyphones, query: str, expected: str) -> None:  # noqa: ANN001
    assert first(query) == expected


def test_a_spelling_of_no_reading_finds_nothing(polyphones) -> None:  # noqa: ANN001
    assert first("chongxing") is None and first("qqqq") is None


def test_the_readings_of_a_long_name_are_not_multiplied_out(world) -> None:  # noqa: ANN001
    """40 characters of two to four readings each would be ~10^18 spellings; the walk keeps the positions of the
    query it reached (at most one per letter typed, and the start), so it reads each character's readings at most
    once per position: counted, not timed (benchmarks/lookup.py prints the time)."""
    name = "重还长行乐朝都会数调" * 4 + "证明"
    CertificateTypeFactory(name=name, district=world.huangpu)
    term_spelling.cache_clear()
    assert first("chonghuanzhanghangyuechaodouhuishutiao") == name
    assert first("zhonghaichangxinglezhaodukuaishudiao") == name

    reads: list[str] = []

    class Counted(frozenset):  # a character's readings, counting each time the walk reads them
        def __iter__(self):  # noqa: ANN204
            reads.append("units")
            return super().__iter__()

        def __contains__(self, item: object) -> bool:
            reads.append("prefixes")
            return super().__contains__(item)

    spelling = term_spelling(name)
    counted = Spelling(tuple(map(Counted, spelling.units)), tuple(map(Counted, spelling.prefixes)))
    query = "zhonghaichangxinglezhaodukuaishudiaoq"  # spelled almost to the end, then wrong: the longest walk
    assert not counted.spells(query, anywhere=True)
    assert len(spelling.units) == 40  # one set per character spelled (a term's first 40), never per spelling
    assert 0 < len(reads) <= 2 * (len(query) + 1) * len(spelling.units)


def test_the_lookup_page_finds_a_polyphone_with_its_usual_queries(client, world, committee_staff, polyphones,  # noqa: ANN001
                                                                  django_assert_num_queries) -> None:
    client.force_login(committee_staff)
    client.get(reverse("certificates:lookup"))  # the bell's count is cached from here on
    with django_assert_num_queries(7):  # as for any query: session, user, unit names, grants, the catalogue
        found = client.get(reverse("certificates:lookup"), {"q": "ｃｍｚｍ"})
    assert [m.certificate.name for m in found.context["matches"]][:1] == ["重名证明"]
    assert found.context["q"] == "cmzm"


def test_the_api_lookup_reads_every_reading(api, world, committee_staff, polyphones) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    found = api.get("/api/v1/certificate-lookup/", {"q": "huankuan"}).json()
    assert found[0]["certificate"]["name"] == "还款能力证明"
