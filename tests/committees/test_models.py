"""Database constraints and helpers of the organisation models (DOMAIN "Rules", "Data interchange").

Every constraint test inserts one bad row and asserts that PostgreSQL refuses it with the named constraint,
so that a refusal for another reason (a primary-key clash, a missing foreign key) cannot pass for it.
"""

import datetime
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from committees.choices import CommitteeKind, FundKind, QualificationLevel, StreetKind
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    Department,
    District,
    Qualification,
    SpaceStandard,
    Street,
)
from portal.accounts.models import User
from portal.accounts.roles import Role
from tests.support.factories import (
    CommitteeYearFactory,
    CommunityFundFactory,
    CommunityWorkerFactory,
    QualificationFactory,
)

D = datetime.date


@contextmanager
def refused_by(constraint: str):
    """The block must fail with an IntegrityError raised by the named database constraint."""
    with pytest.raises(IntegrityError) as exc_info, transaction.atomic():
        yield
    diag = getattr(exc_info.value.__cause__, "diag", None)
    assert diag is not None, f"no database diagnostics on {exc_info.value!r}"
    assert diag.constraint_name == constraint, (
        f"refused by {diag.constraint_name!r}, expected {constraint!r}: {exc_info.value}"
    )


def accepted(make) -> None:  # noqa: ANN001
    """Control row: the same shape with a valid value is written."""
    with transaction.atomic():
        make()


def constraint_message(model, name: str) -> str:  # noqa: ANN001
    constraint = next(c for c in model._meta.constraints if c.name == name)
    return str(constraint.get_violation_error_message())


def assert_full_clean_refuses(instance, model, name: str) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as exc_info:
        instance.full_clean()
    assert constraint_message(model, name) in exc_info.value.messages


# --- District --------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestDistrict:
    @pytest.mark.parametrize("code", ["320101", "31010", "31010a", "210101", "3l0101"])
    def test_district_code_has_six_digits_and_starts_with_31(self, code: str) -> None:
        with refused_by("district_code_format"):
            District.objects.create(code=code, name="某区")
        accepted(lambda: District.objects.create(code="310199", name="某区"))

    def test_district_code_format_is_checked_by_full_clean(self) -> None:
        assert_full_clean_refuses(District(code="320101", name="南京某区"), District, "district_code_format")

    def test_district_name_is_required(self) -> None:
        with refused_by("district_name_required"):
            District.objects.create(code="310199", name="")

    def test_reference_districts_exist(self) -> None:
        assert District.objects.filter(code__in=["310101", "310104"]).count() == 2


