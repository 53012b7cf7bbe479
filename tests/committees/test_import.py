"""The organisation import and export (DOMAIN "Data interchange: the organisation import"), tested as a black box.

Files are built in tmp_path (tests/support/spreadsheets.py); the database is the real PostgreSQL one.
"Nothing written" is checked on every organisation table: row counts and every row's values before and after.
The world (tests/conftest.py): 黄浦区 310101 > 外滩街道 310101013 (宝兴 018, 汉口路 001) and 南京东路街道 310101002
(云南中路 001); 徐汇区 310104 > 徐汇街道 310104001 (徐汇一 001).
"""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.choices import CommitteeKind, FundKind, QualificationLevel, StreetKind
from committees.interchange import export_org, import_org
from committees.interchange.importer import Scope
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    Qualification,
    Street,
)
from committees.services import committee_access_grant
from tests.support.factories import (
    CommitteeFactory,
    CommitteeYearFactory,
    CommunityFundFactory,
    CommunityWorkerFactory,
    QualificationFactory,
    StreetFactory,
)
from tests.support.spreadsheets import SHEET_NAMES, read_export, write_csv_folder, write_file, write_xlsx

pytestmark = pytest.mark.django_db

D = datetime.date
FORMATS = ["csv", "xlsx"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
ORG_MODELS = (District, Street, Committee, CommitteeYear, CommunityWorker, Qualification, CommunityFund)


# --- rows, in the DOMAIN column order, with Chinese-valued defaults inside 外滩街道 -------------------------------

def district(**cells: object) -> dict[str, object]:
    return {"code": "310101", "name": "黄浦区", **cells}


def street(**cells: object) -> dict[str, object]:
    return {"code": "310101015", "district_code": "310101", "name": "半淞园路街道", "kind": "街道", **cells}


def committee(**cells: object) -> dict[str, object]:
    return {"code": "310101013003", "street_code": "310101013", "name": "北京居委会", "kind": "居委会",
            "established_on": "2001-06-30", "dissolved_on": "", "transition": "否", **cells}


def committee_year(**cells: object) -> dict[str, object]:
    return {"committee_code": "310101013018", "year": "2025", "households": "1650", "resident_households": "1580",
            "office_area_m2": "320.50", "elder_area_m2": "120", "work_fund_yuan": "200000", **cells}


def worker(**cells: object) -> dict[str, object]:
    return {"code": "WT-0001", "committee_code": "310101013018", "name": "张敏", "position": "书记",
            "hired_on": "2015-03-01", "left_on": "", **cells}


def qualification(**cells: object) -> dict[str, object]:
    return {"worker_code": "WT-0001", "level": "社会工作师", "obtained_on": "2018-06-20", **cells}


def fund(**cells: object) -> dict[str, object]:
    return {"street_code": "310101013", "name": "外滩社区基金", "kind": "基金", "established_on": "2019-01-01", **cells}


def new_street_sheets() -> dict[str, list[dict[str, object]]]:
    """A new street of 黄浦区 with everything under it, parents only in the file (the district is in the DB)."""
    return {
        "districts": [district()],
        "streets": [street()],
        "committees": [
            committee(code="310101015002", street_code="310101015", name="民立居委会"),
            committee(code="310101015004", street_code="310101015", name="瞿四居委会", established_on="", transition="是"),
        ],
        "committee_years": [
            committee_year(committee_code="310101015002"),
            committee_year(committee_code="310101015004", households="3200", resident_households="2900",
                           office_area_m2="", elder_area_m2="", work_fund_yuan=""),
        ],
        "workers": [
            worker(code="BS-0001", committee_code="310101015002"),
            worker(code="BS-0002", committee_code="310101015004", name="李华", position="社区工作者",
                   hired_on="2018-09-01", left_on="2024-12-31"),
        ],
        "qualifications": [
            qualification(worker_code="BS-0001", level="社会工作师", obtained_on="2018-06-20"),
            qualification(worker_code="BS-0001", level="助理社会工作师", obtained_on="2016-06-20"),
        ],
        "community_funds": [fund(street_code="310101015", name="半淞园路社区基金会", kind="基金会")],
    }


NEW_STREET_CREATED = {
    "districts": (0, 0, 1),
    "streets": (1, 0, 0),
    "committees": (2, 0, 0),
    "committee_years": (2, 0, 0),
    "workers": (2, 0, 0),
    "qualifications": (2, 0, 0),
    "community_funds": (1, 0, 0),
}


# --- what the database holds, and what a report says ----------------------------------------------------------

def org_rows() -> dict[str, list[dict]]:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in ORG_MODELS}


def org_counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in ORG_MODELS}


def assert_nothing_written(before: dict[str, list[dict]]) -> None:
    assert org_counts() == {name: len(rows) for name, rows in before.items()}
    assert org_rows() == before


def tallies(report) -> dict[str, tuple[int, int, int]]:  # noqa: ANN001
    """report.counts as {sheet: (created, updated, unchanged)}."""
    return {sheet: (c["created"], c["updated"], c["unchanged"]) for sheet, c in report.counts.items()}


def all_unchanged(report) -> bool:  # noqa: ANN001
    return all(created == 0 and updated == 0 for created, updated, _ in tallies(report).values())


def error_rows(report) -> set[tuple[str, int]]:  # noqa: ANN001
    return {(e.sheet, e.row) for e in report.errors}


def assert_errors_well_formed(report) -> None:  # noqa: ANN001
    assert report.ok is False
    assert report.errors
    for error in report.errors:
        assert isinstance(error.row, int)
        assert isinstance(error.value, str)
        assert error.message


def has_error(report, *, column: str | set[str], value: str | None = None) -> bool:  # noqa: ANN001
    columns = {column} if isinstance(column, str) else column
    return any(e.column in columns and (value is None or e.value == value) for e in report.errors)


@pytest.fixture
def wang(world):  # noqa: ANN001, ANN201
    """A worker already in the database, of 宝兴居委会."""
    return CommunityWorkerFactory(committee=world.baoxing, code="WT-0100", name="王芳", position="副主任",
                                  hired_on=D(2012, 4, 1))


