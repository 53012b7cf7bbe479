"""Every write leaves an audit entry (issue 13, "a complete, readable audit trail"): each public service that takes
an `actor` (`<entity>_<verb>` in `*/services*.py`) is called here, once, as the person who would call it, and must
write at least one entry naming that person, the source the call ran under, and what the row was before or after.

A new write service fails test_every_write_service_is_walked until WALK says how to call it (or NOT_WRITES why
it writes nothing a person did).
"""

import datetime
import importlib
import inspect
import io
import pathlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certificates.models import CertificateType
from certificates.services import catalogue, register
from committees import services as grants
from committees.interchange import import_org
from committees.interchange import services as imports
from committees.models import CommitteeYear
from portal.core import services as core
from portal.core.audit import Source, audit_source
from portal.core.models import AuditEntry
from portal.indicators import services as indicators
from portal.indicators.models import ComputationRun
from portal.workdays import services as workdays
from portal.workdays.models import CalendarDay
from tasks_registry.services import admission, dispatch, lists, reports
from tasks_registry.services.dispatch import DispatchRefused
from tests.support.factories import CommitteeYearFactory, ComputationRunFactory, OrgImportFactory
from tests.tasks_registry.test_admission import TODAY, new_request, submit
from tests.tasks_registry.test_lists_and_dispatch import make_list

pytestmark = pytest.mark.django_db

ROOT = pathlib.Path(__file__).resolve().parents[2]
ID = "11010519491231002X"

# Services that take an actor but write nothing a person did: what they are instead.
NOT_WRITES = {
    "certificates.services.catalogue.certificate_type_new": "an unsaved row for the form",
    "certificates.services.catalogue.certificate_type_override": "an unsaved copy for the form",
    "certificates.services.catalogue.lookup_tally_count": "a counter of lookups, no record of anyone's",
    "portal.core.services.record_written": "the check and entry record_save and the API's saves write (walked there)",
}


def write_services() -> set[str]:
    """Every public function of a service module of the portal that takes an `actor`."""
    found = set()
    paths = [*ROOT.glob("*/services.py"), *ROOT.glob("*/*/services.py"), *ROOT.glob("*/services/*.py"),
             *ROOT.glob("*/*/services/*.py")]
    for path in paths:
        if {".venv", "tests"} & set(path.relative_to(ROOT).parts) or path.name == "__init__.py":
            continue
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if (function.__module__ == module.__name__ and not name.startswith("_")
                    and "actor" in inspect.signature(function).parameters):
                found.add(f"{module.__name__}.{name}")
    return found


@dataclass
class Ctx:
    world: Any
    people: dict[str, Any]
    client: Any


WALK: dict[str, Callable[[Ctx], tuple[Any, str]]] = {}


def walks(function: Callable) -> Callable:
    """Register the walk of `function`: it calls the service and returns (the actor, the action the entry says)."""

    def register_walk(walk: Callable[[Ctx], tuple[Any, str]]) -> Callable:
        WALK[f"{function.__module__}.{function.__name__}"] = walk
        return walk

    return register_walk


# --- admission requests ----------------------------------------------------------------------------------------
REQUEST = {"title": "楼组长信息更新", "category": "assistance", "legal_basis": "《上海市居民委员会工作条例》",
           "hours_per_month": Decimal("2"), "starts_on": datetime.date(2026, 6, 1),
           "ends_on": datetime.date(2026, 12, 31), "scope": "district"}


def _submitted(ctx: Ctx) -> Any:
    return submit(new_request(ctx.people["department_staff"], ctx.world, scope="district"))


@walks(admission.admission_request_create)
def _(ctx: Ctx) -> tuple[Any, str]:
    admission.admission_request_create(actor=ctx.people["department_staff"], data=REQUEST)
    return ctx.people["department_staff"], "admissionrequest.create"