# --- Street ----------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestStreet:
    @pytest.mark.parametrize("code", ["31010101", "31010101a", "3101010 1"])
    def test_street_code_has_nine_digits(self, world, code: str) -> None:  # noqa: ANN001
        with refused_by("street_code_nested"):
            Street.objects.create(code=code, district=world.huangpu, name="某街道", kind=StreetKind.STREET)

    def test_street_code_must_start_with_its_district_code(self, world) -> None:  # noqa: ANN001
        with refused_by("street_code_nested"):
            Street.objects.create(
                code="310104050", district=world.huangpu, name="某街道", kind=StreetKind.STREET
            )
        accepted(
            lambda: Street.objects.create(
                code="310104050", district=world.xuhui, name="某街道", kind=StreetKind.STREET
            )
        )

    def test_street_nesting_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        street = Street(code="310104050", district=world.huangpu, name="某街道", kind=StreetKind.STREET)
        assert_full_clean_refuses(street, Street, "street_code_nested")

    @pytest.mark.parametrize(
        ("code", "kind"),
        [
            ("310101101", StreetKind.STREET),  # 1xx is a town
            ("310101201", StreetKind.STREET),  # 2xx is a township
            ("310101050", StreetKind.TOWN),
            ("310101250", StreetKind.TOWN),
            ("310101050", StreetKind.TOWNSHIP),
            ("310101150", StreetKind.TOWNSHIP),
            ("310101301", StreetKind.STREET),  # 3xx is no kind at all
            ("310101301", StreetKind.TOWN),
            ("310101301", StreetKind.TOWNSHIP),
            ("310101050", ""),
            ("310101050", "village"),
        ],
    )
    def test_street_kind_must_match_the_seventh_digit(self, world, code: str, kind: str) -> None:  # noqa: ANN001
        with refused_by("street_kind_matches_code"):
            Street.objects.create(code=code, district=world.huangpu, name="某街道", kind=kind)

    @pytest.mark.parametrize(
        ("code", "kind"),
        [
            ("310101050", StreetKind.STREET),
            ("310101150", StreetKind.TOWN),
            ("310101250", StreetKind.TOWNSHIP),
        ],
    )
    def test_street_of_each_kind_with_its_digit_is_accepted(self, world, code: str, kind: str) -> None:  # noqa: ANN001
        accepted(lambda: Street.objects.create(code=code, district=world.huangpu, name="某街道", kind=kind))

    def test_street_kind_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        street = Street(code="310101150", district=world.huangpu, name="某镇", kind=StreetKind.STREET)
        assert_full_clean_refuses(street, Street, "street_kind_matches_code")

    def test_street_name_is_required(self, world) -> None:  # noqa: ANN001
        with refused_by("street_name_required"):
            Street.objects.create(code="310101050", district=world.huangpu, name="", kind=StreetKind.STREET)


# --- Committee -------------------------------------------------------------------------------------


def _committee(street: Street, code: str, kind: str = CommitteeKind.RESIDENTS, **extra) -> Committee:  # noqa: ANN003
    return Committee.objects.create(code=code, street=street, name="某居委会", kind=kind, **extra)


@pytest.mark.django_db
class TestCommittee:
    @pytest.mark.parametrize("code", ["31010101305", "31010101305a", "310101013 05"])
    def test_committee_code_has_twelve_digits(self, world, code: str) -> None:  # noqa: ANN001
        with refused_by("committee_code_nested"):
            _committee(world.waitan, code)

    def test_committee_code_must_start_with_its_street_code(self, world) -> None:  # noqa: ANN001
        with refused_by("committee_code_nested"):
            _committee(world.waitan, "310101002050")  # a code of 南京东路街道 under 外滩街道
        accepted(lambda: _committee(world.nanjing, "310101002050"))

    def test_committee_nesting_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        committee = Committee(
            code="310101002050", street=world.waitan, name="某居委会", kind=CommitteeKind.RESIDENTS
        )
        assert_full_clean_refuses(committee, Committee, "committee_code_nested")

    @pytest.mark.parametrize(
        ("suffix", "kind"),
        [
            ("000", CommitteeKind.RESIDENTS),  # 000 is no committee at all
            ("000", CommitteeKind.VILLAGE),
            ("200", CommitteeKind.RESIDENTS),  # 200-399 is a village committee
            ("399", CommitteeKind.RESIDENTS),
            ("001", CommitteeKind.VILLAGE),  # 001-199 is a residents' committee
            ("199", CommitteeKind.VILLAGE),
            ("400", CommitteeKind.RESIDENTS),  # 400-999 is neither
            ("400", CommitteeKind.VILLAGE),
            ("999", CommitteeKind.RESIDENTS),
            ("050", ""),
            ("050", "town"),
        ],
    )
    def test_committee_kind_must_match_the_last_three_digits(self, world, suffix: str, kind: str) -> None:  # noqa: ANN001
        with refused_by("committee_kind_matches_code"):
            _committee(world.waitan, "310101013" + suffix, kind)

    @pytest.mark.parametrize(
        ("suffix", "kind"),
        [
            ("002", CommitteeKind.RESIDENTS),
            ("099", CommitteeKind.RESIDENTS),
            ("100", CommitteeKind.RESIDENTS),
            ("199", CommitteeKind.RESIDENTS),
            ("200", CommitteeKind.VILLAGE),
            ("399", CommitteeKind.VILLAGE),
        ],
    )
    def test_committee_of_each_kind_in_its_range_is_accepted(self, world, suffix: str, kind: str) -> None:  # noqa: ANN001
        accepted(lambda: _committee(world.waitan, "310101013" + suffix, kind))

    def test_committee_kind_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        committee = Committee(
            code="310101013000", street=world.waitan, name="某居委会", kind=CommitteeKind.RESIDENTS
        )
        assert_full_clean_refuses(committee, Committee, "committee_kind_matches_code")

    @pytest.mark.parametrize("dissolved_on", [D(2020, 1, 1), D(2019, 12, 31)])
    def test_committee_is_dissolved_after_it_was_established(
        self, world, dissolved_on: datetime.date  # noqa: ANN001
    ) -> None:
        with refused_by("committee_dissolved_after_established"):
            _committee(world.waitan, "310101013050", established_on=D(2020, 1, 1), dissolved_on=dissolved_on)
        accepted(
            lambda: _committee(
                world.waitan, "310101013050", established_on=D(2020, 1, 1), dissolved_on=D(2020, 1, 2)
            )
        )

    def test_committee_dates_may_be_empty(self, world) -> None:  # noqa: ANN001
        accepted(lambda: _committee(world.waitan, "310101013050", dissolved_on=D(2020, 1, 1)))
        accepted(lambda: _committee(world.waitan, "310101013051", established_on=D(2020, 1, 1)))

    def test_committee_dissolution_date_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        committee = Committee(
            code="310101013050",
            street=world.waitan,
            name="某居委会",
            kind=CommitteeKind.RESIDENTS,
            established_on=D(2020, 1, 1),
            dissolved_on=D(2020, 1, 1),
        )
        assert_full_clean_refuses(committee, Committee, "committee_dissolved_after_established")

    def test_committee_name_is_required(self, world) -> None:  # noqa: ANN001
        with refused_by("committee_name_required"):
            Committee.objects.create(
                code="310101013050", street=world.waitan, name="", kind=CommitteeKind.RESIDENTS
            )


