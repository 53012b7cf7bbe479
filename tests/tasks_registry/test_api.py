"""The task admission API follows the pages' permissions and services."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm

from committees.models import Department
from tasks_registry.models import AdmissionRequest, Dispatch, RefusedDispatch, ViolationReport
from tasks_registry.services.reports import violation_report_file
from tests.support.factories import CommitteeFactory
from tests.tasks_registry.test_admission import new_request, submit
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db


def test_dispatch_through_the_api_and_its_refusal(api, world, district_staff, other_district_staff) -> None:  # noqa: ANN001
    today = datetime.date.today()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    api.force_authenticate(district_staff)
    sent = api.post("/api/v1/dispatches/", {"item": item.pk, "committees": [world.baoxing.code], "starts_on": today,
                                            "due_on": today}, format="json")
    assert sent.status_code == 201 and Dispatch.objects.count() == 1
    other = make_list(district=world.xuhui, year=today.year).items.get()
    api.force_authenticate(other_district_staff)
    outside = api.post("/api/v1/dispatches/", {"item": other.pk, "committees": [world.baoxing.code], "starts_on": today,
                                               "due_on": today}, format="json")
    assert outside.status_code == 400 and "committees" in outside.data  # another district's committee: does not exist
    api.force_authenticate(district_staff)
    assert api.post("/api/v1/dispatches/", {"item": other.pk, "committees": [world.baoxing.code], "starts_on": today,
                                            "due_on": today}, format="json").status_code == 404  # not their list
    draft = make_list(district=world.huangpu, year=today.year + 1, published=False).items.get()
    refused = api.post("/api/v1/dispatches/", {"item": draft.pk, "committees": [world.baoxing.code], "starts_on": today,
                                               "due_on": today}, format="json")
    assert refused.status_code == 400 and refused.data["code"] == "dispatch_refused" and "尚未发布" in refused.data["message"]
    assert RefusedDispatch.objects.get().item == draft


def test_requests_through_the_api(api, world, department_staff, district_staff) -> None:  # noqa: ANN001
    start = datetime.date.today() + datetime.timedelta(days=80)
    api.force_authenticate(department_staff)
    created = api.post("/api/v1/admission-requests/", {
        "title": "电动车充电桩排查", "category": "assistance", "legal_basis": "消防法", "scope": "district",
        "hours_per_month": "2", "starts_on": start, "ends_on": start + datetime.timedelta(days=30)}, format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert api.post(f"/api/v1/admission-requests/{pk}/submit/").data["status"] == "district_review"
    api.force_authenticate(district_staff)
    refused = api.post(f"/api/v1/admission-requests/{pk}/reject/", {"reason": ""}, format="json")
    assert refused.status_code == 400 and refused.data["code"] == "reason"
    assert api.post(f"/api/v1/admission-requests/{pk}/return/", {"reason": "补充依据"},
                    format="json").data["status"] == "returned"


def test_a_department_reads_reports_without_the_reporter(api, world, committee_staff, district_staff,
                                                         department_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/violation-reports/", {"sender": "区卫健委", "title": "入户核对", "sent_on": "2026-03-02"},
                       format="json")
    assert created.status_code == 201 and created.data["reporter"] == committee_staff.pk
    pk = created.data["id"]
    api.force_authenticate(district_staff)
    accepted = api.post(f"/api/v1/violation-reports/{pk}/accept/", {}, format="json")
    assert accepted.status_code == 200, accepted.data
    moved = api.post(f"/api/v1/violation-reports/{pk}/transfer/", {"department": department_staff.department_id}, format="json")
    assert moved.status_code == 200, moved.data
    api.force_authenticate(department_staff)
    seen = api.get(f"/api/v1/violation-reports/{pk}/").data
    assert seen["status"] == "transferred" and "reporter" not in seen
    assert ViolationReport.objects.get().reporter == committee_staff


# --- issue 11: each @action is its named action: 403 without the role permission, 404 outside its rows ---------
def _submitted(applicant, world, **fields):  # noqa: ANN001, ANN003, ANN202
    return submit(new_request(applicant, world, **fields))


@pytest.mark.parametrize("step", ["approve", "reject", "return"])
def test_review_actions_answer_403_without_the_permission_and_404_outside_the_stage(
        api, world, department_staff, street_officer, committee_staff, district_staff, outsider,
        other_district_staff, step) -> None:  # noqa: ANN001
    request = _submitted(department_staff, world, committees=[world.baoxing])  # the street's stage
    url = f"/api/v1/admission-requests/{request.pk}/{step}/"
    for person in (committee_staff, department_staff):  # neither role reviews
        api.force_authenticate(person)
        assert api.post(url, {"reason": "理由"}, format="json").status_code == 403
    for person in (district_staff, outsider, other_district_staff):  # reviewers, not of this stage or street
        api.force_authenticate(person)
        assert api.post(url, {"reason": "理由"}, format="json").status_code == 404
    api.force_authenticate(street_officer)
    assert api.post(url, {"reason": "理由"}, format="json").status_code == 200
    assert api.post(url, {"reason": "理由"}, format="json").status_code == 404  # done: no longer to review
    assert api.post("/api/v1/admission-requests/abc/approve/", {}, format="json").status_code == 404


def test_submit_edit_and_comment_follow_their_actions(api, world, department_staff, district_staff,
                                                     committee_staff, street_officer) -> None:  # noqa: ANN001
    start = datetime.date.today() + datetime.timedelta(days=80)
    draft = new_request(department_staff, world, scope="district", starts_on=start)
    base = f"/api/v1/admission-requests/{draft.pk}"
    api.force_authenticate(committee_staff)
    assert api.post(f"{base}/submit/").status_code == 403  # committees file no requests
    assert api.post(f"{base}/comment/", {"text": "意见"}, format="json").status_code == 403
    api.force_authenticate(district_staff)
    assert api.post(f"{base}/submit/").status_code == 404  # another person's draft
    assert api.patch(f"{base}/", {"title": "改"}, format="json").status_code == 404
    assert api.post(f"{base}/comment/", {"text": "意见"}, format="json").status_code == 404  # a draft is its own
    api.force_authenticate(department_staff)
    revised = api.patch(f"{base}/", {"title": "电动车充电桩排查（修订）"}, format="json")
    assert revised.status_code == 200 and revised.data["title"] == "电动车充电桩排查（修订）"
    assert api.post(f"{base}/submit/").data["status"] == "district_review"
    assert api.patch(f"{base}/", {"title": "再改"}, format="json").status_code == 404  # submitted: not editable
    api.force_authenticate(district_staff)
    commented = api.post(f"{base}/comment/", {"text": "请补充依据"}, format="json")
    assert commented.status_code == 201 and commented.data["kind"] == "comment"
    api.force_authenticate(street_officer)  # a district-wide request is not the street's to review or discuss
    assert api.post(f"{base}/comment/", {"text": "意见"}, format="json").status_code == 404


def test_the_lone_street_officers_request_says_where_it_went(api, world, district_staff, street_officer) -> None:  # noqa: ANN001
    start = datetime.date.today() + datetime.timedelta(days=80)
    api.force_authenticate(street_officer)
    created = api.post("/api/v1/admission-requests/", {
        "title": "楼道堆物排查", "category": "assistance", "legal_basis": "消防法", "scope": "committees",
        "committees": [world.baoxing.code], "hours_per_month": "1", "starts_on": start,
        "ends_on": start + datetime.timedelta(days=30)}, format="json")
    assert created.status_code == 201, created.data
    submitted = api.post(f"/api/v1/admission-requests/{created.data['id']}/submit/")
    assert (submitted.data["status"], submitted.data["street"]) == ("district_review", world.waitan.code)
    assert api.post("/api/v1/admission-requests/", {"title": "越界", "category": "duty", "legal_basis": "无",
                                                    "scope": "committees", "committees": [world.yunnan.code],
                                                    "hours_per_month": "1", "starts_on": start, "ends_on": start},
                    format="json").status_code == 400  # another street's committee: does not exist for him


def test_report_steps_answer_403_without_the_permission_and_404_outside_their_rows(
        api, world, committee_staff, district_staff, other_district_staff, department_staff, street_officer) -> None:  # noqa: ANN001
    report = violation_report_file(actor=committee_staff, data={"sender": "某部门", "title": "台账",
                                                                "sent_on": datetime.date(2026, 3, 2)})
    base = f"/api/v1/violation-reports/{report.pk}"
    for person in (street_officer, committee_staff, department_staff):  # none of them handles reports
        api.force_authenticate(person)
        assert api.post(f"{base}/accept/", {}, format="json").status_code == 403
    api.force_authenticate(other_district_staff)
    assert api.post(f"{base}/accept/", {}, format="json").status_code == 404
    for person in (district_staff, street_officer):  # the department alone replies
        api.force_authenticate(person)
        assert api.post(f"{base}/reply/", {"comment": "已处理"}, format="json").status_code == 403
    api.force_authenticate(department_staff)
    assert api.post(f"{base}/reply/", {"comment": "已处理"}, format="json").status_code == 404  # not transferred
    api.force_authenticate(district_staff)
    assert api.post(f"{base}/accept/", {}, format="json").status_code == 200
    other = Department.objects.create(district=world.xuhui, name="徐汇区卫健委")
    refused = api.post(f"{base}/transfer/", {"department": other.pk}, format="json")
    assert refused.status_code == 400 and "department" in refused.data  # another district's: does not exist
    assert api.post(f"{base}/transfer/", {"department": department_staff.department_id},
                    format="json").status_code == 200
    assert api.post(f"{base}/close/", {"outcome": "nonsense"}, format="json").status_code == 400
    api.force_authenticate(department_staff)
    assert api.post(f"{base}/reply/", {"comment": "已停止下派"}, format="json").status_code == 200
    # The department cannot filter by the reporting committee: the parameter is ignored, as an unknown one is.
    assert api.get("/api/v1/violation-reports/", {"committee": world.baoxing.code}).data == api.get(
        "/api/v1/violation-reports/").data
    api.force_authenticate(district_staff)
    assert api.get("/api/v1/violation-reports/", {"committee": world.baoxing.code}).data["count"] == 1
    closed = api.post(f"{base}/close/", {"outcome": "withdrawn"}, format="json")
    assert closed.status_code == 200 and closed.data["status"] == "closed"
    assert api.post(f"{base}/close/", {"outcome": "withdrawn"}, format="json").status_code == 404


def test_dispatch_needs_the_permission(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    assert api.post("/api/v1/dispatches/", {}, format="json").status_code == 403


def test_odd_input_is_refused_not_a_500(api, world, district_staff) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    huge = {"item": 10**30, "committees": [world.baoxing.code], "starts_on": "2026-03-02", "due_on": "2026-03-02"}
    assert api.post("/api/v1/dispatches/", huge, format="json").status_code == 400
    assert api.post("/api/v1/dispatches/", {**huge, "item": 2**62}, format="json").status_code == 404
    assert api.get("/api/v1/admission-requests/", {"district": "x" * 300, "status": "nonsense"}).status_code in (200, 400)
    assert api.post("/api/v1/violation-reports/1/transfer/", {"department": "abc"}, format="json").status_code == 400


@pytest.mark.parametrize("grant, status", [("view", 400), ("change", 201)])
def test_the_api_sends_to_committees_granted_read_write_only(api, world, outsider, grant, status) -> None:  # noqa: ANN001
    today = datetime.date.today()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    assign_perm(f"committees.{grant}_committee", outsider, world.baoxing)
    api.force_authenticate(outsider)
    response = api.post("/api/v1/dispatches/", {"item": item.pk, "committees": [world.baoxing.code],
                                                "starts_on": today, "due_on": today}, format="json")
    assert response.status_code == status, response.data
    if status == 400:
        assert "committees" in response.data and not Dispatch.objects.exists()  # reads as "does not exist"


def test_dispatching_to_twenty_committees_costs_what_one_does(api, world, district_staff) -> None:  # noqa: ANN001
    """The committees are read in one query with their streets, however many they are."""
    today = datetime.date.today()
    item = make_list(district=world.huangpu, year=today.year).items.get()
    many = [world.baoxing, *(CommitteeFactory(street=world.nanjing, code=f"310101002{n:03d}", name=f"居委会{n}")
                             for n in range(100, 119))]
    api.force_authenticate(district_staff)
    counts = []
    for committees in ([world.yunnan], [world.hankou], many):  # the first warms per-process caches (content types)
        with CaptureQueriesContext(connection) as queries:
            response = api.post("/api/v1/dispatches/", {"item": item.pk, "committees": [c.code for c in committees],
                                                        "starts_on": today, "due_on": today}, format="json")
        assert response.status_code == 201, response.data
        counts.append(len(queries))
        assert sum('FROM "committees_committee"' in q["sql"] for q in queries.captured_queries) == 2, \
            "the input's lookup and the service's reach check"
    assert counts[1] == counts[2]
    assert Dispatch.objects.count() == 22


def test_a_request_breaking_the_models_rules_is_refused_on_the_field(api, world, department_staff) -> None:  # noqa: ANN001
    start = datetime.date.today() + datetime.timedelta(days=80)
    payload = {"title": "电动车充电桩排查", "category": "assistance", "legal_basis": "消防法", "scope": "district",
               "hours_per_month": "-5", "starts_on": start, "ends_on": start + datetime.timedelta(days=30)}
    api.force_authenticate(department_staff)
    negative = api.post("/api/v1/admission-requests/", payload, format="json")
    assert negative.status_code == 400 and list(negative.data) == ["hours_per_month"]
    backwards = api.post("/api/v1/admission-requests/", {**payload, "hours_per_month": "2",
                                                         "ends_on": start - datetime.timedelta(days=1)}, format="json")
    assert backwards.status_code == 400 and list(backwards.data) == ["ends_on"]
    created = api.post("/api/v1/admission-requests/", {**payload, "hours_per_month": "2"}, format="json")
    assert created.status_code == 201
    patched = api.patch(f"/api/v1/admission-requests/{created.data['id']}/", {"hours_per_month": "-1"}, format="json")
    assert patched.status_code == 400 and list(patched.data) == ["hours_per_month"]
    assert not AdmissionRequest.objects.filter(hours_per_month__lt=0).exists()
