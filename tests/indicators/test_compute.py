"""The indicator definitions of DOMAIN "Indicators", one test per rule, against numbers worked out by hand.

The world (tests/conftest.py): 黄浦 310101 with 外滩 310101013 {宝兴 …018, 汉口路 …001} and 南京东路 310101002
{云南中路 …001}; 徐汇 310104 with 310104001 {310104001001}. The other 14 districts have no streets.
"""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from committees.models import SpaceStandard
from portal.indicators.models import ComputationRun, Result
from portal.indicators.registry import CITY_CODE
from portal.indicators.services import compute_year
from tests.support.factories import (
    CommitteeFactory,
    CommitteeYearFactory,
    CommunityFundFactory,
    CommunityWorkerFactory,
    QualificationFactory,
    StreetFactory,
)

pytestmark = pytest.mark.django_db

Y = 2025
D = datetime.date(Y, 12, 31)


def results(year: int = Y) -> dict[tuple[str, str, str], tuple]:
    compute_year(year)
    return {(r.indicator, r.scope, r.code): (r.numerator, r.denominator, r.value, r.missing)
            for r in Result.objects.filter(year=year)}


def record(committee, **fields):  # noqa: ANN001, ANN201
    return CommitteeYearFactory(committee=committee, year=fields.pop("year", Y), **fields)


def worker(committee, *levels: tuple[str, datetime.date], **fields):  # noqa: ANN001, ANN201
    person = CommunityWorkerFactory(committee=committee, **fields)
    for level, obtained_on in levels:
        QualificationFactory(worker=person, level=level, obtained_on=obtained_on)
    return person


# --- as-of date, active committees, missing records -------------------------------------------------

def test_everything_is_as_of_31_december_of_the_year(world) -> None:  # noqa: ANN001
    record(world.baoxing)
    worker(world.baoxing, hired_on=D)  # hired on D: employed
    worker(world.baoxing, hired_on=D + datetime.timedelta(days=1))  # hired after D: not
    worker(world.baoxing, hired_on=datetime.date(2020, 1, 1), left_on=D)  # left on D: not employed on D
    worker(world.baoxing, hired_on=datetime.date(2020, 1, 1), left_on=D + datetime.timedelta(days=1))  # still employed
    assert results()[("sw_certified_rate", "committee", world.baoxing.code)] == (0, 2, 0.0, 0)


def test_inactive_committees_count_nowhere(world) -> None:  # noqa: ANN001
    dissolved = CommitteeFactory(street=world.waitan, code="310101013002", dissolved_on=D,
                                 established_on=datetime.date(2000, 1, 1))
    future = CommitteeFactory(street=world.waitan, code="310101013003", established_on=D + datetime.timedelta(days=1))
    for committee in (dissolved, future):
        record(committee, households=5000)
        worker(committee, ("senior", datetime.date(2020, 1, 1)))
    record(world.baoxing)
    rows = results()
    assert ("oversized_committees", "committee", dissolved.code) not in rows
    assert ("oversized_committees", "committee", future.code) not in rows
    assert rows[("oversized_committees", "street", world.waitan.code)] == (0, None, 0, 1)  # 汉口路 has no record
    assert rows[("sw_senior_count", "street", world.waitan.code)] == (0, None, 0, 1)


def test_a_committee_established_on_the_day_is_active(world) -> None:  # noqa: ANN001
    new = CommitteeFactory(street=world.waitan, code="310101013004", established_on=D)
    record(new, households=3000)
    assert results()[("oversized_committees", "committee", new.code)] == (1, None, 1, 0)


def test_an_active_committee_without_a_record_is_missing_not_counted(world) -> None:  # noqa: ANN001
    record(world.baoxing, work_fund_yuan=Decimal("100000"))
    worker(world.hankou, ("assistant", datetime.date(2020, 1, 1)))  # 汉口路 has no record for Y
    rows = results()
    assert rows[("work_fund_coverage", "committee", world.hankou.code)] == (0, 0, None, 1)
    assert rows[("sw_senior_count", "committee", world.hankou.code)] == (0, None, 0, 1)
    assert rows[("work_fund_coverage", "street", world.waitan.code)] == (1, 1, 1.0, 1)
    assert rows[("work_fund_coverage", "district", "310101")] == (1, 1, 1.0, 2)  # 云南中路 has none either


