"""Where a write came from is decided once, never by the service (issue 13, "a complete, readable audit trail"):
a page writes `web`, the API `api`, a Celery task `task`, an import `import`, anything else (a management command)
`system` (portal/core/audit.py). And an entry keeps its row's units, and no personal data in clear."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from certificates.models import CertificateType, Registration
from committees.interchange import services as imports
from committees.models import CommitteeYear, OrgImport
from portal.core.audit import Source, audit_source, current_source
from portal.core.models import AuditEntry
from portal.indicators.models import ComputationRun
from portal.indicators.services import start_run
from portal.indicators.tasks import compute_indicators
from tests.support.factories import CommitteeYearFactory
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action))


def test_the_default_is_system_and_the_innermost_block_wins() -> None:
    assert current_source() == "system"
    with audit_source(Source.TASK):
        assert current_source() == "task"
        with audit_source(Source.IMPORT):
            assert current_source() == "import"
        assert current_source() == "task"
    assert current_source() == "system"


def test_a_registration_created_and_voided_through_the_api_says_api(api, world, committee_staff) -> None:  # noqa: ANN001
    api.force_authenticate(committee_staff)
    created = api.post("/api/v1/registrations/", {
        "certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳",
        "id_number": ID, "purpose": "入学", "facts": "居住", "verification": "走访"}, format="json")
    assert created.status_code == 201
    assert api.post(f"/api/v1/registrations/{created.data['id']}/void/", {"reason": "填错"}, format="json").status_code == 200
    [made], [voided] = _entries("registration.create"), _entries("registration.void")
    assert (made.source, made.actor, voided.source, voided.actor) == ("api", committee_staff, "api", committee_staff)
    assert voided.before["voided_at"] is None and voided.after["void_reason"] == "填错" and voided.reason == "填错"
    # The units of the row, for the trail's scope; the ID number masked, its hash never written.
    assert (made.district_id, made.street_id, made.committee_id) == (world.huangpu.pk, world.waitan.pk, world.baoxing.pk)
    for entry in (made, voided):
        written = str(entry.before) + str(entry.after)
        assert ID not in written and Registration.objects.get().id_hash not in written
    assert made.after["id_masked"] == "110***********002X" and "id_hash" not in made.after


def test_a_registration_made_on_its_page_says_web(client, world, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.post(reverse("certificates:register_new"), {
        "certificate_type": CertificateType.objects.get(name="居住情况证明").pk, "applicant_name": "王芳",
        "id_number": ID, "purpose": "入学", "facts": "居住", "verification": "走访", "seal_used": "on"})
    assert response.status_code == 302, getattr(response, "context", None) and response.context["form"].errors
    assert [entry.source for entry in _entries("registration.create")] == ["web"]


def test_a_recompute_jobs_writes_say_task(world, district_staff) -> None:  # noqa: ANN001
    CommitteeYearFactory(committee=world.baoxing, households=3300)
    with audit_source(Source.WEB):  # the button: the run is asked for on a page
        run = start_run(year=2025, trigger=ComputationRun.Trigger.BUTTON, actor=district_staff)
    compute_indicators.apply(args=[run.pk])  # the task, as a worker runs it
    [asked], [done] = _entries("computationrun.create"), _entries("computationrun.complete")
    assert (asked.source, done.source) == ("web", "task")
    assert done.actor == district_staff and done.before == {"status": "running"} and done.after["status"] == "done"


def _committee_years(world) -> SimpleUploadedFile:  # noqa: ANN001
    rows = "".join(f"{world.hankou.code},{year},{1000 + year},900\n" for year in range(2000, 2003))
    return SimpleUploadedFile("committee_years.csv", ("居委会代码,年度,管辖户数,实际居住户数\n" + rows).encode())


def test_an_org_import_started_on_a_page_writes_import(client, world, district_staff,  # noqa: ANN001
                                                       django_capture_on_commit_callbacks) -> None:  # noqa: ANN001
    with audit_source(Source.WEB), django_capture_on_commit_callbacks(execute=True):
        org_import = imports.org_import_start(actor=district_staff, files=[_committee_years(world)])
    assert OrgImport.objects.get(pk=org_import.pk).status == OrgImport.Status.VALID
    with audit_source(Source.WEB), django_capture_on_commit_callbacks(execute=True):
        imports.org_import_confirm(actor=district_staff, pk=org_import.pk)
    assert CommitteeYear.objects.filter(committee=world.hankou).count() == 3
    [confirmed], [applied] = _entries("orgimport.confirm"), _entries("orgimport.apply")
    assert (confirmed.source, applied.source) == ("web", "import")
    assert applied.actor == district_staff and applied.district_id == world.huangpu.pk


def test_an_import_from_the_command_line_says_import_and_a_command_system(tmp_path, world) -> None:  # noqa: ANN001
    path = tmp_path / "committee_years.csv"
    path.write_bytes(_committee_years(world).read())
    call_command("import_org", str(path), stdout=io.StringIO())
    assert [entry.source for entry in _entries("orgimport.apply")] == ["import"]
    # The import asked for the years it changed to be computed again: that too is the import's doing.
    assert {entry.source for entry in _entries("computationrun.create")} == {"import"}
    CommitteeYearFactory(committee=world.baoxing, year=2025)
    last = AuditEntry.objects.order_by("-pk").first().pk
    call_command("compute_indicators", "--year", "2025", stdout=io.StringIO())
    written = AuditEntry.objects.filter(pk__gt=last)
    assert sorted(written.values_list("action", "source")) == [("computationrun.complete", "system"),
                                                                ("computationrun.create", "system")]


def test_a_list_import_writes_an_entry_per_item_saying_import(client, world, district_staff) -> None:  # noqa: ANN001
    source = make_list(district=world.huangpu, items=2)
    client.force_login(district_staff)
    exported = client.get(reverse("tasks:list_export", args=[source.pk])).getvalue()
    draft = make_list(district=world.huangpu, year=2030, published=False, items=0)
    response = client.post(reverse("tasks:list_import", args=[draft.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", exported)})
    assert response.status_code == 302
    items = _entries("taskitem.create")
    assert sorted(entry.after["code"] for entry in items) == sorted(draft.items.values_list("code", flat=True))
    assert {(entry.source, entry.actor, entry.district_id) for entry in items} == {("import", district_staff,
                                                                                    world.huangpu.pk)}
    assert [entry.source for entry in _entries("tasklist.import_items")] == ["import"]


def test_every_task_of_the_portal_writes_as_a_task() -> None:
    from portal.celery import AuditedTask, app

    app.autodiscover_tasks(force=True)
    ours = {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}
    assert "portal.indicators.tasks.compute_indicators" in ours and "committees.tasks.run_org_import" in ours
    assert not [name for name, task in ours.items() if not isinstance(task, AuditedTask)]
