"""Carrying a list forward merges into next year's draft (issue 15): an approved request for next year starts that
draft with its one item, and "生成下一年度清单" then carries this year's items into it, once, and the list page says
where each item came from."""

import datetime
import threading
import time
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.urls import reverse

from portal.core.models import AuditEntry
from tasks_registry.models import AdmissionRequest, TaskItem, TaskList
from tasks_registry.selectors import list_changes
from tasks_registry.services.admission import admission_request_approve
from tasks_registry.services.lists import (
    Renumbered,
    carry_refusal,
    task_item_exit,
    task_item_save,
    task_list_carry,
    task_list_publish,
)
from tests.support.factories import UserFactory
from tests.tasks_registry.test_admission import new_request, submit
from tests.tasks_registry.test_lists_and_dispatch import Y, make_list

pytestmark = pytest.mark.django_db


def _approved_for_next_year(world, department_staff, district_staff, title: str = "电动自行车充电设施排查") -> TaskItem:  # noqa: ANN001
    """A whole-district request starting next year, approved by the district: next year's draft holds its item."""
    request = submit(new_request(department_staff, world, scope="district", title=title,
                                 starts_on=datetime.date(Y + 1, 3, 1), ends_on=datetime.date(Y + 1, 12, 31)),
                     today=datetime.date(Y, 10, 12))
    approved = admission_request_approve(actor=district_staff, pk=request.pk)
    return approved.filed_item


