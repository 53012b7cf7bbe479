"""What an import says of its changes through its life (review of the changes list, items 1-6).

Listed as what confirming will change while the file is checked, as what the import changed once done, and not
at all otherwise (being processed, cancelled, given up); the rows dropped once nothing can be written (the counts
stay), and people's names and values dropped once imported (OrgImport, "What `changes` keeps"). Rows to create
show their values. Where the list is not shown, `changes` is not even read.
"""

import datetime
import io
import json
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from committees.interchange import services
from committees.interchange.importer import import_org
from committees.models import Committee, CommitteeYear, CommunityWorker, OrgImport
from tests.support.factories import CommitteeYearFactory, CommunityWorkerFactory, OrgImportFactory
from tests.support.spreadsheets import write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
API = "/api/v1/imports/"
# The stored `changes` column itself, not a key read out of it by the database: PostgreSQL writes that
# ("committees_orgimport"."changes" ->> 'count'), SQLite JSON_EXTRACT("committees_orgimport"."changes", '$."count"')
# (and JSON_TYPE, to tell JSON's true, false and null from text).
CHANGES_COLUMN = re.compile(r'(?<!JSON_EXTRACT\()(?<!JSON_TYPE\()"committees_orgimport"\."changes"(?!\s*(?:->|#>))',
                            re.IGNORECASE)
PERSONAL = ("张敏", "王芳", "2024-12-31", "2020-05-01", "社工")
SHEETS = {
    "committee_years": [
        {"committee_code": "310101013018", "year": 2025, "households": 1700, "resident_households": 1580},
        {"committee_code": "310101013018", "year": 2026, "households": 1000, "resident_households": 900},
    ],
    "workers": [
        {"code": "WT-0001", "committee_code": "310101013018", "name": "张敏", "position": "书记",
         "hired_on": "2015-03-01", "left_on": "2024-12-31"},
        {"code": "WT-0002", "committee_code": "310101013018", "name": "王芳", "position": "社工",
         "hired_on": "2020-05-01", "left_on": ""},
    ],
}


@pytest.fixture
def stored(world):  # noqa: ANN001, ANN201
    """宝兴 as stored: its 2025 record and a worker; the file updates both and adds one of each."""
    CommitteeYearFactory(committee=world.baoxing, year=2025, households=1650, resident_households=1580,
                         office_area_m2=None, elder_area_m2=None, work_fund_yuan=Decimal("200000"))
    CommunityWorkerFactory(committee=world.baoxing, code="WT-0001", name="张敏", position="书记",
                           hired_on=datetime.date(2015, 3, 1), left_on=None)
    return world


def _upload(client, capture, tmp_path, sheets: dict = SHEETS) -> OrgImport:  # noqa: ANN001
    path = write_xlsx(tmp_path / "org.xlsx", sheets, labels=True)
    with capture(execute=True):
        response = client.post(reverse("committees:import_list"),
                               {"files": SimpleUploadedFile("org.xlsx", path.read_bytes(), content_type=XLSX)})
    assert response.status_code == 302, response.content.decode()[:2000]
    org_import = OrgImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])
    assert org_import.status == OrgImport.Status.VALID, org_import.errors
    return org_import


def _page(client, org_import: OrgImport, **query: str):  # noqa: ANN001, ANN202
    response = client.get(reverse("committees:import_detail", args=[org_import.pk]), query)
    assert response.status_code == 200
    return response


def _confirm(client, capture, org_import: OrgImport, *, run: bool = True) -> OrgImport:  # noqa: ANN001
    """Confirm on the page; with `run` False the import step is left waiting (status "applying")."""
    with capture(execute=run):
        assert client.post(reverse("committees:import_confirm", args=[org_import.pk])).status_code == 302
    org_import.refresh_from_db()
    return org_import


def _api_changes(api, org_import: OrgImport, **query: str) -> dict:  # noqa: ANN001
    response = api.get(f"{API}{org_import.pk}/changes/", query)
    assert response.status_code == 200, response.content
    return response.json()