# One good row (row 2) for each sheet; the row under test comes after it (row 3), built from BAD[sheet] + overrides.
GOOD = {
    "districts": lambda: district(),
    "streets": lambda: street(),
    "committees": lambda: committee(),
    "committee_years": lambda: committee_year(),
    "workers": lambda: worker(),
    "qualifications": lambda: qualification(worker_code="WT-0100"),
    "community_funds": lambda: fund(),
}
BAD = {
    "districts": lambda: district(code="310104", name="徐汇区"),
    "streets": lambda: street(code="310101017", name="小东门街道"),
    "committees": lambda: committee(code="310101013004", name="宁波路居委会", established_on=""),
    "committee_years": lambda: committee_year(committee_code="310101013001"),
    "workers": lambda: worker(code="WT-0002", committee_code="310101013001", name="李华", hired_on="2018-09-01"),
    "qualifications": lambda: qualification(worker_code="WT-0100", level="高级社会工作师", obtained_on="2021-06-20"),
    "community_funds": lambda: fund(name="外滩社区基金会", kind="基金会", established_on="2020-01-01"),
}


def refuse(tmp_path: Path, sheet: str, *, fmt: str = "csv", rows: set[int] = frozenset({3}), actor=None, good=None, **cells):  # noqa: ANN001, ANN003, ANN201
    """Import a good row 2 and a bad row 3 of one sheet: refused, errors only on `rows`, nothing written."""
    path = write_file(tmp_path, fmt, {sheet: [good or GOOD[sheet](), {**BAD[sheet](), **cells}]})
    before = org_rows()
    report = import_org(path, actor=actor)
    assert_errors_well_formed(report)
    assert (sheet, 3) in error_rows(report), report.errors
    assert error_rows(report) <= {(sheet, row) for row in rows}, report.errors
    assert_nothing_written(before)
    return report


# --- valid files ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_it_creates_a_new_street_with_everything_under_it(world, tmp_path, fmt):
    report = import_org(write_file(tmp_path, fmt, new_street_sheets()))

    assert report.ok, report.errors
    assert report.errors == []
    assert tallies(report) == NEW_STREET_CREATED
    new_street = Street.objects.get(code="310101015")
    assert (new_street.name, new_street.kind, new_street.district_id) == ("半淞园路街道", StreetKind.STREET, "310101")
    minli = Committee.objects.get(code="310101015002")
    assert (minli.name, minli.street_id, minli.kind) == ("民立居委会", "310101015", CommitteeKind.RESIDENTS)
    assert (minli.established_on, minli.dissolved_on, minli.transition) == (D(2001, 6, 30), None, False)
    qusi = Committee.objects.get(code="310101015004")
    assert (qusi.established_on, qusi.transition) == (None, True)
    record = CommitteeYear.objects.get(committee_id="310101015002", year=2025)
    assert (record.households, record.resident_households) == (1650, 1580)
    assert (record.office_area_m2, record.elder_area_m2, record.work_fund_yuan) == (
        Decimal("320.50"), Decimal("120"), Decimal("200000"))
    empty = CommitteeYear.objects.get(committee_id="310101015004", year=2025)
    assert (empty.households, empty.office_area_m2, empty.elder_area_m2, empty.work_fund_yuan) == (3200, None, None, None)
    li = CommunityWorker.objects.get(code="BS-0002")
    assert (li.committee_id, li.name, li.position, li.hired_on, li.left_on) == (
        "310101015004", "李华", "社区工作者", D(2018, 9, 1), D(2024, 12, 31))
    assert CommunityWorker.objects.get(code="BS-0001").left_on is None
    assert set(Qualification.objects.filter(worker__code="BS-0001").values_list("level", "obtained_on")) == {
        (QualificationLevel.INTERMEDIATE, D(2018, 6, 20)), (QualificationLevel.ASSISTANT, D(2016, 6, 20))}
    new_fund = CommunityFund.objects.get(street_id="310101015", name="半淞园路社区基金会")
    assert (new_fund.kind, new_fund.established_on) == (FundKind.FOUNDATION, D(2019, 1, 1))


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_reads_chinese_headers(world, tmp_path, fmt):
    report = import_org(write_file(tmp_path, fmt, new_street_sheets(), labels=True))

    assert report.ok, report.errors
    assert tallies(report) == NEW_STREET_CREATED
    assert Committee.objects.get(code="310101015002").street_id == "310101015"
    assert CommitteeYear.objects.get(committee_id="310101015002", year=2025).resident_households == 1580


@pytest.mark.parametrize("labels", [False, True], ids=["keys", "chinese"])
def test_it_reads_csv_with_a_byte_order_mark(world, tmp_path, labels):
    folder = write_csv_folder(tmp_path / "import", new_street_sheets(), labels=labels, bom=True)
    assert (folder / "committees.csv").read_bytes().startswith(b"\xef\xbb\xbf")

    report = import_org(folder)

    assert report.ok, report.errors
    assert tallies(report) == NEW_STREET_CREATED
    assert District.objects.get(code="310101").name == "黄浦区"
    assert Street.objects.get(code="310101015").district_id == "310101"


def test_it_reads_numeric_workbook_cells_as_codes_years_and_amounts(world, tmp_path):
    """Excel holds typed digits as numbers: codes and years come as ints, areas as floats."""
    path = write_xlsx(tmp_path / "import.xlsx", {
        "committees": [committee()],
        "committee_years": [committee_year(committee_code="310101013003", office_area_m2="320.5", elder_area_m2="98.25")],
        "workers": [worker(code="1001", committee_code="310101013003")],
        "qualifications": [qualification(worker_code="1001")],
    }, numbers=True)

    report = import_org(path)

    assert report.ok, report.errors
    assert Committee.objects.get(code="310101013003").street_id == "310101013"
    record = CommitteeYear.objects.get(committee_id="310101013003")
    assert (record.year, record.households) == (2025, 1650)
    assert (record.office_area_m2, record.elder_area_m2) == (Decimal("320.50"), Decimal("98.25"))
    assert CommunityWorker.objects.get(code="1001").committee_id == "310101013003"
    assert Qualification.objects.get(worker__code="1001").level == QualificationLevel.INTERMEDIATE


def test_it_reads_workbook_date_cells_as_dates(world, tmp_path):
    """A date typed in Excel is a date cell, not text."""
    path = write_xlsx(tmp_path / "import.xlsx", {
        "committees": [committee(established_on=D(2001, 6, 30))],
        "workers": [worker(committee_code="310101013003", hired_on=D(2015, 3, 1), left_on=D(2024, 12, 31))],
    })

    report = import_org(path)

    assert report.ok, report.errors
    assert Committee.objects.get(code="310101013003").established_on == D(2001, 6, 30)
    assert CommunityWorker.objects.filter(code="WT-0001", hired_on=D(2015, 3, 1), left_on=D(2024, 12, 31)).exists()


