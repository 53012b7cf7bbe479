"""The check page shows what confirming will change (issue 14): each update's fields, old → new, and each row
to create, one sheet at a time, 50 rows a page; the stored list is bounded and says so."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees.interchange import importer
from committees.models import Committee, CommitteeYear, OrgImport
from tests.support.factories import CommitteeYearFactory, CommunityWorkerFactory
from tests.support.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(client, django_capture_on_commit_callbacks, tmp_path, sheets, name="org.xlsx") -> OrgImport:  # noqa: ANN001
    path = write_xlsx(tmp_path / name, sheets, labels=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committees:import_list"),
                               {"files": SimpleUploadedFile(name, path.read_bytes(), content_type=XLSX)})
    assert response.status_code == 302, response.content.decode()[:2000]
    return OrgImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])


def _detail(client, org_import: OrgImport, **query: str):  # noqa: ANN001, ANN202
    response = client.get(reverse("committees:import_detail", args=[org_import.pk]), query)
    assert response.status_code == 200
    return response


def _years(code: str, years: range, households: int = 1000) -> dict:
    return {"committee_years": [{"committee_code": code, "year": year, "households": households,
                                 "resident_households": 900} for year in years]}


@pytest.fixture
def stored(world):  # noqa: ANN001, ANN201
    """宝兴 as stored: a 2025 record without an office area, and a worker."""
    world.baoxing.established_on = None
    world.baoxing.save()
    CommitteeYearFactory(committee=world.baoxing, year=2025, households=1650, resident_households=1580,
                         office_area_m2=None, elder_area_m2=Decimal("120"), work_fund_yuan=Decimal("200000"))
    CommunityWorkerFactory(committee=world.baoxing, code="WT-0001", name="张敏", position="书记",
                           hired_on=datetime.date(2015, 3, 1), left_on=None)
    return world


def test_the_check_lists_each_update_old_to_new_and_each_row_to_create(client, stored, district_staff, tmp_path,
                                                                        django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path, {
        "committees": [{"code": "310101013018", "street_code": "310101013", "name": "宝兴社区居委会", "kind": "居委会",
                        "established_on": "2001-06-30", "transition": "是"},
                       {"code": "310101013019", "street_code": "310101013", "name": "北京居委会", "kind": "居委会",
                        "established_on": "", "transition": "否"}],
        "committee_years": [{"committee_code": "310101013018", "year": 2025, "households": 1700,
                             "resident_households": 1580, "office_area_m2": "320.5", "elder_area_m2": "120",
                             "work_fund_yuan": ""}],
        "workers": [{"code": "WT-0001", "committee_code": "310101013018", "name": "张敏", "position": "书记",
                     "hired_on": "2015-03-01", "left_on": "2024-12-31"}],
    })
    assert org_import.status == OrgImport.Status.VALID, org_import.errors
    assert not Committee.objects.filter(code="310101013019").exists(), "checking writes nothing"

    response = _detail(client, org_import)
    context = response.context
    assert context["change_sheets"] == [("committees", "居村委会", 2), ("committee_years", "年度数据", 1),
                                        ("workers", "社区工作者", 1)]
    assert context["change_sheet"] == "committees" and context["changes_cut"] == 0
    updated, created = context["changes"].object_list
    assert updated == {"row": 2, "action": "updated", "key": "310101013018", "name": "宝兴社区居委会", "fields": [
        ("名称", "宝兴居委会", "宝兴社区居委会"), ("成立日期", "—", "2001-06-30"), ("旧改过渡", "否", "是")]}
    assert created == {"row": 3, "action": "created", "key": "310101013019", "name": "北京居委会", "fields": [
        ("街道代码", None, "310101013"), ("类型", None, "居委会"), ("旧改过渡", None, "否")]}
    page = response.content.decode()
    assert "确认后将发生的变更" in page and "<del>宝兴居委会</del> → <strong>宝兴社区居委会</strong>" in page
    assert "待新建" in page and "待更新" in page

    years = _detail(client, org_import, sheet="committee_years").context["changes"].object_list
    assert years == [{"row": 2, "action": "updated", "key": "310101013018 / 2025", "name": "", "fields": [
        ("管辖户数", "1650", "1700"), ("办公服务用房面积", "—", "320.50"), ("工作经费", "200000.00", "—")]}]
    workers = _detail(client, org_import, sheet="workers").context["changes"].object_list
    assert workers[0]["fields"] == [("离职日期", "—", "2024-12-31")] and workers[0]["name"] == "张敏"


def test_after_the_import_the_page_shows_what_was_changed(client, stored, district_staff, tmp_path,
                                                          django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path, _years("310101013018", range(2025, 2027)))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committees:import_confirm", args=[org_import.pk]))
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.DONE

    response = _detail(client, org_import)
    assert [(row["action"], row["key"], row["fields"]) for row in response.context["changes"].object_list] == [
        ("updated", "310101013018 / 2025", [("管辖户数", "1650", "1000"), ("实际居住户数", "1580", "900")]),
        ("created", "310101013018 / 2026", [("管辖户数", None, "1000"), ("实际居住户数", None, "900")]),
    ]
    assert "本次导入的变更" in response.content.decode()
    assert CommitteeYear.objects.get(committee=stored.baoxing, year=2025).households == 1000


def test_the_changes_are_paginated_per_sheet_and_odd_queries_get_a_page(client, world, district_staff, tmp_path,
                                                                        django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path, {
        **_years("310101013018", range(1950, 2070)),  # 120 rows to create
        "committees": [{"code": "310101013019", "street_code": "310101013", "name": "北京居委会", "kind": "居委会"}],
    })
    assert org_import.status == OrgImport.Status.VALID, org_import.errors

    def shown(**query: str) -> tuple[str, int, list[int]]:
        context = _detail(client, org_import, **query).context
        return context["change_sheet"], context["changes"].number, [row["row"] for row in context["changes"].object_list]

    assert shown() == ("committees", 1, [2])
    assert shown(sheet="committee_years") == ("committee_years", 1, list(range(2, 52)))
    assert shown(sheet="committee_years", page="3") == ("committee_years", 3, list(range(102, 122)))
    assert shown(sheet="committee_years", page="99999")[1] == 3, "past the end: the last page"
    for page in ("abc", "-1", "0", "1e9", "２", "", "1; DROP TABLE"):
        assert shown(sheet="committee_years", page=page)[1] in (1, 2, 3), page  # "２" is 2 to int()
    for sheet in ("<script>", "districts", "counts", "", "committee_years ", "COMMITTEES"):
        assert shown(sheet=sheet)[0] == "committees", sheet
    page = _detail(client, org_import, sheet="committee_years", page="2").content.decode()
    assert "第 2 页，共 3 页" in page
    assert 'href="?sheet=committees"' in page


def test_the_stored_list_is_bounded_and_the_page_says_how_many_are_not_listed(client, world, district_staff, tmp_path,
                                                                               django_capture_on_commit_callbacks,
                                                                               monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(importer, "MAX_LISTED_CHANGES", 30)
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path, _years("310101013018", range(1950, 2070)))

    assert org_import.counts["committee_years"]["created"] == 120
    assert org_import.changes["count"] == 120 and len(org_import.changes["rows"]["committee_years"]) == 30
    response = _detail(client, org_import)
    assert response.context["changes_cut"] == 90 and response.context["changes"].paginator.count == 30
    assert "另有 90 行待新建或更新的记录未列出" in response.content.decode()


def test_a_file_with_errors_keeps_no_changes(client, world, district_staff, tmp_path,
                                             django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path, {"committee_years": [
        {"committee_code": "310101013018", "year": 2024, "households": 10, "resident_households": 9},
        {"committee_code": "310101013018", "year": 2025, "households": -1, "resident_households": 9},
    ]})

    assert org_import.status == OrgImport.Status.INVALID
    assert "rows" not in org_import.changes
    response = _detail(client, org_import)
    assert response.context["change_sheets"] == [] and 'id="import-changes"' not in response.content.decode()


def test_a_file_that_changes_nothing_says_so(client, stored, district_staff, tmp_path,
                                             django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, tmp_path, {"committee_years": [
        {"committee_code": "310101013018", "year": 2025, "households": 1650, "resident_households": 1580}]})

    assert org_import.status == OrgImport.Status.VALID
    assert org_import.counts["committee_years"] == {"created": 0, "updated": 0, "unchanged": 1}
    response = _detail(client, org_import)
    assert response.context["change_sheets"] == []
    assert "导入此文件不会带来任何变更" in response.content.decode()
