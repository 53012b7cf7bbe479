"""Issue 15, "Everyday use", for the indicators: what a recompute shows when it ends, the year a dashboard
opens on and the banner of a year with missing records, "—" for a unit without data, the exports' years,
sheet names and percentages, and count targets judged on the total of the unit that set them."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from portal.dashboards.runs import COMPUTED_EVENT
from portal.indicators.models import Target
from portal.indicators.selectors import Coverage, default_year
from portal.indicators.services import compute_year
from tests.support.factories import (
    CommitteeYearFactory,
    CommunityWorkerFactory,
    ComputationRunFactory,
    QualificationFactory,
)

pytestmark = pytest.mark.django_db


def _url(scope: str, code: str, year: int | None = 2025) -> str:
    url = reverse("dashboards:indicators", args=[scope, code])
    return f"{url}?year={year}" if year else url


def _export(client, scope: str, code: str, table: str, year: int | None = 2025):  # noqa: ANN001, ANN202
    url = reverse("dashboards:indicators_export", args=[scope, code, table]) + (f"?year={year}" if year else "")
    response = client.get(url)
    assert response.status_code == 200, (table, response.status_code)
    return openpyxl.load_workbook(io.BytesIO(response.getvalue())), response


@pytest.fixture
def computed(world):  # noqa: ANN001, ANN201
    """黄浦 has three committees: 宝兴 and 云南中路 have records for 2023-2025 (two of three: readable), and
    宝兴 alone has one for 2026 (one of three: not). 徐汇's one committee has none."""
    for year, households in ((2023, 1000), (2024, 2000), (2025, 3200), (2026, 3300)):
        CommitteeYearFactory(committee=world.baoxing, year=year, households=households, work_fund_yuan=Decimal("50000"))
        if year < 2026:
            CommitteeYearFactory(committee=world.yunnan, year=year, households=1000)
    worker = CommunityWorkerFactory(committee=world.baoxing, hired_on=datetime.date(2020, 1, 1))
    QualificationFactory(worker=worker, level="senior", obtained_on=datetime.date(2022, 5, 1))
    for year in (2023, 2024, 2025, 2026):
        compute_year(year)
    return world


# --- the recompute button: "done", and the new figures in place --------------------------------------------------