@pytest.mark.django_db
class TestCommitteeActiveOn:
    """DOMAIN "Indicators": active on D when established_on is empty or ≤ D, and dissolved_on empty or > D."""

    @pytest.fixture
    def committee(self, world) -> Committee:  # noqa: ANN001
        return _committee(
            world.waitan, "310101013050", established_on=D(2020, 3, 1), dissolved_on=D(2024, 6, 30)
        )

    @pytest.mark.parametrize(
        ("day", "active"),
        [
            (D(2020, 2, 29), False),  # the day before it was established
            (D(2020, 3, 1), True),  # established on D counts
            (D(2024, 6, 29), True),
            (D(2024, 6, 30), False),  # dissolved on D does not
            (D(2025, 12, 31), False),
        ],
    )
    def test_committee_is_active_from_establishment_until_dissolution(
        self, committee: Committee, day: datetime.date, active: bool
    ) -> None:
        assert committee.is_active_on(day) is active
        assert Committee.objects.active_on(day).filter(pk=committee.pk).exists() is active

    def test_committee_without_dates_is_always_active(self, world) -> None:  # noqa: ANN001
        for day in (D(1950, 1, 1), D(2025, 12, 31)):
            assert world.baoxing.is_active_on(day)
            assert set(Committee.objects.active_on(day).values_list("code", flat=True)) == {
                "310101013018",
                "310101013001",
                "310101002001",
                "310104001001",
            }

    def test_committee_established_later_or_dissolved_before_is_left_out(self, world) -> None:  # noqa: ANN001
        _committee(world.waitan, "310101013050", established_on=D(2026, 1, 1))
        _committee(world.waitan, "310101013051", dissolved_on=D(2025, 12, 31))
        _committee(world.waitan, "310101013052", established_on=D(2025, 12, 31))
        active = set(Committee.objects.active_on(D(2025, 12, 31)).values_list("code", flat=True))
        assert "310101013052" in active
        assert not active & {"310101013050", "310101013051"}


