"""Every door scoped (issue 13): the API speaks JSON only, a filter value outside the reader's scope answers as one
that exists nowhere, a department never learns which committee reported it, the import never says where a staff
number is used, and the routes of the issue's server errors answer 404 or 400."""

import pytest
from django.urls import reverse

from committees.interchange import import_org
from tests.core.test_api_contracts import router_viewsets
from tests.support.factories import (
    CommitteeFactory,
    CommunityWorkerFactory,
    DistrictFactory,
    StreetFactory,
    ViolationReportFactory,
)

pytestmark = pytest.mark.django_db

# --- JSON only ----------------------------------------------------------------------------------------------------


def test_the_api_has_no_browsable_html_page(api, world, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    assert api.get("/api/v1/dispatches/", {"format": "api"}).status_code == 404
    # A browser asking for HTML gets the JSON, without a form or a drop-down.
    answer = api.get("/api/v1/dispatches/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert answer.status_code == 200 and answer["Content-Type"] == "application/json"
    assert answer.json() == {"count": 0, "next": None, "previous": None, "results": []}
    root = api.get("/api/v1/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert root.status_code == 200 and root["Content-Type"] == "application/json"
    assert api.get("/api/v1/", HTTP_ACCEPT="text/html").status_code == 406  # HTML only: nothing to offer


def test_the_openapi_docs_are_still_served(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    assert client.get(reverse("api-docs")).status_code == 200
    assert client.get(reverse("api-schema")).status_code == 200


# --- filter values outside scope ----------------------------------------------------------------------------------

# A unit's code of each kind: in the other district of the world (exists elsewhere) and nowhere.
UNIT_FILTERS = {"committee": ("310104001001", "310104001999"), "street": ("310104001", "310104999"),
                "district": ("310104", "310199")}


def _list_urls() -> list[str]:
    urls = []
    for name in sorted(router_viewsets()):
        try:
            urls.append(reverse(f"{name}-list"))
        except Exception:  # noqa: BLE001, S112 (a viewset without a list route)
            continue
    return urls


@pytest.mark.parametrize("persona", ["street_officer", "committee_staff", "department_staff", "district_staff"])
def test_a_unit_filter_outside_scope_answers_as_a_unit_that_exists_nowhere(api, world, personas, persona) -> None:  # noqa: ANN001
    DistrictFactory(code="310199", name="无此区")  # a district with nothing under it: "310199" exists, "310198" not
    api.force_authenticate(personas[persona])
    urls = _list_urls()
    assert len(urls) >= 15
    different = []
    for url in urls:
        for name, (elsewhere, nowhere) in UNIT_FILTERS.items():
            a, b = api.get(url, {name: elsewhere}), api.get(url, {name: nowhere})
            if (a.status_code, a.content) != (b.status_code, b.content):
                different.append(f"{url}?{name}=: {a.status_code} {a.content[:80]!r} / {b.status_code} {b.content[:80]!r}")
    assert not different, "\n".join(different)


def test_a_department_cannot_filter_reports_by_the_reporting_committee(api, world, district_staff, department_staff) -> None:  # noqa: ANN001
    """The parameter is no filter for a department: ignored, as `?colour=red` is, whatever its value."""
    department = department_staff.department
    reported = ViolationReportFactory(committee=world.baoxing, status="transferred", department=department)
    ViolationReportFactory(committee=world.hankou, status="transferred", department=department)
    api.force_authenticate(department_staff)
    everything = api.get("/api/v1/violation-reports/")
    assert everything.status_code == 200 and everything.data["count"] == 2
    for value in (world.baoxing.code, world.hankou.code, world.yunnan.code, "319999999999", "abc", ""):
        answer = api.get("/api/v1/violation-reports/", {"committee": value})
        assert (answer.status_code, answer.content) == (everything.status_code, everything.content), value
    # A control character is refused in any parameter (the boundary's rule), known or not: the same 400.
    unknown, committee = (api.get("/api/v1/violation-reports/", {name: "a\x1bb"}) for name in ("colour", "committee"))
    assert (committee.status_code, committee.content) == (unknown.status_code, unknown.content.replace(b"colour", b"committee"))
    for row in everything.data["results"]:
        assert "committee" not in row and "reporter" not in row
    detail = api.get(f"/api/v1/violation-reports/{reported.pk}/")
    assert detail.status_code == 200 and world.baoxing.code not in detail.content.decode()
    # The district, who may know who reported, filters by it.
    api.force_authenticate(district_staff)
    assert [row["id"] for row in api.get("/api/v1/violation-reports/", {"committee": world.baoxing.code}).data[
        "results"]] == [reported.pk]


def test_the_report_filter_set_offers_no_committee_to_a_department(world, department_staff, district_staff) -> None:  # noqa: ANN001
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from tasks_registry.filtersets import ViolationReportFilterSet

    def fields(user) -> set[str]:  # noqa: ANN001
        request = Request(APIRequestFactory().get("/"))
        request.user = user
        return set(ViolationReportFilterSet(data={}, request=request).form.fields)

    assert "committee" not in fields(department_staff)
    assert "committee" in fields(district_staff)


# --- the import ---------------------------------------------------------------------------------------------------


def test_the_import_never_says_a_staff_number_is_used_in_another_unit(world, street_officer, tmp_path) -> None:  # noqa: ANN001
    pudong = StreetFactory(district=DistrictFactory(code="310115", name="浦东新区"), code="310115001", name="浦东街道")
    CommunityWorkerFactory(committee=CommitteeFactory(street=pudong, code="310115001001"), code="PD-0001")
    CommunityWorkerFactory(committee=world.yunnan, code="NJ-0001")  # the same district, another street
    (tmp_path / "workers.csv").write_text(
        f"工号,居委会代码,姓名,入职日期\nPD-0001,{world.baoxing.code},张敏,2015-03-01\n"
        f"NJ-0001,{world.baoxing.code},李娜,2016-03-01\n", encoding="utf-8")
    report = import_org(tmp_path, actor=street_officer)
    assert [(e.row, e.value) for e in report.errors] == [(2, "PD-0001"), (3, "NJ-0001")]
    assert {e.message for e in report.errors} == {"该工号已被使用，请核对。"}
    text = str(report.as_json())
    assert "其他单位" not in text and "310115" not in text and world.yunnan.code not in text


# --- the server errors of the issue -------------------------------------------------------------------------------


def test_an_unknown_level_in_an_indicator_url_is_not_found(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    for path in ("/indicators/bogus/310101/", "/indicators/bogus/310101/results.xlsx",
                 "/indicators/district/310101/bogus.xlsx"):
        answer = client.get(path)
        assert answer.status_code == 404 and "base.html" in [t.name for t in answer.templates], path


def test_a_year_out_of_range_on_a_dashboard_or_statistics_reads_as_none(client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    """The one year parser (committees.forms.YearForm) leaves a year it cannot read out: the page of the
    default year, never a 500 (issue 12's decision, kept)."""
    client.force_login(district_staff)
    plain = client.get("/indicators/district/310101/")
    for odd in ("99999", "-5", "1", "abc", "99999999999"):
        answer = client.get("/indicators/district/310101/", {"year": odd})
        assert answer.status_code == 200 and answer.context["year"] == plain.context["year"], odd
    client.force_login(committee_staff)
    this_year = client.get(reverse("certificates:statistics")).context["year"]
    for odd in ("99999", "-5", "abc"):
        answer = client.get(reverse("certificates:statistics"), {"year": odd})
        assert answer.status_code == 200 and answer.context["year"] == this_year, odd


def test_the_api_statistics_answer_a_bad_year_or_suffix_without_a_500(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    for path in ("/api/v1/registrations/statistics.json/", "/api/v1/registrations/statistics.json"):
        assert api.get(path).status_code == 404, path
    for odd in ("99999", "1", "abc"):
        refused = api.get("/api/v1/registrations/statistics/", {"year": odd})
        assert refused.status_code == 400 and "year" in refused.json(), odd
    assert api.get("/api/v1/registrations/statistics/").status_code == 200
