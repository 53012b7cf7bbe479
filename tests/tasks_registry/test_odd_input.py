"""No input gets a 500: query parameters are read through forms and FilterSets, and one that cannot be read
is left out (the page's default), whoever sends it. A NUL (or another control character) is refused with 400
before any page reads it (portal.core.middleware.ControlCharacterMiddleware, issue 12)."""

import datetime

import pytest
from django.urls import reverse

from tests.tasks_registry.test_admission import new_request
from tests.tasks_registry.test_lists_and_dispatch import make_list
from tests.tasks_registry.test_request_pages import _form

pytestmark = pytest.mark.django_db

SUPERSCRIPT_TWO = "²"  # str.isdigit() says yes, int() says no
NUL = "助餐\x00需求"  # PostgreSQL refuses NUL in a text parameter


@pytest.mark.parametrize("year", [SUPERSCRIPT_TWO, "99999999999999999999", "-1", "1800", "abc", ""])
def test_the_received_page_reads_any_year(client, world, committee_staff, year) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.get(reverse("tasks:received"), {"year": year, "page": SUPERSCRIPT_TWO,
                                                      "refusals_page": "abc"})
    assert response.status_code == 200
    assert response.context["year"] == datetime.date.today().year
    assert (response.context["page"].number, response.context["refusals"].number) == (1, 1)


@pytest.mark.parametrize("query", [{"exclude": SUPERSCRIPT_TWO, "title": "老年人助餐"}, {"exclude": "9" * 30},
                                   {"title": "助" * 500}])
def test_the_duplicate_check_finds_nothing_for_what_it_cannot_read(client, world, street_officer, query) -> None:  # noqa: ANN001
    make_list(district=world.huangpu, title="老年人助餐服务需求调查")
    client.force_login(street_officer)
    response = client.get(reverse("tasks:request_similar"), query)
    assert response.status_code == 200
    assert response.context["similar"] == {"items": [], "requests": []}


def test_the_duplicate_check_still_leaves_out_the_request_being_revised(client, world, street_officer) -> None:  # noqa: ANN001
    mine = new_request(street_officer, world, committees=[world.baoxing], title="老年人助餐需求调查")
    client.force_login(street_officer)
    found = client.get(reverse("tasks:request_similar"), {"title": "老年人助餐需求调查", "exclude": mine.pk})
    assert found.status_code == 200 and found.context["similar"]["requests"] == []


def test_the_list_page_shows_every_item_for_a_search_it_cannot_read(client, world, district_staff) -> None:  # noqa: ANN001
    task_list = make_list(district=world.huangpu, items=3)
    client.force_login(district_staff)
    response = client.get(reverse("tasks:list_detail", args=[task_list.pk]), {"q": "", "page": SUPERSCRIPT_TWO})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 3
    assert client.get(reverse("tasks:list_detail", args=[task_list.pk]), {"q": NUL}).status_code == 400
    searched = client.get(reverse("tasks:list_detail", args=[task_list.pk]), {"q": "任务2"})
    assert [item.code for item in searched.context["page"].object_list] == ["002"] and searched.context["q"] == "任务2"


@pytest.mark.parametrize("query", [{"q": ""}, {"district": "3" * 7}, {"district": "3" * 50}, {"year": SUPERSCRIPT_TWO},
                                   {"year": "99999999999999999999"}, {"year": "0"}, {"page": "abc"}])
def test_the_public_page_falls_back_to_its_defaults(client, world, query) -> None:  # noqa: ANN001
    year = datetime.date.today().year
    make_list(district=world.huangpu, year=year, title="已发布的任务")
    response = client.get(reverse("public_task_lists"), query)
    assert response.status_code == 200
    assert response.context["year"] == year and response.context["q"] == "" and response.context["district"] == ""
    assert [item.title for item in response.context["page"].object_list] == ["已发布的任务"]


def test_the_public_page_filters_a_district_with_the_citys_list(client, world) -> None:  # noqa: ANN001
    year = datetime.date.today().year
    make_list(year=year, title="市级任务")
    make_list(district=world.huangpu, year=year, title="黄浦任务")
    make_list(district=world.xuhui, year=year, title="徐汇任务")
    response = client.get(reverse("public_task_lists"), {"district": world.xuhui.code, "year": year})
    assert {item.title for item in response.context["page"].object_list} == {"市级任务", "徐汇任务"}
    assert response.context["district"] == world.xuhui.code


@pytest.mark.parametrize("item", [SUPERSCRIPT_TWO, "abc", "9" * 30])
def test_the_dispatch_form_ignores_an_unreadable_item(client, world, district_staff, item) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    assert client.get(reverse("tasks:dispatch"), {"item": item}).status_code == 200


@pytest.mark.parametrize("url, query", [
    ("/api/v1/task-items/", {"q": NUL}), ("/api/v1/task-items/", {"year": "9" * 30}),
    ("/api/v1/task-items/", {"year": SUPERSCRIPT_TWO}), ("/api/v1/task-lists/", {"district": NUL}),
    ("/api/v1/refused-dispatches/", {"year": "9" * 30}), ("/api/v1/dispatches/", {"committee": NUL}),
    ("/api/v1/admission-requests/", {"q": NUL}), ("/api/v1/violation-reports/", {"committee": NUL}),
])
def test_the_api_answers_an_unreadable_filter_without_a_500(api, world, district_staff, url, query) -> None:  # noqa: ANN001
    make_list(district=world.huangpu)
    api.force_authenticate(district_staff)
    assert api.get(url, query).status_code in (200, 400)


def test_a_request_form_with_a_nul_in_its_title_is_refused_on_the_field(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    response = client.post(reverse("tasks:request_new"), {**_form(world), "title": NUL, "save": "1"})
    assert response.status_code == 400 and "title" in response.context["form"].errors