def _said(response) -> list[str]:  # noqa: ANN001
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_carrying_merges_into_the_draft_an_approval_started(client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    current = make_list(district=world.huangpu, items=3)
    task_item_exit(actor=district_staff, pk=current.items.get(code="003").pk, on=datetime.date(Y, 6, 30),
                   reason="并入 001")
    admitted = _approved_for_next_year(world, department_staff, district_staff)
    draft = admitted.task_list
    assert (draft.year, draft.status, list(draft.items.values_list("code", flat=True))) == (Y + 1, "draft", ["ZR001"])

    client.force_login(district_staff)
    response = client.post(reverse("tasks:list_next_year", args=[current.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tasks:list_detail", args=[draft.pk])
    assert _said(response) == [f"已结转 2 项至 {Y + 1} 年清单草稿。请核对变化后发布。"]
    assert TaskList.objects.filter(district=world.huangpu, year=Y + 1).count() == 1
    origins = {item.code: item.origin for item in response.context["page"].object_list}
    assert origins == {"001": "carried", "002": "carried", "ZR001": "admitted"}, "the exited 003 is not carried"
    draft.refresh_from_db()
    assert draft.copied_from == current, "what changed is read against this year's list"
    assert draft.items.get(code="001").carried_from == current.items.get(code="001")
    page = response.content.decode()
    assert "上年结转" in page and "申报批准" in page and admitted.admitted_from in page

    again = client.post(reverse("tasks:list_next_year", args=[current.pk]), follow=True)
    assert _said(again) == [f"{Y + 1} 年清单草稿未新增任何事项：本清单的 2 项均已在草稿中。"]
    assert draft.items.count() == 3
    assert AuditEntry.objects.filter(action="tasklist.start_next_year").count() == 2


def test_an_item_entered_on_the_draft_reads_as_new(client, world, district_staff) -> None:  # noqa: ANN001
    current = make_list(district=world.huangpu)
    draft = task_list_carry(actor=district_staff, pk=current.pk).draft
    TaskItem.objects.create(task_list=draft, code="009", title="新增任务", category="duty", responsible_unit="区民政局")
    client.force_login(district_staff)
    page = client.get(reverse("tasks:list_detail", args=[draft.pk]))
    assert {item.code: item.origin for item in page.context["page"].object_list} == {"001": "carried", "009": "added"}


def test_a_published_next_year_list_refuses_the_carry(client, world, district_staff) -> None:  # noqa: ANN001
    current = make_list(district=world.huangpu)
    following = make_list(district=world.huangpu, year=Y + 1, published=False)
    task_list_publish(actor=district_staff, pk=following.pk)
    client.force_login(district_staff)
    response = client.post(reverse("tasks:list_next_year", args=[current.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("tasks:list_detail", args=[current.pk])
    assert _said(response) == [f"{Y + 1} 年清单已发布，不能再结转；所缺事项请通过准入申请增加。"]
    assert following.items.count() == 1


def test_the_same_request_is_not_carried_twice_and_another_requests_item_makes_way(
        world, department_staff, district_staff) -> None:  # noqa: ANN001
    """This year's ZR001 (admitted this year) and next year's ZR001 (another request) are two tasks: the carried
    one keeps ZR001 and the draft's takes the next free number. An item admitted by a request the draft holds
    already is skipped, whatever its number there."""
    current = make_list(district=world.huangpu, items=0, published=False)
    TaskItem.objects.create(task_list=current, code="ZR001", title="老旧小区加装电梯意愿摸排", category="assistance",
                            responsible_unit="区住房保障局", admitted_from="ZR2026-00009")
    TaskItem.objects.create(task_list=current, code="ZR002", title="同一申请", category="assistance",
                            responsible_unit="区民政局", admitted_from="ZR2026-00010")
    task_list_publish(actor=district_staff, pk=current.pk)
    admitted = _approved_for_next_year(world, department_staff, district_staff)
    TaskItem.objects.create(task_list=admitted.task_list, code="ZR007", title="同一申请（已调整）", category="assistance",
                            responsible_unit="区民政局", admitted_from="ZR2026-00010")
    done = task_list_carry(actor=district_staff, pk=current.pk)
    assert (done.carried, done.skipped) == (1, 1)
    assert done.renumbered == (Renumbered("电动自行车充电设施排查", "ZR001", "ZR008"),)
    carried = done.draft.items.get(carried_from__code="ZR001")
    assert (carried.code, carried.title) == ("ZR001", "老旧小区加装电梯意愿摸排")
    admitted.refresh_from_db()
    assert admitted.code == "ZR008"
    entry = AuditEntry.objects.get(action="taskitem.renumber")
    assert (entry.object_id, entry.before["code"], entry.after["code"]) == (str(admitted.pk), "ZR001", "ZR008")


def test_a_hand_entered_item_of_the_same_number_is_the_same_item(world, district_staff) -> None:  # noqa: ANN001
    """Only an approved request's item makes way: an item entered (or imported) on the draft under the number of
    an item carried is that item, kept as it is."""
    current = make_list(district=world.huangpu, items=0, published=False)
    TaskItem.objects.create(task_list=current, code="ZR001", title="家庭医生签约宣传", category="assistance",
                            responsible_unit="区卫生健康委员会", admitted_from="ZR2026-00001")
    task_list_publish(actor=district_staff, pk=current.pk)
    draft = make_list(district=world.huangpu, year=Y + 1, items=0, published=False)
    typed = TaskItem.objects.create(task_list=draft, code="ZR001", title="家庭医生签约宣传（导入）", category="assistance",
                                    responsible_unit="区卫生健康委员会")
    done = task_list_carry(actor=district_staff, pk=current.pk)
    assert (done.carried, done.skipped, done.renumbered) == (0, 1, ())
    assert list(done.draft.items.values_list("pk", "code")) == [(typed.pk, "ZR001")]


def test_the_tryout_a_carried_item_keeps_its_number_and_what_changed_is_read_by_origin(
        client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    """The browser tryout of issue 15, exactly: district staff approve a request for next year (协助开展控烟宣传),
    which starts next year's draft with ZR001; then 生成下一年度清单 on this year's list, whose ZR001 is
    家庭医生签约宣传. The carried item keeps ZR001, the request's item becomes ZR002 and the message names it;
    what changed against this year reads "ZR002 协助开展控烟宣传：新增" only (not a change of ZR001)."""
    current = make_list(district=world.huangpu, items=0, published=False)
    TaskItem.objects.create(task_list=current, code="ZR001", title="家庭医生签约宣传", category="assistance",
                            responsible_unit="区卫生健康委员会", legal_basis="《基本医疗卫生与健康促进法》",
                            hours_per_month=Decimal("2"), admitted_from="ZR2025-00004")
    task_list_publish(actor=district_staff, pk=current.pk)
    admitted = _approved_for_next_year(world, department_staff, district_staff, title="协助开展控烟宣传")
    request = AdmissionRequest.objects.get(filed_item=admitted)
    assert admitted.code == "ZR001"

    client.force_login(district_staff)
    response = client.post(reverse("tasks:list_next_year", args=[current.pk]), follow=True)
    assert _said(response) == [
        f"已结转 1 项至 {Y + 1} 年清单草稿。请核对变化后发布。",
        f"申报批准的事项“协助开展控烟宣传”编号由 ZR001 改为 ZR002：从 {Y} 年清单结转的事项保留原编号 ZR001。"]
    rows = {item.code: (item.title, item.origin) for item in response.context["page"].object_list}
    assert rows == {"ZR001": ("家庭医生签约宣传", "carried"), "ZR002": ("协助开展控烟宣传", "admitted")}
    assert [(c.code, c.title, c.kind) for c in response.context["changes"]] == [("ZR002", "协助开展控烟宣传", "added")]
    page = response.content.decode()
    assert "ZR002 协助开展控烟宣传：<span class=\"text-success\">新增</span>" in page
    assert "变更" not in page.split('id="list-changes"')[1].split("</ul>")[0]
    detail = client.get(reverse("tasks:request_detail", args=[request.pk]))
    assert detail.context["req"].filed_item.code == "ZR002", "the request shows where its item is now"

    # Next year's next approval numbers on from there.
    following = _approved_for_next_year(world, department_staff, district_staff, title="垃圾分类入户宣传")
    assert (following.task_list, following.code) == (admitted.task_list, "ZR003")


def test_what_changed_follows_a_carried_item_whose_number_changed(world, district_staff) -> None:  # noqa: ANN001
    """Matched by origin first: a carried item renumbered by hand reads as changed (its number among the fields),
    not as one removed and one added; an item without origin is matched by number."""
    current = make_list(district=world.huangpu, items=3)
    draft = task_list_carry(actor=district_staff, pk=current.pk).draft
    task_item_save(actor=district_staff, list_pk=draft.pk, pk=draft.items.get(code="001").pk, data={"code": "010"})
    draft.items.get(code="003").delete()
    TaskItem.objects.create(task_list=draft, code="003", title="任务3", category="assistance",
                            responsible_unit="区卫生健康委员会", hours_per_month=Decimal("5"))
    TaskItem.objects.create(task_list=draft, code="001", title="新的 001", category="duty", responsible_unit="区民政局")
    changes = [(c.code, c.kind, c.fields) for c in list_changes(draft)]
    assert changes == [("001", "added", []), ("003", "changed", ["每个居委会每月工作量（小时）"]),
                       ("010", "changed", ["序号"])]


def test_the_carry_button_gives_way_to_the_reason_once_next_years_list_is_published(client, world,
                                                                                    district_staff) -> None:  # noqa: ANN001
    """The page asks the service's rule (carry_refusal): while next year's list is a draft the button carries;
    once it is published the button is disabled and the reason is shown, so nobody clicks to be refused."""
    current = make_list(district=world.huangpu)
    following = task_list_carry(actor=district_staff, pk=current.pk).draft
    client.force_login(district_staff)
    carry_url = reverse("tasks:list_next_year", args=[current.pk])
    page = client.get(reverse("tasks:list_detail", args=[current.pk]))
    assert page.context["carry_refusal"] is None and f'action="{carry_url}"' in page.content.decode()
    task_list_publish(actor=district_staff, pk=following.pk)
    page = client.get(reverse("tasks:list_detail", args=[current.pk]))
    reason = f"{Y + 1} 年清单已发布，不能再结转；所缺事项请通过准入申请增加。"
    assert page.context["carry_refusal"] == reason == carry_refusal(current)
    content = page.content.decode()
    assert f'action="{carry_url}"' not in content
    assert 'id="carry-refusal">' + reason in content and "disabled" in content


def test_a_city_list_carries_into_the_citys_draft_only(world, city_staff) -> None:  # noqa: ANN001
    city = make_list(items=2)
    done = task_list_carry(actor=city_staff, pk=city.pk)
    assert (done.draft.level, done.draft.district, done.carried) == ("city", None, 2)


def _waiting_on_a_lock() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                       "AND wait_event_type = 'Lock'")
        return cursor.fetchone()[0] > 0


@pytest.mark.django_db(transaction=True)
def test_an_approval_starting_next_years_draft_at_the_same_moment_does_not_break_the_carry(world,
                                                                                           district_staff) -> None:  # noqa: ANN001
    """Nobody has started next year's draft; an approval (admission._file) starts it and has not committed when
    the carry looks for it: the carry waits for the approval, then merges into its draft (no IntegrityError)."""
    current = make_list(district=world.huangpu, items=2)
    started, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def approval() -> None:
        try:
            with transaction.atomic():
                TaskList.objects.create(level="district", district=world.huangpu, year=Y + 1)
                started.set()
                release.wait(10)
        finally:
            connection.close()

    def carry() -> None:
        try:
            outcome["done"] = task_list_carry(actor=district_staff, pk=current.pk)
        except Exception as error:  # noqa: BLE001 - what the person would have got: a 500
            outcome["error"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=approval), threading.Thread(target=carry)]
    threads[0].start()
    assert started.wait(10)
    threads[1].start()
    deadline = time.monotonic() + 10
    while not (blocked := _waiting_on_a_lock()) and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    for thread in threads:
        thread.join(20)
    assert blocked, "the carry waited for the approval's new list"
    assert "error" not in outcome, outcome.get("error")
    done = outcome["done"]
    assert (done.draft.year, done.carried) == (Y + 1, 2)
    assert TaskList.objects.filter(district=world.huangpu, year=Y + 1).count() == 1
    assert done.draft.copied_from == current


def test_the_carry_messages_count_in_english_as_in_chinese(client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    """One item, two items: the messages take the plural forms of the language (ngettext; Chinese has one)."""
    current = make_list(district=world.huangpu, items=2)
    following = make_list(district=world.huangpu, year=Y + 1, items=1, published=False)  # holds "001" already
    client.force_login(district_staff)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("tasks:list_next_year", args=[current.pk]), follow=True)
    assert _said(response) == [f"Carried 1 item into the {Y + 1} draft. Check what changed, then publish it.",
                               "Skipped 1 item the draft holds already."]
    again = client.post(reverse("tasks:list_next_year", args=[current.pk]), follow=True)
    assert _said(again) == [f"Nothing was added to the {Y + 1} draft: it holds this list's 2 items already."]
    client.cookies["django_language"] = "zh-hans"
    empty = make_list(district=world.xuhui, items=0)
    assert following.items.count() == 2
    xuhui = UserFactory(username="xuhui2", role="district", district=world.xuhui)
    client.force_login(xuhui)
    nothing = client.post(reverse("tasks:list_next_year", args=[empty.pk]), follow=True)
    assert _said(nothing) == [f"{Y + 1} 年清单草稿未新增任何事项：本清单在年末没有有效的事项。"]