def test_a_record_of_another_year_does_not_count(world) -> None:  # noqa: ANN001
    record(world.baoxing, year=Y - 1)
    assert results()[("work_fund_coverage", "committee", world.baoxing.code)] == (0, 0, None, 1)


# --- workers and their levels ----------------------------------------------------------------------

def test_workers_count_only_where_their_committee_is_counted(world) -> None:  # noqa: ANN001
    record(world.baoxing)
    worker(world.baoxing, ("assistant", datetime.date(2020, 1, 1)))
    worker(world.hankou, ("assistant", datetime.date(2020, 1, 1)))  # no record: not counted
    worker(world.hankou)
    assert results()[("sw_certified_rate", "street", world.waitan.code)] == (1, 1, 1.0, 1)


def test_a_workers_level_is_the_highest_obtained_on_or_before_the_day(world) -> None:  # noqa: ANN001
    record(world.baoxing)
    worker(world.baoxing, ("assistant", datetime.date(2019, 1, 1)), ("senior", datetime.date(2023, 1, 1)))
    worker(world.baoxing, ("assistant", datetime.date(2019, 1, 1)), ("intermediate", D + datetime.timedelta(days=1)))
    worker(world.baoxing, ("intermediate", D))
    worker(world.baoxing, ("assistant", D + datetime.timedelta(days=1)))  # not yet certified on D
    rows = results()
    code = world.baoxing.code
    assert rows[("sw_certified_rate", "committee", code)] == (3, 4, 0.75, 0)
    assert rows[("sw_intermediate_share", "committee", code)] == (2, 4, 0.5, 0)
    assert rows[("sw_senior_count", "committee", code)] == (1, None, 1, 0)


# --- space standard ---------------------------------------------------------------------------------

def test_the_space_standard_applies_from_1500_resident_households(world) -> None:  # noqa: ANN001
    record(world.baoxing, households=4000, resident_households=1499, office_area_m2=None)
    record(world.hankou, households=1000, resident_households=1500)  # 160 / 110 m² by default: meets 150 / 100
    assert results()[("office_space_compliance_rate", "street", world.waitan.code)] == (1, 1, 1.0, 0)


def test_an_empty_area_never_meets_the_standard(world) -> None:  # noqa: ANN001
    record(world.baoxing, resident_households=1600, office_area_m2=None)
    record(world.hankou, resident_households=1600, elder_area_m2=Decimal("99.99"))
    record(world.yunnan, resident_households=1600, office_area_m2=Decimal("150"), elder_area_m2=Decimal("100"))
    rows = results()
    assert rows[("office_space_compliance_rate", "committee", world.baoxing.code)] == (0, 1, 0.0, 0)
    assert rows[("office_space_compliance_rate", "district", "310101")] == (1, 3, pytest.approx(1 / 3), 0)


def test_the_space_standard_in_force_is_the_districts_latest_from_that_year(world) -> None:  # noqa: ANN001
    SpaceStandard.objects.create(district=world.huangpu, from_year=2024, office_min_m2=200, elder_min_m2=100)
    SpaceStandard.objects.create(district=world.huangpu, from_year=Y + 1, office_min_m2=100, elder_min_m2=50)
    record(world.baoxing, resident_households=1600, office_area_m2=Decimal("199"), elder_area_m2=Decimal("400"))
    record(world.xuhui_committee, resident_households=1600, office_area_m2=Decimal("150"), elder_area_m2=Decimal("100"))
    rows = results()
    assert rows[("office_space_compliance_rate", "committee", world.baoxing.code)] == (0, 1, 0.0, 0)
    assert rows[("office_space_compliance_rate", "committee", world.xuhui_committee.code)] == (1, 1, 1.0, 0)  # default


def test_the_space_rule_counts_residents_committees_only(world) -> None:  # noqa: ANN001
    village = CommitteeFactory(street=world.waitan, code="310101013201", kind="village")
    record(village, resident_households=2000, households=3500, office_area_m2=None)
    rows = results()
    assert rows[("office_space_compliance_rate", "committee", village.code)] == (0, 0, None, 0)
    assert rows[("oversized_committees", "committee", village.code)] == (0, None, 0, 0)