# --- Annual record ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestCommitteeYear:
    def test_committee_has_one_record_per_year(self, world) -> None:  # noqa: ANN001
        CommitteeYearFactory(committee=world.baoxing, year=2025)
        with refused_by("committee_year_unique"):
            CommitteeYearFactory(committee=world.baoxing, year=2025)
        accepted(lambda: CommitteeYearFactory(committee=world.baoxing, year=2024))
        accepted(lambda: CommitteeYearFactory(committee=world.hankou, year=2025))

    def test_committee_year_uniqueness_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        CommitteeYearFactory(committee=world.baoxing, year=2025)
        record = CommitteeYearFactory.build(committee=world.baoxing, year=2025)
        assert_full_clean_refuses(record, CommitteeYear, "committee_year_unique")

    @pytest.mark.parametrize("year", [1948, 2101, 0])
    def test_committee_year_is_between_1949_and_2100(self, world, year: int) -> None:  # noqa: ANN001
        with refused_by("committee_year_range"):
            CommitteeYearFactory(committee=world.baoxing, year=year)
        accepted(lambda: CommitteeYearFactory(committee=world.baoxing, year=1949))
        accepted(lambda: CommitteeYearFactory(committee=world.baoxing, year=2100))

    @pytest.mark.parametrize("field", ["households", "resident_households"])
    def test_household_counts_cannot_be_negative(self, world, field: str) -> None:  # noqa: ANN001
        # PositiveIntegerField's own CHECK (committees_committeeyear_<field>_check).
        with refused_by(f"committees_committeeyear_{field}_check"):
            CommitteeYearFactory(committee=world.baoxing, **{field: -1})
        accepted(lambda: CommitteeYearFactory(committee=world.baoxing, **{field: 0}))

    @pytest.mark.parametrize("field", ["office_area_m2", "elder_area_m2", "work_fund_yuan"])
    def test_areas_and_work_fund_cannot_be_negative(self, world, field: str) -> None:  # noqa: ANN001
        with refused_by("committee_year_non_negative"):
            CommitteeYearFactory(committee=world.baoxing, **{field: Decimal("-0.01")})
        accepted(lambda: CommitteeYearFactory(committee=world.baoxing, year=2024, **{field: Decimal("0")}))
        accepted(lambda: CommitteeYearFactory(committee=world.baoxing, year=2023, **{field: None}))

    def test_negative_area_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        record = CommitteeYearFactory.build(committee=world.baoxing, office_area_m2=Decimal("-1"))
        assert_full_clean_refuses(record, CommitteeYear, "committee_year_non_negative")


def _record(
    households: int, kind: str = CommitteeKind.RESIDENTS, transition: bool = False, **areas
) -> CommitteeYear:  # noqa: ANN003
    committee = Committee(code="310101013050", name="某居委会", kind=kind, transition=transition)
    return CommitteeYear(
        committee=committee, year=2025, households=households, resident_households=households, **areas
    )


class TestCommitteeYearSize:
    """DOMAIN "Hierarchy and committee size"."""

    @pytest.mark.parametrize(
        ("households", "oversized"), [(3000, True), (4500, True), (2999, False), (0, False)]
    )
    def test_residents_committee_with_3000_households_or_more_is_oversized(
        self, households: int, oversized: bool
    ) -> None:
        assert _record(households).is_oversized is oversized

    def test_transition_committee_is_never_oversized(self) -> None:
        assert _record(5000, transition=True).is_oversized is False

    def test_village_committee_is_never_oversized(self) -> None:
        assert _record(5000, kind=CommitteeKind.VILLAGE).is_oversized is False

    @pytest.mark.parametrize(
        ("households", "candidate"), [(499, True), (0, True), (500, False), (3000, False)]
    )
    def test_residents_committee_below_the_threshold_is_a_merge_candidate(
        self, households: int, candidate: bool
    ) -> None:
        assert _record(households).is_merge_candidate(500) is candidate

    def test_merge_threshold_is_the_one_given(self) -> None:
        assert _record(700).is_merge_candidate(800) is True
        assert _record(700).is_merge_candidate(700) is False

    def test_village_committee_is_never_a_merge_candidate(self) -> None:
        assert _record(10, kind=CommitteeKind.VILLAGE).is_merge_candidate(500) is False

    @pytest.mark.django_db
    def test_district_merge_threshold_defaults_to_500(self) -> None:
        assert District.objects.get(code="310101").merge_threshold == 500