@walks(admission.admission_request_update)
def _(ctx: Ctx) -> tuple[Any, str]:
    draft = new_request(ctx.people["department_staff"], ctx.world, scope="district")
    admission.admission_request_update(actor=ctx.people["department_staff"], pk=draft.pk, data={"title": "改名"})
    return ctx.people["department_staff"], "admissionrequest.update"


@walks(admission.admission_request_submit)
def _(ctx: Ctx) -> tuple[Any, str]:
    draft = new_request(ctx.people["department_staff"], ctx.world, scope="district")
    admission.admission_request_submit(actor=ctx.people["department_staff"], pk=draft.pk, today=TODAY)
    return ctx.people["department_staff"], "admissionrequest.submit"


@walks(admission.admission_request_approve)
def _(ctx: Ctx) -> tuple[Any, str]:
    admission.admission_request_approve(actor=ctx.people["district_staff"], pk=_submitted(ctx).pk)
    return ctx.people["district_staff"], "admissionrequest.approve"


@walks(admission.admission_request_reject)
def _(ctx: Ctx) -> tuple[Any, str]:
    admission.admission_request_reject(actor=ctx.people["district_staff"], pk=_submitted(ctx).pk, reason="无依据")
    return ctx.people["district_staff"], "admissionrequest.rejected"


@walks(admission.admission_request_return)
def _(ctx: Ctx) -> tuple[Any, str]:
    admission.admission_request_return(actor=ctx.people["district_staff"], pk=_submitted(ctx).pk, reason="补充材料")
    return ctx.people["district_staff"], "admissionrequest.returned"


@walks(admission.admission_request_comment)
def _(ctx: Ctx) -> tuple[Any, str]:
    admission.admission_request_comment(actor=ctx.people["district_staff"], pk=_submitted(ctx).pk, text="请补充")
    return ctx.people["district_staff"], "admissionrequest.comment"


# --- violation reports -----------------------------------------------------------------------------------------
def _report(ctx: Ctx) -> Any:
    return reports.violation_report_file(actor=ctx.people["committee_staff"], data={
        "sender": "某街道办", "title": "创文入户调查", "sent_on": datetime.date(2026, 3, 2)})


def _accepted(ctx: Ctx) -> Any:
    return reports.violation_report_accept(actor=ctx.people["district_staff"], pk=_report(ctx).pk)


@walks(reports.violation_report_file)
def _(ctx: Ctx) -> tuple[Any, str]:
    _report(ctx)
    return ctx.people["committee_staff"], "violationreport.submitted"


@walks(reports.violation_report_accept)
def _(ctx: Ctx) -> tuple[Any, str]:
    reports.violation_report_accept(actor=ctx.people["district_staff"], pk=_report(ctx).pk)
    return ctx.people["district_staff"], "violationreport.accepted"


@walks(reports.violation_report_dismiss)
def _(ctx: Ctx) -> tuple[Any, str]:
    reports.violation_report_dismiss(actor=ctx.people["district_staff"], pk=_report(ctx).pk, reason="已列入清单")
    return ctx.people["district_staff"], "violationreport.dismissed"


@walks(reports.violation_report_transfer)
def _(ctx: Ctx) -> tuple[Any, str]:
    reports.violation_report_transfer(actor=ctx.people["district_staff"], pk=_accepted(ctx).pk,
                                      department=ctx.people["department_staff"].department)
    return ctx.people["district_staff"], "violationreport.transferred"


@walks(reports.violation_report_reply)
def _(ctx: Ctx) -> tuple[Any, str]:
    report = reports.violation_report_transfer(actor=ctx.people["district_staff"], pk=_accepted(ctx).pk,
                                               department=ctx.people["department_staff"].department)
    reports.violation_report_reply(actor=ctx.people["department_staff"], pk=report.pk, text="已撤回")
    return ctx.people["department_staff"], "violationreport.replied"


@walks(reports.violation_report_close)
def _(ctx: Ctx) -> tuple[Any, str]:
    reports.violation_report_close(actor=ctx.people["district_staff"], pk=_accepted(ctx).pk, outcome="withdrawn")
    return ctx.people["district_staff"], "violationreport.closed"


