"""Task lists and the dispatch guard (DOMAIN "Task admission"): what may reach a committee, and what is refused."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError

from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry
from tasks_registry import services
from tasks_registry.models import Dispatch, RefusedDispatch, TaskItem, TaskList

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
    sent = services.dispatch(actor=district_staff, item=item, committees=[world.baoxing, world.hankou],
                             starts_on=DAY, due_on=datetime.date(Y, 5, 31))
    assert {d.committee for d in sent} == {world.baoxing, world.hankou}
    assert AuditEntry.objects.filter(action="dispatch.send").count() == 1


def test_an_item_of_the_published_city_list_reaches_any_committee(world, district_staff) -> None:  # noqa: ANN001
    item = make_list().items.get()
    assert services.dispatch(actor=district_staff, item=item, committees=[world.yunnan], starts_on=DAY, due_on=DAY)


@pytest.mark.parametrize("case, expected", [
    ("draft", "尚未发布"),
    ("other_year", "2025"),
    ("other_district", "另一个区"),
    ("exited", "退出清单"),
])
def test_the_guard_refuses_with_the_reason_and_records_the_attempt(world, district_staff, other_district_staff,
                                                                   case, expected) -> None:  # noqa: ANN001
    if case == "draft":
        item = make_list(district=world.huangpu, published=False).items.get()
    elif case == "other_year":
        item = make_list(district=world.huangpu, year=Y - 1).items.get()
    elif case == "other_district":
        item = make_list(district=world.xuhui).items.get()
    else:
        item = make_list(district=world.huangpu).items.get()
        item.exited_at, item.exit_reason = datetime.date(Y, 2, 1), "职能调整，由部门自行承担"
        item.save()
    with pytest.raises(services.DispatchRefused) as refused:
        services.dispatch(actor=district_staff, item=item, committees=[world.baoxing, world.hankou],
                          starts_on=DAY, due_on=DAY)
    assert expected in refused.value.message
    assert not Dispatch.objects.exists(), "all or nothing"
    assert RefusedDispatch.objects.filter(item=item).count() == 2


def test_a_task_on_no_list_is_refused_with_the_rule_and_recorded(world, street_officer) -> None:  # noqa: ANN001
    with pytest.raises(services.DispatchRefused) as refused:
        services.refuse_unlisted(actor=street_officer, title="垃圾分类入户宣传台账", committees=[world.baoxing], year=Y)
    assert "不得下派" in refused.value.message
    record = RefusedDispatch.objects.get()
    assert (record.title, record.committee, record.attempted_by) == ("垃圾分类入户宣传台账", world.baoxing, street_officer)


def test_no_one_dispatches_outside_their_scope(world, street_officer, committee_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    with pytest.raises(PermissionDenied):
        services.dispatch(actor=street_officer, item=item, committees=[world.yunnan], starts_on=DAY, due_on=DAY)
    with pytest.raises(PermissionDenied):
        services.dispatch(actor=committee_staff, item=item, committees=[world.baoxing], starts_on=DAY, due_on=DAY)
    assert not Dispatch.objects.exists() and not RefusedDispatch.objects.exists()


def test_publishing_needs_items_and_the_owner(world, district_staff, city_staff, other_district_staff) -> None:  # noqa: ANN001
    empty = make_list(district=world.huangpu, published=False, items=0)
    with pytest.raises(DomainError):
        services.publish_list(actor=district_staff, task_list=empty)
    draft = make_list(district=world.huangpu, published=False, year=Y + 1)
    for outsider in (city_staff, other_district_staff):
        with pytest.raises(PermissionDenied):
            services.publish_list(actor=outsider, task_list=draft)
    published = services.publish_list(actor=district_staff, task_list=draft)
    assert published.is_published and published.published_at
    with pytest.raises(DomainError):
        services.publish_list(actor=district_staff, task_list=draft)


def test_next_years_list_starts_as_a_draft_copy_and_shows_what_changed(world, district_staff) -> None:  # noqa: ANN001
    current = make_list(district=world.huangpu, items=3)
    gone = current.items.get(code="003")
    services.exit_item(actor=district_staff, item=gone, on=datetime.date(Y, 6, 30), reason="并入 001")
    draft = services.start_next_year(actor=district_staff, task_list=current)
    assert (draft.year, draft.status, draft.copied_from) == (Y + 1, "draft", current)
    assert list(draft.items.values_list("code", flat=True)) == ["001", "002"]
    changed = draft.items.get(code="001")
    changed.hours_per_month = Decimal("6")
    changed.save()
    TaskItem.objects.create(task_list=draft, code="004", title="新增任务", category="duty", responsible_unit="区民政局")
    changes = {(c.code, c.kind) for c in services.changes_since(draft)}
    assert changes == {("001", "changed"), ("003", "removed"), ("004", "added")}
    with pytest.raises(DomainError):
        services.start_next_year(actor=district_staff, task_list=current)


def test_an_item_exits_only_with_a_reason(world, district_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    with pytest.raises(DomainError):
        services.exit_item(actor=district_staff, item=item, on=DAY, reason="  ")
    with pytest.raises(IntegrityError):
        TaskItem.objects.filter(pk=item.pk).update(exited_at=DAY, exit_reason="")


def test_the_burden_meter_counts_hours_per_month_against_last_year(world, district_staff) -> None:  # noqa: ANN001
    this_year = make_list(district=world.huangpu, hours=Decimal("4")).items.get()
    last_year = make_list(district=world.huangpu, year=Y - 1, hours=Decimal("2.5")).items.get()
    services.dispatch(actor=district_staff, item=this_year, committees=[world.baoxing],
                      starts_on=datetime.date(Y, 2, 15), due_on=datetime.date(Y, 4, 10))
    services.dispatch(actor=district_staff, item=last_year, committees=[world.baoxing],
                      starts_on=datetime.date(Y - 1, 3, 1), due_on=datetime.date(Y - 1, 3, 31))
    meter = services.burden(Dispatch.objects.filter(committee=world.baoxing), Y)
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