# --- oversized, work fund ---------------------------------------------------------------------------

def test_oversized_means_3000_households_or_more_unless_in_transition(world) -> None:  # noqa: ANN001
    record(world.baoxing, households=3000)
    record(world.hankou, households=2999)
    transition = CommitteeFactory(street=world.waitan, code="310101013005", transition=True)
    record(transition, households=8000)
    rows = results()
    assert rows[("oversized_committees", "street", world.waitan.code)] == (1, None, 1, 0)
    assert rows[("oversized_committees", "committee", transition.code)] == (0, None, 0, 0)


def test_the_work_fund_meets_at_100000_yuan_and_an_empty_one_never(world) -> None:  # noqa: ANN001
    record(world.baoxing, work_fund_yuan=Decimal("100000"))
    record(world.hankou, work_fund_yuan=Decimal("99999.99"))
    record(world.yunnan, work_fund_yuan=None)
    assert results()[("work_fund_coverage", "district", "310101")] == (1, 3, pytest.approx(1 / 3), 0)


# --- rates, counts, scopes ----------------------------------------------------------------------------

def test_a_rate_is_a_fraction_and_null_without_a_denominator(world) -> None:  # noqa: ANN001
    record(world.baoxing)
    worker(world.baoxing, ("assistant", datetime.date(2020, 1, 1)))
    worker(world.baoxing)
    worker(world.baoxing)
    rows = results()
    assert rows[("sw_certified_rate", "committee", world.baoxing.code)] == (1, 3, pytest.approx(0.3333, abs=1e-4), 0)
    assert rows[("sw_certified_rate", "street", world.nanjing.code)] == (0, 0, None, 1)


def test_a_count_has_its_value_and_no_denominator(world) -> None:  # noqa: ANN001
    record(world.baoxing, households=3200)
    record(world.yunnan, households=3100)
    assert results()[("oversized_committees", "district", "310101")] == (2, None, 2, 1)


def test_every_street_and_district_has_a_row_even_without_committees(world) -> None:  # noqa: ANN001
    empty = StreetFactory(district=world.huangpu, code="310101099", name="空街道")
    rows = results()
    for indicator in ("sw_certified_rate", "sw_senior_count", "community_fund_coverage", "oversized_committees"):
        assert (indicator, "street", empty.code) in rows
        assert (indicator, "district", "310151") in rows  # 崇明: no streets in this world
    assert rows[("sw_senior_count", "street", empty.code)] == (0, None, 0, 0)
    assert rows[("work_fund_coverage", "district", "310151")] == (0, 0, None, 0)


def test_the_committee_scope_has_a_row_for_every_active_committee_only(world) -> None:  # noqa: ANN001
    rows = results()
    committees = {code for (indicator, scope, code) in rows if scope == "committee" and indicator == "work_fund_coverage"}
    assert committees == {world.baoxing.code, world.hankou.code, world.yunnan.code, world.xuhui_committee.code}


def test_the_city_row_is_310000_over_every_counted_committee(world) -> None:  # noqa: ANN001
    record(world.baoxing, work_fund_yuan=Decimal("200000"))
    record(world.xuhui_committee, work_fund_yuan=Decimal("1"))
    assert results()[("work_fund_coverage", "city", "310000")] == (1, 2, 0.5, 2)


def test_community_fund_coverage_counts_streets_with_a_fund_by_the_day(world) -> None:  # noqa: ANN001
    CommunityFundFactory(street=world.waitan, established_on=D)
    CommunityFundFactory(street=world.waitan, kind="foundation", established_on=datetime.date(2019, 1, 1))
    CommunityFundFactory(street=world.nanjing, established_on=D + datetime.timedelta(days=1))  # too late
    town = StreetFactory(district=world.huangpu, code="310101101", name="某镇", kind="town")  # no committees
    CommunityFundFactory(street=town, established_on=datetime.date(2018, 1, 1))
    rows = results()
    assert rows[("community_fund_coverage", "district", "310101")] == (2, 3, pytest.approx(2 / 3), 0)
    assert rows[("community_fund_coverage", "street", world.nanjing.code)] == (0, 1, 0.0, 0)
    assert rows[("community_fund_coverage", "city", "310000")] == (2, 4, 0.5, 0)
    assert not any(ind == "community_fund_coverage" and scope == "committee" for ind, scope, _code in rows)


