"""The import API does what the import page does: upload (checked, nothing written), poll, confirm."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from committees.models import CommitteeYear

pytestmark = pytest.mark.django_db

URL = "/api/v1/imports/"


def _csv(code: str, households: int) -> SimpleUploadedFile:
    body = f"居委会代码,年度,管辖户数,实际居住户数\n{code},2025,{households},10\n"
    return SimpleUploadedFile("committee_years.csv", body.encode())


def test_upload_check_and_confirm_through_the_api(api, world, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(URL, {"files": [_csv(world.hankou.code, 700)]}, format="multipart")
    assert created.status_code == 201, created.content
    checked = api.get(f"{URL}{created.data['id']}/").data
    assert checked["status"] == "valid" and checked["counts"]["committee_years"]["created"] == 1
    assert not CommitteeYear.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        confirmed = api.post(f"{URL}{created.data['id']}/confirm/")
    assert confirmed.status_code == 202
    assert api.get(f"{URL}{created.data['id']}/").data["status"] == "done"
    assert CommitteeYear.objects.get().households == 700
    second = api.post(f"{URL}{created.data['id']}/confirm/")
    assert second.status_code == 400 and "不在等待确认" in str(second.data)


def test_an_invalid_file_returns_its_errors(api, world, district_staff, django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(URL, {"files": [_csv(world.hankou.code, -1)]}, format="multipart")
    data = api.get(f"{URL}{created.data['id']}/").data
    assert data["status"] == "invalid"
    assert [(e["sheet"], e["row"], e["column"], e["value"]) for e in data["errors"]] == [
        ("committee_years", 2, "households", "-1")]


def test_imports_are_scoped_and_need_the_role(api, world, street_officer, outsider, committee_staff,
                                               django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    api.force_authenticate(street_officer)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(URL, {"files": [_csv(world.baoxing.code, 5)]}, format="multipart")
    api.force_authenticate(outsider)
    assert api.get(f"{URL}{created.data['id']}/").status_code == 404
    assert api.post(f"{URL}{created.data['id']}/confirm/").status_code == 404
    assert api.get(URL).data["count"] == 0
    api.force_authenticate(committee_staff)
    assert api.get(URL).status_code == 403
    assert api.post(URL, {"files": [_csv(world.baoxing.code, 5)]}, format="multipart").status_code == 403


def test_an_upload_that_is_not_an_organisation_file_is_refused(api, world, district_staff) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    response = api.post(URL, {"files": [SimpleUploadedFile("notes.txt", b"hello")]}, format="multipart")
    assert response.status_code == 400 and "只能导入" in str(response.data)


def test_confirm_and_cancel_are_named_actions(api, world, street_officer, committee_staff, district_staff,
                                              django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """Without the role: 403 before anything is looked up; a district's staff act on their streets' files;
    a step from the wrong status is a 400 that says why."""
    api.force_authenticate(street_officer)
    with django_capture_on_commit_callbacks(execute=True):
        created = api.post(URL, {"files": [_csv(world.baoxing.code, 5)]}, format="multipart")
    api.force_authenticate(committee_staff)
    assert api.post(f"{URL}{created.data['id']}/cancel/").status_code == 403
    assert api.post(f"{URL}no-such/confirm/").status_code == 403
    api.force_authenticate(district_staff)
    assert api.post(f"{URL}no-such/confirm/").status_code == 404
    cancelled = api.post(f"{URL}{created.data['id']}/cancel/")
    assert cancelled.status_code == 200 and cancelled.data["status"] == "cancelled"
    again = api.post(f"{URL}{created.data['id']}/cancel/")
    assert again.status_code == 400 and again.data["code"] == "not_cancelable"