# --- lists and dispatches --------------------------------------------------------------------------------------
@walks(lists.task_list_create)
def _(ctx: Ctx) -> tuple[Any, str]:
    lists.task_list_create(actor=ctx.people["district_staff"], year=2031)
    return ctx.people["district_staff"], "tasklist.create"


@walks(lists.task_list_publish)
def _(ctx: Ctx) -> tuple[Any, str]:
    draft = make_list(district=ctx.world.huangpu, year=2031, published=False)
    lists.task_list_publish(actor=ctx.people["district_staff"], pk=draft.pk)
    return ctx.people["district_staff"], "tasklist.publish"


@walks(lists.task_list_carry)
def _(ctx: Ctx) -> tuple[Any, str]:
    lists.task_list_carry(actor=ctx.people["district_staff"], pk=make_list(district=ctx.world.huangpu).pk)
    return ctx.people["district_staff"], "taskitem.carry"


@walks(lists.task_item_save)
def _(ctx: Ctx) -> tuple[Any, str]:
    draft = make_list(district=ctx.world.huangpu, year=2031, published=False, items=0)
    lists.task_item_save(actor=ctx.people["district_staff"], list_pk=draft.pk, data={
        "code": "001", "title": "人口普查", "category": "assistance", "responsible_unit": "区统计局",
        "hours_per_month": Decimal("2")})
    return ctx.people["district_staff"], "taskitem.create"


@walks(lists.task_item_exit)
def _(ctx: Ctx) -> tuple[Any, str]:
    item = make_list(district=ctx.world.huangpu).items.get()
    lists.task_item_exit(actor=ctx.people["district_staff"], pk=item.pk, on=datetime.date(2026, 6, 1), reason="职能调整")
    return ctx.people["district_staff"], "taskitem.exit"


@walks(lists.task_list_import_items)
def _(ctx: Ctx) -> tuple[Any, str]:
    ctx.client.force_login(ctx.people["district_staff"])
    exported = ctx.client.get(reverse("tasks:list_export", args=[make_list(district=ctx.world.huangpu).pk])).getvalue()
    draft = make_list(district=ctx.world.huangpu, year=2031, published=False, items=0)
    written, errors, _notices = lists.task_list_import_items(actor=ctx.people["district_staff"], pk=draft.pk,
                                                             upload=io.BytesIO(exported))
    assert (written, errors) == (1, [])
    return ctx.people["district_staff"], "taskitem.create"


@walks(dispatch.dispatch_send)
def _(ctx: Ctx) -> tuple[Any, str]:
    item = make_list(district=ctx.world.huangpu).items.get()
    dispatch.dispatch_send(actor=ctx.people["district_staff"], item_pk=item.pk, committees=[ctx.world.baoxing],
                           starts_on=datetime.date(2026, 3, 1), due_on=datetime.date(2026, 5, 31))
    return ctx.people["district_staff"], "dispatch.send"


def _sent(ctx: Ctx) -> Any:
    item = make_list(district=ctx.world.huangpu).items.get()
    return dispatch.dispatch_send(actor=ctx.people["district_staff"], item_pk=item.pk, committees=[ctx.world.baoxing],
                                  starts_on=datetime.date(2026, 3, 1), due_on=datetime.date(2026, 5, 31))[0]


@walks(dispatch.dispatch_receive)
def _(ctx: Ctx) -> tuple[Any, str]:
    dispatch.dispatch_receive(actor=ctx.people["committee_staff"], pk=_sent(ctx).pk)
    return ctx.people["committee_staff"], "dispatch.receive"


@walks(dispatch.dispatch_complete)
def _(ctx: Ctx) -> tuple[Any, str]:
    sent = dispatch.dispatch_receive(actor=ctx.people["committee_staff"], pk=_sent(ctx).pk)
    dispatch.dispatch_complete(actor=ctx.people["committee_staff"], pk=sent.pk, hours_spent=Decimal("1.5"))
    return ctx.people["committee_staff"], "dispatch.complete"


