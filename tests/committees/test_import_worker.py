"""A file above the inline size is checked and imported by a real Celery worker through Redis; a step that waits
for the queue or stopped is said so, and started again or set aside from the import's page (issue 12)."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from committees.interchange import services
from committees.models import CommitteeYear, OrgImport
from portal.celery import app
from portal.core.models import AuditEntry
from tests.support.factories import OrgImportFactory
from tests.support.jobs import Runner, broker

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


# --- a step that waits or stopped (issue 12) ------------------------------------------------------------------
def _rows(world) -> SimpleUploadedFile:  # noqa: ANN001
    rows = "".join(f"{world.hankou.code},{year},{1000 + year},900\n" for year in range(2000, 2010))
    return SimpleUploadedFile("committee_years.csv", ("居委会代码,年度,管辖户数,实际居住户数\n" + rows).encode())


def _stalled(world, actor, status: str) -> OrgImport:  # noqa: ANN001
    """An import whose step a worker took, then died running: the lock is gone, the status still says so."""
    org_import = OrgImportFactory(district=world.huangpu, street=actor.street, actor=actor, status=status,
                                  started_at=timezone.now(),
                                  attempts=1, file=ContentFile(_rows(world).read(), name="committee_years.csv"))
    Runner(org_import).die()
    return org_import


def test_a_check_the_queue_refused_waits_says_so_and_runs_when_started_again(client, world, district_staff,
                                                                           settings) -> None:  # noqa: ANN001
    settings.PORTAL_IMPORT_LIMITS = {**settings.PORTAL_IMPORT_LIMITS, "inline_bytes": 0}
    with broker("redis://127.0.0.1:1/0"):  # nobody listens there: the queue is down
        org_import = services.org_import_start(actor=district_staff, files=[_rows(world)])
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.CHECKING and org_import.sent_at is None
    client.force_login(district_staff)
    page = client.get(reverse("committees:import_detail", args=[org_import.pk]))
    assert page.context["job_state"] == "waiting" and {"retry", "cancel"} <= page.context["actions"]
    assert "任务队列暂时不可用：该文件的校验正在等待" in page.content.decode()

    app.control.purge()
    with start_worker(app, pool="solo", concurrency=1, perform_ping_check=False, shutdown_timeout=10):
        answer = client.post(reverse("committees:import_retry", args=[org_import.pk]))
        assert answer.status_code == 302
        org_import = _wait_for_status(org_import, OrgImport.Status.VALID, OrgImport.Status.INVALID)
    assert org_import.status == OrgImport.Status.VALID and org_import.counts["committee_years"]["created"] == 10
    assert org_import.sent_at and org_import.attempts == 1
    assert AuditEntry.objects.get(action="orgimport.retry").actor == district_staff


def test_an_import_whose_worker_died_is_said_stopped_and_can_be_set_aside(client, world, street_officer) -> None:  # noqa: ANN001
    org_import = _stalled(world, street_officer, OrgImport.Status.APPLYING)
    stored = org_import.file.path
    client.force_login(street_officer)
    page = client.get(reverse("committees:import_detail", args=[org_import.pk]))
    assert page.context["job_state"] == "stalled" and "该文件的处理已中断" in page.content.decode()
    assert client.post(reverse("committees:import_cancel", args=[org_import.pk])).status_code == 302
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.CANCELLED and not org_import.file and not os.path.exists(stored)
    assert AuditEntry.objects.get(action="orgimport.cancel").before == {"status": "applying"}
    services.org_import_run(pk=org_import.pk, step="apply")  # the message that was still in the queue
    org_import.refresh_from_db()
    assert org_import.status == OrgImport.Status.CANCELLED and not CommitteeYear.objects.exists()


def test_an_import_a_worker_is_running_can_be_neither_cancelled_nor_started_again(client, world, district_staff) -> None:  # noqa: ANN001
    org_import = OrgImportFactory(district=world.huangpu, actor=district_staff, status=OrgImport.Status.APPLYING,
                                  started_at=timezone.now(), attempts=1)
    runner = Runner(org_import)
    try:
        client.force_login(district_staff)
        page = client.get(reverse("committees:import_detail", args=[org_import.pk]))
        assert page.context["job_state"] == "running" and "import_retry" not in page.content.decode()
        for action in ("import_cancel", "import_retry"):
            answer = client.post(reverse(f"committees:{action}", args=[org_import.pk]), follow=True)
            assert [str(m) for m in answer.context["messages"]][-1].startswith("该文件正在处理中")
        org_import.refresh_from_db()
        assert org_import.status == OrgImport.Status.APPLYING
    finally:
        runner.die()
