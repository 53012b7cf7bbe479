"""Issue 15's browser tryout of what committees receive and of the dispatch page: an overdue task is marked 逾期 and
comes first; the 居村委会 column is left out when every row is one committee's; the page's query count does not
grow with the rows; the dispatch form chooses committees in the picker only (whole streets, or every committee the
sender reaches, counted from the same restricted queryset), and the picker shows each committee's code. The phone
layout is tests/browser/test_received_phone.py."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.accounts.roles import Role
from tasks_registry.forms import DispatchForm
from tasks_registry.models import Dispatch
from tasks_registry.selectors import dispatch_choices, dispatch_committees
from tests.support.factories import UserFactory
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db


def _send(item, committee, sender, *, due: datetime.date, starts: datetime.date | None = None, **state) -> Dispatch:  # noqa: ANN001, ANN003
    starts = starts or due - datetime.timedelta(days=30)
    return Dispatch.objects.create(item=item, committee=committee, sent_by=sender, starts_on=starts, due_on=due, **state)


def _row(html: str, dispatch: Dispatch) -> str:
    return html.split(f'id="dispatch-{dispatch.pk}"', 1)[1].split("</tr>", 1)[0]


class TestOverdue:
    def test_an_overdue_task_is_marked_and_comes_first(self, client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
        today = timezone.localdate()
        item = make_list(district=world.huangpu, year=today.year).items.get()
        fresh = _send(item, world.baoxing, district_staff, due=today + datetime.timedelta(days=30), starts=today)
        late = _send(item, world.baoxing, district_staff, due=today - datetime.timedelta(days=150))
        due_today = _send(item, world.baoxing, district_staff, due=today)
        now = timezone.now()
        done_late = _send(item, world.baoxing, district_staff, due=today - datetime.timedelta(days=100), received_at=now,
                          received_by=committee_staff, done_at=now, done_by=committee_staff, hours_spent=2)
        signed_late = _send(item, world.baoxing, district_staff, due=today - datetime.timedelta(days=10), received_at=now,
                            received_by=committee_staff)
        client.force_login(committee_staff)
        response = client.get(reverse("tasks:received"))
        rows = list(response.context["page"].object_list)
        assert rows[:2] == [late, signed_late], "overdue first: the one waiting for a signature, then the one under way"
        assert {d.pk: d.overdue for d in rows} == {late.pk: True, signed_late.pk: True, fresh.pk: False,
                                                   due_today.pk: False, done_late.pk: False}
        html = response.content.decode()
        for dispatch, marked in ((late, True), (signed_late, True), (fresh, False), (due_today, False), (done_late, False)):
            assert ('<span class="badge text-bg-danger dispatch-overdue">逾期</span>' in _row(html, dispatch)) is marked


class TestTheCommitteeColumn:
    def test_left_out_when_every_row_is_one_committees(self, client, world, district_staff, committee_staff) -> None:  # noqa: ANN001
        today = timezone.localdate()
        item = make_list(district=world.huangpu, year=today.year).items.get()
        _send(item, world.baoxing, district_staff, due=today)
        _send(item, world.baoxing, district_staff, due=today)
        client.force_login(committee_staff)
        response = client.get(reverse("tasks:received"))
        assert response.context["one_committee"] is True
        assert "<th>居村委会</th>" not in response.content.decode()
        assert 'data-label="居村委会"' not in response.content.decode()
        client.force_login(district_staff)  # the same rows seen by the district: still one committee
        assert client.get(reverse("tasks:received")).context["one_committee"] is True

    def test_shown_when_the_rows_reach_several_committees(self, client, world, district_staff, street_officer) -> None:  # noqa: ANN001
        today = timezone.localdate()
        item = make_list(district=world.huangpu, year=today.year).items.get()
        _send(item, world.baoxing, district_staff, due=today)
        _send(item, world.yunnan, district_staff, due=today)  # 南京东路街道: not the street officer's
        client.force_login(street_officer)
        assert client.get(reverse("tasks:received")).context["one_committee"] is True, "what the officer sees: one"
        client.force_login(district_staff)
        response = client.get(reverse("tasks:received"))
        assert response.context["one_committee"] is False
        html = response.content.decode()
        assert "<th>居村委会</th>" in html and '<td data-label="居村委会">云南中路居委会</td>' in html

    def test_the_page_costs_the_same_queries_for_many_rows(self, client, world, district_staff) -> None:  # noqa: ANN001
        today = timezone.localdate()
        item = make_list(district=world.huangpu, year=today.year).items.get()

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("tasks:received")).status_code == 200
            return len(captured)

        client.force_login(district_staff)
        _send(item, world.baoxing, district_staff, due=today)
        queries()  # the bell's count is cached from the first page on
        few = queries()
        for n in range(20):
            _send(item, (world.hankou, world.yunnan)[n % 2], district_staff, due=today - datetime.timedelta(days=n))
        assert queries() == few
        assert sum(d.overdue for d in client.get(reverse("tasks:received")).context["page"].object_list) == 19


class TestTheDispatchForm:
    def test_a_street_officer_is_offered_their_streets_committees_by_count(self, client, world, street_officer) -> None:  # noqa: ANN001
        client.force_login(street_officer)
        response = client.get(reverse("tasks:dispatch"))
        form = response.context["form"]
        assert list(form.fields) == ["item", "committees", "starts_on", "due_on", "note"], "the picker only"
        reached = dispatch_committees(actor=street_officer).active_on(timezone.localdate()).count()
        assert reached == 2
        html = response.content.decode()
        assert html.count(f"选择全部 {reached} 个居村委会") == 2  # the listed item's picker and the unlisted task's
        assert "全区" not in html

    def test_a_district_officer_reaches_their_district(self, client, world, district_staff) -> None:  # noqa: ANN001
        client.force_login(district_staff)
        assert "选择全部 3 个居村委会" in client.get(reverse("tasks:dispatch")).content.decode()

    def test_nothing_chosen_is_the_committees_problem(self, world, district_staff) -> None:  # noqa: ANN001
        form = DispatchForm({"street": world.waitan.code, "everywhere": "on"},
                            **dispatch_choices(actor=district_staff, today=timezone.localdate()))
        assert not form.is_valid() and form.errors["committees"] == ["请选择接收任务的居村委会。"]


def test_the_picker_shows_each_committees_code_after_its_name(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    html = client.get(reverse("tasks:dispatch")).content.decode()
    found = re.findall(r'value="(\d+)"> ([^<]+)<small>(\d+)</small></label>', html)
    expected = [(world.baoxing.code, "宝兴居委会", world.baoxing.code), (world.hankou.code, "汉口路居委会", world.hankou.code)]
    assert sorted(found) == sorted(expected * 2)  # in both pickers of the page


def test_one_committee_has_no_choose_all_button(client, world) -> None:  # noqa: ANN001
    staff = UserFactory(username="lone", role=Role.DISTRICT, district=world.xuhui)  # 徐汇区: one committee in the world
    client.force_login(staff)
    html = client.get(reverse("tasks:dispatch")).content.decode()
    assert world.xuhui_committee.code in html and "data-picker-every" not in html
