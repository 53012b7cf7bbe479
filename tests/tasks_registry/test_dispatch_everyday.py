"""Dispatch in everyday use (issue 15): a refusal names the field at fault and is recorded once per attempt,
read through the committees each reader may see; committees are told of what reaches them, see who sent it,
sign for it (签收) and report it done with the hours it took (办结), which the burden meter shows."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models import Committee
from portal.accounts.roles import Role
from portal.core.exceptions import DomainError
from portal.core.models import AuditEntry, Notification
from tasks_registry.models import Dispatch, RefusedDispatch, RefusedDispatchCommittee
from tasks_registry.selectors import burden, refused_dispatches
from tasks_registry.services.dispatch import (
    DispatchRefused,
    dispatch_complete,
    dispatch_receive,
    dispatch_refuse_unlisted,
    dispatch_send,
)
from tasks_registry.services.lists import task_item_exit
from tests.support.factories import CommitteeFactory, DispatchFactory, UserFactory
from tests.tasks_registry.test_lists_and_dispatch import Y, make_list

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def _said(response) -> list[str]:  # noqa: ANN001
    return [str(message) for message in get_messages(response.wsgi_request)]


def _this_years_item(world):  # noqa: ANN001, ANN202
    return make_list(district=world.huangpu, year=TODAY.year).items.get()


# --- a refusal says which field is wrong ------------------------------------------------------------------------

def test_a_due_date_beyond_the_lists_year_is_the_due_dates_problem(client, world, district_staff) -> None:  # noqa: ANN001
    item = _this_years_item(world)
    client.force_login(district_staff)
    response = client.post(reverse("tasks:dispatch"), {
        "item": item.pk, "committees": [world.baoxing.code, world.hankou.code],
        "starts_on": datetime.date(TODAY.year, 12, 1), "due_on": datetime.date(TODAY.year + 1, 1, 15)})
    form = response.context["form"]
    assert response.status_code == 200 and response.context["refused"] is not None
    assert list(form.errors) == ["due_on"], "the due date is at fault, nothing else"
    assert f"不在清单所属年度 {TODAY.year} 年内" in form.errors["due_on"][0]
    assert not form.non_field_errors()
    assert form["item"].value() == str(item.pk) and form["due_on"].value() == f"{TODAY.year + 1}-01-15", "kept"
    attempt = RefusedDispatch.objects.get()
    assert set(attempt.committees.all()) == {world.baoxing, world.hankou}, "one record for the attempt"
    assert (attempt.starts_on, attempt.due_on) == (datetime.date(TODAY.year, 12, 1), datetime.date(TODAY.year + 1, 1, 15))
    assert not Dispatch.objects.exists()


def test_a_start_before_the_lists_year_is_the_starts_problem(client, world, district_staff) -> None:  # noqa: ANN001
    item = _this_years_item(world)
    client.force_login(district_staff)
    response = client.post(reverse("tasks:dispatch"), {
        "item": item.pk, "committees": [world.baoxing.code], "starts_on": datetime.date(TODAY.year - 1, 12, 20),
        "due_on": datetime.date(TODAY.year, 1, 31)})
    assert list(response.context["form"].errors) == ["starts_on"]


@pytest.mark.parametrize("exits_on, field", [(datetime.date(Y, 4, 1), "due_on"), (datetime.date(Y, 2, 1), "item")])
def test_an_exit_within_the_period_is_the_due_dates_problem_before_it_the_items(world, district_staff, exits_on,
                                                                                 field) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    task_item_exit(actor=district_staff, pk=item.pk, on=exits_on, reason="职能调整")
    with pytest.raises(DispatchRefused) as refused:
        dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing], starts_on=datetime.date(Y, 3, 1),
                      due_on=datetime.date(Y, 5, 31))
    assert list(refused.value.fields) == [field]
    assert exits_on.isoformat() in refused.value.fields[field][0]


def test_a_draft_lists_item_is_the_items_problem(world, district_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu, published=False).items.get()
    with pytest.raises(DispatchRefused) as refused:
        dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing], starts_on=datetime.date(Y, 3, 1),
                      due_on=datetime.date(Y, 3, 31))
    assert list(refused.value.fields) == ["item"] and "尚未发布" in refused.value.fields["item"][0]


def test_a_committee_not_active_is_the_committees_problem_and_its_own(world, district_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu).items.get()
    closed = CommitteeFactory(street=world.waitan, code="310101013099", name="已撤销居委会",
                              dissolved_on=datetime.date(Y, 1, 31))
    with pytest.raises(DispatchRefused) as refused:
        dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing, closed],
                      starts_on=datetime.date(Y, 3, 1), due_on=datetime.date(Y, 3, 31))
    assert list(refused.value.fields) == ["committees"] and "已撤销居委会" in refused.value.fields["committees"][0]
    attempt = RefusedDispatch.objects.get()
    assert "已撤销居委会" not in attempt.reason, "the attempt's reason never names a committee"
    reasons = dict(RefusedDispatchCommittee.objects.filter(refusal=attempt).values_list("committee", "reason"))
    assert reasons[world.baoxing.code] == "" and "已撤销居委会" in reasons[closed.code]


def test_the_api_answers_a_refusal_by_field(api, world, district_staff) -> None:  # noqa: ANN001
    item = _this_years_item(world)
    api.force_authenticate(district_staff)
    response = api.post("/api/v1/dispatches/", {
        "item": item.pk, "committees": [world.baoxing.code, world.hankou.code, world.yunnan.code],
        "starts_on": datetime.date(TODAY.year, 12, 1), "due_on": datetime.date(TODAY.year + 1, 2, 1)}, format="json")
    assert response.status_code == 400 and response.data["code"] == "dispatch_refused"
    assert list(response.data["fields"]) == ["due_on"]
    assert RefusedDispatch.objects.count() == 1 and RefusedDispatchCommittee.objects.count() == 3


# --- one record per attempt, read through the committees one may see ---------------------------------------------

def test_each_reader_sees_an_attempt_once_with_only_their_committees(client, api, world, street_officer, outsider,
                                                                     other_district_staff) -> None:  # noqa: ANN001
    admin = UserFactory(username="root", role=Role.CITY, is_superuser=True)
    with pytest.raises(DispatchRefused):
        dispatch_refuse_unlisted(actor=admin, title="创文迎检台账", year=TODAY.year,
                                 committees=[world.baoxing, world.hankou, world.yunnan, world.xuhui_committee])
    attempt = RefusedDispatch.objects.get()
    shown = {
        street_officer: {world.baoxing, world.hankou}, outsider: {world.yunnan},
        other_district_staff: {world.xuhui_committee},
    }
    for reader, committees in shown.items():
        rows = list(refused_dispatches(actor=reader))
        assert rows == [attempt], "one row per attempt, never one per committee"
        assert {entry.committee for entry in rows[0].visible_entries} == committees
    client.force_login(street_officer)
    page = client.get(reverse("tasks:received"))
    assert page.context["refusals"].paginator.count == 1
    content = page.content.decode()
    assert "宝兴居委会" in content and "汉口路居委会" in content
    assert "云南中路居委会" not in content and "徐汇一居委会" not in content, "another street's, another district's"
    api.force_authenticate(street_officer)
    listed = api.get("/api/v1/refused-dispatches/").data
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert len(rows) == 1 and {c["committee"] for c in rows[0]["committees"]} == {world.baoxing.code, world.hankou.code}
    filtered = api.get("/api/v1/refused-dispatches/", {"committee": world.xuhui_committee.code}).data
    assert (filtered["results"] if isinstance(filtered, dict) else filtered) == [], "no hint of other committees"


def test_the_refusals_are_paged_in_one_query_each_whatever_the_committees(client, world, district_staff,
                                                                          street_officer) -> None:  # noqa: ANN001
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("tasks:received")).status_code == 200
        return len(captured)

    client.force_login(street_officer)
    with pytest.raises(DispatchRefused):
        dispatch_refuse_unlisted(actor=district_staff, title="台账一", year=TODAY.year, committees=[world.baoxing])
    queries()  # the bell's count is cached from the first page on
    few = queries()
    for n in range(12):
        with pytest.raises(DispatchRefused):
            dispatch_refuse_unlisted(actor=district_staff, title=f"台账{n}", year=TODAY.year,
                                     committees=[world.baoxing, world.hankou, world.yunnan])
    assert queries() == few


# --- what committees do with what they receive --------------------------------------------------------------------

@pytest.fixture
def hankou_staff(world):  # noqa: ANN001, ANN201
    return UserFactory(username="hankou", role=Role.COMMITTEE, committee=world.hankou)


def test_committees_are_told_and_see_who_sent_it(client, world, district_staff, committee_staff, hankou_staff,
                                                 street_officer, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    district_staff.last_name, district_staff.first_name = "李", "明"
    district_staff.save()
    item = _this_years_item(world)
    with django_capture_on_commit_callbacks(execute=True):
        sent = dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing, world.hankou],
                             starts_on=TODAY, due_on=TODAY)
    to_baoxing = next(d for d in sent if d.committee == world.baoxing)
    notice = Notification.objects.get(user=committee_staff)
    assert notice.url == f"{reverse('tasks:received')}?dispatch={to_baoxing.pk}"
    # The sender written one way (User.name_with_unit): the person, then their unit, never the unit twice.
    assert notice.text.startswith("李明（黄浦区）下派新任务") and item.title in notice.text
    assert Notification.objects.filter(user=hankou_staff).count() == 1
    assert not Notification.objects.filter(user__in=[street_officer, district_staff]).exists()

    client.force_login(committee_staff)
    page = client.get(notice.url)
    rows = list(page.context["page"].object_list)
    assert rows == [to_baoxing] and rows[0].may_receive and not rows[0].may_complete
    assert "李明（黄浦区）" in page.content.decode()
    assert page.context["unread_notifications"] == 1


def test_a_committee_signs_for_a_task_then_reports_it_done_with_the_hours(client, world, district_staff,
                                                                         committee_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu, year=TODAY.year, hours=Decimal("4")).items.get()
    dispatch = dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing],
                             starts_on=datetime.date(TODAY.year, 2, 1), due_on=datetime.date(TODAY.year, 4, 30))[0]
    client.force_login(committee_staff)
    received = client.post(reverse("tasks:dispatch_receive", args=[dispatch.pk]), follow=True)
    assert _said(received) == [f"已签收：{item.code} {item.title}。"]
    assert received.context["unread_notifications"] == 0, "the notice of it is read once it is signed for"
    row = received.context["page"].object_list[0]
    assert (row.received_by, row.may_receive, row.may_complete) == (committee_staff, False, True)

    refused = client.post(reverse("tasks:dispatch_complete", args=[dispatch.pk]), {"hours_spent": "-2"}, follow=True)
    assert _said(refused)[0].startswith("未办结：") and Dispatch.objects.get(pk=dispatch.pk).done_at is None
    done = client.post(reverse("tasks:dispatch_complete", args=[dispatch.pk]), {"hours_spent": "13.5"}, follow=True)
    assert _said(done) == [f"已办结：{item.code} {item.title}，实际耗时 13.5 小时。"]
    row = done.context["page"].object_list[0]
    assert (row.hours_spent, row.done_by, row.may_complete) == (Decimal("13.5"), committee_staff, False)
    meter = done.context["meter"]
    assert meter["current"][1:4] == [4, 4, 4] and meter["reported"][1:4] == [Decimal("4.5")] * 3
    assert (meter["reported_total"], meter["declared_done_total"]) == (Decimal("13.5"), Decimal("12.0"))
    assert set(AuditEntry.objects.filter(object_id=str(dispatch.pk)).values_list("action", flat=True)) == {
        "dispatch.receive", "dispatch.complete"}

    again = client.post(reverse("tasks:dispatch_receive", args=[dispatch.pk]), follow=True)
    assert _said(again) == ["该任务已签收。"]


def test_only_the_committees_own_staff_sign_for_it(client, world, district_staff, committee_staff, street_officer,
                                                   hankou_staff) -> None:  # noqa: ANN001
    dispatch = DispatchFactory(committee=world.baoxing)
    client.force_login(street_officer)
    assert client.post(reverse("tasks:dispatch_receive", args=[dispatch.pk])).status_code == 403
    page = client.get(reverse("tasks:received"))
    assert [row.may_receive for row in page.context["page"].object_list] == [False], "no button for the street"
    assert reverse("tasks:dispatch_receive", args=[dispatch.pk]) not in page.content.decode()
    client.force_login(hankou_staff)
    assert client.post(reverse("tasks:dispatch_receive", args=[dispatch.pk])).status_code == 404
    assert client.post(reverse("tasks:dispatch_complete", args=[dispatch.pk]), {"hours_spent": "1"}).status_code == 404
    assert Dispatch.objects.get(pk=dispatch.pk).received_at is None


def test_signing_for_and_reporting_done_through_the_api(api, world, committee_staff, street_officer) -> None:  # noqa: ANN001
    dispatch = DispatchFactory(committee=world.baoxing)
    api.force_authenticate(street_officer)
    assert api.post(f"/api/v1/dispatches/{dispatch.pk}/receive/").status_code == 403
    api.force_authenticate(committee_staff)
    early = api.post(f"/api/v1/dispatches/{dispatch.pk}/complete/", {"hours_spent": "2"}, format="json")
    assert early.status_code == 404, "signed for first"
    received = api.post(f"/api/v1/dispatches/{dispatch.pk}/receive/")
    assert received.status_code == 200 and received.data["received_by"] == committee_staff.pk
    bad = api.post(f"/api/v1/dispatches/{dispatch.pk}/complete/", {"hours_spent": "-1"}, format="json")
    assert bad.status_code == 400 and "hours_spent" in bad.data
    done = api.post(f"/api/v1/dispatches/{dispatch.pk}/complete/", {"hours_spent": "2.5"}, format="json")
    assert done.status_code == 200 and done.data["hours_spent"] == "2.5" and done.data["done_at"]
    assert api.post(f"/api/v1/dispatches/{dispatch.pk}/complete/", {"hours_spent": "3"}, format="json").status_code == 404


def test_the_received_list_costs_the_same_queries_for_many_dispatches(client, world, district_staff,
                                                                     committee_staff) -> None:  # noqa: ANN001
    item = _this_years_item(world)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("tasks:received")).status_code == 200
        return len(captured)

    def send(n: int) -> None:
        for _ in range(n):
            dispatch_send(actor=UserFactory(role=Role.STREET, street=world.waitan), item_pk=item.pk,
                          committees=[world.baoxing], starts_on=TODAY, due_on=TODAY)

    client.force_login(committee_staff)
    send(2)
    queries()  # the bell's count is cached from the first page on
    few = queries()
    send(28)
    for dispatch in Dispatch.objects.all()[:5]:
        dispatch_receive(actor=committee_staff, pk=dispatch.pk)
    dispatch_complete(actor=committee_staff, pk=Dispatch.objects.filter(received_at__isnull=False).first().pk,
                      hours_spent=Decimal("2"))
    assert queries() == few
    assert len(client.get(reverse("tasks:received")).context["page"].object_list) == 25


def test_the_burden_meter_spreads_reported_hours_over_the_months_run(world, district_staff, committee_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu, hours=Decimal("2")).items.get()
    sent = dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing],
                         starts_on=datetime.date(Y, 5, 20), due_on=datetime.date(Y, 6, 10))[0]
    dispatch_receive(actor=committee_staff, pk=sent.pk)
    dispatch_complete(actor=committee_staff, pk=sent.pk, hours_spent=Decimal("5"))
    meter = burden(Dispatch.objects.all(), Y)
    assert meter["reported"][4:6] == [Decimal("2.5"), Decimal("2.5")] and sum(meter["reported"]) == Decimal("5")
    assert meter["declared_done"][4:6] == [Decimal("2"), Decimal("2")]
    assert burden(Dispatch.objects.all(), Y + 1)["reported_total"] == 0


# --- issue 15 review ------------------------------------------------------------------------------------------

def test_a_notice_link_with_thousands_of_digits_shows_every_task(client, world, district_staff,
                                                                 committee_staff) -> None:  # noqa: ANN001
    """int() refuses more than 4,300 digits: the page and the 签收 / 办结 redirect read such a link as "all"."""
    huge = "9" * 5000
    sent = dispatch_send(actor=district_staff, item_pk=_this_years_item(world).pk, committees=[world.baoxing],
                         starts_on=TODAY, due_on=TODAY)[0]
    client.force_login(committee_staff)
    page = client.get(reverse("tasks:received"), {"dispatch": huge})
    assert page.status_code == 200 and page.context["only"] is None
    assert list(page.context["page"].object_list) == [sent]
    signed = client.post(f"{reverse('tasks:dispatch_receive', args=[sent.pk])}?dispatch={huge}")
    assert (signed.status_code, signed["Location"]) == (302, reverse("tasks:received"))
    done = client.post(f"{reverse('tasks:dispatch_complete', args=[sent.pk])}?dispatch={huge}", {"hours_spent": "1"})
    assert (done.status_code, done["Location"]) == (302, reverse("tasks:received"))
    assert Dispatch.objects.get(pk=sent.pk).hours_spent == Decimal("1")
    one = client.get(reverse("tasks:received"), {"dispatch": str(sent.pk)})
    assert one.context["only"] == sent.pk, "a real notice's link still shows its one task"


def test_only_a_reader_with_a_refused_committee_is_told_some_were_refused(client, world, district_staff, street_officer,
                                                                          outsider) -> None:  # noqa: ANN001
    item = _this_years_item(world)
    closed = CommitteeFactory(street=world.waitan, code="310101013099", name="已撤销居委会",
                              dissolved_on=datetime.date(TODAY.year - 1, 1, 31))
    with pytest.raises(DispatchRefused):
        dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.yunnan, closed], starts_on=TODAY,
                      due_on=TODAY)
    general = "所选居委会中有不能接收该事项的（原因列在各居委会后）。"
    client.force_login(street_officer)  # 外滩街道: the closed committee is theirs, with its own reason
    (attempt,) = client.get(reverse("tasks:received")).context["refusals"].object_list
    assert attempt.reason_for_reader == general
    client.force_login(outsider)  # 南京东路街道: only 云南中路居委会, which had nothing wrong
    page = client.get(reverse("tasks:received"))
    (attempt,) = page.context["refusals"].object_list
    assert attempt.reason_for_reader == "" and [entry.reason for entry in attempt.visible_entries] == [""]
    assert general not in page.content.decode(), "nothing says another street's committee was refused"
    assert "云南中路居委会" in page.content.decode()


def test_the_committees_of_a_refusal_read_in_english(client, world, district_staff, street_officer) -> None:  # noqa: ANN001
    closed = CommitteeFactory(street=world.waitan, code="310101013099", name="已撤销居委会",
                              dissolved_on=datetime.date(TODAY.year - 1, 1, 31))
    with pytest.raises(DispatchRefused):
        dispatch_send(actor=district_staff, item_pk=_this_years_item(world).pk, committees=[world.baoxing, closed],
                      starts_on=TODAY, due_on=TODAY)
    client.force_login(street_officer)
    chinese = client.get(reverse("tasks:received")).content.decode()
    assert "涉及居委会：宝兴居委会、已撤销居委会（" in chinese
    client.cookies["django_language"] = "en"
    english = client.get(reverse("tasks:received")).content.decode()
    assert "Committees: 宝兴居委会, 已撤销居委会 (" in english


def test_the_hours_reported_are_bounded_and_a_far_figure_is_questioned(client, api, world, district_staff,
                                                                      committee_staff) -> None:  # noqa: ANN001
    item = make_list(district=world.huangpu, year=TODAY.year, hours=Decimal("2")).items.get()
    first, second = (dispatch_send(actor=district_staff, item_pk=item.pk, committees=[world.baoxing],
                                   starts_on=datetime.date(TODAY.year, 2, 1), due_on=datetime.date(TODAY.year, 3, 31))[0]
                     for _ in range(2))
    for sent in (first, second):
        dispatch_receive(actor=committee_staff, pk=sent.pk)
    client.force_login(committee_staff)
    too_many = client.post(reverse("tasks:dispatch_complete", args=[first.pk]), {"hours_spent": "10000"}, follow=True)
    assert _said(too_many)[0].startswith("未办结：") and Dispatch.objects.get(pk=first.pk).done_at is None
    api.force_authenticate(committee_staff)
    assert api.post(f"/api/v1/dispatches/{first.pk}/complete/", {"hours_spent": "10000"},
                    format="json").status_code == 400
    with pytest.raises(DomainError) as refused:
        dispatch_complete(actor=committee_staff, pk=first.pk, hours_spent=Decimal("10000"))
    assert refused.value.code == "hours"

    # 2 hours a month declared over February and March: 12 hours (three times 4) passes, 12.5 is questioned.
    fine = client.post(reverse("tasks:dispatch_complete", args=[first.pk]), {"hours_spent": "12"}, follow=True)
    assert _said(fine) == [f"已办结：{item.code} {item.title}，实际耗时 12 小时。"]
    far = client.post(reverse("tasks:dispatch_complete", args=[second.pk]), {"hours_spent": "12.5"}, follow=True)
    said = _said(far)
    assert len(said) == 2 and "12.5" in said[1] and "3 倍" in said[1] and "请核对" in said[1]
    assert Dispatch.objects.get(pk=second.pk).hours_spent == Decimal("12.5"), "questioned, never refused"


def test_telling_committees_costs_the_same_queries_and_one_mail_connection_for_2_or_30(
        world, district_staff, django_capture_on_commit_callbacks, mailoutbox, monkeypatch) -> None:  # noqa: ANN001
    """The item stays locked while its committees are told: their notices must not cost a query each."""
    from django.core import mail

    connections = []
    real = mail.get_connection
    monkeypatch.setattr(mail, "get_connection", lambda *args, **kwargs: connections.append(1) or real(*args, **kwargs))
    committees = [CommitteeFactory(street=world.waitan, code=f"310101013{n:03d}", name=f"第{n}居委会")
                  for n in range(100, 130)]
    staff = {committee.pk: [UserFactory(username=f"c{committee.pk}-{k}", role=Role.COMMITTEE, committee=committee,
                                        email=f"c{committee.pk}-{k}@example.cn") for k in range(2)]
             for committee in committees}
    item = _this_years_item(world)

    def send(chosen: list) -> int:  # noqa: ANN001
        connections.clear()
        with CaptureQueriesContext(connection) as captured, django_capture_on_commit_callbacks(execute=True):
            dispatch_send(actor=district_staff, item_pk=item.pk, starts_on=TODAY, due_on=TODAY,
                          committees=list(Committee.objects.select_related("street").filter(pk__in=chosen)))
        assert len(connections) == 1, "every e-mail through one connection"
        return len(captured)

    send([committees[-1].pk])  # the sender's unit is read once, then known
    few = send([committee.pk for committee in committees[:2]])
    many = send([committee.pk for committee in committees])
    assert many == few
    for committee in committees:
        sent = Dispatch.objects.filter(committee=committee).order_by("-pk").first()
        for person in staff[committee.pk]:
            assert list(Notification.objects.filter(user=person, url__endswith=f"?dispatch={sent.pk}")
                        .values_list("user", flat=True)) == [person.pk], "each committee's own staff, its own task"
    assert Notification.objects.filter(user__committee__in=committees).count() == 2 + 2 * 2 + 30 * 2, "told once each"
    assert {to for message in mailoutbox for to in message.to} == {
        person.email for people in staff.values() for person in people}


def test_asking_many_rows_at_once_agrees_with_asking_each(world, personas, hankou_staff) -> None:  # noqa: ANN001
    """people_who_may_each against people_who_may, row by row: dispatches (no owner, no grants) and admission
    requests (an owner who never reviews their own, a second district officer, a street)."""
    from portal.core.scoping import people_who_may, people_who_may_each
    from tests.tasks_registry.test_admission import new_request, submit

    everyone = [*personas.values(), hankou_staff,
                UserFactory(username="huangpu2", role=Role.DISTRICT, district=world.huangpu),
                UserFactory(username="baoxing2", role=Role.COMMITTEE, committee=world.baoxing, is_active=False)]
    item = _this_years_item(world)
    sent = dispatch_send(actor=personas["district_staff"], item_pk=item.pk, starts_on=TODAY, due_on=TODAY,
                         committees=[world.baoxing, world.hankou, world.yunnan])
    received = dispatch_send(actor=personas["district_staff"], item_pk=item.pk, starts_on=TODAY, due_on=TODAY,
                             committees=[world.baoxing])[0]
    dispatch_receive(actor=personas["committee_staff"], pk=received.pk)  # signed for: nobody may sign again
    requests = [submit(new_request(personas["department_staff"], world, committees=[world.baoxing])),
                submit(new_request(personas["department_staff"], world, scope="district", title="全区"))]
    for rows, action in (([*sent, received], "receive"), (requests, "review"), (requests, "view")):
        each = people_who_may_each(((row, everyone) for row in rows), action)
        assert each == {row.pk: people_who_may(row, action, everyone) for row in rows}, action
        assert any(each.values()), f"{action}: someone may"
    assert people_who_may_each([], "receive") == {}
