"""A file above the inline size is checked and imported by a real Celery worker through Redis."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile

from committees.interchange import services
from committees.models import CommitteeYear, OrgImport
from portal.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_status(org_import: OrgImport, *statuses: str, seconds: float = 30) -> OrgImport:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        org_import.refresh_from_db()
        if org_import.status in statuses:
            return org_import
        time.sleep(0.1)
    raise AssertionError(f"still {org_import.status}")


def test_a_big_file_is_checked_and_imported_by_the_worker(world, district_staff, settings) -> None:  # noqa: ANN001
    settings.PORTAL_IMPORT_LIMITS = {**settings.PORTAL_IMPORT_LIMITS, "inline_bytes": 0}
    rows = "".join(f"{world.hankou.code},{year},{1000 + year},900\n" for year in range(1950, 2050))
    upload = SimpleUploadedFile("committee_years.csv", ("居委会代码,年度,管辖户数,实际居住户数\n" + rows).encode())
    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        org_import = services.org_import_start(actor=district_staff, files=[upload])
        assert org_import.status == OrgImport.Status.CHECKING  # the request returned before the check ran
        org_import = _wait_for_status(org_import, OrgImport.Status.VALID, OrgImport.Status.INVALID)
        assert org_import.status == OrgImport.Status.VALID, org_import.errors
        assert org_import.counts["committee_years"]["created"] == 100 and not CommitteeYear.objects.exists()

        services.org_import_confirm(actor=district_staff, pk=org_import.pk)
        org_import = _wait_for_status(org_import, OrgImport.Status.DONE, OrgImport.Status.FAILED)
    assert org_import.status == OrgImport.Status.DONE
    assert CommitteeYear.objects.filter(committee=world.hankou).count() == 100
