"""The task admission API follows the pages' permissions and services."""

import datetime

import pytest

from tasks_registry.models import Dispatch, RefusedDispatch, ViolationReport
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