@walks(dispatch.dispatch_refuse_unlisted)
def _(ctx: Ctx) -> tuple[Any, str]:
    with pytest.raises(DispatchRefused):
        dispatch.dispatch_refuse_unlisted(actor=ctx.people["district_staff"], title="创文台账", year=2026,
                                          committees=[ctx.world.baoxing])
    return ctx.people["district_staff"], "refuseddispatch.create"


# --- certificates ----------------------------------------------------------------------------------------------
def _registered(ctx: Ctx) -> Any:
    return register.registration_create(
        actor=ctx.people["committee_staff"], committee=ctx.world.baoxing,
        certificate_type=CertificateType.objects.get(name="居住情况证明"), applicant_name="王芳", id_number=ID,
        purpose="入学", facts="居住", verification="走访")


@walks(register.registration_create)
def _(ctx: Ctx) -> tuple[Any, str]:
    _registered(ctx)
    return ctx.people["committee_staff"], "registration.create"


@walks(register.registration_void)
def _(ctx: Ctx) -> tuple[Any, str]:
    register.registration_void(actor=ctx.people["committee_staff"], registration=_registered(ctx), reason="填错")
    return ctx.people["committee_staff"], "registration.void"


@walks(register.seal_use_create)
def _(ctx: Ctx) -> tuple[Any, str]:
    register.seal_use_create(actor=ctx.people["committee_staff"], committee=ctx.world.baoxing, item="notice",
                             content="停水通知", copies=2, approver="主任", applicant_phone="13812345678")
    return ctx.people["committee_staff"], "sealuse.create"


@walks(catalogue.certificate_type_save)
def _(ctx: Ctx) -> tuple[Any, str]:
    shared = CertificateType.objects.get(name="居住情况证明")
    copy = catalogue.certificate_type_override(actor=ctx.people["district_staff"], shared=shared)
    copy.conditions = "本区补充条件"
    catalogue.certificate_type_save(actor=ctx.people["district_staff"], certificate_type=copy)
    return ctx.people["district_staff"], "certificatetype.create"


@walks(catalogue.catalogue_import)
def _(ctx: Ctx) -> tuple[Any, str]:
    ctx.client.force_login(ctx.people["district_staff"])
    exported = ctx.client.get(reverse("certificates:catalogue_export")).getvalue()
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(exported))
    workbook.active.append(["黄浦区老年人优待证明", "优待证明", "", "可以据实出具", "核对本人身份证和户口簿", "", "", "", "", ""])
    changed = io.BytesIO()
    workbook.save(changed)
    changed.seek(0)
    written, errors, _notices = catalogue.catalogue_import(actor=ctx.people["district_staff"], upload=changed)
    assert written >= 1 and errors == [], errors
    return ctx.people["district_staff"], "certificatetype.create"


# --- organisation ----------------------------------------------------------------------------------------------
def _committee_years(ctx: Ctx) -> SimpleUploadedFile:
    rows = "".join(f"{ctx.world.hankou.code},{year},{1000 + year},900\n" for year in range(2000, 2003))
    return SimpleUploadedFile("committee_years.csv", ("居委会代码,年度,管辖户数,实际居住户数\n" + rows).encode())


@walks(grants.committee_access_grant)
def _(ctx: Ctx) -> tuple[Any, str]:
    grants.committee_access_grant(actor=ctx.people["district_staff"], grantee=ctx.people["outsider"],
                                  committee=ctx.world.baoxing, access="view")
    return ctx.people["district_staff"], "committee.access_grant"


@walks(grants.committee_access_revoke)
def _(ctx: Ctx) -> tuple[Any, str]:
    grants.committee_access_revoke(actor=ctx.people["district_staff"], grantee=ctx.people["outsider"],
                                   committee=ctx.world.baoxing)
    return ctx.people["district_staff"], "committee.access_revoke"