WORDS = {
    "english": {"street": "street", "town": "town", "township": "township", "residents": "residents",
                "village": "village", "yes": "yes", "no": "no", "assistant": "assistant",
                "intermediate": "intermediate", "senior": "senior", "fund": "fund", "foundation": "foundation"},
    "chinese": {"street": "街道", "town": "镇", "township": "乡", "residents": "居委会", "village": "村委会",
                "yes": "是", "no": "否", "assistant": "助理社会工作师", "intermediate": "社会工作师",
                "senior": "高级社会工作师", "fund": "基金", "foundation": "基金会"},
}


@pytest.mark.parametrize("language", WORDS)
def test_it_accepts_english_or_chinese_words_for_kinds_levels_and_yes_no(world, tmp_path, language):
    w = WORDS[language]
    report = import_org(write_csv_folder(tmp_path / "import", {
        "streets": [
            street(kind=w["street"]),
            street(code="310118102", district_code="310118", name="朱家角镇", kind=w["town"]),
            street(code="310151201", district_code="310151", name="新村乡", kind=w["township"]),
        ],
        "committees": [
            committee(code="310101015002", street_code="310101015", name="民立居委会", kind=w["residents"], transition=w["no"]),
            committee(code="310118102201", street_code="310118102", name="张马村村委会", kind=w["village"], transition=w["yes"]),
        ],
        "workers": [worker(committee_code="310118102201", name="沈建国")],
        "qualifications": [
            qualification(level=w["assistant"], obtained_on="2012-06-20"),
            qualification(level=w["intermediate"], obtained_on="2016-06-20"),
            qualification(level=w["senior"], obtained_on="2022-06-20"),
        ],
        "community_funds": [
            fund(street_code="310101015", name="半淞园路社区基金", kind=w["fund"]),
            fund(street_code="310118102", name="朱家角镇社区基金会", kind=w["foundation"]),
        ],
    }))

    assert report.ok, report.errors
    assert dict(Street.objects.filter(code__in=["310101015", "310118102", "310151201"]).values_list("code", "kind")) == {
        "310101015": StreetKind.STREET, "310118102": StreetKind.TOWN, "310151201": StreetKind.TOWNSHIP}
    assert set(Committee.objects.filter(code__in=["310101015002", "310118102201"]).values_list("code", "kind", "transition")) == {
        ("310101015002", CommitteeKind.RESIDENTS, False), ("310118102201", CommitteeKind.VILLAGE, True)}
    assert set(Qualification.objects.filter(worker__code="WT-0001").values_list("level", flat=True)) == {
        QualificationLevel.ASSISTANT, QualificationLevel.INTERMEDIATE, QualificationLevel.SENIOR}
    assert dict(CommunityFund.objects.values_list("name", "kind")) == {
        "半淞园路社区基金": FundKind.FUND, "朱家角镇社区基金会": FundKind.FOUNDATION}


def test_it_imports_only_the_sheets_present(world, tmp_path):
    before = org_rows()
    report = import_org(write_csv_folder(tmp_path / "import", {"committee_years": [committee_year()]}))

    assert report.ok, report.errors
    assert tallies(report) == {"committee_years": (1, 0, 0)}
    after = org_rows()
    assert after["CommitteeYear"] != before["CommitteeYear"]
    assert {k: v for k, v in after.items() if k != "CommitteeYear"} == {k: v for k, v in before.items() if k != "CommitteeYear"}


def test_it_takes_parents_from_the_database(world, wang, tmp_path):
    report = import_org(write_csv_folder(tmp_path / "import", {
        "committees": [committee()],  # 北京居委会 in 外滩街道, which only the database holds
        "committee_years": [committee_year(committee_code="310101013001")],  # 汉口路居委会, in the database
        "workers": [worker(committee_code="310101013018")],
        "qualifications": [qualification(worker_code="WT-0100")],  # 王芳, in the database
        "community_funds": [fund(street_code="310101002", name="南京东路社区基金")],
    }))

    assert report.ok, report.errors
    assert Committee.objects.get(code="310101013003").street == world.waitan
    assert CommitteeYear.objects.filter(committee=world.hankou, year=2025).exists()
    assert CommunityWorker.objects.get(code="WT-0001").committee == world.baoxing
    assert Qualification.objects.get(worker=wang).level == QualificationLevel.INTERMEDIATE
    assert CommunityFund.objects.get(name="南京东路社区基金").street == world.nanjing


def test_a_qualification_may_name_a_worker_of_the_same_file(world, tmp_path):
    report = import_org(write_csv_folder(tmp_path / "import", {
        "workers": [worker(code="WT-0009", name="赵磊")],
        "qualifications": [qualification(worker_code="WT-0009", level="助理社会工作师")],
    }))

    assert report.ok, report.errors
    assert Qualification.objects.get(worker__code="WT-0009").level == QualificationLevel.ASSISTANT


@pytest.mark.parametrize("fmt", FORMATS)
def test_reimporting_the_same_file_changes_nothing(world, tmp_path, fmt):
    path = write_file(tmp_path, fmt, new_street_sheets())
    assert import_org(path).ok
    before = org_rows()

    report = import_org(path)

    assert report.ok, report.errors
    expected = {sheet: (0, 0, created + unchanged) for sheet, (created, _, unchanged) in NEW_STREET_CREATED.items()}
    assert tallies(report) == expected
    assert org_rows() == before


@pytest.mark.parametrize("sheet, index, cells, check", [
    ("streets", 0, {"name": "半淞园路街道办事处"}, lambda: Street.objects.get(code="310101015").name == "半淞园路街道办事处"),
    ("committees", 0, {"name": "民立社区居委会"}, lambda: Committee.objects.get(code="310101015002").name == "民立社区居委会"),
    ("committees", 1, {"dissolved_on": "2024-06-30"},
     lambda: Committee.objects.get(code="310101015004").dissolved_on == D(2024, 6, 30)),
    ("committee_years", 0, {"households": "1700"},
     lambda: CommitteeYear.objects.get(committee_id="310101015002", year=2025).households == 1700),
    ("committee_years", 1, {"office_area_m2": "155.75"},
     lambda: CommitteeYear.objects.get(committee_id="310101015004", year=2025).office_area_m2 == Decimal("155.75")),
    ("workers", 0, {"left_on": "2025-10-31"}, lambda: CommunityWorker.objects.get(code="BS-0001").left_on == D(2025, 10, 31)),
    ("qualifications", 0, {"obtained_on": "2019-06-22"},
     lambda: Qualification.objects.get(worker__code="BS-0001", level="intermediate").obtained_on == D(2019, 6, 22)),
    ("community_funds", 0, {"kind": "基金"},
     lambda: CommunityFund.objects.get(name="半淞园路社区基金会").kind == FundKind.FUND),
])
def test_a_corrected_value_updates_the_row(world, tmp_path, sheet, index, cells, check):
    sheets = new_street_sheets()
    assert import_org(write_csv_folder(tmp_path / "first", sheets)).ok
    sheets[sheet][index] = {**sheets[sheet][index], **cells}
    counts = org_counts()

    report = import_org(write_csv_folder(tmp_path / "corrected", sheets))

    assert report.ok, report.errors
    rows = len(sheets[sheet])
    assert tallies(report)[sheet] == (0, 1, rows - 1)
    assert all(created == 0 and updated == 0 for name, (created, updated, _) in tallies(report).items() if name != sheet)
    assert check()
    assert org_counts() == counts


