"""Plausibility warnings in the API (issue 15): an admission request that starts years ahead is saved, and the
response says what the page says, as a read-only `warnings` list."""

import datetime

import pytest

from tasks_registry.models import AdmissionRequest

pytestmark = pytest.mark.django_db


def _payload(world, start: datetime.date) -> dict:  # noqa: ANN001
    return {"title": "老年人助餐需求摸排", "category": "assistance", "legal_basis": "《上海市养老服务条例》",
            "scope": "committees", "committees": [world.baoxing.code], "hours_per_month": "3",
            "starts_on": start.isoformat(), "ends_on": (start + datetime.timedelta(days=30)).isoformat()}


def test_a_request_starting_years_ahead_is_saved_with_a_warning(api, world, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    start = datetime.date.today() + datetime.timedelta(days=3 * 365)
    created = api.post("/api/v1/admission-requests/", _payload(world, start), format="json")
    assert created.status_code == 201 and AdmissionRequest.objects.count() == 1
    assert created.data["warnings"] == [f"开始日期（{start.isoformat()}）距今天超过 2 年。"]
    soon = datetime.date.today() + datetime.timedelta(days=90)
    changed = api.patch(f"/api/v1/admission-requests/{created.data['id']}/",
                        {"starts_on": soon.isoformat(), "ends_on": (soon + datetime.timedelta(days=30)).isoformat()},
                        format="json")
    assert changed.status_code == 200 and changed.data["warnings"] == []
    assert api.get(f"/api/v1/admission-requests/{created.data['id']}/").data["warnings"] == []
