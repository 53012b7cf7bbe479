"""Rate targets (issue 15): entered and shown as percentages, stored as fractions, 0–100% only; counts as before."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from portal.indicators.models import Target
from portal.indicators.services import compute_year
from tests.support.factories import CommitteeYearFactory

pytestmark = pytest.mark.django_db

ADD = "dashboards:target_add"


def _payload(value: str, indicator: str = "work_fund_coverage") -> dict:
    return {"indicator": indicator, "year_from": 2025, "year_to": 2025, "comparison": "ge", "value": value,
            "source": "区民政局 2025 年工作要点"}


def _value_errors(response) -> list[str]:  # noqa: ANN001
    return [str(error) for error in response.context["form"].errors.get("value", [])]


def test_entering_90_stores_the_fraction_and_every_page_shows_90_percent(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    assert client.post(reverse(ADD), _payload("90")).status_code == 302
    target = Target.objects.get(district=world.huangpu, indicator="work_fund_coverage")
    assert target.value == Decimal("0.9000")

    listed = client.get(reverse("dashboards:targets"))
    shown = {t.indicator: t.value_display for t in listed.context["page"].object_list if t.year_from == 2025}
    assert shown["work_fund_coverage"] == "90%"
    page = listed.content.decode()
    assert "≥ 90%" in page and "9000" not in page
    assert "≥ 45%" in page and "0.45" not in page  # 黄浦's seeded 社工持证率 target, no raw fraction
    assert "≥ 1<" in page  # the seeded count (高级社工师 ≥ 1) as before


@pytest.mark.parametrize(("typed", "stored"), [("90.5", "0.9050"), ("90.55", "0.9055"), ("90%", "0.9000"),
                                               ("９０", "0.9000"), ("0", "0.0000"), ("100", "1.0000")])
def test_a_percentage_is_read_to_the_precision_kept(client, world, district_staff, typed, stored) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    assert client.post(reverse(ADD), _payload(typed)).status_code == 302
    assert Target.objects.get(district=world.huangpu, indicator="work_fund_coverage").value == Decimal(stored)


@pytest.mark.parametrize(("typed", "message"), [
    ("9000", "比率目标须为 0 到 100 之间的百分数（90% 填 90）。"),
    ("100.01", "比率目标须为 0 到 100 之间的百分数（90% 填 90）。"),
    ("-1", "比率目标须为 0 到 100 之间的百分数（90% 填 90）。"),
    ("90.555", "比率目标的百分数最多保留两位小数（90.55% 填 90.55）。"),
])
def test_a_rate_outside_0_to_100_percent_is_refused_on_the_field(client, world, district_staff, typed,
                                                                   message) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.post(reverse(ADD), _payload(typed))
    assert response.status_code == 200
    assert _value_errors(response) == [message]
    assert message in response.content.decode()
    assert not Target.objects.filter(district=world.huangpu, indicator="work_fund_coverage").exists()


def test_a_count_is_entered_as_before(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    assert client.post(reverse(ADD), _payload("3", "oversized_committees")).status_code == 302
    target = Target.objects.get(district=world.huangpu, indicator="oversized_committees", year_from=2025)
    assert target.value == 3 and target.value_display == "3"
    refused = client.post(reverse(ADD), {**_payload("-1", "sw_senior_count"), "year_from": 2027, "year_to": 2027})
    assert _value_errors(refused) == ["目标值不能为负数。"]
    edit = client.get(reverse("dashboards:target_edit", args=[target.pk]))
    assert edit.context["form"]["value"].value() == 3  # a count is not multiplied


def test_the_edit_form_shows_the_percentage_and_saving_it_unchanged_changes_nothing(client, world,
                                                                                     district_staff) -> None:  # noqa: ANN001
    target = Target.objects.create(district=world.huangpu, indicator="work_fund_coverage", year_from=2025,
                                   year_to=2025, value=Decimal("0.9"), source="文件")
    client.force_login(district_staff)
    url = reverse("dashboards:target_edit", args=[target.pk])
    form = client.get(url).context["form"]
    assert form["value"].value() == Decimal("90")
    assert 'value="90"' in str(form["value"])
    posted = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    assert posted["value"] == Decimal("90")
    assert client.post(url, posted).status_code == 302
    target.refresh_from_db()
    assert target.value == Decimal("0.9000")


def test_the_card_and_the_exports_show_percentages(client, world, district_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, year=2025, work_fund_yuan=Decimal("200000"))
    CommitteeYearFactory(committee=world.yunnan, year=2025, work_fund_yuan=Decimal("50000"))
    compute_year(2025)
    client.force_login(district_staff)
    client.post(reverse(ADD), _payload("90"))
    response = client.get(reverse("dashboards:indicators", args=["district", "310101"]) + "?year=2025")
    card = next(c for c in response.context["cards"] if c.indicator.code == "work_fund_coverage")
    assert card.target.value_display == "90%" and card.state == "missed"  # 50% of 2 committees
    assert "目标 ≥ 90%" in response.content.decode()

    export = client.get(reverse("dashboards:indicators_export", args=["district", "310101", "results"]) + "?year=2025")
    rows = list(openpyxl.load_workbook(io.BytesIO(export.getvalue())).active.iter_rows(min_row=2))
    by_name = {row[0].value: row[4] for row in rows}
    assert by_name["工作经费达标率"].value == 0.5 and by_name["工作经费达标率"].number_format == "0.0%"
    assert by_name["超规模居委会数"].number_format == "General"  # a count stays a plain number
    children = client.get(reverse("dashboards:indicators_export", args=["district", "310101", "children"])
                          + "?year=2025")
    sheet = openpyxl.load_workbook(io.BytesIO(children.getvalue())).active
    header = [cell.value for cell in sheet[1]]
    waitan = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == world.waitan.code)
    fund = waitan[header.index("工作经费达标率")]
    assert fund.value == 1.0 and fund.number_format == "0.0%"  # 宝兴 meets it; 汉口路 has no record


def test_the_api_takes_a_fraction_refuses_a_percentage_and_says_how_it_reads(api, world, district_staff) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    payload = {**_payload("1.5"), "district": world.huangpu.code}
    refused = api.post("/api/v1/targets/", payload)
    assert refused.status_code == 400 and list(refused.data) == ["value"]
    assert refused.data["value"] == ["比率目标是 0 到 1 之间的小数（90% 填 0.9）。"]
    assert api.post("/api/v1/targets/", {**payload, "value": "-0.1"}).status_code == 400
    created = api.post("/api/v1/targets/", {**payload, "value": "0.9"})
    assert created.status_code == 201, created.data
    assert created.data["value"] == "0.9000" and created.data["display"] == "90%"
    count = api.post("/api/v1/targets/", {**payload, "indicator": "sw_senior_count", "value": "2"})
    assert count.status_code == 201 and count.data["display"] == "2"
    schema = api.get("/api/schema/").content.decode()
    assert "fraction from 0 to 1" in schema or "0 到 1 之间的小数" in schema