@walks(imports.org_import_start)
def _(ctx: Ctx) -> tuple[Any, str]:
    imports.org_import_start(actor=ctx.people["district_staff"], files=[_committee_years(ctx)])
    return ctx.people["district_staff"], "orgimport.create"


@walks(imports.org_import_confirm)
def _(ctx: Ctx) -> tuple[Any, str]:
    waiting = OrgImportFactory(district=ctx.world.huangpu, actor=ctx.people["district_staff"], status="valid",
                               file=ContentFile(_committee_years(ctx).read(), name="committee_years.csv"))
    imports.org_import_confirm(actor=ctx.people["district_staff"], pk=waiting.pk)
    return ctx.people["district_staff"], "orgimport.confirm"


@walks(imports.org_import_cancel)
def _(ctx: Ctx) -> tuple[Any, str]:
    waiting = OrgImportFactory(district=ctx.world.huangpu, actor=ctx.people["district_staff"], status="valid")
    imports.org_import_cancel(actor=ctx.people["district_staff"], pk=waiting.pk)
    return ctx.people["district_staff"], "orgimport.cancel"


@walks(imports.org_import_retry)
def _(ctx: Ctx) -> tuple[Any, str]:
    from django.utils import timezone

    stalled = OrgImportFactory(district=ctx.world.huangpu, actor=ctx.people["district_staff"], status="checking",
                               started_at=timezone.now(), attempts=1)
    imports.org_import_retry(actor=ctx.people["district_staff"], pk=stalled.pk)
    return ctx.people["district_staff"], "orgimport.retry"


@walks(imports.org_import_record_command)
def _(ctx: Ctx) -> tuple[Any, str]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "committee_years.csv"
        path.write_bytes(_committee_years(ctx).read())
        report = import_org(path, actor=ctx.people["district_staff"], dry_run=False)
        imports.org_import_record_command(path=path, report=report, actor=ctx.people["district_staff"], dry_run=False)
    return ctx.people["district_staff"], "orgimport.apply"


@walks(core.record_save)
def _(ctx: Ctx) -> tuple[Any, str]:
    core.record_save(actor=ctx.people["street_officer"], instance=CommitteeYear(
        committee=ctx.world.baoxing, year=2024, households=900, resident_households=800))
    return ctx.people["street_officer"], "committeeyear.create"


# --- indicators and the calendar ------------------------------------------------------------------------------
@walks(indicators.start_run)
def _(ctx: Ctx) -> tuple[Any, str]:
    indicators.start_run(year=2025, trigger=ComputationRun.Trigger.BUTTON, actor=ctx.people["district_staff"])
    return ctx.people["district_staff"], "computationrun.create"


@walks(indicators.request_recompute)
def _(ctx: Ctx) -> tuple[Any, str]:
    CommitteeYearFactory(committee=ctx.world.baoxing, year=2025)
    indicators.request_recompute(year=2025, actor=ctx.people["district_staff"], trigger=ComputationRun.Trigger.BUTTON)
    return ctx.people["district_staff"], "computationrun.create"


@walks(indicators.recompute_after_import)
def _(ctx: Ctx) -> tuple[Any, str]:
    indicators.recompute_after_import([2025], actor=ctx.people["district_staff"])
    return ctx.people["district_staff"], "computationrun.create"


@walks(indicators.run_retry)
def _(ctx: Ctx) -> tuple[Any, str]:
    stalled = ComputationRunFactory(status="running", finished_at=None, progress=10, attempts=1)
    indicators.run_retry(actor=ctx.people["district_staff"], pk=stalled.pk)
    return ctx.people["district_staff"], "computationrun.retry"


@walks(indicators.run_cancel)
def _(ctx: Ctx) -> tuple[Any, str]:
    stalled = ComputationRunFactory(status="running", finished_at=None, progress=10, attempts=1)
    indicators.run_cancel(actor=ctx.people["district_staff"], pk=stalled.pk)
    return ctx.people["district_staff"], "computationrun.cancel"