def test_dry_run_counts_but_writes_nothing(world, tmp_path):
    before = org_rows()

    report = import_org(write_csv_folder(tmp_path / "import", new_street_sheets()), dry_run=True)

    assert report.ok, report.errors
    assert tallies(report) == NEW_STREET_CREATED
    assert_nothing_written(before)


def test_dry_run_still_reports_errors(world, tmp_path):
    before = org_rows()

    report = import_org(write_csv_folder(tmp_path / "import", {"committees": [committee(established_on="2025-02-30")]}),
                        dry_run=True)

    assert_errors_well_formed(report)
    assert error_rows(report) == {("committees", 2)}
    assert_nothing_written(before)


def test_the_import_command_leaves_a_record(world, tmp_path):
    from committees.models import OrgImport

    folder = write_csv_folder(tmp_path / "import", {"committees": [committee()]})
    call_command("import_org", str(folder), stdout=io.StringIO())
    bad = write_csv_folder(tmp_path / "bad", {"committees": [committee(code="31010101300A")]})
    with pytest.raises(CommandError):
        call_command("import_org", str(bad), stdout=io.StringIO(), stderr=io.StringIO())

    done, failed = OrgImport.objects.order_by("created_at")
    assert (done.source, done.status, done.file_name, done.actor) == ("command", "done", str(folder), None)
    assert done.counts["committees"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert failed.status == "failed" and failed.error_count == 1 and failed.errors[0]["row"] == 2


def test_an_applied_import_announces_what_it_imported_and_a_check_does_not(world, street_officer, tmp_path):
    """`import_applied` (portal/core/signals.py) is how the indicators learn of new data: sent for an applied
    import only, with its actor and counts, while its transaction is still open."""
    from committees.models import OrgImport
    from portal.core.signals import import_applied

    heard = []

    def listener(sender, **kwargs) -> None:  # noqa: ANN001, ANN003
        heard.append((sender, kwargs["actor"], kwargs["record"].status, kwargs["counts"]))

    import_applied.connect(listener, dispatch_uid="test-listener")
    try:
        folder = write_csv_folder(tmp_path / "import", {"committee_years": [committee_year()]})
        run("import_org", str(folder), "--dry-run")
        assert heard == []
        run("import_org", str(folder), "--user", street_officer.username)
    finally:
        import_applied.disconnect(dispatch_uid="test-listener")
    assert heard == [(OrgImport, street_officer, "done",
                      {"committee_years": {"created": 1, "updated": 0, "unchanged": 0}})]


# --- invalid rows: refused with their row number, nothing written ---------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("code", ["31010101300", "3101010130041", "31010101300A", "310101013 04"])
def test_it_refuses_a_committee_code_that_breaks_the_code_rules(world, tmp_path, fmt, code):
    report = refuse(tmp_path, "committees", fmt=fmt, code=code)
    assert has_error(report, column="code", value=code)


@pytest.mark.parametrize("code", ["31010", "3101011", "31010A"])
def test_it_refuses_a_district_code_that_breaks_the_code_rules(world, tmp_path, code):
    report = refuse(tmp_path, "districts", code=code, name="新区")
    assert has_error(report, column="code", value=code)


@pytest.mark.parametrize("code", ["31010101", "3101010170", "310101A17"])
def test_it_refuses_a_street_code_that_breaks_the_code_rules(world, tmp_path, code):
    report = refuse(tmp_path, "streets", code=code)
    assert has_error(report, column="code", value=code)


def test_it_refuses_a_street_code_not_starting_with_its_district_code(world, tmp_path):
    report = refuse(tmp_path, "streets", code="310104017", district_code="310101")
    assert has_error(report, column={"code", "district_code"})


def test_it_refuses_a_committee_code_not_starting_with_its_street_code(world, tmp_path):
    report = refuse(tmp_path, "committees", code="310101002005", street_code="310101013")
    assert has_error(report, column={"code", "street_code"})


@pytest.mark.parametrize("sheet, cells", [
    ("committees", {"code": "310101013019", "kind": "村委会"}),  # village with a 0xx code
    ("committees", {"code": "310101013201", "kind": "居委会"}),  # residents' with a 2xx code
    ("committees", {"code": "310101013000", "kind": "居委会"}),  # 000 is neither
    ("committees", {"code": "310101013401", "kind": "村委会"}),  # 4xx is neither
    ("streets", {"code": "310101117", "kind": "街道"}),  # street with a 1xx code
    ("streets", {"code": "310101017", "kind": "镇"}),  # town with a 0xx code
    ("streets", {"code": "310101017", "kind": "乡"}),  # township with a 0xx code
])
def test_it_refuses_kind_digits_that_do_not_match_the_kind(world, tmp_path, sheet, cells):
    report = refuse(tmp_path, sheet, **cells)
    assert has_error(report, column={"code", "kind"})


@pytest.mark.parametrize("sheet, cells, column, value", [
    ("streets", {"code": "310199001", "district_code": "310199"}, "district_code", "310199"),
    ("committees", {"code": "310101099001", "street_code": "310101099"}, "street_code", "310101099"),
    ("committee_years", {"committee_code": "310101013099"}, "committee_code", "310101013099"),
    ("workers", {"committee_code": "310101013099"}, "committee_code", "310101013099"),
    ("community_funds", {"street_code": "310101099"}, "street_code", "310101099"),
])
def test_it_refuses_a_parent_found_neither_in_the_file_nor_in_the_database(world, wang, tmp_path, sheet, cells, column, value):
    report = refuse(tmp_path, sheet, **cells)
    assert has_error(report, column=column, value=value)


def test_it_refuses_a_qualification_for_a_worker_found_neither_in_the_file_nor_in_the_database(world, wang, tmp_path):
    report = refuse(tmp_path, "qualifications", worker_code="WT-9999")
    assert has_error(report, column="worker_code", value="WT-9999")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sheet, column, value", [
    ("committees", "established_on", "2025-02-30"),
    ("committees", "dissolved_on", "2023-04-31"),
    ("workers", "hired_on", "2019-02-29"),
    ("workers", "left_on", "2025-13-01"),
    ("qualifications", "obtained_on", "2021-06-31"),
    ("community_funds", "established_on", "2024-00-10"),
])
def test_it_refuses_an_impossible_date(world, wang, tmp_path, fmt, sheet, column, value):
    report = refuse(tmp_path, sheet, fmt=fmt, **{column: value})
    assert has_error(report, column=column, value=value)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("column, value", [
    ("households", "-5"),
    ("resident_households", "-1"),
    ("office_area_m2", "-120.50"),
    ("elder_area_m2", "-0.01"),
    ("work_fund_yuan", "-200000"),
])
def test_it_refuses_a_negative_number(world, tmp_path, fmt, column, value):
    report = refuse(tmp_path, "committee_years", fmt=fmt, **{column: value})
    assert has_error(report, column=column)
    if fmt == "csv":
        assert has_error(report, column=column, value=value)


