"""The import and export pages: upload, the report to fix from, confirm, the summary; refusals and limits."""

import io
import os
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees.interchange import services
from committees.models import Committee, CommitteeYear, OrgImport
from portal.core.models import AuditEntry
from tests.support.spreadsheets import write_xlsx

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(tmp_path, sheets, name="org.xlsx") -> SimpleUploadedFile:  # noqa: ANN001
    path = write_xlsx(tmp_path / name, sheets, labels=True)
    return SimpleUploadedFile(name, path.read_bytes(), content_type=XLSX)


def _years(code: str, *rows: tuple[int, object]) -> dict:
    return {"committee_years": [{"committee_code": code, "year": year, "households": households,
                                 "resident_households": 100} for year, households in rows]}


def _upload(client, django_capture_on_commit_callbacks, upload, url=None):  # noqa: ANN001, ANN202
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url or reverse("committees:import_list"), {"files": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    return OrgImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])


def test_district_staff_upload_check_confirm_and_see_the_summary(client, world, district_staff, tmp_path,
                                                                 django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks,
                         _workbook(tmp_path, _years("310101002001", (2024, 1200), (2025, 1300))))
    assert org_import.status == OrgImport.Status.VALID and org_import.counts["committee_years"]["created"] == 2
    assert not CommitteeYear.objects.exists(), "checking writes nothing"
    page = client.get(reverse("committees:import_detail", args=[org_import.pk])).content.decode()
    assert "确认导入" in page and "待新建" in page

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committees:import_confirm", args=[org_import.pk]))
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.DONE and org_import.finished_at
    assert sorted(CommitteeYear.objects.values_list("year", "households")) == [(2024, 1200), (2025, 1300)]
    entry = AuditEntry.objects.get(action="orgimport.apply")
    assert entry.actor == district_staff and entry.after["created"] == 2
    page = client.get(reverse("committees:import_list")).content.decode()
    assert "org.xlsx" in page and "已导入" in page


def test_the_error_report_lists_each_problem_and_the_corrected_file_imports(client, world, district_staff, tmp_path,
                                                                          django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    bad = _upload(client, django_capture_on_commit_callbacks,
                  _workbook(tmp_path, _years("310101002001", (2024, -3), (2025, 1300), (2025, 1400))))
    assert bad.status == OrgImport.Status.INVALID and bad.error_count == 2
    page = client.get(reverse("committees:import_detail", args=[bad.pk])).content.decode()
    assert "不能为负数" in page and "管辖户数" in page and "<td class=\"text-end\">2</td>" in page
    assert "与第 3 行" in page  # the duplicate names the row it repeats

    errors = openpyxl.load_workbook(io.BytesIO(client.get(reverse("committees:import_errors", args=[bad.pk])).getvalue()))
    assert [row[1] for row in errors.active.iter_rows(min_row=2, values_only=True)] == [2, 4]

    fixed = _upload(client, django_capture_on_commit_callbacks,
                    _workbook(tmp_path, _years("310101002001", (2024, 1200), (2025, 1300)), name="fixed.xlsx"),
                    url=reverse("committees:import_detail", args=[bad.pk]))
    bad.refresh_from_db()
    assert bad.status == OrgImport.Status.CANCELLED and fixed.status == OrgImport.Status.VALID
    assert not CommitteeYear.objects.exists()


def test_a_street_officer_sees_rows_of_another_street_refused(client, world, street_officer, tmp_path,
                                                              django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    sheets = {"committee_years": _years(world.baoxing.code, (2025, 900))["committee_years"]
              + _years(world.yunnan.code, (2025, 900))["committee_years"]}
    org_import = _upload(client, django_capture_on_commit_callbacks, _workbook(tmp_path, sheets))
    assert org_import.status == OrgImport.Status.INVALID
    assert [(e["row"], e["column"]) for e in org_import.errors] == [(3, "committee_code")]
    assert org_import.street == world.waitan and org_import.district == world.huangpu


def test_two_confirmations_import_once_and_the_second_is_told(client, world, district_staff, tmp_path,
                                                               django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks, _workbook(tmp_path, _years(world.hankou.code, (2025, 1))))
    services.org_import_confirm(actor=district_staff, pk=org_import.pk)
    response = client.post(reverse("committees:import_confirm", args=[org_import.pk]), follow=True)
    assert "不在等待确认" in response.content.decode()


@pytest.mark.parametrize("name, content, message", [
    ("org.txt", b"code,name\n", "只能导入 .xlsx"),
    ("org.xlsx", b"not a zip at all", "不是有效的"),
])
def test_uploads_that_are_not_organisation_files_are_refused(client, world, district_staff, name, content, message) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.post(reverse("committees:import_list"), {"files": SimpleUploadedFile(name, content)})
    assert response.status_code == 200 and message in response.content.decode()
    assert not OrgImport.objects.exists()


def test_an_archive_bomb_is_refused_before_it_is_unpacked(client, world, district_staff) -> None:  # noqa: ANN001
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (64 * 2**20))  # 64 MB of zeros: about 64 KB deflated
    client.force_login(district_staff)
    response = client.post(reverse("committees:import_list"), {"files": SimpleUploadedFile("bomb.xlsx", buffer.getvalue())})
    assert "压缩比异常" in response.content.decode()
    assert not OrgImport.objects.exists()


def test_an_upload_over_the_size_limit_is_refused(client, world, district_staff, settings) -> None:  # noqa: ANN001
    settings.PORTAL_IMPORT_LIMITS = {**settings.PORTAL_IMPORT_LIMITS, "upload_bytes": 1024}
    client.force_login(district_staff)
    response = client.post(reverse("committees:import_list"), {"files": SimpleUploadedFile("org.csv", b"x" * 2048)})
    assert "上传的文件大于 0 MB" in response.content.decode()
    assert not OrgImport.objects.exists()


def test_several_csv_files_are_imported_together(client, world, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    committees = "代码,街道代码,名称,类型\n310101013002,310101013,新建居委会,居委会\n".encode()
    years = "居委会代码,年度,管辖户数,实际居住户数\n310101013002,2025,800,760\n".encode("utf-8-sig")
    client.force_login(district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committees:import_list"), {"files": [
            SimpleUploadedFile("committees.csv", committees), SimpleUploadedFile("committee_years.csv", years)]})
    org_import = OrgImport.objects.get()
    assert response.status_code == 302 and org_import.status == OrgImport.Status.VALID, org_import.errors
    assert org_import.counts == {"committees": {"created": 1, "updated": 0, "unchanged": 0},
                                 "committee_years": {"created": 1, "updated": 0, "unchanged": 0}}


