"""What the browser tryout of issue 15 found on the task lists' other pages: the public page's default year, the
export's headers, and the burden meter's year without data."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tasks_registry.models import Dispatch, TaskItem
from tasks_registry.selectors import burden
from tasks_registry.services.dispatch import dispatch_send
from tests.tasks_registry.test_lists_and_dispatch import Y, make_list

pytestmark = pytest.mark.django_db


# --- the public page --------------------------------------------------------------------------------------------
def test_the_public_page_shows_this_years_lists_when_next_years_is_published(client, world) -> None:  # noqa: ANN001
    """A district publishes next year's list in December: the public page still opens on this year (the city's
    list and the district's in force), and links next year's."""
    this_year = timezone.localdate().year
    make_list(year=this_year, title="城市清单事项")
    make_list(district=world.huangpu, year=this_year, title="黄浦本年事项")
    make_list(district=world.huangpu, year=this_year + 1, title="黄浦明年事项")
    page = client.get(reverse("public_task_lists"))
    assert page.context["year"] == this_year
    assert {item.title for item in page.context["page"].object_list} == {"城市清单事项", "黄浦本年事项"}
    content = page.content.decode()
    assert f"以下是 {this_year} 年可以下派给居村委会的工作任务。" in content
    years = content.split('id="public-years"')[1].split("</nav>")[0]
    assert f'href="?year={this_year + 1}">{this_year + 1}</a>' in years and 'aria-current="page"' in years
    following = client.get(reverse("public_task_lists"), {"year": this_year + 1})
    assert [item.title for item in following.context["page"].object_list] == ["黄浦明年事项"]
    assert f"以下是 {this_year + 1} 年可以下派给居村委会的工作任务。" in following.content.decode()


@pytest.mark.parametrize("published, expected", [
    ((-2, -1, 1), -1),  # nothing this year: the latest list before it, still the last in force
    ((1, 2), 1),  # only later years: the first of them
    ((), 0),  # nothing published: this year, with nothing to show
])
def test_the_public_page_falls_back_to_the_nearest_published_year(client, world, published, expected) -> None:  # noqa: ANN001
    this_year = timezone.localdate().year
    for offset in published:
        make_list(district=world.huangpu, year=this_year + offset)
    page = client.get(reverse("public_task_lists"))
    assert page.context["year"] == this_year + expected
    assert len(page.context["page"].object_list) == (1 if published else 0)


# --- the export's headers ---------------------------------------------------------------------------------------
_ENGLISH = ["Item number", "Task", "Category", "Responsible unit", "Legal basis", "Description", "Frequency",
            "Hours per committee per month", "Forms and ledgers", "Information systems", "Needs the committee's seal",
            "Exited on", "Exit reason"]


def _header(data: bytes) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    return [cell.value for cell in next(sheet.iter_rows(max_row=1))]


def test_the_exported_headers_are_capitalised_as_labels_and_the_import_reads_old_and_new(client, world,
                                                                                        district_staff) -> None:  # noqa: ANN001
    source = make_list(district=world.huangpu, items=2)
    client.force_login(district_staff)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("tasks:list_export", args=[source.pk])).getvalue()
    assert _header(english) == _ENGLISH
    client.cookies["django_language"] = "zh-hans"
    assert _header(client.get(reverse("tasks:list_export", args=[source.pk])).getvalue())[:2] == ["序号", "任务事项"]

    draft = make_list(district=world.huangpu, year=2030, published=False, items=0)
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", english)})
    assert response.status_code == 302, [vars(error) for error in response.context["errors"]]
    assert list(draft.items.values_list("code", "title")) == [("001", "任务1"), ("002", "任务2")]

    # A workbook exported before (lower-case English headers) is still read.
    workbook = openpyxl.Workbook()
    workbook.active.append(["item number", "task", "category", "responsible unit", "hours per committee per month"])
    workbook.active.append(["003", "旧表头的事项", "assistance", "区民政局", 2])
    old = io.BytesIO()
    workbook.save(old)
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("old.xlsx", old.getvalue())})
    assert response.status_code == 302
    assert draft.items.get(code="003").title == "旧表头的事项"


def test_an_import_problem_names_the_column_as_the_export_heads_it(client, world, district_staff) -> None:  # noqa: ANN001
    draft = make_list(district=world.huangpu, year=2030, published=False, items=0)
    workbook = openpyxl.Workbook()
    workbook.active.append(["Task", "Category"])
    workbook.active.append(["缺序号", "assistance"])
    upload = io.BytesIO()
    workbook.save(upload)
    client.force_login(district_staff)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", upload.getvalue())})
    assert response.status_code == 400
    assert [error.column for error in response.context["errors"]] == ["Item number"]


# --- the burden meter -------------------------------------------------------------------------------------------
def test_the_burden_meters_year_without_data_reads_as_no_data(client, world, district_staff,
                                                              committee_staff) -> None:  # noqa: ANN001
    """Nothing ran in the year before: its row is "—" (no data), not twelve zeros; a year with a dispatch shows
    zeros in the months it did not run."""
    item = make_list(district=world.huangpu, hours=Decimal("3")).items.get()
    dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing],
                  starts_on=datetime.date(Y, 2, 1), due_on=datetime.date(Y, 2, 28))
    meter = burden(Dispatch.objects.all(), Y)
    assert meter["previous_known"] is False
    assert meter["current"][:3] == [0, 3, 0]
    following = burden(Dispatch.objects.all(), Y + 1)
    assert following["previous_known"] is True and following["previous"][:3] == [0, 3, 0]

    client.force_login(committee_staff)
    page = client.get(reverse("tasks:received"), {"year": Y})
    assert page.context["meter"]["previous_known"] is False
    row = page.content.decode().split(f"{Y - 1} 年清单工作量")[1].split("</tr>")[0]
    assert row.count('<td class="text-end">—</td>') == 12 and ">0<" not in row
    shown = client.get(reverse("tasks:received"), {"year": Y + 1}).content.decode()
    row = shown.split(f"{Y} 年清单工作量")[1].split("</tr>")[0]
    assert "—" not in row and row.count('<td class="text-end">0</td>') == 11


def test_the_item_labels_used_above_are_the_models(settings) -> None:  # noqa: ANN001
    """The English headers above are the fields' labels, capitalised (a renamed label fails here, not silently)."""
    from django.utils.text import capfirst
    from django.utils.translation import override

    fields = ["code", "title", "category", "responsible_unit", "legal_basis", "description", "frequency",
              "hours_per_month", "forms", "systems", "needs_seal", "exited_at", "exit_reason"]
    with override("en"):
        assert [capfirst(str(TaskItem._meta.get_field(field).verbose_name)) for field in fields] == _ENGLISH