@pytest.mark.parametrize("column, value", [
    ("year", "二〇二五"),
    ("households", "约1600"),
    ("resident_households", "1580户"),
    ("office_area_m2", "三百"),
    ("work_fund_yuan", "20万"),
])
def test_it_refuses_a_number_that_is_not_a_number(world, tmp_path, column, value):
    report = refuse(tmp_path, "committee_years", **{column: value})
    assert has_error(report, column=column, value=value)


@pytest.mark.parametrize("column", ["office_area_m2", "elder_area_m2", "work_fund_yuan"])
def test_it_refuses_more_than_two_decimals(world, tmp_path, column):
    report = refuse(tmp_path, "committee_years", **{column: "320.505"})
    assert has_error(report, column=column, value="320.505")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("sheet, column", [
    ("districts", "name"),
    ("streets", "name"),
    ("streets", "kind"),
    ("committees", "code"),
    ("committees", "street_code"),
    ("committees", "name"),
    ("committees", "kind"),
    ("committee_years", "year"),
    ("committee_years", "households"),
    ("committee_years", "resident_households"),
    ("workers", "code"),
    ("workers", "committee_code"),
    ("workers", "name"),
    ("workers", "hired_on"),
    ("qualifications", "worker_code"),
    ("qualifications", "level"),
    ("qualifications", "obtained_on"),
    ("community_funds", "name"),
    ("community_funds", "kind"),
    ("community_funds", "established_on"),
])
def test_it_refuses_a_missing_required_value(world, wang, tmp_path, fmt, sheet, column):
    cells = {column: ""}
    if sheet == "districts":
        cells["code"] = "310104"
    report = refuse(tmp_path, sheet, fmt=fmt, **cells)
    assert has_error(report, column=column, value="")


@pytest.mark.parametrize("sheet, key", [
    ("districts", {"code": "310101"}),
    ("streets", {"code": "310101015"}),
    ("committees", {"code": "310101013003"}),
    ("committee_years", {"committee_code": "310101013018", "year": "2025"}),
    ("workers", {"code": "WT-0001"}),
    ("qualifications", {"worker_code": "WT-0100", "level": "社会工作师"}),
    ("community_funds", {"street_code": "310101013", "name": "外滩社区基金"}),
])
def test_it_refuses_a_duplicate_key_inside_the_file(world, wang, tmp_path, sheet, key):
    refuse(tmp_path, sheet, rows={2, 3}, **key)


def test_it_refuses_a_duplicate_key_written_with_the_chinese_and_english_word(world, wang, tmp_path):
    """The key (worker, level) is the level, not the word that names it."""
    refuse(tmp_path, "qualifications", rows={2, 3}, worker_code="WT-0100", level="intermediate")


@pytest.mark.parametrize("sheet, column, value", [
    ("streets", "kind", "区"),
    ("committees", "kind", "社区"),
    ("committees", "kind", "neighbourhood"),
    ("committees", "transition", "可能"),
    ("qualifications", "level", "社工"),
    ("community_funds", "kind", "协会"),
])
def test_it_refuses_an_unknown_word(world, wang, tmp_path, sheet, column, value):
    report = refuse(tmp_path, sheet, **{column: value})
    assert has_error(report, column=column, value=value)


def test_it_refuses_dissolved_before_established(world, tmp_path):
    report = refuse(tmp_path, "committees", established_on="2010-05-01", dissolved_on="2009-12-31")
    assert has_error(report, column={"dissolved_on", "established_on"})


def test_it_refuses_left_before_hired(world, tmp_path):
    report = refuse(tmp_path, "workers", hired_on="2015-03-01", left_on="2014-12-31")
    assert has_error(report, column={"left_on", "hired_on"})


@pytest.mark.parametrize("fmt", FORMATS)
def test_it_reports_every_error_with_its_row_number(world, tmp_path, fmt):
    path = write_file(tmp_path, fmt, {"committees": [
        committee(code="310101013003", name="北京居委会", established_on="2025-02-30"),  # row 2
        committee(code="310101013004", name="宁波路居委会"),  # row 3, valid
        committee(code="310101013005", name="无锡路居委会", kind="社区"),  # row 4
        committee(code="310101013007", name=""),  # row 5
        committee(code="310101013008", name="山东北路居委会"),  # row 6, valid
    ]})
    before = org_rows()

    report = import_org(path)

    assert_errors_well_formed(report)
    assert sorted((e.sheet, e.row) for e in report.errors) == [("committees", 2), ("committees", 4), ("committees", 5)]
    assert has_error(report, column="established_on", value="2025-02-30")
    assert has_error(report, column="kind", value="社区")
    assert has_error(report, column="name", value="")
    assert_nothing_written(before)