# --- Space standard --------------------------------------------------------------------------------


def _standard(from_year: int, office: str, elder: str) -> SpaceStandard:
    return SpaceStandard(from_year=from_year, office_min_m2=Decimal(office), elder_min_m2=Decimal(elder))


class TestSpaceStandardApplying:
    STANDARDS = [_standard(2020, "200", "400"), _standard(2000, "150", "100"), _standard(2010, "160", "120")]

    @pytest.mark.parametrize(
        ("year", "from_year"),
        [(2000, 2000), (2009, 2000), (2010, 2010), (2019, 2010), (2020, 2020), (2040, 2020)],
    )
    def test_applying_standard_is_the_latest_from_year_not_after_the_year(
        self, year: int, from_year: int
    ) -> None:
        assert SpaceStandard.applying(self.STANDARDS, year).from_year == from_year

    @pytest.mark.parametrize("standards", [[], [_standard(2020, "200", "400")]], ids=["none", "only-later"])
    def test_without_a_standard_in_force_the_default_150_100_applies(
        self, standards: list[SpaceStandard]
    ) -> None:
        standard = SpaceStandard.applying(standards, 2019)
        assert (standard.office_min_m2, standard.elder_min_m2) == (Decimal("150"), Decimal("100"))
        assert standard.pk is None

    @pytest.mark.django_db
    def test_reference_districts_ship_the_default_standard(self) -> None:
        standards = list(SpaceStandard.objects.filter(district_id="310101"))
        standard = SpaceStandard.applying(standards, 2025)
        assert (standard.office_min_m2, standard.elder_min_m2) == (Decimal("150"), Decimal("100"))


class TestSpaceShortfall:
    STANDARD = _standard(2000, "150", "100")

    def test_exact_standard_meets_it(self) -> None:
        record = _record(1600, office_area_m2=Decimal("150"), elder_area_m2=Decimal("100"))
        assert record.space_shortfall(self.STANDARD) == {"office": Decimal(0), "elder": Decimal(0)}
        assert record.meets_space_standard(self.STANDARD) is True

    def test_larger_areas_meet_it_with_no_shortfall(self) -> None:
        record = _record(1600, office_area_m2=Decimal("300"), elder_area_m2=Decimal("100.01"))
        assert record.space_shortfall(self.STANDARD) == {"office": Decimal(0), "elder": Decimal(0)}
        assert record.meets_space_standard(self.STANDARD) is True

    def test_shortfall_is_what_is_missing_per_area(self) -> None:
        record = _record(1600, office_area_m2=Decimal("149.5"), elder_area_m2=Decimal("100"))
        assert record.space_shortfall(self.STANDARD) == {"office": Decimal("0.5"), "elder": Decimal(0)}
        assert record.meets_space_standard(self.STANDARD) is False

    @pytest.mark.parametrize(
        ("office", "elder"),
        [(None, Decimal("500")), (Decimal("500"), None), (None, None)],
        ids=["office", "elder", "both"],
    )
    def test_empty_area_never_meets_the_standard(self, office: Decimal | None, elder: Decimal | None) -> None:
        record = _record(1600, office_area_m2=office, elder_area_m2=elder)
        shortfall = record.space_shortfall(self.STANDARD)
        assert (shortfall["office"] is None) is (office is None)
        assert (shortfall["elder"] is None) is (elder is None)
        assert record.meets_space_standard(self.STANDARD) is False

    def test_empty_area_does_not_meet_a_zero_standard(self) -> None:
        record = _record(1600, office_area_m2=None, elder_area_m2=Decimal("0"))
        assert record.meets_space_standard(_standard(2000, "0", "0")) is False