def test_roles_without_import_may_not_upload_or_see_imports(client, world, committee_staff, city_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    assert client.get(reverse("committees:import_list")).status_code == 403
    client.force_login(city_staff)
    assert client.get(reverse("committees:import_list")).status_code == 200
    assert client.post(reverse("committees:import_list"), {"files": SimpleUploadedFile("a.csv", b"")}).status_code == 403


def test_an_import_of_another_street_is_not_found(client, world, street_officer, outsider, tmp_path,
                                                  django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    org_import = _upload(client, django_capture_on_commit_callbacks, _workbook(tmp_path, _years(world.baoxing.code, (2025, 1))))
    client.force_login(outsider)
    assert client.get(reverse("committees:import_detail", args=[org_import.pk])).status_code == 404
    assert client.post(reverse("committees:import_confirm", args=[org_import.pk])).status_code == 404
    assert "waitan" not in client.get(reverse("committees:import_list")).content.decode()


def test_the_template_has_every_sheet_with_chinese_headers_and_imports_nothing(client, world, district_staff, tmp_path) -> None:  # noqa: ANN001
    from committees.interchange import import_org

    client.force_login(district_staff)
    response = client.get(reverse("committees:import_template"))
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.getvalue())
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["districts", "streets", "committees", "committee_years", "workers", "qualifications",
                                   "community_funds"]
    assert [c.value for c in workbook["committees"][1]] == [
        "代码", "街道代码", "名称", "类型", "成立日期", "撤销日期", "旧改过渡"]
    assert all(sheet.max_row == 2 for sheet in workbook.worksheets)
    report = import_org(path)  # its example rows are skipped (tests/committees/test_import_template_examples.py)
    assert [e.message for e in report.errors] == ["文件中只有模板的示例行，示例行不会导入：请填入您自己的数据行。"]


def test_the_export_holds_only_the_users_scope(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(reverse("committees:export")).getvalue()), read_only=True)
    codes = [row[0] for row in workbook["committees"].iter_rows(min_row=2, values_only=True)]
    assert sorted(codes) == sorted(Committee.objects.filter(street=world.waitan).values_list("code", flat=True))


def test_the_import_history_page_keeps_its_query_count(client, world, district_staff, django_assert_max_num_queries) -> None:  # noqa: ANN001
    def make(n: int) -> None:
        OrgImport.objects.bulk_create(OrgImport(actor=district_staff, district=world.huangpu, file_name=f"f{i}.xlsx",
                                                counts={"committees": {"created": 1, "updated": 0, "unchanged": 0}})
                                      for i in range(n))

    client.force_login(district_staff)
    make(1)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("committees:import_list")).status_code == 200
    make(200)
    with django_assert_max_num_queries(7):
        assert client.get(reverse("committees:import_list")).status_code == 200