def test_error_messages_are_in_chinese(world, tmp_path):
    report = import_org(write_csv_folder(tmp_path / "import", {
        "committees": [
            committee(code="31010101300"),  # code rule
            committee(code="310101099001", street_code="310101099"),  # missing parent
            committee(code="310101013004", established_on="2025-02-30"),  # impossible date
            committee(code="310101013005", kind="社区"),  # unknown word
            committee(code="310101013007", name=""),  # missing value
            committee(code="310101013008", established_on="2010-05-01", dissolved_on="2009-12-31"),
        ],
        "committee_years": [committee_year(households="-5")],
        "qualifications": [qualification(worker_code="WT-9999")],
    }))

    assert report.errors
    not_chinese = [(e.sheet, e.row, e.message) for e in report.errors if not CHINESE.search(e.message)]
    assert not not_chinese


def test_it_reports_the_errors_of_every_sheet(world, tmp_path):
    before = org_rows()

    report = import_org(write_csv_folder(tmp_path / "import", {
        "streets": [street(), street(code="310101017", name="小东门街道", kind="镇")],  # row 3: a town with a 0xx code
        "committee_years": [committee_year(households="-5")],  # row 2
        "workers": [worker(), worker(code="WT-0002", name="李华", hired_on="2019-02-29")],  # row 3
    }))

    assert_errors_well_formed(report)
    assert error_rows(report) == {("streets", 3), ("committee_years", 2), ("workers", 3)}
    assert_nothing_written(before)


# --- scope: an actor changes only what lies in their scope ----------------------------------------------------

# A street officer's own committee, as the database holds it: an unchanged row inside the scope.
BAOXING_UNCHANGED = {"code": "310101013018", "street_code": "310101013", "name": "宝兴居委会", "kind": "居委会",
                     "established_on": "", "dissolved_on": "", "transition": "否"}


def test_street_officer_cannot_add_a_committee_to_another_street(world, street_officer, tmp_path):
    refuse(tmp_path, "committees", actor=street_officer, good=BAOXING_UNCHANGED,
           code="310101002002", street_code="310101002", name="龙泉园路居委会")
    assert not Committee.objects.filter(code="310101002002").exists()


def test_street_officer_cannot_change_a_committee_of_another_street(world, street_officer, tmp_path):
    before = org_rows()

    report = import_org(write_csv_folder(tmp_path / "import", {"committees": [
        BAOXING_UNCHANGED,
        committee(code="310101002001", street_code="310101002", name="云南中路社区居委会", established_on=""),
    ]}), actor=street_officer)

    assert_errors_well_formed(report)
    assert error_rows(report) == {("committees", 3)}
    assert_nothing_written(before)
    assert Committee.objects.get(code="310101002001").name == "云南中路居委会"


@pytest.mark.parametrize("sheet, cells", [
    ("committee_years", {"committee_code": "310101002001"}),
    ("workers", {"committee_code": "310101002001"}),
    ("community_funds", {"street_code": "310101002"}),
    ("committees", {"code": "310104001002", "street_code": "310104001", "name": "徐汇二居委会"}),
])
def test_street_officer_cannot_import_rows_under_another_street(world, street_officer, wang, tmp_path, sheet, cells):
    refuse(tmp_path, sheet, actor=street_officer, good=BAOXING_UNCHANGED if sheet == "committees" else None, **cells)


def test_street_officer_cannot_add_a_qualification_to_a_worker_of_another_street(world, street_officer, wang, tmp_path):
    CommunityWorkerFactory(committee=world.yunnan, code="NJ-0001", name="陈静")

    refuse(tmp_path, "qualifications", actor=street_officer, worker_code="NJ-0001")


def test_street_officer_imports_rows_of_own_street(world, street_officer, wang, tmp_path):
    report = import_org(write_csv_folder(tmp_path / "import", {
        "committees": [BAOXING_UNCHANGED],
        "committee_years": [committee_year(), committee_year(committee_code="310101013001", households="980")],
        "workers": [worker(), worker(code="WT-0002", committee_code="310101013001", name="李华")],
        "qualifications": [qualification(), qualification(worker_code="WT-0100", level="高级社会工作师")],
        "community_funds": [fund()],
    }), actor=street_officer)

    assert report.ok, report.errors
    assert tallies(report) == {"committees": (0, 0, 1), "committee_years": (2, 0, 0), "workers": (2, 0, 0),
                               "qualifications": (2, 0, 0), "community_funds": (1, 0, 0)}
    assert CommitteeYear.objects.get(committee=world.hankou, year=2025).households == 980
    assert Qualification.objects.filter(worker=wang, level=QualificationLevel.SENIOR).exists()
    assert CommunityFund.objects.filter(street=world.waitan, name="外滩社区基金").exists()


def test_unchanged_rows_a_street_officer_may_not_change_are_accepted(world, street_officer, tmp_path):
    """Their district, their street and their committee exist unchanged: fine, though a street officer changes none of them."""
    report = import_org(write_csv_folder(tmp_path / "import", {
        "districts": [district()],
        "streets": [street(code="310101013", name="外滩街道")],
        "committees": [BAOXING_UNCHANGED],
        "committee_years": [committee_year()],
    }), actor=street_officer)

    assert report.ok, report.errors
    assert tallies(report) == {"districts": (0, 0, 1), "streets": (0, 0, 1), "committees": (0, 0, 1),
                               "committee_years": (1, 0, 0)}


def test_an_outside_row_refuses_the_whole_file_of_a_street_officer(world, street_officer, tmp_path):
    before = org_rows()

    report = import_org(write_csv_folder(tmp_path / "import", {
        "committee_years": [committee_year(), committee_year(committee_code="310101002001")],
    }), actor=street_officer)

    assert_errors_well_formed(report)
    assert error_rows(report) == {("committee_years", 3)}
    assert_nothing_written(before)


def test_district_staff_import_committees_of_every_street_of_their_district(world, district_staff, tmp_path):
    report = import_org(write_csv_folder(tmp_path / "import", {
        "streets": [street()],
        "committees": [
            committee(),
            committee(code="310101002002", street_code="310101002", name="龙泉园路居委会"),
            committee(code="310101015002", street_code="310101015", name="民立居委会"),
        ],
    }), actor=district_staff)

    assert report.ok, report.errors
    assert tallies(report) == {"streets": (1, 0, 0), "committees": (3, 0, 0)}


@pytest.mark.parametrize("sheet, cells", [
    ("streets", {"code": "310104003", "district_code": "310104", "name": "天平路街道"}),
    ("committees", {"code": "310104001002", "street_code": "310104001", "name": "徐汇二居委会"}),
    ("districts", {"code": "310104", "name": "徐汇新区"}),
])
def test_district_staff_cannot_import_rows_of_another_district(world, district_staff, tmp_path, sheet, cells):
    refuse(tmp_path, sheet, actor=district_staff, **cells)