def _day(ctx: Ctx) -> CalendarDay:
    return workdays.calendar_day_save(actor=ctx.people["city_staff"], instance=CalendarDay(
        day=datetime.date(2090, 10, 2), is_working_day=False, name="国庆节", source_document="国办发明电〔2089〕1号"))


@walks(workdays.calendar_day_save)
def _(ctx: Ctx) -> tuple[Any, str]:
    _day(ctx)
    return ctx.people["city_staff"], "calendarday.create"


@walks(workdays.calendar_day_delete)
def _(ctx: Ctx) -> tuple[Any, str]:
    workdays.calendar_day_delete(actor=ctx.people["city_staff"], pk=_day(ctx).pk)
    return ctx.people["city_staff"], "calendarday.delete"


@walks(workdays.calendar_year_save)
def _(ctx: Ctx) -> tuple[Any, str]:
    _day(ctx)
    workdays.calendar_year_save(actor=ctx.people["city_staff"], year=2090, source_document="国办发明电〔2089〕1号")
    return ctx.people["city_staff"], "calendaryear.create"


@walks(workdays.calendar_year_delete)
def _(ctx: Ctx) -> tuple[Any, str]:
    _day(ctx)
    loaded = workdays.calendar_year_save(actor=ctx.people["city_staff"], year=2090, source_document="国办发明电〔2089〕1号")
    workdays.calendar_year_delete(actor=ctx.people["city_staff"], pk=loaded.pk)
    return ctx.people["city_staff"], "calendaryear.delete"


# --- the tests -------------------------------------------------------------------------------------------------
def test_every_write_service_is_walked() -> None:
    found = write_services()
    assert found, "no service module found"
    assert not found - set(WALK) - set(NOT_WRITES), "add the walk of each (WALK) or say why it writes nothing"
    assert not (set(WALK) | set(NOT_WRITES)) - found, "a walked service is gone: take it out"


IMPORTS = {"taskitem.create": "tasks_registry.services.lists.task_list_import_items",
           "certificatetype.create": "certificates.services.catalogue.catalogue_import",
           "orgimport.apply": "committees.interchange.services.org_import_record_command"}


@pytest.mark.parametrize("name", sorted(WALK))
def test_each_write_leaves_an_entry_with_actor_source_and_values(name: str, world, personas, client,  # noqa: ANN001
                                                                 outsider) -> None:  # noqa: ANN001
    ctx = Ctx(world=world, people={**personas, "outsider": outsider}, client=client)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with audit_source(Source.WEB):
        actor, action = WALK[name](ctx)
    written = AuditEntry.objects.filter(pk__gt=last, action=action)
    assert written.exists(), f"{name} wrote no {action!r} entry"
    expected = "import" if IMPORTS.get(action) == name else "web"
    for entry in written.order_by("pk").reverse()[:1]:  # the call's own (the set-up writes its own entries too)
        assert entry.actor == actor and entry.source == expected, (entry.actor, entry.source)
        assert entry.before is not None or entry.after is not None, f"{action}: neither before nor after"
        assert entry.object_id and entry.object_type


def test_personal_data_stays_masked_in_every_entry(world, committee_staff) -> None:  # noqa: ANN001
    register.registration_create(actor=committee_staff, committee=world.baoxing,
                                 certificate_type=CertificateType.objects.get(name="居住情况证明"), applicant_name="王芳",
                                 id_number=ID, purpose="入学", facts="居住", verification="走访")
    register.seal_use_create(actor=committee_staff, committee=world.baoxing, item="notice", content="停水通知", copies=1,
                             approver="主任", applicant_phone="13812345678")
    written = " ".join(str(entry.before) + str(entry.after) for entry in AuditEntry.objects.all())
    assert ID not in written and "13812345678" not in written and "138****5678" in written
    assert "id_hash" not in written