def _nothing_listed(response) -> None:  # noqa: ANN001
    context, page = response.context, response.content.decode()
    assert context["change_listing"] is None and context["change_sheets"] == [] and context["changes_cut"] == 0
    assert 'id="import-changes"' not in page and "本次导入的变更" not in page and "确认后将发生的变更" not in page


@pytest.mark.django_db
def test_a_checked_file_lists_what_confirming_will_change_with_the_values_of_rows_to_create(
        client, api, stored, district_staff, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path)

    response = _page(client, org_import)
    assert response.context["change_listing"] == "planned"
    assert [(row["action"], row["key"], row["fields"]) for row in response.context["changes"].object_list] == [
        ("updated", "310101013018 / 2025", [("管辖户数", "1650", "1700")]),
        ("created", "310101013018 / 2026", [("管辖户数", None, "1000"), ("实际居住户数", None, "900")]),
    ]
    page = response.content.decode()
    assert "确认后将发生的变更" in page and "待新建" in page and "本次导入的变更" not in page
    assert '<span class="text-muted">管辖户数</span> <strong>1000</strong>' in page, "a new value, nothing struck out"
    workers = _page(client, org_import, sheet="workers")
    assert workers.context["changes"].object_list[1] == {
        "row": 3, "action": "created", "key": "WT-0002", "name": "王芳",
        "fields": [("居委会代码", None, "310101013018"), ("职务", None, "社工"), ("入职日期", None, "2020-05-01")]}
    assert not workers.context["changes_withheld"]

    api.force_authenticate(district_staff)
    detail = api.get(f"{API}{org_import.pk}/").json()
    assert (detail["changes"], detail["rechecked"], detail["message"]) == ({"listing": "planned", "count": 4}, False,
                                                                           None)
    listed = _api_changes(api, org_import)
    assert (listed["listing"], listed["count"], listed["not_listed"]) == ("planned", 4, 0)
    assert [(row["sheet"], row["key"], row["action"]) for row in listed["results"]] == [
        ("committee_years", "310101013018 / 2025", "updated"), ("committee_years", "310101013018 / 2026", "created"),
        ("workers", "WT-0001", "updated"), ("workers", "WT-0002", "created")]
    assert listed["results"][2] == {"sheet": "workers", "row": 2, "action": "updated", "key": "WT-0001", "name": "张敏",
                                    "withheld": False, "values": [{"column": "left_on", "label": "离职日期",
                                                                   "old": "—", "new": "2024-12-31"}]}
    assert _api_changes(api, org_import, sheet="workers")["count"] == 2
    assert _api_changes(api, org_import, sheet="districts")["results"] == []
    for query, status in (({"sheet": "nope"}, 400), ({"page": "abc"}, 400), ({"page": "0"}, 400), ({"page": "9"}, 404)):
        assert api.get(f"{API}{org_import.pk}/changes/", query).status_code == status, query


@pytest.mark.django_db
def test_a_cancelled_import_lists_nothing_and_keeps_only_its_counts(
        client, api, stored, district_staff, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path)
    counts = org_import.counts

    assert client.post(reverse("committees:import_cancel", args=[org_import.pk])).status_code == 302
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.CANCELLED
    assert org_import.changes == {"examples": {}, "count": 4} and org_import.counts == counts
    assert not any(word in json.dumps(org_import.changes, ensure_ascii=False) for word in PERSONAL)

    response = _page(client, org_import)
    _nothing_listed(response)
    page = response.content.decode()
    assert 'id="import-cancelled"' in page and "已取消导入，未写入任何数据。" in page
    assert '<th class="text-end">新建</th>' not in page and '<th class="text-end">待新建</th>' in page, \
        "the counts are what the file held, not what was written"

    api.force_authenticate(district_staff)
    assert api.get(f"{API}{org_import.pk}/").json()["changes"] == {"listing": None, "count": 0}
    assert _api_changes(api, org_import) == {"listing": None, "count": 0, "next": None, "previous": None,
                                             "results": [], "not_listed": 0}


