"""The task list pages, dispatch, what reached a committee, and the public lists."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks_registry.models import Dispatch, RefusedDispatch, TaskItem, TaskList
from tasks_registry.selectors import list_reminder
from tests.support.factories import RefusedDispatchFactory
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db


def test_district_staff_build_publish_and_carry_a_list_to_next_year(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    response = client.post(reverse("tasks:list_index"), {"year": 2027})
    task_list = TaskList.objects.get(year=2027)
    assert response.url == reverse("tasks:list_detail", args=[task_list.pk]) and task_list.district == world.huangpu
    client.post(reverse("tasks:item_add", args=[task_list.pk]), {
        "code": "001", "title": "居民健康档案信息核对", "category": "assistance", "responsible_unit": "区卫生健康委员会",
        "hours_per_month": "3.5"})
    duplicate = client.post(reverse("tasks:item_add", args=[task_list.pk]), {
        "code": "001", "title": "重复", "category": "duty", "responsible_unit": "区民政局", "hours_per_month": "-1"})
    assert "本清单已有该序号的事项" in duplicate.content.decode() or "工作量不能为负数" in duplicate.content.decode()
    client.post(reverse("tasks:list_publish", args=[task_list.pk]))
    task_list.refresh_from_db()
    assert task_list.is_published
    page = client.get(reverse("tasks:list_detail", args=[task_list.pk])).content.decode()
    assert "居民健康档案信息核对" in page and "退出" in page and 'id="list-changes"' not in page
    draft_url = client.post(reverse("tasks:list_next_year", args=[task_list.pk])).url
    assert "居民健康档案信息核对" in client.get(draft_url).content.decode()


def test_the_district_is_reminded_in_q4_until_next_years_list_is_published(world, district_staff) -> None:  # noqa: ANN001
    assert "12 月 31 日" in list_reminder(actor=district_staff, today=datetime.date(2026, 10, 1))
    assert list_reminder(actor=district_staff, today=datetime.date(2026, 9, 30)) is not None  # 2026's list is missing
    make_list(district=world.huangpu, year=2027)
    assert list_reminder(actor=district_staff, today=datetime.date(2026, 11, 1)) is None


def test_outsiders_may_not_edit_a_list(client, world, other_district_staff, street_officer) -> None:  # noqa: ANN001
    task_list = make_list(district=world.huangpu, published=False)
    client.force_login(other_district_staff)
    assert client.get(reverse("tasks:list_detail", args=[task_list.pk])).status_code == 404
    client.force_login(street_officer)
    assert client.get(reverse("tasks:list_detail", args=[task_list.pk])).status_code == 200
    assert client.post(reverse("tasks:list_publish", args=[task_list.pk])).status_code == 403


def test_dispatch_sends_to_a_street_and_shows_a_refusal(client, world, district_staff) -> None:  # noqa: ANN001
    today = datetime.date.today()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    client.force_login(district_staff)
    # A whole street is its committees ticked at once in the picker: the form receives the committees.
    response = client.post(reverse("tasks:dispatch"), {"item": item.pk, "committees": [world.baoxing.code, world.hankou.code],
                                                       "starts_on": today, "due_on": today})
    assert response.status_code == 302
    assert set(Dispatch.objects.values_list("committee_id", flat=True)) == {world.baoxing.code, world.hankou.code}
    everyone = client.post(reverse("tasks:dispatch"), {"item": item.pk, "street": world.nanjing.code, "everywhere": "on",
                                                       "starts_on": today, "due_on": today})
    assert everyone.context["form"].errors["committees"] == ["请选择接收任务的居村委会。"], "no street list nor 全区 box"
    client.post(reverse("tasks:dispatch"), {"item": item.pk, "committees": [world.yunnan.code], "starts_on": today,
                                            "due_on": today})
    assert Dispatch.objects.filter(committee=world.yunnan).exists()
    assert not Dispatch.objects.filter(committee=world.xuhui_committee).exists()
    refused = client.post(reverse("tasks:dispatch"), {"unlisted": "1", "unlisted-title": "创文迎检台账",
                                                      "unlisted-year": today.year, "unlisted-committees": [world.yunnan.code]})
    assert "不在任何清单上" in refused.content.decode() and RefusedDispatch.objects.count() == 1


def test_committee_staff_see_what_was_sent_to_them_and_their_burden(client, world, district_staff,
                                                                    committee_staff) -> None:  # noqa: ANN001
    today = datetime.date.today()
    item = make_list(district=world.huangpu, year=today.year, hours=Decimal("6")).items.get()
    Dispatch.objects.create(item=item, committee=world.baoxing, starts_on=today, due_on=today, sent_by=district_staff)
    Dispatch.objects.create(item=item, committee=world.hankou, starts_on=today, due_on=today, sent_by=district_staff)
    client.force_login(committee_staff)
    response = client.get(reverse("tasks:received"))
    assert [d.committee for d in response.context["page"].object_list] == [world.baoxing]
    assert response.context["meter"]["current"][today.month - 1] == 6


def test_the_public_page_shows_published_lists_only_without_login(client, world) -> None:  # noqa: ANN001
    year = datetime.date.today().year
    make_list(district=world.huangpu, year=year, title="已发布的任务")
    make_list(district=world.xuhui, year=year, published=False, title="草稿中的任务")
    page = client.get(reverse("public_task_lists"), {"year": year}).content.decode()
    assert "已发布的任务" in page and "草稿中的任务" not in page
    assert "已发布的任务" not in client.get(reverse("public_task_lists"), {"year": year, "q": "无此任务"}).content.decode()


@pytest.mark.parametrize("size", [10, 1000])
def test_a_list_page_keeps_its_query_count(client, world, district_staff, size, django_assert_max_num_queries) -> None:  # noqa: ANN001
    task_list = make_list(district=world.huangpu, items=0)
    TaskItem.objects.bulk_create(TaskItem(task_list=task_list, code=f"{n:04d}", title=f"任务{n}", category="duty",
                                          responsible_unit="区民政局") for n in range(size))
    client.force_login(district_staff)
    # Among them: the buttons, from permitted(); whether next year's list is published (carry_refusal).
    with django_assert_max_num_queries(10):
        assert client.get(reverse("tasks:list_detail", args=[task_list.pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("tasks:list_index")).status_code == 200
    client.logout()
    with django_assert_max_num_queries(5):  # no login: years, districts, items and their count
        assert client.get(reverse("public_task_lists")).status_code == 200


def test_a_draft_list_imports_items_from_an_exported_workbook(client, world, district_staff) -> None:  # noqa: ANN001
    import io

    import openpyxl
    from django.core.files.uploadedfile import SimpleUploadedFile

    source = make_list(district=world.huangpu, items=3)
    client.force_login(district_staff)
    exported = client.get(reverse("tasks:list_export", args=[source.pk])).getvalue()
    draft = make_list(district=world.huangpu, year=2030, published=False, items=0)
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", exported)})
    assert response.status_code == 302
    assert list(draft.items.values_list("code", "title", "hours_per_month")) == list(
        source.items.values_list("code", "title", "hours_per_month"))

    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    sheet = workbook.active
    sheet.append(["001", "重复的序号", "依法协助事项", "区民政局"])
    sheet.append(["009", "", "不存在的类别", "区民政局", None, None, None, -2])
    broken = io.BytesIO()
    workbook.save(broken)
    before = list(draft.items.values_list("code", "title"))
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", broken.getvalue())})
    content = response.content.decode()
    assert response.status_code == 400 and "与第 2 行的序号相同" in content and "<td class=\"text-end\">6</td>" in content
    assert list(draft.items.values_list("code", "title")) == before, "nothing was imported"


def test_a_draft_list_offers_edit_and_a_published_one_exit(client, world, district_staff) -> None:  # noqa: ANN001
    draft = make_list(district=world.huangpu, year=2030, published=False)
    item = draft.items.get()
    client.force_login(district_staff)
    page = client.get(reverse("tasks:list_detail", args=[draft.pk]))
    assert [row.may_exit for row in page.context["page"].object_list] == [False]
    assert page.context["actions"] == {"change", "publish"}  # neither carried forward nor dispatched from a draft
    content = page.content.decode()
    assert reverse("tasks:item_edit", args=[draft.pk, item.pk]) in content
    assert reverse("tasks:item_exit", args=[draft.pk, item.pk]) not in content
    refused = client.post(reverse("tasks:item_exit", args=[draft.pk, item.pk]),
                          {"exited_at": "2030-03-01", "exit_reason": "并入其他事项"}, follow=True)
    assert refused.redirect_chain[-1][0] == reverse("tasks:list_detail", args=[draft.pk])
    item.refresh_from_db()
    assert item.exited_at is None

    published = make_list(district=world.huangpu, year=2031)
    page = client.get(reverse("tasks:list_detail", args=[published.pk]))
    assert [row.may_exit for row in page.context["page"].object_list] == [True]
    assert page.context["actions"] == {"carry", "dispatch"}
    assert reverse("tasks:dispatch") in page.content.decode()


def test_an_imported_row_breaking_a_rule_is_reported_not_saved(client, world, district_staff) -> None:  # noqa: ANN001
    """Every rule of a row holds at import (not only its fields'): the row's number and column, nothing saved."""
    draft = make_list(district=world.huangpu, year=2030, published=False, items=0)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([str(TaskItem._meta.get_field(field).verbose_name) for field in
                  ("code", "title", "category", "responsible_unit", "hours_per_month", "exited_at", "exit_reason")])
    sheet.append(["001", "负数工时", "assistance", "区民政局", -5, None, None])
    sheet.append(["002", "退出无原因", "assistance", "区民政局", 1, datetime.datetime(2030, 3, 1), None])
    sheet.append(["003", "正常的事项", "assistance", "区民政局", 1, None, None])
    upload = io.BytesIO()
    workbook.save(upload)
    client.force_login(district_staff)
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", upload.getvalue())})
    assert response.status_code == 400
    errors = {(error.row, error.column, error.message) for error in response.context["errors"]}
    hours = str(TaskItem._meta.get_field("hours_per_month").verbose_name)
    reason = str(TaskItem._meta.get_field("exit_reason").verbose_name)
    assert errors == {(2, hours, "工作量不能为负数。"), (3, reason, "事项退出清单须说明原因。")}
    assert not draft.items.exists(), "all or nothing"


def test_the_received_page_pages_dispatches_and_refusals_apart(client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
    today = datetime.date.today()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    Dispatch.objects.bulk_create(Dispatch(item=item, committee=world.baoxing, starts_on=today, due_on=today,
                                          sent_by=district_staff) for _ in range(30))
    for n in range(15):
        RefusedDispatchFactory(committees=[world.baoxing], title=f"未列入{n}", year=today.year, reason="不得下派",
                               attempted_by=district_staff)
    client.force_login(committee_staff)
    first = client.get(reverse("tasks:received"))
    assert (first.context["page"].number, first.context["refusals"].number) == (1, 1)
    assert first.context["heading"] == "下派给我们的任务"
    refusals = client.get(reverse("tasks:received"), {"refusals_page": 2})
    assert (refusals.context["page"].number, refusals.context["refusals"].number) == (1, 2)
    assert len(refusals.context["refusals"].object_list) == 5
    dispatches = client.get(reverse("tasks:received"), {"page": 2, "refusals_page": 2})
    assert (dispatches.context["page"].number, dispatches.context["refusals"].number) == (2, 2)
    assert "refusals_page=1" in dispatches.content.decode() and "page=1" in dispatches.content.decode()
    client.force_login(district_staff)
    assert client.get(reverse("tasks:received")).context["heading"] == "下派任务与负担"
