"""Admission request pages: filing with the duplicate check, the queue, the timeline, reviewing, attachments."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tasks_registry.models import AdmissionRequest, RequestEvent, TaskItem
from tasks_registry.services.admission import admission_request_approve
from tests.support.factories import UserFactory
from tests.tasks_registry.test_admission import new_request, submit
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db


def _form(world, **overrides) -> dict:  # noqa: ANN001
    start = datetime.date.today() + datetime.timedelta(days=70)
    return {"title": "老年人助餐需求摸排", "category": "assistance", "legal_basis": "《上海市养老服务条例》",
            "scope": "committees", "committees": [world.baoxing.code, world.hankou.code], "hours_per_month": "3",
            "starts_on": start, "ends_on": start + datetime.timedelta(days=90), **overrides}


def test_a_street_officer_files_and_submits_a_request(client, world, district_staff, street_officer) -> None:  # noqa: ANN001
    """The street reviews it first, by a colleague: nobody reviews their own request (test_admission.py;
    without a colleague it goes to the district: test_review_routing.py)."""
    UserFactory(username="waitan2", role="street", district=world.huangpu, street=world.waitan)
    client.force_login(street_officer)
    response = client.post(reverse("tasks:request_new"), {**_form(world), "submit": "1"})
    request = AdmissionRequest.objects.get()
    assert response.url == reverse("tasks:request_detail", args=[request.pk])
    assert (request.status, request.street, request.applicant) == ("street_review", world.waitan, street_officer)
    assert [e.kind for e in request.events.all()] == ["created", "submitted"]


def test_a_request_too_close_to_its_start_stays_a_draft_with_the_reason(client, world, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    soon = datetime.date.today() + datetime.timedelta(days=7)
    response = client.post(reverse("tasks:request_new"), {**_form(world, starts_on=soon), "submit": "1"}, follow=True)
    assert "至少 30 个工作日" in response.content.decode()
    assert AdmissionRequest.objects.get().status == "draft"


def test_the_duplicate_check_suggests_listed_items_and_open_requests(client, world, street_officer,
                                                                      department_staff) -> None:  # noqa: ANN001
    make_list(district=world.huangpu, title="老年人助餐服务需求调查")
    new_request(department_staff, world, scope="district", title="助餐点需求摸排统计")
    client.force_login(street_officer)
    response = client.get(reverse("tasks:request_similar"), {"title": "老年人助餐需求摸排"}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert "老年人助餐服务需求调查" in content
    assert "<html" not in content


def test_the_reviewers_queue_and_the_review_buttons(client, world, department_staff, street_officer,
                                                   district_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, committees=[world.baoxing],
                          starts_on=datetime.date.today() + datetime.timedelta(days=70))
    submit(request, today=datetime.date.today())
    client.force_login(street_officer)
    queue = client.get(reverse("tasks:request_list"))
    assert [r.pk for r in queue.context["page"].object_list] == [request.pk]
    page = client.get(reverse("tasks:request_detail", args=[request.pk])).content.decode()
    assert "转区级审核" in page
    client.post(reverse("tasks:request_review", args=[request.pk, "approve"]))
    client.force_login(district_staff)
    response = client.post(reverse("tasks:request_review", args=[request.pk, "reject"]), {"reason": ""}, follow=True)
    assert "请填写理由" in response.content.decode()
    client.post(reverse("tasks:request_review", args=[request.pk, "approve"]))
    request.refresh_from_db()
    assert request.status == "approved" and request.filed_item.code == "ZR001"
    again = client.post(reverse("tasks:request_review", args=[request.pk, "approve"]), follow=True)
    assert "已由他人处理" in again.content.decode() and "已准入并报备" in again.content.decode()


def test_comments_and_attachments_go_on_the_timeline(client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = new_request(department_staff, world, scope="district",
                          starts_on=datetime.date.today() + datetime.timedelta(days=70))
    submit(request, today=datetime.date.today())
    client.force_login(district_staff)
    pdf = SimpleUploadedFile("依据.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    client.post(reverse("tasks:request_detail", args=[request.pk]), {"text": "请补充依据", "attachment": pdf})
    event = RequestEvent.objects.get(kind="attachment")
    assert event.text == "请补充依据" and event.attachment_name == "依据.pdf"
    download = client.get(reverse("tasks:request_attachment", args=[request.pk, event.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00", content_type="application/pdf")
    refused = client.post(reverse("tasks:request_detail", args=[request.pk]), {"attachment": fake})
    assert "只能上传" in refused.content.decode() or "只能" in refused.content.decode()


def test_a_department_sees_its_own_requests_only(client, world, department_staff, outsider) -> None:  # noqa: ANN001
    theirs = new_request(outsider, world, committees=[world.yunnan])
    client.force_login(department_staff)
    assert client.get(reverse("tasks:request_detail", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("size", [10, 1000])
def test_queue_and_timeline_keep_their_query_count(client, world, department_staff, district_staff, size,
                                                   django_assert_max_num_queries) -> None:  # noqa: ANN001
    first = new_request(department_staff, world, scope="district", status="district_review")
    AdmissionRequest.objects.bulk_create([AdmissionRequest(
        applicant=department_staff, district=world.huangpu, department=department_staff.department, title=f"申请{n}",
        category="duty", legal_basis="依据", scope="district", hours_per_month=1, status="district_review",
        starts_on=first.starts_on, ends_on=first.ends_on, review_due_on=datetime.date(2026, 1, 1)) for n in range(size)])
    RequestEvent.objects.bulk_create([RequestEvent(request=first, actor=district_staff, kind="comment", text=f"意见{n}")
                                      for n in range(min(size, 200))])
    client.force_login(district_staff)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("tasks:request_list")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("tasks:request_detail", args=[first.pk])).status_code == 200


def test_the_duplicate_check_sees_the_whole_district_but_only_titles_and_states(client, world, district_staff, street_officer,
                                                                                 outsider, department_staff,
                                                                                 other_district_staff) -> None:  # noqa: ANN001
    """Issue 11: a street officer finds what another street filed (open, in review), without a way into it."""
    theirs = submit(new_request(outsider, world, committees=[world.yunnan], title="老年人助餐点需求摸排"))
    mine = new_request(street_officer, world, committees=[world.baoxing], title="老年人助餐需求调查草稿")
    new_request(department_staff, world, scope="district", title="老年人助餐需求（他人草稿）")  # a draft: its own
    new_request(other_district_staff, world, scope="district", title="老年人助餐需求（徐汇）")
    client.force_login(street_officer)
    found = client.get(reverse("tasks:request_similar"), {"title": "老年人助餐需求摸排"}).context["similar"]["requests"]
    assert {(r.title, r.status, r.pk) for r in found} == {
        ("老年人助餐点需求摸排", "区级审核中", None),  # 南京东路's: seen, not opened
        ("老年人助餐需求调查草稿", "草稿", mine.pk)}
    assert not AdmissionRequest.objects.restrict(street_officer).filter(pk=theirs.pk).exists()


def test_the_duplicate_check_finds_a_task_already_admitted_onto_a_list_still_in_draft(client, world, district_staff,
                                                                                     street_officer,
                                                                                     department_staff) -> None:  # noqa: ANN001
    """Approving files the item on the district's list of the year it starts, which may still be a draft (not
    among the published items the check reads): the admitted request itself is found."""
    admitted = submit(new_request(department_staff, world, scope="district", title="垃圾分类入户宣传"))
    admission_request_approve(actor=district_staff, pk=admitted.pk)
    assert not TaskItem.objects.restrict(street_officer, "find_similar").filter(title="垃圾分类入户宣传").exists()
    client.force_login(street_officer)
    found = client.get(reverse("tasks:request_similar"), {"title": "垃圾分类入户宣传"}).context["similar"]["requests"]
    assert [(r.title, r.status) for r in found] == [("垃圾分类入户宣传", "已准入并报备")]


@pytest.mark.parametrize("action", ["approve", "reject", "return"])
def test_a_review_the_form_refuses_is_shown_and_decides_nothing(client, world, department_staff, district_staff,
                                                                action) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    client.force_login(district_staff)
    response = client.post(reverse("tasks:request_review", args=[request.pk, action]), {"reason": "意" * 3000})
    assert response.status_code == 400
    assert "reason" in response.context["review_form"].errors
    assert "请填写理由" not in response.content.decode(), "too long is not missing"
    request.refresh_from_db()
    assert request.status == "district_review" and list(request.events.values_list("kind", flat=True)) == [
        "submitted"]


def test_a_reason_left_out_is_asked_for_on_the_form(client, world, department_staff, district_staff) -> None:  # noqa: ANN001
    request = submit(new_request(department_staff, world, scope="district"))
    client.force_login(district_staff)
    response = client.post(reverse("tasks:request_review", args=[request.pk, "reject"]), {"reason": " "})
    assert response.status_code == 400 and "reason" in response.context["review_form"].errors
    request.refresh_from_db()
    assert request.status == "district_review"


def test_a_draft_without_targets_is_saved_and_its_submission_says_what_is_missing(client, world,
                                                                                 street_officer) -> None:  # noqa: ANN001
    """"A request names its targets" is the service's rule (at submission); the form shows it on the field."""
    client.force_login(street_officer)
    saved = client.post(reverse("tasks:request_new"), {**_form(world, committees=[]), "save": "1"})
    request = AdmissionRequest.objects.get()
    assert saved.url == reverse("tasks:request_detail", args=[request.pk]) and request.status == "draft"
    refused = client.post(reverse("tasks:request_edit", args=[request.pk]), {**_form(world, committees=[]),
                                                                             "submit": "1"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["committees"] == ["请选择任务涉及的居村委会。"]
    request.refresh_from_db()
    assert request.status == "draft"


def test_a_new_request_refused_at_submission_is_revised_not_filed_twice(client, world, district_staff, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    refused = client.post(reverse("tasks:request_new"), {**_form(world, scope="streets"), "submit": "1"})
    request = AdmissionRequest.objects.get()
    assert refused.url == reverse("tasks:request_edit", args=[request.pk])  # the draft's page (issue 15)
    client.post(reverse("tasks:request_edit", args=[request.pk]),
                {**_form(world, scope="streets", streets=[world.waitan.code]), "submit": "1"})
    assert AdmissionRequest.objects.get().status in ("street_review", "district_review")