@pytest.mark.django_db
def test_while_the_import_runs_nothing_is_listed_and_the_poll_never_reads_the_changes(
        client, stored, district_staff, tmp_path, django_capture_on_commit_callbacks,
        django_assert_max_num_queries) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _confirm(client, django_capture_on_commit_callbacks,
                          _upload(client, django_capture_on_commit_callbacks, tmp_path), run=False)
    assert org_import.status == OrgImport.Status.APPLYING and org_import.changes["rows"], "the check's rows, for the step"

    url = reverse("committees:import_detail", args=[org_import.pk])
    with django_assert_max_num_queries(POLL_QUERIES) as captured:
        response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [template.name for template in response.templates][0] == "committees/_import_status.html"
    assert not [query["sql"] for query in captured.captured_queries if CHANGES_COLUMN.search(query["sql"])]
    _nothing_listed(response)
    assert 'hx-trigger="every 1s"' in response.content.decode()
    _nothing_listed(_page(client, org_import))


@pytest.mark.django_db
def test_an_import_given_up_keeps_its_counts_and_no_rows(
        client, stored, district_staff, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _confirm(client, django_capture_on_commit_callbacks,
                          _upload(client, django_capture_on_commit_callbacks, tmp_path), run=False)
    counts = org_import.counts

    services.org_import_give_up(job=OrgImport.objects.get(pk=org_import.pk), message="队列不可用")
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.FAILED
    assert org_import.changes == {"examples": {}, "count": 4}, "no rows, no digest: the count stays"
    assert org_import.counts == counts and org_import.totals() == {"created": 2, "updated": 2, "unchanged": 0}
    assert [error["message"] for error in org_import.errors] == ["队列不可用"]
    _nothing_listed(_page(client, org_import))
    assert CommitteeYear.objects.get(committee=stored.baoxing, year=2025).households == 1650


@pytest.mark.django_db
def test_an_import_that_failed_on_an_unexpected_error_keeps_what_its_check_counted(
        client, stored, district_staff, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """The stored file lost before the import step ran: the step stops on an unexpected error, having read
    nothing; the import still says what the file held (OrgImport: "the counts stay")."""
    client.force_login(district_staff)
    example = {"code": "示例310199001001", "street_code": "310199001", "name": "示例居委会", "kind": "居委会"}
    org_import = _confirm(client, django_capture_on_commit_callbacks, _upload(
        client, django_capture_on_commit_callbacks, tmp_path, {**SHEETS, "committees": [example]}), run=False)
    counts = org_import.counts
    assert org_import.changes["examples"] == {"committees": 1}
    org_import.file.storage.delete(org_import.file.name)

    services.org_import_run(pk=org_import.pk, step=services.APPLY)

    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.FAILED
    assert [error["message"] for error in org_import.errors] == ["导入因意外错误而中止，未写入任何数据。已通知系统管理员。"]
    assert org_import.changes == {"examples": {"committees": 1}, "count": 4}
    assert org_import.counts == counts and org_import.totals() == {"created": 2, "updated": 2, "unchanged": 0}
    _nothing_listed(_page(client, org_import))
    assert CommitteeYear.objects.get(committee=stored.baoxing, year=2025).households == 1650


@pytest.mark.django_db
def test_once_imported_the_page_says_what_changed_without_peoples_names_or_values(
        client, api, stored, district_staff, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _confirm(client, django_capture_on_commit_callbacks,
                          _upload(client, django_capture_on_commit_callbacks, tmp_path))
    assert org_import.status == OrgImport.Status.DONE
    assert CommunityWorker.objects.get(code="WT-0002").name == "王芳"

    changes = org_import.changes
    assert set(changes) == {"examples", "count", "rows", "withheld"} and changes["withheld"] == ["workers"]
    assert not any(word in json.dumps(changes, ensure_ascii=False) for word in PERSONAL)
    assert changes["rows"]["workers"] == [
        {"row": 2, "action": "updated", "key": "WT-0001", "name": "", "fields": [["left_on", None, None]]},
        {"row": 3, "action": "created", "key": "WT-0002", "name": "",
         "fields": [["committee_code", None, None], ["position", None, None], ["hired_on", None, None]]}]
    assert changes["rows"]["committee_years"][0]["fields"] == [["households", "1650", "1700"]], "no one's data: kept"

    response = _page(client, org_import)
    assert response.context["change_listing"] == "applied" and not response.context["changes_withheld"]
    page = response.content.decode()
    assert "本次导入的变更" in page and "确认后将发生的变更" not in page and "待新建" not in page
    assert "<del>1650</del> → <strong>1700</strong>" in page
    workers = _page(client, org_import, sheet="workers")
    assert workers.context["changes_withheld"]
    assert [(row["key"], row["name"], row["fields"]) for row in workers.context["changes"].object_list] == [
        ("WT-0001", "", [("离职日期", None, None)]),
        ("WT-0002", "", [("居委会代码", None, None), ("职务", None, None), ("入职日期", None, None)])]
    page = workers.content.decode()
    assert 'id="import-changes-withheld"' in page and "不再保留人员的姓名和数值" in page
    assert not any(word in page for word in PERSONAL)

    api.force_authenticate(district_staff)
    assert api.get(f"{API}{org_import.pk}/").json()["changes"] == {"listing": "applied", "count": 4}
    people = _api_changes(api, org_import, sheet="workers")["results"]
    assert people[0] == {"sheet": "workers", "row": 2, "action": "updated", "key": "WT-0001", "name": "",
                         "withheld": True, "values": [{"column": "left_on", "label": "离职日期", "old": None,
                                                       "new": None}]}


@pytest.mark.django_db
def test_the_command_line_import_keeps_no_personal_values_either(stored, tmp_path) -> None:  # noqa: ANN001
    call_command("import_org", str(write_xlsx(tmp_path / "org.xlsx", SHEETS, labels=True)), stdout=io.StringIO())
    record = OrgImport.objects.get(source=OrgImport.Source.COMMAND)
    assert record.status == OrgImport.Status.DONE and record.changes["withheld"] == ["workers"]
    assert not any(word in json.dumps(record.changes, ensure_ascii=False) for word in PERSONAL)


@pytest.mark.django_db
def test_a_command_line_dry_run_keeps_no_personal_values_nor_a_digest(stored, tmp_path) -> None:  # noqa: ANN001
    """A dry run is recorded as checked, but keeps no file and can never be confirmed: its changes are kept as an
    imported one's at once, people's names and values withheld, no digest."""
    out = io.StringIO()
    call_command("import_org", str(write_xlsx(tmp_path / "org.xlsx", SHEETS, labels=True)), "--dry-run", stdout=out)
    assert "Dry run, nothing written." in out.getvalue()
    record = OrgImport.objects.get(source=OrgImport.Source.COMMAND)
    assert record.status == OrgImport.Status.VALID and not record.file
    assert set(record.changes) == {"examples", "count", "rows", "withheld"}
    assert (record.changes["count"], record.changes["withheld"]) == (4, ["workers"])
    assert not any(word in json.dumps(record.changes, ensure_ascii=False) for word in PERSONAL)
    assert record.changes["rows"]["committee_years"][0]["fields"] == [["households", "1650", "1700"]]
    assert CommitteeYear.objects.get(committee=stored.baoxing, year=2025).households == 1650, "nothing written"


@pytest.mark.django_db
def test_a_bom_or_an_invisible_space_before_the_example_mark_still_marks_an_example(world, tmp_path) -> None:  # noqa: ANN001
    path = write_xlsx(tmp_path / "org.xlsx", {"committees": [
        {"code": "\ufeff示例310199001001", "street_code": "310199001", "name": "示例居委会", "kind": "居委会"},
        {"code": "\u200b示例310199001002", "street_code": "310199001", "name": "示例居委会", "kind": "居委会"},
        {"code": "\u00a0示例310199001003", "street_code": "310199001", "name": "示例居委会", "kind": "居委会"},
        {"code": "310101013019", "street_code": "310101013", "name": "北京居委会", "kind": "居委会"},
    ]}, labels=True)

    report = import_org(path, dry_run=True)

    assert report.ok, report.errors
    assert report.examples == {"committees": 3} and report.rows == 1
    assert report.counts["committees"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert not Committee.objects.filter(code__endswith="310199001001").exists()


# --- queries ---------------------------------------------------------------------------------------------------
PAGE_QUERIES = 8  # the same for 1 changed row and 61
POLL_QUERIES = 6


def _checked(world, actor, rows: int) -> OrgImport:  # noqa: ANN001
    years = [{"row": 2 + n, "action": "created", "key": f"310101013018 / {1950 + n}", "name": "",
              "fields": [["households", None, "1000"]]} for n in range(rows)]
    workers = [{"row": 2 + n, "action": "updated", "key": f"WT-{n:04}", "name": "张敏",
                "fields": [["left_on", "—", "2024-12-31"]]} for n in range(rows)]
    return OrgImportFactory(district=world.huangpu, actor=actor, status=OrgImport.Status.VALID,
                            counts={"committee_years": {"created": rows, "updated": 0, "unchanged": 0},
                                    "workers": {"created": 0, "updated": rows, "unchanged": 0}},
                            changes={"rows": {"committee_years": years, "workers": workers}, "count": 2 * rows,
                                     "digest": "0" * 64, "examples": {}})


@pytest.mark.django_db
@pytest.mark.parametrize("rows", [1, 61])
def test_the_detail_page_costs_the_same_queries_for_1_and_61_changed_rows(
        client, world, district_staff, rows: int, django_assert_max_num_queries) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _checked(world, district_staff, rows)
    for query in ({}, {"sheet": "workers", "page": "2"}):
        with django_assert_max_num_queries(PAGE_QUERIES) as captured:
            response = _page(client, org_import, **query)
        assert response.context["changes"].paginator.count == rows
        read = [entry["sql"] for entry in captured.captured_queries if CHANGES_COLUMN.search(entry["sql"])]
        assert len(read) == 1, "the list shown: `changes` read once, by itself"


@pytest.mark.django_db
def test_the_import_list_api_never_reads_the_changes(api, world, district_staff, django_assert_max_num_queries) -> None:  # noqa: ANN001
    for _ in range(3):
        _checked(world, district_staff, 61)
    api.force_authenticate(district_staff)
    with django_assert_max_num_queries(3) as captured:
        response = api.get(API)
    assert response.status_code == 200 and response.json()["count"] == 3
    assert {row["changes"]["count"] for row in response.json()["results"]} == {122}
    assert not [query["sql"] for query in captured.captured_queries if CHANGES_COLUMN.search(query["sql"])]


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_that_finds_the_data_changed_says_why_nothing_was_imported(api, world, district_staff) -> None:  # noqa: ANN001
    """transaction=True: the small file's import step runs on commit, inside the confirm request, as it does live."""
    Committee.objects.filter(pk=world.hankou.pk).update(established_on=datetime.date(2010, 1, 1))
    api.force_authenticate(district_staff)
    body = f"代码,街道代码,名称,类型,成立日期\n{world.hankou.code},310101013,汉口路居委会,居委会,2011-03-01\n"
    created = api.post(API, {"files": [SimpleUploadedFile("committees.csv", body.encode())]}, format="multipart")
    assert created.status_code == 201 and created.json()["status"] == "valid", created.content
    Committee.objects.filter(pk=world.hankou.pk).update(established_on=datetime.date(2012, 2, 2))  # another import

    confirmed = api.post(f"{API}{created.json()['id']}/confirm/")

    assert confirmed.status_code == 202
    data = confirmed.json()
    assert (data["status"], data["rechecked"], data["changes"]) == ("valid", True, {"listing": "planned", "count": 1})
    assert data["message"] == "未导入任何数据：检查之后数据已有变化（例如其他导入已确认）。请核对新的变更后再确认。"
    assert Committee.objects.get(pk=world.hankou.pk).established_on == datetime.date(2012, 2, 2), "nothing written"
    assert _api_changes(api, OrgImport.objects.get())["results"][0]["values"] == [
        {"column": "established_on", "label": "成立日期", "old": "2012-02-02", "new": "2011-03-01"}]
    assert api.get(f"{API}{created.json()['id']}/").json()["rechecked"] is True