@pytest.mark.django_db
class TestSpaceStandard:
    def test_space_standard_is_unique_per_district_and_year(self, world) -> None:  # noqa: ANN001
        SpaceStandard.objects.create(
            district=world.huangpu, from_year=2020, office_min_m2=200, elder_min_m2=400
        )
        with refused_by("space_standard_unique_year"):
            SpaceStandard.objects.create(
                district=world.huangpu, from_year=2020, office_min_m2=180, elder_min_m2=300
            )
        accepted(
            lambda: SpaceStandard.objects.create(
                district=world.xuhui, from_year=2020, office_min_m2=180, elder_min_m2=300
            )
        )

    def test_space_standard_uniqueness_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        # The data migration ships one standard from 2000 for every district.
        standard = SpaceStandard(district=world.huangpu, from_year=2000, office_min_m2=150, elder_min_m2=100)
        assert_full_clean_refuses(standard, SpaceStandard, "space_standard_unique_year")

    @pytest.mark.parametrize(("office", "elder"), [("-1", "100"), ("150", "-0.01")])
    def test_space_standard_areas_cannot_be_negative(self, world, office: str, elder: str) -> None:  # noqa: ANN001
        with refused_by("space_standard_non_negative"):
            SpaceStandard.objects.create(
                district=world.huangpu,
                from_year=2021,
                office_min_m2=Decimal(office),
                elder_min_m2=Decimal(elder),
            )


# --- Workers and qualifications --------------------------------------------------------------------


@pytest.mark.django_db
class TestCommunityWorker:
    def test_worker_cannot_leave_before_being_hired(self, world) -> None:  # noqa: ANN001
        with refused_by("worker_left_after_hired"):
            CommunityWorkerFactory(committee=world.baoxing, hired_on=D(2020, 3, 1), left_on=D(2020, 2, 29))
        accepted(
            lambda: CommunityWorkerFactory(
                committee=world.baoxing, hired_on=D(2020, 3, 1), left_on=D(2020, 3, 1)
            )
        )
        accepted(
            lambda: CommunityWorkerFactory(committee=world.baoxing, hired_on=D(2020, 3, 1), left_on=None)
        )

    def test_worker_leaving_before_hired_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        worker = CommunityWorkerFactory.build(
            committee=world.baoxing, hired_on=D(2020, 3, 1), left_on=D(2019, 1, 1)
        )
        assert_full_clean_refuses(worker, CommunityWorker, "worker_left_after_hired")

    def test_worker_code_is_unique(self, world) -> None:  # noqa: ANN001
        CommunityWorkerFactory(committee=world.baoxing, code="HP-0001")
        with refused_by("committees_communityworker_code_key"):  # unique=True on CommunityWorker.code
            CommunityWorkerFactory(committee=world.xuhui_committee, code="HP-0001")

    @pytest.mark.parametrize(("code", "name"), [("", "张三"), ("HP-0002", "")], ids=["code", "name"])
    def test_worker_code_and_name_are_required(self, world, code: str, name: str) -> None:  # noqa: ANN001
        with refused_by("worker_code_name_required"):
            CommunityWorkerFactory(committee=world.baoxing, code=code, name=name)