# --- explicit grants count as they do on the pages (issue 11: the import's scope is restrict()'s) ---------------

def _granted(grantee, committee, access: str, district_staff):  # noqa: ANN001, ANN202
    committee_access_grant(actor=district_staff, grantee=grantee, committee=committee, access=access)
    return type(grantee).objects.get(pk=grantee.pk)  # a new request: grants are read once per user object


def test_a_read_write_grant_lets_a_street_officer_import_that_committees_rows(world, street_officer, district_staff,
                                                                               tmp_path):
    officer = _granted(street_officer, world.yunnan, "change", district_staff)  # 云南中路, of 南京东路街道

    report = import_org(write_csv_folder(tmp_path / "import", {
        "committee_years": [committee_year(committee_code="310101002001", households="980")],
        "workers": [worker(code="NJ-0001", committee_code="310101002001")],
        "qualifications": [qualification(worker_code="NJ-0001")],
    }), actor=officer)

    assert report.ok, report.errors
    assert tallies(report) == {"committee_years": (1, 0, 0), "workers": (1, 0, 0), "qualifications": (1, 0, 0)}
    assert CommitteeYear.objects.get(committee=world.yunnan, year=2025).households == 980
    assert CommunityWorker.objects.get(code="NJ-0001").committee_id == "310101002001"


def test_a_read_only_grant_does_not_let_a_street_officer_import_that_committees_rows(world, street_officer,
                                                                                     district_staff, tmp_path):
    officer = _granted(street_officer, world.yunnan, "view", district_staff)
    CommitteeYearFactory(committee=world.yunnan, year=2024, households=900, resident_households=850)
    before = org_rows()

    report = import_org(write_csv_folder(tmp_path / "import", {
        "committee_years": [committee_year(), committee_year(committee_code="310101002001")],
    }), actor=officer)

    assert_errors_well_formed(report)
    assert error_rows(report) == {("committee_years", 3)}
    [error] = report.errors
    assert error.message.startswith("您无权新增"), error.message  # readable, so not "outside your area"
    assert_nothing_written(before)


def test_rows_a_read_only_grant_shows_are_accepted_unchanged(world, street_officer, district_staff, tmp_path):
    """What the officer may read is no longer "outside": unchanged rows of it import as unchanged."""
    officer = _granted(street_officer, world.yunnan, "view", district_staff)
    CommitteeYearFactory(committee=world.yunnan, year=2025, households=900, resident_households=850,
                         office_area_m2=None, elder_area_m2=None, work_fund_yuan=None)

    report = import_org(write_csv_folder(tmp_path / "import", {"committee_years": [committee_year(
        committee_code="310101002001", households="900", resident_households="850", office_area_m2="",
        elder_area_m2="", work_fund_yuan="")]}), actor=officer)

    assert report.ok, report.errors
    assert tallies(report) == {"committee_years": (0, 0, 1)}


def test_a_grant_on_another_committee_does_not_open_its_street(world, street_officer, district_staff, tmp_path):
    officer = _granted(street_officer, world.yunnan, "change", district_staff)

    (tmp_path / "new").mkdir()
    (tmp_path / "fund").mkdir()
    # A new committee of 南京东路街道, and a fund of that street: neither is under the granted committee.
    refuse(tmp_path / "new", "committee_years", actor=officer, committee_code="310101002002")
    refuse(tmp_path / "fund", "community_funds", actor=officer, street_code="310101002")


def test_the_scope_is_read_once_per_import(world, street_officer, tmp_path):
    """One query per level for the actor's scope, whatever the number of rows: not one per row."""
    def queries(years: range) -> int:
        rows = [committee_year(committee_code=code, year=str(year)) for code in ("310101013018", "310101013001")
                for year in years]
        path = write_csv_folder(tmp_path / str(len(years)), {"committee_years": rows})
        officer = type(street_officer).objects.get(pk=street_officer.pk)  # grants not yet read
        with CaptureQueriesContext(connection) as captured:
            assert import_org(path, actor=officer, dry_run=True).ok
        return len(captured.captured_queries)

    assert queries(range(2025, 2026)) == queries(range(1990, 2030))


# --- export, and the round trip ------------------------------------------------------------------------------

@pytest.fixture
def rich_world(world):  # noqa: ANN001, ANN201
    """Every kind of row and every optional value, filled and empty."""
    qingpu = District.objects.get(code="310118")
    zhujiajiao = StreetFactory(district=qingpu, code="310118102", name="朱家角镇", kind=StreetKind.TOWN)
    StreetFactory(district=District.objects.get(code="310151"), code="310151201", name="新村乡", kind=StreetKind.TOWNSHIP)
    zhangma = CommitteeFactory(street=zhujiajiao, code="310118102201", name="张马村村委会", kind=CommitteeKind.VILLAGE,
                               established_on=D(1984, 5, 1))
    xinjian = CommitteeFactory(street=world.waitan, code="310101013023", name="新建二村居委会", established_on=D(1999, 1, 1),
                               dissolved_on=D(2020, 12, 31), transition=True)
    CommitteeYearFactory(committee=world.baoxing, year=2024, households=3120, resident_households=2980,
                         office_area_m2=Decimal("320.50"), elder_area_m2=Decimal("98.25"), work_fund_yuan=Decimal("200000.00"))
    CommitteeYearFactory(committee=world.baoxing, year=2025, households=3150, resident_households=3010,
                         office_area_m2=None, elder_area_m2=None, work_fund_yuan=None)
    CommitteeYearFactory(committee=zhangma, year=2025, households=820, resident_households=640)
    CommitteeYearFactory(committee=xinjian, year=2020, households=1200, resident_households=1100)
    zhang = CommunityWorkerFactory(committee=world.baoxing, code="WT-0001", name="张敏", position="书记", hired_on=D(2015, 3, 1))
    li = CommunityWorkerFactory(committee=world.yunnan, code="1001", name="李华", position="", hired_on=D(2018, 9, 1),
                                left_on=D(2024, 12, 31))
    shen = CommunityWorkerFactory(committee=zhangma, code="QP-0007", name="沈建国", position="主任", hired_on=D(2010, 7, 1))
    QualificationFactory(worker=zhang, level=QualificationLevel.ASSISTANT, obtained_on=D(2016, 6, 20))
    QualificationFactory(worker=zhang, level=QualificationLevel.INTERMEDIATE, obtained_on=D(2018, 6, 20))
    QualificationFactory(worker=li, level=QualificationLevel.SENIOR, obtained_on=D(2023, 11, 5))
    QualificationFactory(worker=shen, level=QualificationLevel.ASSISTANT, obtained_on=D(2012, 6, 1))
    CommunityFundFactory(street=world.waitan, name="外滩社区基金", kind=FundKind.FUND, established_on=D(2019, 1, 1))
    CommunityFundFactory(street=zhujiajiao, name="朱家角镇社区基金会", kind=FundKind.FOUNDATION, established_on=D(2021, 3, 18))
    return world


