"""Task lists and the dispatch guard (DOMAIN "Task admission"): what may reach a committee, and what is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from guardian.shortcuts import assign_perm

from portal.accounts.models import User
from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from tasks_registry.models import Dispatch, RefusedDispatch, TaskItem, TaskList
from tasks_registry.selectors import burden, dispatch_choices, list_changes
from tasks_registry.services.dispatch import DispatchRefused, dispatch_refuse_unlisted, dispatch_send
from tasks_registry.services.lists import task_item_exit, task_list_carry, task_list_publish
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

Y = 2026
DAY = datetime.date(Y, 3, 1)


def make_list(*, district=None, year: int = Y, published: bool = True, items: int = 1, **item_fields):  # noqa: ANN001, ANN003, ANN201
    task_list = TaskList.objects.create(level="district" if district else "city", district=district, year=year)
    for n in range(items):
        TaskItem.objects.create(task_list=task_list, code=f"{n + 1:03d}", title=item_fields.get("title", f"任务{n + 1}"),
                                category="assistance", responsible_unit="区卫生健康委员会",
                                hours_per_month=item_fields.get("hours", Decimal("4")))
    if published:
        task_list.status, task_list.published_at = "published", datetime.datetime(Y - 1, 12, 20, tzinfo=datetime.UTC)
        task_list.save()
    return task_list


def test_an_item_of_the_published_district_list_reaches_the_committee(world, district_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    sent = dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing, world.hankou],
                         starts_on=DAY, due_on=datetime.date(Y, 5, 31))
    assert {d.committee for d in sent} == {world.baoxing, world.hankou}
    assert AuditEntry.objects.filter(action="dispatch.send").count() == 1


def test_an_item_of_the_published_city_list_reaches_any_committee(world, district_staff) -> None:  # noqa: ANN001
    item = make_list().items.get()
    assert dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.yunnan], starts_on=DAY, due_on=DAY)


@pytest.mark.parametrize("case, expected", [
    ("draft", "尚未发布"),
    ("other_year", "2025"),
    ("other_district", "另一个区"),
    ("exited", "退出清单"),
])
def test_the_guard_refuses_with_the_reason_and_records_the_attempt(world, district_staff, case, expected) -> None:  # noqa: ANN001
    sender = district_staff
    if case == "draft":
        item = make_list(district=world.huangpu, published=False).items.get()
    elif case == "other_year":
        item = make_list(district=world.huangpu, year=Y - 1).items.get()
    elif case == "other_district":  # the platform administrator reaches every list and every committee
        item = make_list(district=world.xuhui).items.get()
        sender = UserFactory(username="admin", role="city", is_superuser=True)
    else:
        item = make_list(district=world.huangpu).items.get()
        item.exited_at, item.exit_reason = datetime.date(Y, 2, 1), "职能调整，由部门自行承担"
        item.save()
    with pytest.raises(DispatchRefused) as refused:
        dispatch_send(actor=sender, item_pk=item.pk, committees=[world.baoxing, world.hankou], starts_on=DAY, due_on=DAY)
    assert expected in refused.value.message
    assert not Dispatch.objects.exists(), "all or nothing"
    attempt = RefusedDispatch.objects.get(item=item)  # one record of the attempt, naming both committees
    assert set(attempt.committees.all()) == {world.baoxing, world.hankou}


def test_another_districts_item_is_not_revealed_and_nothing_is_recorded(world, district_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.xuhui).items.get()
    with pytest.raises(TaskItem.DoesNotExist):
        dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing], starts_on=DAY, due_on=DAY)
    assert not RefusedDispatch.objects.exists()


def test_a_task_on_no_list_is_refused_with_the_rule_and_recorded(world, street_officer) -> None:  # noqa: ANN001
    with pytest.raises(DispatchRefused) as refused:
        dispatch_refuse_unlisted(actor=street_officer, title="垃圾分类入户宣传台账", committees=[world.baoxing], year=Y)
    assert "不得下派" in refused.value.message
    record = RefusedDispatch.objects.get()
    assert (record.title, list(record.committees.all()), record.attempted_by) == (
        "垃圾分类入户宣传台账", [world.baoxing], street_officer)


def test_no_one_dispatches_outside_their_scope(world, street_officer, committee_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    with pytest.raises(PermissionDenied):
        dispatch_send(actor=street_officer, item_pk=item.pk, committees=[world.yunnan], starts_on=DAY, due_on=DAY)
    with pytest.raises(PermissionDenied):
        dispatch_send(actor=committee_staff, item_pk=item.pk, committees=[world.baoxing], starts_on=DAY, due_on=DAY)
    assert not Dispatch.objects.exists() and not RefusedDispatch.objects.exists()


def test_publishing_needs_items_and_the_owner(world, district_staff, city_staff, other_district_staff) -> None:  # noqa: ANN001
    empty = make_list(district=world.huangpu, published=False, items=0)
    with pytest.raises(DomainError):
        task_list_publish(actor=district_staff, pk=empty.pk)
    draft = make_list(district=world.huangpu, published=False, year=Y + 1)
    for outsider in (city_staff, other_district_staff):  # the city keeps the city's list only
        with pytest.raises(TaskList.DoesNotExist):
            task_list_publish(actor=outsider, pk=draft.pk)
    published = task_list_publish(actor=district_staff, pk=draft.pk)
    assert published.is_published and published.published_at
    with pytest.raises(TaskList.DoesNotExist):  # published: no longer among the drafts "publish" reaches
        task_list_publish(actor=district_staff, pk=draft.pk)


def test_next_years_list_starts_as_a_draft_copy_and_shows_what_changed(world, district_staff) -> None:  # noqa: ANN001
    current = make_list(district=world.huangpu, items=3)
    gone = current.items.get(code="003")
    task_item_exit(actor=district_staff, pk=gone.pk, on=datetime.date(Y, 6, 30), reason="并入 001")
    done = task_list_carry(actor=district_staff, pk=current.pk)
    draft = done.draft
    assert (draft.year, draft.status, draft.copied_from, done.carried, done.skipped) == (Y + 1, "draft", current, 2, 0)
    assert list(draft.items.values_list("code", flat=True)) == ["001", "002"]
    changed = draft.items.get(code="001")
    changed.hours_per_month = Decimal("6")
    changed.save()
    TaskItem.objects.create(task_list=draft, code="004", title="新增任务", category="duty", responsible_unit="区民政局")
    changes = {(c.code, c.kind) for c in list_changes(draft)}
    assert changes == {("001", "changed"), ("003", "removed"), ("004", "added")}
    again = task_list_carry(actor=district_staff, pk=current.pk)  # carrying twice adds nothing the second time
    assert (again.draft, again.carried, again.skipped) == (draft, 0, 2)
    assert draft.items.get(code="001").hours_per_month == Decimal("6"), "an item there already is left as edited"


def test_an_item_exits_only_with_a_reason(world, district_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    with pytest.raises(DomainError):
        task_item_exit(actor=district_staff, pk=item.pk, on=DAY, reason="  ")
    with pytest.raises(IntegrityError):
        TaskItem.objects.filter(pk=item.pk).update(exited_at=DAY, exit_reason="")


def test_the_burden_meter_counts_hours_per_month_against_last_year(world, district_staff) -> None:  # noqa: ANN001
    this_year = make_list(district=world.huangpu, hours=Decimal("4")).items.get()
    last_year = make_list(district=world.huangpu, year=Y - 1, hours=Decimal("2.5")).items.get()
    dispatch_send(actor=district_staff, item_pk=this_year.pk, committees=[world.baoxing],
                  starts_on=datetime.date(Y, 2, 15), due_on=datetime.date(Y, 4, 10))
    dispatch_send(actor=district_staff, item_pk=last_year.pk, committees=[world.baoxing],
                  starts_on=datetime.date(Y - 1, 3, 1), due_on=datetime.date(Y - 1, 3, 31))
    meter = burden(Dispatch.objects.filter(committee=world.baoxing), Y)
    assert meter["current"][:5] == [0, 4, 4, 4, 0]
    assert meter["previous"][:4] == [0, 0, Decimal("2.5"), 0]


def test_lists_are_scoped_and_the_city_list_is_read_by_all(world, district_staff, other_district_staff,
                                                             committee_staff) -> None:  # noqa: ANN001
    city = make_list()
    huangpu = make_list(district=world.huangpu)
    assert set(TaskList.objects.restrict(other_district_staff)) == {city}
    assert set(TaskList.objects.restrict(committee_staff)) == {city, huangpu}
    assert set(TaskList.objects.restrict(district_staff, "carry")) == {huangpu}
    assert not TaskList.objects.restrict(district_staff, "change").exists()  # a published list is not edited
    draft = make_list(district=world.huangpu, year=Y + 1, published=False)
    assert set(TaskList.objects.restrict(district_staff, "change")) == {draft}
    assert set(TaskItem.objects.restrict(other_district_staff)) == set(city.items.all())


@pytest.mark.parametrize("grant, may_send", [("view", False), ("change", True)])
def test_only_a_read_write_grant_lets_a_grantee_dispatch(world, outsider, grant, may_send) -> None:  # noqa: ANN001
    """南京东路's officer granted 宝兴 (外滩街道): reading it is not sending tasks to it. The service, the form's
    choices and the API's input ask the same selector (the API: test_api.py)."""
    item = make_list(district=world.huangpu).items.get()
    assign_perm(f"committees.{grant}_committee", outsider, world.baoxing)
    grantee = User.objects.get(pk=outsider.pk)  # grants are read once per request (per user object)
    offered = set(dispatch_choices(actor=grantee, today=DAY)["committees"])
    assert (world.baoxing in offered) is may_send and world.yunnan in offered
    if may_send:
        sent = dispatch_send(actor=grantee, item_pk=item.pk, committees=[world.baoxing], starts_on=DAY, due_on=DAY)
        assert [d.committee for d in sent] == [world.baoxing]
    else:
        with pytest.raises(PermissionDenied):
            dispatch_send(actor=grantee, item_pk=item.pk, committees=[world.baoxing], starts_on=DAY, due_on=DAY)
        assert not Dispatch.objects.exists() and not RefusedDispatch.objects.exists()


def test_a_drafts_items_are_edited_not_exited(world, district_staff) -> None:  # noqa: ANN001
    draft = make_list(district=world.huangpu, published=False)
    item = draft.items.get()
    with pytest.raises(TaskItem.DoesNotExist):
        task_item_exit(actor=district_staff, pk=item.pk, on=DAY, reason="并入其他事项")
    item.refresh_from_db()
    assert item.exited_at is None
    assert set(TaskItem.objects.restrict(district_staff, "change")) == {item}
    with pytest.raises(TaskList.DoesNotExist):  # next year's list starts from a published one
        task_list_carry(actor=district_staff, pk=draft.pk)