@pytest.mark.django_db
class TestQualification:
    def test_worker_holds_each_level_once(self, world) -> None:  # noqa: ANN001
        worker = CommunityWorkerFactory(committee=world.baoxing)
        QualificationFactory(worker=worker, level=QualificationLevel.ASSISTANT)
        with refused_by("qualification_unique_level"):
            QualificationFactory(worker=worker, level=QualificationLevel.ASSISTANT, obtained_on=D(2024, 1, 1))
        accepted(lambda: QualificationFactory(worker=worker, level=QualificationLevel.INTERMEDIATE))

    @pytest.mark.parametrize("level", ["", "expert"])
    def test_qualification_level_is_one_of_the_three(self, world, level: str) -> None:  # noqa: ANN001
        worker = CommunityWorkerFactory(committee=world.baoxing)
        with pytest.raises(IntegrityError), transaction.atomic():
            QualificationFactory(worker=worker, level=level)

    def test_highest_level_is_none_without_qualifications(self, world) -> None:  # noqa: ANN001
        worker = CommunityWorkerFactory(committee=world.baoxing)
        assert (
            CommunityWorker.objects.prefetch_related("qualifications").get(pk=worker.pk).highest_level()
            is None
        )

    @pytest.mark.parametrize(
        ("levels", "highest"),
        [
            ([QualificationLevel.ASSISTANT], QualificationLevel.ASSISTANT),
            (
                [QualificationLevel.INTERMEDIATE, QualificationLevel.ASSISTANT],
                QualificationLevel.INTERMEDIATE,
            ),
            ([QualificationLevel.SENIOR, QualificationLevel.ASSISTANT], QualificationLevel.SENIOR),
            (
                [QualificationLevel.ASSISTANT, QualificationLevel.SENIOR, QualificationLevel.INTERMEDIATE],
                QualificationLevel.SENIOR,
            ),
        ],
    )
    def test_highest_level_ranks_senior_over_intermediate_over_assistant(
        self,
        world,  # noqa: ANN001
        levels: list[str],
        highest: str,
    ) -> None:
        worker = CommunityWorkerFactory(committee=world.baoxing)
        # Obtained in the order given, so that the highest is not simply the latest or the first.
        for offset, level in enumerate(levels):
            QualificationFactory(worker=worker, level=level, obtained_on=D(2020 + offset, 1, 1))
        fetched = CommunityWorker.objects.prefetch_related("qualifications").get(pk=worker.pk)
        assert fetched.highest_level() == highest
        assert Qualification.objects.filter(worker=worker).count() == len(levels)


# --- Community funds and departments ---------------------------------------------------------------


@pytest.mark.django_db
class TestCommunityFund:
    def test_fund_name_is_unique_per_street(self, world) -> None:  # noqa: ANN001
        CommunityFundFactory(street=world.waitan, name="外滩社区基金会")
        with refused_by("community_fund_unique_name"):
            CommunityFundFactory(street=world.waitan, name="外滩社区基金会", kind=FundKind.FOUNDATION)
        accepted(lambda: CommunityFundFactory(street=world.nanjing, name="外滩社区基金会"))

    def test_fund_uniqueness_is_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        CommunityFundFactory(street=world.waitan, name="外滩社区基金会")
        fund = CommunityFundFactory.build(street=world.waitan, name="外滩社区基金会")
        assert_full_clean_refuses(fund, CommunityFund, "community_fund_unique_name")

    def test_fund_name_is_required(self, world) -> None:  # noqa: ANN001
        with refused_by("community_fund_name_required"):
            CommunityFundFactory(street=world.waitan, name="")

    @pytest.mark.parametrize("kind", ["", "trust"])
    def test_fund_kind_is_fund_or_foundation(self, world, kind: str) -> None:  # noqa: ANN001
        with pytest.raises(IntegrityError), transaction.atomic():
            CommunityFundFactory(street=world.waitan, kind=kind)


@pytest.mark.django_db
class TestDepartment:
    def test_department_name_is_unique_per_district(self, world) -> None:  # noqa: ANN001
        Department.objects.create(district=world.huangpu, name="区民政局")
        with refused_by("department_unique_name"):
            Department.objects.create(district=world.huangpu, name="区民政局")
        accepted(lambda: Department.objects.create(district=world.xuhui, name="区民政局"))


# --- Users: one role, the units of its level -------------------------------------------------------