def test_a_running_import_shows_its_progress_and_keeps_polling(client, world, district_staff) -> None:  # noqa: ANN001
    from django.core.cache import cache

    org_import = OrgImport.objects.create(actor=district_staff, district=world.huangpu, file_name="big.xlsx",
                                          status=OrgImport.Status.APPLYING)
    cache.set(f"org-import:{org_import.pk}:progress", (4500, 9000))
    client.force_login(district_staff)
    page = client.get(reverse("committees:import_detail", args=[org_import.pk]), headers={"HX-Request": "true"})
    content = page.content.decode()
    assert "<html" not in content and 'hx-trigger="every 1s"' in content
    assert 'aria-valuenow="50"' in content and "4500 / 9000" in content and "正在导入" in content
    assert "确认导入" not in content, "no second confirmation while it runs"


def test_the_uploaded_file_is_kept_only_until_the_import_is_settled(client, world, district_staff, tmp_path,
                                                                   django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    name = "黄浦区" * 40 + ".xlsx"  # longer than a file name may be on disk
    content = write_xlsx(tmp_path / "long.xlsx", _years(world.hankou.code, (2025, 1)), labels=True).read_bytes()
    org_import = _upload(client, django_capture_on_commit_callbacks, SimpleUploadedFile(name, content, content_type=XLSX))
    assert org_import.status == OrgImport.Status.VALID and org_import.file_name == name
    stored = org_import.file.path
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committees:import_confirm", args=[org_import.pk]))
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.DONE and not org_import.file
    assert not os.path.exists(stored), "the personal data in the upload is not kept"


def test_the_error_table_names_sheets_in_chinese_and_shows_warnings(client, world, district_staff, tmp_path,
                                                                    django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    sheets = {"committee_years": [{"committee_code": world.hankou.code, "year": 2025, "households": -1,
                                   "resident_households": 1}]}
    path = write_xlsx(tmp_path / "org.xlsx", sheets, labels=True)
    workbook = openpyxl.load_workbook(path)
    workbook.create_sheet("说明")
    workbook.save(path)
    org_import = _upload(client, django_capture_on_commit_callbacks,
                         SimpleUploadedFile("org.xlsx", path.read_bytes(), content_type=XLSX))
    page = client.get(reverse("committees:import_detail", args=[org_import.pk])).content.decode()
    assert "<td>年度数据</td>" in page and "说明" in page and "不属于导入格式" in page


def test_a_confirmed_import_recomputes_the_indicators_of_every_year_with_data(
        client, world, district_staff, tmp_path, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    from portal.indicators.models import ComputationRun

    client.force_login(district_staff)
    org_import = _upload(client, django_capture_on_commit_callbacks,
                         _workbook(tmp_path, _years(world.hankou.code, (2024, 10), (2025, 3100))))
    assert not ComputationRun.objects.exists(), "a check computes nothing"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committees:import_confirm", args=[org_import.pk]))
    # The runs are queued for Celery (no worker runs in this test, so they wait).
    assert sorted(ComputationRun.objects.values_list("year", "trigger", "triggered_by")) == [
        (2024, "import", district_staff.pk), (2025, "import", district_staff.pk)]


def test_the_buttons_ask_the_named_actions(client, world, district_staff, street_officer, city_staff, tmp_path,
                                           django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """confirm and cancel are actions of restrict(): the importer's unit (a district's staff also their streets'),
    only from a checked file; the city reads the history and acts on nothing."""
    client.force_login(street_officer)
    org_import = _upload(client, django_capture_on_commit_callbacks,
                         _workbook(tmp_path, _years(world.baoxing.code, (2025, 1))))
    detail = reverse("committees:import_detail", args=[org_import.pk])
    assert client.get(detail).context["actions"] == {"confirm", "cancel"}
    client.force_login(district_staff)
    assert client.get(detail).context["actions"] == {"confirm", "cancel"}
    client.force_login(city_staff)
    response = client.get(detail)
    assert response.context["actions"] == set() and "确认导入" not in response.content.decode()
    assert client.post(reverse("committees:import_confirm", args=[org_import.pk])).status_code == 403

    client.force_login(street_officer)
    response = client.post(reverse("committees:import_cancel", args=[org_import.pk]), follow=True)
    assert OrgImport.objects.get(pk=org_import.pk).status == OrgImport.Status.CANCELLED
    assert client.get(detail).context["actions"] == set()
    response = client.post(reverse("committees:import_confirm", args=[org_import.pk]), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["该文件不在等待确认（当前状态为“已取消”）。"]
