"""Issue 11: who reviews an admission request. The reviewers' queue, the notices and the review buttons are
one rule (restrict(user, "review")), and a request whose only possible street reviewer is its applicant
goes to the district, the applicant being told so."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from portal.core.models import Notification
from portal.core.scoping import people_who_may
from tasks_registry.models import AdmissionRequest
from tasks_registry.services.admission import admission_request_approve, admission_request_return
from tasks_registry.services.notices import admission_request_remind_overdue
from tests.support.factories import UserFactory
from tests.tasks_registry.test_admission import new_request, submit
from tests.tasks_registry.test_request_pages import _form

pytestmark = pytest.mark.django_db


def _to_review(request: AdmissionRequest) -> set:
    """Who was told to review `request` (the bell's rows of its "to review" notices)."""
    url = reverse("tasks:request_detail", args=[request.pk])
    return {n.user for n in Notification.objects.filter(url=url, text__startswith="待审核").select_related("user")}


class TestTheLoneStreetOfficer:
    def test_his_request_for_his_street_goes_to_the_district_and_he_is_told(self, client, world, street_officer,
                                                                           district_staff) -> None:  # noqa: ANN001
        client.force_login(street_officer)
        response = client.post(reverse("tasks:request_new"), {**_form(world), "submit": "1"}, follow=True)
        request = AdmissionRequest.objects.get()
        assert (request.status, request.street) == ("district_review", world.waitan)
        told = [str(m) for m in response.context["messages"]]
        assert any("外滩街道" in m and "区级审核" in m for m in told), told
        assert "区级审核" in request.events.get(kind="submitted").text  # the timeline says so too
        assert "review" not in response.context["actions"], "no review button for the applicant"
        assert _to_review(request) == {district_staff}, "nobody else is asked, the applicant least of all"

    def test_the_district_reviewer_finds_it_in_the_queue_and_may_act(self, client, world, street_officer,
                                                                   district_staff) -> None:  # noqa: ANN001
        request = submit(new_request(street_officer, world, committees=[world.baoxing]))
        client.force_login(district_staff)
        queue = client.get(reverse("tasks:request_list"))
        assert queue.context["tab"] == "queue"
        assert [r.pk for r in queue.context["page"].object_list] == [request.pk]
        page = client.get(reverse("tasks:request_detail", args=[request.pk]))
        assert "review" in page.context["actions"]
        client.post(reverse("tasks:request_review", args=[request.pk, "approve"]))
        request.refresh_from_db()
        assert request.status == "approved"

    def test_his_own_queue_stays_empty(self, client, world, district_staff, street_officer) -> None:  # noqa: ANN001
        submit(new_request(street_officer, world, committees=[world.baoxing]))
        client.force_login(street_officer)
        queue = client.get(reverse("tasks:request_list"), {"tab": "queue"})
        assert list(queue.context["page"].object_list) == [] and queue.context["queue_count"] == 0
        assert not Notification.objects.filter(user=street_officer).exists()

    def test_with_a_colleague_the_colleague_reviews_first(self, world, street_officer, district_staff) -> None:  # noqa: ANN001
        colleague = UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)
        request = submit(new_request(street_officer, world, committees=[world.baoxing]))
        assert request.status == "street_review" and request.events.get(kind="submitted").text == ""
        assert _to_review(request) == {colleague}
        assert set(AdmissionRequest.objects.restrict(colleague, "review")) == {request}
        assert not AdmissionRequest.objects.restrict(district_staff, "review").exists()
        assert admission_request_approve(actor=colleague, pk=request.pk).status == "district_review"
        assert _to_review(request) == {colleague, district_staff}

    def test_an_inactive_colleague_does_not_count(self, world, street_officer, district_staff) -> None:  # noqa: ANN001
        UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan, is_active=False)
        assert submit(new_request(street_officer, world, committees=[world.baoxing])).status == "district_review"


class TestTheLoneDistrictReviewer:
    def test_her_own_request_is_refused_before_it_waits_forever(self, client, world, district_staff) -> None:  # noqa: ANN001
        client.force_login(district_staff)
        response = client.post(reverse("tasks:request_new"), {**_form(world), "submit": "1"})
        request = AdmissionRequest.objects.get()
        assert request.status == "draft"  # kept as a draft: nothing waits for nobody
        told = [str(m) for m in get_messages(response.wsgi_request)]
        assert any("没有可以审核这份申请的人" in m for m in told), told
        assert not Notification.objects.exists()

    def test_with_a_colleague_it_goes_to_the_colleague(self, world, district_staff) -> None:  # noqa: ANN001
        colleague = UserFactory(username="huangpu2", role="district", district=world.huangpu)
        request = submit(new_request(district_staff, world, committees=[world.baoxing, world.yunnan]))
        assert request.status == "district_review" and _to_review(request) == {colleague}