@pytest.mark.django_db
class TestUserRoleAndUnit:
    @pytest.fixture
    def department(self, world) -> Department:  # noqa: ANN001
        return Department.objects.create(district=world.huangpu, name="区卫生健康委员会")

    @staticmethod
    def _user(**fields) -> User:  # noqa: ANN003
        return User.objects.create(username="someone", **fields)

    @pytest.mark.parametrize(
        "units",
        [
            {"district": "huangpu"},
            {"street": "waitan"},
            {"committee": "baoxing"},
        ],
    )
    def test_city_staff_have_no_unit(self, world, units: dict) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.CITY, **{k: getattr(world, v) for k, v in units.items()})
        accepted(lambda: self._user(role=Role.CITY))

    def test_district_staff_have_a_district(self, world) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.DISTRICT)

    def test_district_staff_have_no_street(self, world) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.DISTRICT, district=world.huangpu, street=world.waitan)
        accepted(lambda: self._user(role=Role.DISTRICT, district=world.huangpu))

    def test_department_staff_have_a_department(self, world) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.DEPARTMENT, district=world.huangpu)

    def test_department_staff_have_a_district(self, world, department: Department) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.DEPARTMENT, department=department)
        accepted(lambda: self._user(role=Role.DEPARTMENT, district=world.huangpu, department=department))

    def test_department_staff_have_no_street(self, world, department: Department) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(
                role=Role.DEPARTMENT, district=world.huangpu, department=department, street=world.waitan
            )

    def test_department_staff_have_no_committee(self, world, department: Department) -> None:  # noqa: ANN001
        with pytest.raises(IntegrityError), transaction.atomic():
            self._user(
                role=Role.DEPARTMENT, district=world.huangpu, department=department, committee=world.baoxing
            )

    @pytest.mark.parametrize(
        ("role", "units"),
        [
            (Role.CITY, {}),
            (Role.DISTRICT, {"district": "huangpu"}),
            (Role.STREET, {"district": "huangpu", "street": "waitan"}),
            (Role.COMMITTEE, {"district": "huangpu", "street": "waitan", "committee": "baoxing"}),
        ],
    )
    def test_only_department_staff_have_a_department(
        self, world, department: Department, role: str, units: dict  # noqa: ANN001
    ) -> None:
        with pytest.raises(IntegrityError), transaction.atomic():
            self._user(role=role, department=department, **{k: getattr(world, v) for k, v in units.items()})

    def test_street_officer_has_a_street(self, world) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.STREET, district=world.huangpu)

    def test_street_officer_has_a_district(self, world) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.STREET, street=world.waitan)

    def test_street_officer_has_no_committee(self, world) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.STREET, district=world.huangpu, street=world.waitan, committee=world.baoxing)
        accepted(lambda: self._user(role=Role.STREET, district=world.huangpu, street=world.waitan))

    @pytest.mark.parametrize(
        "units",
        [
            {"district": "huangpu", "street": "waitan"},
            {"district": "huangpu", "committee": "baoxing"},
            {"street": "waitan", "committee": "baoxing"},
        ],
        ids=["no-committee", "no-street", "no-district"],
    )
    def test_committee_staff_have_a_committee_and_its_ancestors(self, world, units: dict) -> None:  # noqa: ANN001
        with refused_by("user_unit_matches_role"):
            self._user(role=Role.COMMITTEE, **{k: getattr(world, v) for k, v in units.items()})
        accepted(
            lambda: self._user(
                role=Role.COMMITTEE, district=world.huangpu, street=world.waitan, committee=world.baoxing
            )
        )

    def test_unknown_role_is_refused(self, world) -> None:  # noqa: ANN001
        with refused_by("user_role_valid"):
            self._user(role="admin")

    def test_user_without_role_is_accepted(self, world) -> None:  # noqa: ANN001
        accepted(lambda: self._user(role=""))

    def test_role_and_unit_are_checked_by_full_clean(self, world) -> None:  # noqa: ANN001
        user = User(username="waitan2", role=Role.STREET, district=world.huangpu)
        user.set_password("correct-horse-battery")
        assert_full_clean_refuses(user, User, "user_unit_matches_role")
