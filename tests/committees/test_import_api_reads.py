"""What the import API answers after a step is read as the user may view it (restrict(user, "view")), like every
other read: a service authorises its own action (add, confirm, cancel), not the read of the row it returns."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from committees.models import OrgImport
from portal.accounts.roles import ROLE_PERMISSIONS

URL = "/api/v1/imports/"


def _csv(code: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("committee_years.csv", f"居委会代码,年度,管辖户数,实际居住户数\n{code},2025,700,10\n".encode())


@pytest.mark.django_db
def test_an_upload_is_answered_through_the_users_view_of_imports(api, world, district_staff, monkeypatch,
                                                                 django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    """A role that may import but not read imports (not one of ours today: a role changed later) is not shown the
    import it made: the answer is read through restrict(user, "view"), which reaches nothing."""
    api.force_authenticate(district_staff)
    with django_capture_on_commit_callbacks(execute=True):
        shown = api.post(URL, {"files": [_csv(world.hankou.code)]}, format="multipart")
    assert shown.status_code == 201 and shown.json()["file_name"] == "committee_years.csv", "the user's own view"

    monkeypatch.setitem(ROLE_PERMISSIONS, district_staff.role,
                        ROLE_PERMISSIONS[district_staff.role] - {"committees.view_orgimport"})
    with django_capture_on_commit_callbacks(execute=True):
        hidden = api.post(URL, {"files": [_csv(world.hankou.code)]}, format="multipart")

    assert hidden.status_code == 404 and "committee_years.csv" not in hidden.content.decode()
    assert OrgImport.objects.count() == 2, "the upload itself was allowed (the role may import)"


@pytest.mark.django_db
def test_a_command_lines_dry_run_has_nothing_to_confirm(world, district_staff) -> None:  # noqa: ANN001
    """A dry run of `import_org --user` is recorded "valid" without a stored file: neither the page's button nor
    the service offers to confirm it (it used to fail with an unexpected error)."""
    from django.core.files.base import ContentFile

    from committees.interchange.services import org_import_confirm
    from committees.models import OrgImport
    from portal.core.exceptions import DomainError
    from tests.support.factories import OrgImportFactory

    dry_run = OrgImportFactory(district=world.huangpu, actor=district_staff, status=OrgImport.Status.VALID,
                               source=OrgImport.Source.COMMAND)
    uploaded = OrgImportFactory(district=world.huangpu, actor=district_staff, status=OrgImport.Status.VALID)
    uploaded.file.save("checked.csv", ContentFile(b"code\n"), save=True)
    assert list(OrgImport.objects.restrict(district_staff, "confirm")) == [uploaded]
    with pytest.raises(DomainError):
        org_import_confirm(actor=district_staff, pk=dry_run.pk)
    dry_run.refresh_from_db()
    assert dry_run.status == OrgImport.Status.VALID