def test_community_fund_coverage_never_has_missing(world) -> None:  # noqa: ANN001
    rows = results()  # no committee has a record
    assert rows[("community_fund_coverage", "street", world.waitan.code)][3] == 0
    assert rows[("work_fund_coverage", "street", world.waitan.code)][3] == 2


# --- the run ----------------------------------------------------------------------------------------------

def test_a_rerun_that_changes_nothing_writes_nothing(world) -> None:  # noqa: ANN001
    record(world.baoxing, households=3500)
    compute_year(Y)
    first = {r.pk: r.computed_at for r in Result.objects.filter(year=Y)}
    compute_year(Y)
    assert {r.pk: r.computed_at for r in Result.objects.filter(year=Y)} == first


def test_a_dissolved_committees_rows_go_on_the_next_run(world) -> None:  # noqa: ANN001
    record(world.baoxing)
    compute_year(Y)
    before = {r.pk: r.computed_at for r in Result.objects.filter(year=Y)}
    world.baoxing.dissolved_on = D
    world.baoxing.save()
    count = compute_year(Y)
    after = {r.pk: r.computed_at for r in Result.objects.filter(year=Y)}
    assert not Result.objects.filter(year=Y, code=world.baoxing.code).exists()
    assert count == len(after) == len(before) - 6
    # Its street, district and the city lost a committee; the other units' rows were left as they were.
    rewritten = {r.code for r in Result.objects.filter(pk__in=after) if after[r.pk] != before[r.pk]}
    assert rewritten == {world.baoxing.street_id, world.huangpu.code, CITY_CODE}


def test_a_rerun_replaces_the_years_results_and_leaves_other_years(world) -> None:  # noqa: ANN001
    first = record(world.baoxing, households=3500)
    results()
    compute_year(Y - 1)
    before = Result.objects.filter(year=Y - 1).count()
    first.households = 100
    first.save()
    rows = results()
    assert rows[("oversized_committees", "committee", world.baoxing.code)] == (0, None, 0, 0)
    assert Result.objects.filter(year=Y).count() == len(rows)
    assert Result.objects.filter(year=Y - 1).count() == before


@pytest.mark.parametrize("size", [10, 1000])
def test_the_computation_costs_the_same_queries_at_any_size(world, size, django_assert_num_queries) -> None:  # noqa: ANN001
    streets = [StreetFactory(district=world.huangpu, code=f"3101010{50 + n // 199:02d}") for n in range(0, size, 199)]
    committees = []
    for n in range(size):
        street = streets[n // 199]
        committees.append(CommitteeFactory.build(street=street, code=f"{street.code}{n % 199 + 1:03d}"))
    from committees.models import Committee, CommitteeYear

    Committee.objects.bulk_create(committees)
    CommitteeYear.objects.bulk_create([CommitteeYearFactory.build(committee=c) for c in committees])
    # savepoint, lock, the one statement that computes and writes what differs, release
    with django_assert_num_queries(4):
        count = compute_year(Y)
    assert count == (size + 4) * 6 + (len(streets) + 3 + 16 + 1) * 7


def test_the_command_prints_one_json_object_per_result(world) -> None:  # noqa: ANN001
    record(world.baoxing, households=3100)
    out = io.StringIO()
    call_command("compute_indicators", "--year", str(Y), "--format", "json", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert len(lines) == Result.objects.filter(year=Y).count()
    assert {"indicator": "oversized_committees", "scope": "committee", "code": world.baoxing.code, "year": Y,
            "numerator": 1, "denominator": None, "value": 1, "missing": 0} in lines
    assert {"indicator": "work_fund_coverage", "scope": "street", "code": world.waitan.code, "year": Y,
            "numerator": 1, "denominator": 1, "value": 1.0, "missing": 1} in lines
    run = ComputationRun.objects.get()
    assert run.status == "done" and run.trigger == "command" and run.result_count == len(lines)