def _told(step):  # noqa: ANN001, ANN202
    """Run `step`; return its request and who it told to review it."""
    since = Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0
    request = step()
    return request, {n.user for n in Notification.objects.filter(id__gt=since, text__startswith="待审核")
                     .select_related("user")}


def _stages(world, personas) -> dict[str, tuple[AdmissionRequest, set]]:  # noqa: ANN001
    """Requests in every stage, filed by different applicants, each with who the step that brought it
    there told to review it."""
    department, officer, district = personas["department_staff"], personas["street_officer"], personas["district_staff"]
    street = _told(lambda: submit(new_request(department, world, committees=[world.baoxing], title="街道审核中")))
    passed = submit(new_request(department, world, streets=[world.waitan], scope="streets", title="街道已同意"))
    passed = _told(lambda: admission_request_approve(actor=officer, pk=passed.pk))
    lone = _told(lambda: submit(new_request(personas["outsider"], world, committees=[world.yunnan], title="无人可审")))
    returned = submit(new_request(officer, world, scope="district", title="退回修改"))
    returned = _told(lambda: admission_request_return(actor=district, pk=returned.pk, reason="请补充依据"))
    draft = (new_request(officer, world, committees=[world.hankou], title="草稿"), set())
    return {"street": street, "passed": passed, "lone": lone, "returned": returned, "draft": draft}


def test_the_queue_the_notices_and_the_buttons_agree_for_everyone(world, personas) -> None:  # noqa: ANN001
    """For every persona and every applicant, for a request in every stage: in their queue ⇔ told to review
    it when it reached that stage ⇔ the page offers them the review ⇔ people_who_may names them."""
    stages = _stages(world, personas)
    assert [stages[name][0].status for name in ("street", "passed", "lone", "returned", "draft")] == [
        "street_review", "district_review", "district_review", "returned", "draft"]
    everyone = {*personas.values(), *(request.applicant for request, _told in stages.values())}
    for name, (request, told) in stages.items():
        queued = {person for person in everyone
                  if AdmissionRequest.objects.restrict(person, "review").filter(pk=request.pk).exists()}
        buttons = {person for person in everyone
                   if "review" in AdmissionRequest.objects.permitted(person, request, "review")}
        assert queued == buttons == set(people_who_may(request, "review")) == told, name
        assert request.applicant not in queued, name
    assert stages["street"][1] == {personas["street_officer"]}
    assert stages["passed"][1] == stages["lone"][1] == {personas["district_staff"]}


def test_the_overdue_reminder_goes_to_the_queue_only(world, personas) -> None:  # noqa: ANN001
    """The reminders actually written, against the reviewers declared here by hand (DOMAIN "Task admission")
    and against the queue."""
    stages = _stages(world, personas)
    Notification.objects.all().delete()
    admission_request_remind_overdue(today=datetime.date(2030, 1, 1))
    declared = {"street": {personas["street_officer"]}, "passed": {personas["district_staff"]},
                "lone": {personas["district_staff"]}, "returned": set(), "draft": set()}
    for name, (request, _told_then) in stages.items():
        reminded = {n.user for n in Notification.objects.filter(url=reverse("tasks:request_detail", args=[request.pk]))}
        assert reminded == declared[name], name
        assert reminded == {person for person in personas.values()
                            if AdmissionRequest.objects.restrict(person, "review").filter(pk=request.pk).exists()}, name


def test_a_decided_review_leaves_nobodys_bell(world, street_officer, district_staff,
                                               django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """Issue 11: nobody sees a review they cannot act on, the bell included."""
    from portal.core.notifications import unread_count

    colleague = UserFactory(username="huangpu2", role="district", district=world.huangpu)
    waitan2 = UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)
    with django_capture_on_commit_callbacks(execute=True):  # the bell's cached counts are cleared on commit
        request = submit(new_request(street_officer, world, committees=[world.baoxing]))
    assert _to_review(request) == {waitan2} and unread_count(waitan2) == 1
    with django_capture_on_commit_callbacks(execute=True):
        admission_request_approve(actor=waitan2, pk=request.pk)  # the street passes it on
    assert unread_count(waitan2) == 0
    assert unread_count(district_staff) == unread_count(colleague) == 1
    with django_capture_on_commit_callbacks(execute=True):
        admission_request_return(actor=colleague, pk=request.pk, reason="请补充法律依据")
    assert unread_count(district_staff) == unread_count(colleague) == 0  # the other reviewer's notice is gone too
    assert unread_count(street_officer) == 1  # the applicant's "returned" notice stays
