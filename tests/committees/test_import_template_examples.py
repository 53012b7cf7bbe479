"""The import template's example rows (issue 14): unmistakable, valid apart from their mark, and never imported.

The template once held a real committee (宝兴居委会) as its example: uploading it unchanged offered to overwrite
its households and to create a worker nobody had. Now every example row's first key cell starts with 示例, the
codes name units that do not exist, and the importer skips such rows, counting them.
"""

import io
import json
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from committees.interchange import import_org
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    OrgImport,
    Qualification,
    Street,
)
from tests.support.factories import CommitteeYearFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORG_MODELS = (District, Street, Committee, CommitteeYear, CommunityWorker, Qualification, CommunityFund)
SHEETS = ("districts", "streets", "committees", "committee_years", "workers", "qualifications", "community_funds")
REFERENCE = Path(__file__).resolve().parents[2] / "committees" / "data" / "shanghai_districts.json"
ONLY_EXAMPLES = "文件中只有模板的示例行，示例行不会导入：请填入您自己的数据行。"


def org_rows() -> dict[str, list[tuple]]:
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in ORG_MODELS}


def _template(client) -> openpyxl.Workbook:  # noqa: ANN001
    response = client.get(reverse("committees:import_template"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.getvalue()))


def _save(workbook: openpyxl.Workbook, path: Path) -> Path:
    workbook.save(path)
    return path


def _upload(client, django_capture_on_commit_callbacks, path: Path) -> OrgImport:  # noqa: ANN001
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("committees:import_list"), {"files": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    return OrgImport.objects.get(pk=response.url.rstrip("/").rsplit("/", 1)[1])


def test_every_example_row_is_marked_and_names_no_real_unit(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    workbook = _template(client)

    first_cells = {sheet.title: sheet.cell(2, 1).value for sheet in workbook.worksheets}
    assert list(first_cells) == list(SHEETS)
    assert all(isinstance(value, str) and value.startswith("示例") for value in first_cells.values()), first_cells
    cells = [str(value) for sheet in workbook.worksheets for row in sheet.iter_rows(min_row=2, values_only=True)
             for value in row if value is not None]
    known = [code for model in (District, Street, Committee) for code in model.objects.values_list("code", flat=True)]
    known += [row["code"] for row in json.loads(REFERENCE.read_text(encoding="utf-8"))["districts"]]
    assert not [cell for cell in cells if cell.removeprefix("示例") in known], "an example names a real unit"
    assert "宝兴居委会" not in cells and "310101013018" not in "".join(cells)
    names = {sheet.title: sheet.cell(2, [c.value for c in sheet[1]].index("名称") + 1).value
             for sheet in workbook.worksheets if "名称" in [c.value for c in sheet[1]]}
    assert all("示例" in name for name in names.values()), names


def test_the_template_uploaded_unchanged_changes_nothing_and_says_so(client, world, district_staff, tmp_path,
                                                                      django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """Every row is skipped as an example: not one is even checked (no "outside your area" for 310199)."""
    client.force_login(district_staff)
    before = org_rows()

    org_import = _upload(client, django_capture_on_commit_callbacks, _save(_template(client), tmp_path / "模板.xlsx"))

    assert org_import.status == OrgImport.Status.INVALID
    assert [error["message"] for error in org_import.errors] == [ONLY_EXAMPLES]
    assert org_import.changes["examples"] == dict.fromkeys(SHEETS, 1) and "rows" not in org_import.changes
    response = client.get(reverse("committees:import_detail", args=[org_import.pk]))
    assert response.context["examples"] == 7
    page = response.content.decode()
    assert "已忽略 7 行模板示例" in page and ONLY_EXAMPLES in page and "确认导入" not in page
    assert org_rows() == before


def test_the_command_line_imports_nothing_from_the_template(client, world, city_staff, tmp_path) -> None:  # noqa: ANN001
    """The command line is trusted with everything, and writes for real: still nothing."""
    client.force_login(city_staff)
    path = _save(_template(client), tmp_path / "template.xlsx")
    before = org_rows()

    report = import_org(path)

    assert [error.message for error in report.errors] == [ONLY_EXAMPLES]
    assert report.examples == dict.fromkeys(SHEETS, 1) and report.rows == 0
    assert org_rows() == before


def test_the_example_values_are_valid_once_the_mark_is_removed(client, world, city_staff, tmp_path) -> None:  # noqa: ANN001
    """The template shows what a correct row looks like: without 示例, every example row would be created."""
    client.force_login(city_staff)
    workbook = _template(client)
    for sheet in workbook.worksheets:
        sheet.cell(2, 1).value = sheet.cell(2, 1).value.removeprefix("示例")

    report = import_org(_save(workbook, tmp_path / "unmarked.xlsx"), dry_run=True)  # the command line: the whole city

    assert report.ok, report.errors
    assert report.examples == {}
    assert {sheet: counts["created"] for sheet, counts in report.counts.items()} == dict.fromkeys(SHEETS, 1)
    assert not District.objects.filter(code="310199").exists(), "a dry run writes nothing"


def test_marked_rows_are_skipped_beside_real_ones_even_with_real_codes(client, world, district_staff, tmp_path,
                                                                         django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """The issue's case: the example row of 宝兴's households. Marked, it is ignored; the user's own row is imported."""
    CommitteeYearFactory(committee=world.baoxing, year=2025, households=3200, resident_households=3000)
    client.force_login(district_staff)
    workbook = _template(client)
    years = workbook["committee_years"]
    years.append(["示例310101013018", 2025, 1650, 1580, None, None, None])  # an old template's example, edited
    years.append(["310101013018", 2024, 3100, 2900, None, None, None])  # the user's own row

    org_import = _upload(client, django_capture_on_commit_callbacks, _save(workbook, tmp_path / "filled.xlsx"))

    assert org_import.status == OrgImport.Status.VALID, org_import.errors
    assert org_import.changes["examples"] == {**dict.fromkeys(SHEETS, 1), "committee_years": 2}
    assert org_import.counts["committee_years"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert org_import.rows_total == 1
    response = client.get(reverse("committees:import_detail", args=[org_import.pk]))
    assert response.context["examples"] == 8
    assert any("已忽略 8 行模板示例" in warning for warning in response.context["org_import"].warnings)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("committees:import_confirm", args=[org_import.pk]))
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.DONE
    assert sorted(CommitteeYear.objects.filter(committee=world.baoxing).values_list("year", "households")) == [
        (2024, 3100), (2025, 3200)]
    assert not District.objects.filter(code="310199").exists()
    assert not CommunityWorker.objects.filter(code__in=["EX-0001", "示例EX-0001"]).exists()


def test_the_mark_counts_only_at_the_start_of_the_key(world, tmp_path) -> None:  # noqa: ANN001
    """A name that mentions 示例 is data like any other: only a key starting with the mark makes an example."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "committees"
    sheet.append(["代码", "街道代码", "名称", "类型"])
    sheet.append(["310101013002", "310101013", "示例路居委会", "居委会"])

    report = import_org(_save(workbook, tmp_path / "named.xlsx"), dry_run=True)

    assert report.ok, report.errors
    assert report.examples == {} and report.counts["committees"]["created"] == 1
