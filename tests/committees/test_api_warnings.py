"""Plausibility warnings in the API (issue 15): what the pages say after saving is in the response too, as a
read-only `warnings` list of sentences; the record is saved all the same."""

import datetime

import pytest

from committees.models import CommitteeYear, CommunityWorker

pytestmark = pytest.mark.django_db


def test_an_annual_record_with_more_residents_than_households_is_saved_with_a_warning(api, world,
                                                                                      street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    created = api.post("/api/v1/committee-years/", {"committee": world.baoxing.code, "year": 2026, "households": 1000,
                                                    "resident_households": 1200}, format="json")
    assert created.status_code == 201
    assert created.data["warnings"] == ["实际居住户数（1200）大于管辖户数（1000）。"]
    record = CommitteeYear.objects.get()
    fixed = api.patch(f"/api/v1/committee-years/{record.pk}/", {"resident_households": 900}, format="json")
    assert fixed.status_code == 200 and fixed.data["warnings"] == []
    listed = api.get("/api/v1/committee-years/").data
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [row["warnings"] for row in rows] == [[]]


def test_a_worker_hired_after_today_is_saved_with_a_warning(api, world, street_officer) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    later = datetime.date.today() + datetime.timedelta(days=10)
    created = api.post("/api/v1/workers/", {"code": "W-001", "committee": world.baoxing.code, "name": "李四",
                                            "position": "社工", "hired_on": later.isoformat()}, format="json")
    assert created.status_code == 201 and CommunityWorker.objects.count() == 1
    assert created.data["warnings"] == [f"入职日期（{later.isoformat()}）晚于今天。"]
    ignored = api.patch(f"/api/v1/workers/{created.data['id']}/", {"warnings": []}, format="json")
    assert ignored.status_code == 200 and ignored.data["warnings"] == created.data["warnings"], "read-only"