@pytest.mark.parametrize("target", ["export", "export.xlsx"])
def test_export_then_import_changes_nothing(rich_world, tmp_path, target):
    path = tmp_path / target
    if not target.endswith(".xlsx"):
        path.mkdir()
    export_org(path)
    before = org_rows()

    report = import_org(path)

    assert report.ok, report.errors
    assert all_unchanged(report), tallies(report)
    assert set(report.counts) == set(SHEET_NAMES)
    assert tallies(report)["committees"][2] == Committee.objects.count()
    assert tallies(report)["qualifications"][2] == Qualification.objects.count()
    assert org_rows() == before


@pytest.mark.parametrize("target", ["export", "export.xlsx"])
def test_export_writes_every_sheet_in_the_import_format(rich_world, tmp_path, target):
    path = tmp_path / target
    if not target.endswith(".xlsx"):
        path.mkdir()

    export_org(path)

    sheets = read_export(path)
    assert set(sheets) == set(SHEET_NAMES)
    assert {row["code"] for row in sheets["committees"]} == set(Committee.objects.values_list("code", flat=True))
    assert {row["code"] for row in sheets["workers"]} == {"WT-0001", "1001", "QP-0007"}
    zhangma = next(row for row in sheets["committees"] if row["code"] == "310118102201")
    assert (zhangma["street_code"], zhangma["name"]) == ("310118102", "张马村村委会")
    assert len(sheets["committee_years"]) == 4


def test_a_street_officer_exports_only_their_street_and_can_reimport_it(rich_world, street_officer, tmp_path):
    path = tmp_path / "waitan.xlsx"
    export_org(path, actor=street_officer)
    sheets = read_export(path)
    assert {row["code"] for row in sheets["committees"]} == {"310101013001", "310101013018", "310101013023"}
    assert {row["code"] for row in sheets["workers"]} == {"WT-0001"}
    assert {row["name"] for row in sheets["community_funds"]} == {"外滩社区基金"}
    before = org_rows()

    report = import_org(path, actor=street_officer)

    assert report.ok, report.errors
    assert all_unchanged(report), tallies(report)
    assert org_rows() == before


# --- the commands --------------------------------------------------------------------------------------------

def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_command_imports_a_folder_and_prints_the_counts(world, tmp_path):
    folder = write_csv_folder(tmp_path / "import", new_street_sheets())

    out, _ = run("import_org", str(folder))

    assert out.strip()
    assert Committee.objects.filter(street_id="310101015").count() == 2
    assert CommunityWorker.objects.filter(code__startswith="BS-").count() == 2


def test_import_command_imports_a_workbook(world, tmp_path):
    path = write_xlsx(tmp_path / "import.xlsx", new_street_sheets(), labels=True)

    run("import_org", str(path))

    assert CommitteeYear.objects.filter(committee__street_id="310101015", year=2025).count() == 2


def test_import_command_writes_every_error_and_fails(world, tmp_path):
    folder = write_csv_folder(tmp_path / "import", {"committees": [
        committee(),  # row 2, valid
        committee(code="310101013004", name="宁波路居委会", established_on="2025-02-30"),  # row 3
        committee(code="310101013005", name="无锡路居委会", kind="社区"),  # row 4
    ]})
    before = org_rows()
    out, err = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_org", str(folder), stdout=out, stderr=err)

    # Under manage.py a CommandError's message is written on stderr too.
    lines = (err.getvalue() + "\n" + str(raised.value)).splitlines()
    date_lines = [line for line in lines if "2025-02-30" in line]
    kind_lines = [line for line in lines if "社区" in line]
    assert date_lines and kind_lines
    assert any(re.search(r"(?<!\d)3(?!\d)", line) and ("established_on" in line or "成立日期" in line) for line in date_lines)
    assert any(re.search(r"(?<!\d)4(?!\d)", line) and ("kind" in line or "类型" in line) for line in kind_lines)
    assert not set(date_lines) & set(kind_lines)  # one error a line
    assert_nothing_written(before)


def test_import_command_dry_run_writes_nothing(world, tmp_path):
    folder = write_csv_folder(tmp_path / "import", new_street_sheets())
    before = org_rows()

    run("import_org", str(folder), "--dry-run")

    assert_nothing_written(before)


def test_import_command_user_option_limits_the_scope(world, street_officer, tmp_path):
    folder = write_csv_folder(tmp_path / "import", {
        "committees": [committee(code="310101002002", street_code="310101002", name="龙泉园路居委会")]})
    before = org_rows()

    with pytest.raises(CommandError):
        run("import_org", str(folder), "--user", street_officer.username)

    assert_nothing_written(before)
    run("import_org", str(folder))  # without --user: the command line has no scope limit
    assert Committee.objects.filter(code="310101002002").exists()


@pytest.mark.parametrize("target", ["export", "export.xlsx"])
def test_export_command_writes_what_the_import_reads_back_unchanged(rich_world, tmp_path, target):
    path = tmp_path / target
    if not target.endswith(".xlsx"):
        path.mkdir()

    run("export_org", str(path))
    before = org_rows()
    run("import_org", str(path))

    assert read_export(path)["streets"]
    assert org_rows() == before


def test_export_command_user_option_limits_the_scope(rich_world, street_officer, tmp_path):
    path = tmp_path / "waitan.xlsx"

    run("export_org", str(path), "--user", street_officer.username)

    assert {row["code"] for row in read_export(path)["committees"]} == {"310101013001", "310101013018", "310101013023"}


def test_the_units_above_a_street_officers_street_are_read_only_to_him(world, street_officer, district_staff):
    """restrict() lets a street officer read his district; reading it never makes it (or a new street in it) his."""
    scope = Scope(street_officer)
    assert scope.place("310101") == "read_only"
    assert scope.place("310101099") == "read_only"  # a street that does not exist yet, in his district
    assert scope.place("310101013") == "inside"
    assert scope.place("310101013099") == "inside"  # a new committee of his own street
    assert scope.place("310104001") == "outside"
    assert Scope(district_staff).place("310101099") == "inside"
