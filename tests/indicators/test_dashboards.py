"""The indicator dashboards and their API: the same numbers, in scope, with bounded queries, exports, recompute."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from committees.models import Committee, CommitteeYear, Street
from portal.indicators.models import ComputationRun, Target
from portal.indicators.selectors import project
from portal.indicators.services import compute_year
from tests.support.factories import CommitteeYearFactory, CommunityWorkerFactory, QualificationFactory

pytestmark = pytest.mark.django_db


def _url(scope: str, code: str, year: int = 2025) -> str:
    return reverse("dashboards:indicators", args=[scope, code]) + f"?year={year}"


@pytest.fixture
def computed(world):  # noqa: ANN001, ANN201
    for year, households in ((2023, 1000), (2024, 2000), (2025, 3200)):
        CommitteeYearFactory(committee=world.baoxing, year=year, households=households, office_area_m2=None,
                             work_fund_yuan=Decimal("50000"))
        CommitteeYearFactory(committee=world.yunnan, year=year)
    worker = CommunityWorkerFactory(committee=world.baoxing)
    QualificationFactory(worker=worker, level="senior", obtained_on=datetime.date(2024, 5, 1))
    CommunityWorkerFactory(committee=world.baoxing)
    for year in (2023, 2024, 2025):
        compute_year(year)
    return world


def test_each_user_lands_on_the_dashboard_of_their_unit(client, computed, personas) -> None:  # noqa: ANN001
    expected = {"city_staff": "/indicators/city/310000/", "district_staff": "/indicators/district/310101/",
                "street_officer": "/indicators/street/310101013/", "committee_staff": "/indicators/committee/310101013018/"}
    for persona, url in expected.items():
        client.force_login(personas[persona])
        assert client.get(reverse("dashboards:indicators_home")).url == url
        assert client.get(url).status_code == 200, persona
        assert client.get(reverse("dashboards:indicators_home"), {"year": "2021"}).url == f"{url}?year=2021"
        assert client.get(reverse("dashboards:indicators_home"), {"year": "-5"}).url == url  # not a year: the default


def test_a_dashboard_outside_the_users_scope_is_not_found(client, computed, street_officer, district_staff) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    assert client.get(_url("street", computed.nanjing.code)).status_code == 404
    assert client.get(_url("committee", computed.yunnan.code)).status_code == 404
    assert client.get(_url("city", "310000")).status_code == 403
    client.force_login(district_staff)
    assert client.get(_url("district", "310104")).status_code == 404


def test_the_district_page_shows_values_targets_and_the_committees_behind_shortfalls(client, computed,
                                                                                        district_staff) -> None:  # noqa: ANN001
    Target.objects.create(district=computed.huangpu, indicator="work_fund_coverage", year_from=2025, year_to=2025,
                          value=Decimal("0.9"))
    client.force_login(district_staff)
    page = client.get(_url("district", "310101")).content.decode()
    assert "50.0%" in page and "未达标" in page  # work funds: 1 of 2 committees
    assert "外滩街道" in page and "南京东路街道" in page  # the bar chart's and table's streets
    assert page.count("宝兴居委会") >= 3  # oversized, space shortfall (office not recorded), work fund short
    assert "150.00" in page and "50000.00" in page  # office short by the whole standard; fund short by 50,000
    assert "汉口路居委会" in page  # no record for 2025
    assert "计算时间" in page


def test_the_numbers_on_the_page_equal_the_api(client, api, computed, district_staff) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    rows = api.get("/api/v1/results/", {"scope": "district", "code": "310101", "year": 2025}).data["results"]
    client.force_login(district_staff)
    context = client.get(_url("district", "310101")).context
    shown = {card.indicator.code: card.result.value for card in context["cards"]}
    assert {row["indicator"]: row["value"] for row in rows} == shown
    assert shown["sw_certified_rate"] == 0.5 and shown["oversized_committees"] == 1


def test_the_street_page_drills_into_committees_and_the_committee_page_shows_its_own(client, computed,
                                                                                     street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    page = client.get(_url("street", computed.waitan.code))
    assert [row["name"] for row in page.context["child_table"]] == ["汉口路居委会", "宝兴居委会"]
    assert reverse("dashboards:indicators", args=["committee", computed.baoxing.code]) in page.content.decode()
    committee = client.get(_url("committee", computed.baoxing.code))
    assert committee.status_code == 200 and committee.context["child_scope"] is None
    codes = [card.indicator.code for card in committee.context["cards"]]
    assert "community_fund_coverage" not in codes and len(codes) == 6


def test_the_city_page_puts_every_district_side_by_side(client, computed, city_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    page = client.get(_url("city", "310000"))
    names = [row["name"] for row in page.context["child_table"]]
    assert "黄浦区" in names and "徐汇区" in names and len(names) == 16


def test_every_table_exports_to_xlsx_with_the_pages_numbers(client, computed, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    for table in ("results", "children", "space", "oversized", "missing", "fund"):
        response = client.get(reverse("dashboards:indicators_export", args=["district", "310101", table]) + "?year=2025")
        assert response.status_code == 200, table
        sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
        rows = list(sheet.iter_rows(values_only=True))
        if table == "oversized":
            assert rows[1][:2] == (computed.baoxing.code, "宝兴居委会") and rows[1][3] == 3200
        if table == "fund":
            assert rows[1][-1] == 50000
    assert client.get(reverse("dashboards:indicators_export", args=["district", "310101", "nothing"])).status_code == 404


def test_a_projection_is_a_least_squares_line_through_past_years() -> None:
    target = Target(indicator="sw_certified_rate", year_from=2026, comparison="ge", value=Decimal("0.60"))
    projection = project([(2023, 0.40), (2024, 0.46), (2025, 0.52)], 2026, target)
    assert projection.value == pytest.approx(0.58) and projection.slope == pytest.approx(0.06) and not projection.met
    assert project([(2025, 0.5)], 2026, target) is None
    assert project([(2023, 0.9), (2024, 1.0), (2025, 1.1)], 2030, target).value == 1.0  # a rate stays within 0-1


def test_a_future_target_says_whether_the_trend_will_meet_it(client, computed, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    page = client.get(_url("district", "310101")).content.decode()
    # Seeded: 黄浦 oversized_committees ≤ 0 in 2026; the count went 0, 0, 1 over 2023-2025.
    assert "2026" in page and "偏离" in page


def test_recompute_starts_one_run_and_the_button_waits_while_it_is_in_flight(client, computed, district_staff,
                                                                            street_officer) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    first = client.post(reverse("dashboards:recompute"), {"year": 2025}, headers={"HX-Request": "true"})
    second = client.post(reverse("dashboards:recompute"), {"year": 2025}, headers={"HX-Request": "true"})
    assert ComputationRun.objects.filter(year=2025, status="queued").count() == 1
    for response in (first, second):
        assert "disabled" in response.content.decode() and 'hx-trigger="every 1s"' in response.content.decode()
    client.force_login(street_officer)
    assert client.post(reverse("dashboards:recompute"), {"year": 2025}).status_code == 403


@pytest.mark.parametrize("size", [10, 1000])
def test_dashboards_keep_their_query_count_at_any_size(client, world, district_staff, street_officer, city_staff, size,
                                                       django_assert_max_num_queries) -> None:  # noqa: ANN001
    streets = [Street.objects.create(district=world.huangpu, code=f"3101010{50 + n:02d}", name=f"街道{n}", kind="street")
               for n in range(max(1, size // 100))]
    committees = [Committee(street=streets[n % len(streets)], code=f"{streets[n % len(streets)].code}{n // len(streets) + 1:03d}",
                            name=f"居委会{n}", kind="residents") for n in range(size)]
    Committee.objects.bulk_create(committees)
    CommitteeYear.objects.bulk_create([CommitteeYear(committee=c, year=2025, households=3500, resident_households=1600,
                                                     work_fund_yuan=1) for c in committees])
    compute_year(2025)
    for user, url in ((district_staff, _url("district", "310101")), (street_officer, _url("street", world.waitan.code)),
                      (city_staff, _url("city", "310000"))):
        client.force_login(user)
        with django_assert_max_num_queries(17):  # 16, and the bell's unread count when it is not cached
            assert client.get(url).status_code == 200


# --- the API ------------------------------------------------------------------------------------------

def test_results_api_filters_and_keeps_to_the_scope(api, computed, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    rows = api.get("/api/v1/results/", {"indicator": "oversized_committees", "year": 2025}).data["results"]
    assert {(r["scope"], r["code"]) for r in rows} == {
        ("committee", computed.baoxing.code), ("committee", computed.hankou.code), ("street", computed.waitan.code),
        ("city", "310000")}


def test_targets_api_reads_for_all_and_writes_for_district_staff_in_their_district(api, world, district_staff,
                                                                                    street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    assert api.get("/api/v1/targets/").data["count"] == 9  # 黄浦's seeded targets
    assert api.post("/api/v1/targets/", {"district": "310101", "indicator": "sw_senior_count", "year_from": 2027,
                                         "value": "2"}).status_code == 403
    api.force_authenticate(district_staff)
    created = api.post("/api/v1/targets/", {"district": "310101", "indicator": "sw_senior_count", "year_from": 2027,
                                            "comparison": "ge", "value": "2", "source": "区民政局 2026 年工作要点"})
    assert created.status_code == 201, created.data
    assert api.post("/api/v1/targets/", {"district": "310104", "indicator": "sw_senior_count", "year_from": 2027,
                                         "value": "2"}).status_code == 400
    assert api.post("/api/v1/targets/", {"indicator": "sw_senior_count", "year_from": 2027,
                                         "value": "2"}).status_code in (400, 403)  # a city target is not theirs


def test_runs_api_starts_a_run_to_poll(api, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, year=2025)  # a year without records is not computed
    api.force_authenticate(district_staff)
    assert api.post("/api/v1/runs/", {"year": 2024}).data["code"] == "no_data"
    started = api.post("/api/v1/runs/", {"year": 2025})
    assert started.status_code == 202 and started.data["status"] == "queued"
    assert api.get(f"/api/v1/runs/{started.data['id']}/").data["year"] == 2025
    assert api.post("/api/v1/runs/", {"year": 2025}).data["id"] == started.data["id"]
    api.force_authenticate(committee_staff)
    assert api.post("/api/v1/runs/", {"year": 2025}).status_code == 403
    assert api.get("/api/v1/indicators/").data[0]["code"] == "sw_certified_rate"


def test_district_staff_set_a_target_and_see_it_on_the_dashboard(client, world, district_staff, street_officer) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.post(reverse("dashboards:target_add"), {
        "indicator": "work_fund_coverage", "year_from": 2025, "year_to": 2025, "comparison": "ge", "value": "95",
        "source": "区民政局 2025 年工作要点"})
    assert response.status_code == 302
    target = Target.objects.get(indicator="work_fund_coverage", district=world.huangpu)
    duplicate = client.post(reverse("dashboards:target_add"), {
        "indicator": "work_fund_coverage", "year_from": 2025, "comparison": "ge", "value": "0.5"})
    assert "该指标在这一年度起已有目标" in duplicate.content.decode()
    bad = client.post(reverse("dashboards:target_edit", args=[target.pk]), {
        "indicator": "work_fund_coverage", "year_from": 2025, "year_to": 2024, "comparison": "ge", "value": "-1"})
    assert "截止年度不能早于起始年度" in bad.content.decode() or "不能为负数" in bad.content.decode()
    CommitteeYearFactory(committee=world.baoxing, work_fund_yuan=Decimal("200000"))
    compute_year(2025)
    page = client.get(_url("district", "310101")).content.decode()
    assert "≥ 95%" in page and "达标" in page
    assert "区民政局 2025 年工作要点" in client.get(reverse("dashboards:targets")).content.decode()

    client.force_login(street_officer)
    assert client.get(reverse("dashboards:target_edit", args=[target.pk])).status_code == 403
    assert "区民政局 2025 年工作要点" in client.get(reverse("dashboards:targets")).content.decode()


def test_the_targets_page_offers_edits_where_restrict_allows_them(client, world, district_staff,
                                                                  other_district_staff, city_staff) -> None:  # noqa: ANN001
    """A district's staff edit their district's targets, never the city's nor another district's; the city
    reads them all (its targets are kept by migration, not by hand)."""
    mine = Target.objects.create(district=world.huangpu, indicator="sw_senior_count", year_from=2030, value=3)
    theirs = Target.objects.create(district=world.xuhui, indicator="sw_senior_count", year_from=2030, value=2)
    city = Target.objects.create(indicator="sw_senior_count", year_from=2030, value=40)

    def offered(user) -> tuple[set[int], bool, set[int]]:  # noqa: ANN001
        client.force_login(user)
        response = client.get(reverse("dashboards:targets") + "?page=1")
        shown = {t.pk for t in response.context["page"].object_list}
        return response.context["editable"] & {mine.pk, theirs.pk, city.pk}, response.context["can_add"], shown

    editable, can_add, shown = offered(district_staff)
    assert (editable, can_add) == ({mine.pk}, True) and theirs.pk not in shown
    editable, can_add, shown = offered(other_district_staff)
    assert (editable, can_add) == ({theirs.pk}, True) and mine.pk not in shown
    editable, can_add, _shown = offered(city_staff)
    assert (editable, can_add) == (set(), False)


def test_a_department_has_no_dashboard_of_its_own(client, computed, department_staff) -> None:  # noqa: ANN001
    client.force_login(department_staff)
    assert client.get(reverse("dashboards:indicators_home")).status_code == 403


# --- years without results, years out of range (issue 12: no 500 on any input) ----------------------------------

@pytest.mark.parametrize("year", [2021, 2027])
def test_a_year_without_results_says_so_and_links_the_years_that_have_them(client, computed, personas, year) -> None:  # noqa: ANN001
    for persona, scope, code in (("city_staff", "city", "310000"), ("district_staff", "district", "310101"),
                                 ("street_officer", "street", computed.waitan.code),
                                 ("committee_staff", "committee", computed.baoxing.code)):
        client.force_login(personas[persona])
        response = client.get(_url(scope, code, year))
        assert response.status_code == 200, (persona, year)
        context = response.context
        assert context["year"] == year and not context["has_results"] and context["cards"] == []
        assert context["years"] == [2023, 2024, 2025]
        page = response.content.decode()
        assert f"{year} 年尚无指标计算结果。" in page and "已有结果的年份：" in page
        for linked in (2023, 2024, 2025):
            assert f'href="?year={linked}"' in page
        assert 'id="children"' not in page and 'id="shortfalls"' not in page


def test_a_unit_without_any_results_says_no_year_has_them(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.get(reverse("dashboards:indicators", args=["district", "310101"]))
    assert response.status_code == 200 and response.context["years"] == [] and not response.context["has_results"]
    assert "目前还没有任何年份的计算结果。" in response.content.decode()


@pytest.mark.parametrize("odd", ["-5", "99999999999", "abc", "1948", "2101", "2025.0", "²", ""])
def test_a_year_out_of_range_shows_the_latest_year_with_results(client, computed, district_staff, odd) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.get(reverse("dashboards:indicators", args=["district", "310101"]), {"year": odd})
    assert response.status_code == 200 and response.context["year"] == 2025 and response.context["has_results"]
    export = client.get(reverse("dashboards:indicators_export", args=["district", "310101", "children"]), {"year": odd})
    assert export.status_code == 200 and export["Content-Disposition"].endswith('-2025-children.xlsx"')


def test_a_level_that_does_not_exist_is_not_found(client, computed, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    assert client.get(reverse("dashboards:indicators", args=["province", "310101"])).status_code == 404
    assert client.get(reverse("dashboards:indicators_export", args=["province", "310101", "results"])).status_code == 404


@pytest.mark.parametrize("odd", ["-5", "99999999999", "abc"])
def test_recompute_of_a_year_out_of_range_computes_this_year(client, world, district_staff, odd) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, year=datetime.date.today().year)
    client.force_login(district_staff)
    response = client.post(reverse("dashboards:recompute"), {"year": odd}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and response.context["year"] == datetime.date.today().year
    assert set(ComputationRun.objects.values_list("year", flat=True)) == {datetime.date.today().year}


@pytest.mark.parametrize("odd", ["-5", "99999999999", "abc", "1948"])
def test_the_api_names_a_year_out_of_range(api, computed, district_staff, odd) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    for url, name in (("/api/v1/results/", "year"), ("/api/v1/runs/", "year"), ("/api/v1/targets/", "year_from")):
        response = api.get(url, {name: odd})
        assert response.status_code == 400 and list(response.json()) == [name], (url, response.json())
    started = api.post("/api/v1/runs/", {"year": odd})
    assert started.status_code == 400 and list(started.json()) == ["year"]
    assert not ComputationRun.objects.exists()