def test_a_run_that_ended_well_says_done_and_has_the_dashboard_fetch_its_figures(client, computed,
                                                                                 district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    running = ComputationRunFactory(status="running", finished_at=None, progress=10, year=2025)
    polled = client.get(reverse("dashboards:run_status", args=[running.pk]), headers={"HX-Request": "true"})
    assert not polled.context["finished_now"] and "HX-Trigger" not in polled
    assert 'hx-trigger="every 1s"' in polled.content.decode()

    running.status, running.finished_at, running.progress = "done", running.started_at, 100
    running.save()
    ended = client.get(reverse("dashboards:run_status", args=[running.pk]), headers={"HX-Request": "true"})
    page = ended.content.decode()
    assert ended.context["finished_now"] and ended["HX-Trigger"] == COMPUTED_EVENT
    assert "已完成" in page and 'id="run-done"' in page and "every 1s" not in page  # the polling stops

    failed = ComputationRunFactory(status="failed", year=2025, error="出错了")
    answer = client.get(reverse("dashboards:run_status", args=[failed.pk]), headers={"HX-Request": "true"})
    assert "HX-Trigger" not in answer and "计算失败" in answer.content.decode()


def test_the_dashboard_body_listens_for_the_end_of_a_run_and_is_served_alone(client, computed,
                                                                             district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    full = client.get(_url("district", "310101")).content.decode()
    assert f'hx-trigger="{COMPUTED_EVENT} from:body"' in full and 'id="dashboard-body"' in full
    body = client.get(_url("district", "310101"), headers={"HX-Request": "true"})
    text = body.content.decode()
    assert [t.name for t in body.templates][0] == "dashboards/_indicators_body.html"
    assert text.lstrip().startswith('<div id="dashboard-body"') and "<html" not in text
    assert "计算时间" in text and 'id="chart-data"' in text and 'id="indicator-cards"' in text


# --- the default year, and the banner of a year with missing records ---------------------------------------------

def test_the_default_year_is_the_latest_one_most_committees_have_entered(client, computed, district_staff,
                                                                         street_officer) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    district = client.get(_url("district", "310101", year=None)).context
    assert district["years"] == [2023, 2024, 2025, 2026] and district["year"] == 2025  # 2026: 1 of 3 only
    # 外滩 has 宝兴 and 汉口路: 宝兴's 2026 record is half of them, enough to read.
    client.force_login(street_officer)
    assert client.get(_url("street", computed.waitan.code, year=None)).context["year"] == 2026
    # The export without a year takes the same default.
    client.force_login(district_staff)
    _workbook, response = _export(client, "district", "310101", "children", year=None)
    assert response["Content-Disposition"].endswith('district-310101-2025-children.xlsx"')


def test_the_rule_and_its_threshold() -> None:
    assert Coverage(2026, 10, 5).readable and not Coverage(2026, 10, 4).readable
    assert not Coverage(2026, 0, 0).readable  # a unit without committees has nothing to read
    assert default_year([2024, 2025, 2026], {2024: Coverage(2024, 10, 10), 2025: Coverage(2025, 10, 6),
                                             2026: Coverage(2026, 10, 1)}) == 2025
    # No year complete enough: the latest with results; none at all: None.
    assert default_year([2024, 2025], {2024: Coverage(2024, 10, 1), 2025: Coverage(2025, 10, 2)}) == 2025
    assert default_year([], {}) is None
    assert Coverage(2026, 200, 180).notice and not Coverage(2026, 200, 181).notice  # 19 missing of 200: under 10%


def test_a_year_with_many_missing_records_says_how_many_at_the_top(client, computed, district_staff,
                                                                   city_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.get(_url("district", "310101", 2026))
    coverage = response.context["coverage"]
    assert (coverage.committees, coverage.with_record, coverage.missing) == (3, 1, 2)
    page = response.content.decode()
    assert "2 个居委会尚未填报 2026 年数据。" in page and 'href="#shortfall-missing"' in page
    assert page.index('id="missing-records"') < page.index('id="indicator-cards"')  # at the top
    # The city's staff count the city's committees: 徐汇's has no record either.
    client.force_login(city_staff)
    assert "3 个居委会尚未填报 2026 年数据。" in client.get(_url("city", "310000", 2026)).content.decode()
    # In English too.
    client.cookies["django_language"] = "en"
    assert "3 committees have not yet entered their 2026 data." in client.get(_url("city", "310000", 2026)).content.decode()


def test_a_street_officer_on_the_district_dashboard_reads_the_districts_records(client, computed,
                                                                               street_officer) -> None:  # noqa: ANN001
    """The banner and the default year count the district's committees, as its figures do, not the officer's
    street alone (外滩: 宝兴's 2026 record is one of two, readable; the district's is one of three, not)."""
    client.force_login(street_officer)
    assert client.get(_url("district", "310101", year=None)).context["year"] == 2025
    response = client.get(_url("district", "310101", 2026))
    coverage = response.context["coverage"]
    assert (coverage.committees, coverage.with_record, coverage.missing) == (3, 1, 2)
    assert "2 个居委会尚未填报 2026 年数据。" in response.content.decode()
    card = next(c for c in response.context["cards"] if c.indicator.code == "work_fund_coverage")
    assert (card.result.denominator, card.result.missing) == (coverage.with_record, coverage.missing)


def test_a_complete_year_has_no_banner(client, computed, street_officer) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=computed.hankou, year=2025)
    compute_year(2025)
    client.force_login(street_officer)
    response = client.get(_url("street", computed.waitan.code, 2025))
    assert response.context["coverage"].missing == 0 and 'id="missing-records"' not in response.content.decode()


# --- "—", not 0, for a unit without data ------------------------------------------------------------------------

def test_a_district_without_data_shows_dashes_and_one_with_data_shows_its_zeros(client, computed, city_staff,
                                                                               district_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    response = client.get(_url("city", "310000"))
    rows = {row["code"]: row for row in response.context["child_table"]}
    assert rows["310101"]["results"]["sw_senior_count"].value == 1
    for empty in ("310104", "310105"):  # 徐汇: a committee without a record; 长宁: no committees at all
        assert rows[empty]["results"].get("sw_senior_count") is None
        assert rows[empty]["results"].get("oversized_committees") is None
    bars = {bar["code"]: bar["value"] for bar in response.context["chart_data"]["bars"]["oversized_committees"]}
    assert bars["310101"] == 1 and bars["310104"] is None
    workbook, _response = _export(client, "city", "310000", "children")
    sheet = workbook.active
    header = [cell.value for cell in sheet[1]]
    xuhui = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[0] == "310104")
    assert xuhui[header.index("高级社工师人数")] is None and xuhui[header.index("超规模居委会数")] is None

    # 南京东路 has data and no oversized committee: a real 0.
    client.force_login(district_staff)
    rows = {row["code"]: row for row in client.get(_url("district", "310101")).context["child_table"]}
    assert rows[computed.nanjing.code]["results"]["oversized_committees"].value == 0


# --- exports ---------------------------------------------------------------------------------------------------

def test_a_years_export_holds_that_year_only_with_rates_as_percentages(client, computed, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    workbook, response = _export(client, "district", "310101", "results", 2024)
    assert response["Content-Disposition"].endswith('district-310101-2024-results.xlsx"')
    rows = list(workbook.active.iter_rows(min_row=2))
    assert {row[1].value for row in rows} == {2024} and len(rows) == 7
    assert [row[0].value for row in rows][:2] == ["社工持证率", "社工师占比"]  # in the registry's order
    by_name = {row[0].value: row[4] for row in rows}
    assert by_name["工作经费达标率"].number_format == "0.0%" and by_name["工作经费达标率"].value == 0.5
    assert by_name["社工持证率"].value == 1 and by_name["社工持证率"].number_format == "0.0%"
    assert by_name["高级社工师人数"].number_format == "General"
    page = client.get(_url("district", "310101", 2024)).content.decode()
    assert "导出 2024 年结果（.xlsx）" in page


def test_sheet_names_are_in_the_users_language(client, computed, district_staff, city_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    chinese = {table: _export(client, "district", "310101", table)[0].sheetnames
               for table in ("results", "children", "space", "oversized", "missing", "fund")}
    assert chinese == {"results": ["指标结果"], "children": ["各街道（镇、乡）"], "space": ["用房未达标"],
                       "oversized": ["超规模居委会"], "missing": ["缺少年度数据"], "fund": ["工作经费未达标"]}
    client.cookies["django_language"] = "en"
    english = {table: _export(client, "district", "310101", table)[0].sheetnames for table in ("results", "children",
                                                                                                 "missing")}
    assert english == {"results": ["Indicator results"], "children": ["By street"], "missing": ["Without annual record"]}
    header = [cell.value for cell in _export(client, "district", "310101", "results")[0].active[1]]
    assert header[0] == "Indicator"
    client.force_login(city_staff)
    client.cookies["django_language"] = "zh-hans"
    assert _export(client, "city", "310000", "children")[0].sheetnames == ["各区"]


def test_a_committee_dashboard_has_no_children_to_export(client, computed, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    url = reverse("dashboards:indicators_export", args=["committee", computed.baoxing.code, "children"])
    assert client.get(url).status_code == 404
    assert _export(client, "committee", computed.baoxing.code, "results")[0].sheetnames == ["指标结果"]


# --- count targets: judged on the total of the unit that set them -------------------------------------------------

def test_a_district_count_target_is_judged_on_the_districts_total_only(client, computed, district_staff,
                                                                       street_officer) -> None:  # noqa: ANN001
    Target.objects.create(district=computed.huangpu, indicator="sw_senior_count", year_from=2025, year_to=2025,
                          value=1)
    Target.objects.create(district=computed.huangpu, indicator="work_fund_coverage", year_from=2025, year_to=2025,
                          value=Decimal("0.9"))

    def card(user, scope: str, code: str, indicator: str):  # noqa: ANN001, ANN202
        client.force_login(user)
        response = client.get(_url(scope, code))
        return next(c for c in response.context["cards"] if c.indicator.code == indicator), response.content.decode()

    district, _page = card(district_staff, "district", "310101", "sw_senior_count")
    assert district.state == "met" and district.met  # 黄浦 has one senior social worker
    street, _page = card(street_officer, "street", computed.waitan.code, "sw_senior_count")
    assert street.state == "elsewhere" and street.met is None
    # 云南中路 has none: no "not met" for a committee on a district's count.
    committee, page = card(district_staff, "committee", computed.yunnan.code, "sw_senior_count")
    assert committee.state == "elsewhere" and committee.met is None and committee.target.value == 1
    assert "按全区合计评判" in page
    # A rate's target holds for every committee: 宝兴's fund is below 100,000 yuan.
    rate, _page = card(district_staff, "committee", computed.baoxing.code, "work_fund_coverage")
    assert rate.state == "missed"


def test_a_later_count_target_is_projected_for_the_district_only(client, computed, district_staff) -> None:  # noqa: ANN001
    """A district's "oversized committees ≤ 0" in 2028: the district's card says whether its trend meets it; a
    committee's card makes no projection on it (it is not the committee's target to meet)."""
    Target.objects.create(district=computed.huangpu, indicator="oversized_committees", year_from=2028,
                          comparison="le", value=0)
    client.force_login(district_staff)
    district = {c.indicator.code: c for c in client.get(_url("district", "310101")).context["cards"]}
    committee = {c.indicator.code: c for c in client.get(_url("committee", computed.baoxing.code)).context["cards"]}
    assert [year for _t, year, _p in district["oversized_committees"].future_targets] == [2028]
    assert committee["oversized_committees"].future_targets == []
