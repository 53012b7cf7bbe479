"""The catalogue page's search reads `q` as the lookup does (issue 14 review): in its canonical form, so a search of
nothing but invisible characters is no search (the whole catalogue, not an empty page), and a full-width one finds
the same types as the plain one."""

import pytest
from django.urls import reverse

from certificates.selectors import certificate_type_list

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["\u200b", "\u3000", " \ufeff "])
def test_a_search_of_only_invisible_characters_shows_the_whole_catalogue(client, world, committee_staff,  # noqa: ANN001
                                                                        q: str) -> None:
    client.force_login(committee_staff)
    page = client.get(reverse("certificates:catalogue"), {"q": q})
    assert page.status_code == 200 and page.context["q"] == ""
    assert page.context["page"].paginator.count == len(certificate_type_list(actor=committee_staff)) > 0


def test_a_full_width_search_finds_what_the_plain_one_finds(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    plain = client.get(reverse("certificates:catalogue"), {"q": "swzm"}).context
    typed = client.get(reverse("certificates:catalogue"), {"q": "ｓｗｚｍ\u200b"}).context
    assert typed["q"] == "swzm"
    assert list(typed["page"].object_list) == list(plain["page"].object_list)
    assert typed["page"].object_list[0].name == "死亡证明"


def test_a_search_the_form_refuses_finds_nothing(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    page = client.get(reverse("certificates:catalogue"), {"q": "死" * 201})  # longer than any search
    assert page.status_code == 200 and page.context["q"] == "死" * 201
    assert page.context["page"].paginator.count == 0
