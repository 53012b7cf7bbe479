"""The restrict() matrix (issue 11): every scoped model × every action it answers × every persona.

For each model there is a fixed set of rows, one per unit of the conftest world (and, where the action cares,
one per state), made with the factories; for each (model, action) a DECLARED table says which of those rows each
persona reaches. A persona a table leaves out reaches none of them; the anonymous visitor and an inactive user
reach nothing, ever. The tables come from DOMAIN.md ("Who uses it", "Task admission", "Certificates") and the
comments on the Action declarations, not from what the code answers today: where the two disagree, the
domain's answer stays here and the code is fixed.

What the actions mean for rows:
- `view`, and a named action (`review`, `void`…): the rows the persona may do it to.
- `add`: the rows the persona could have created, i.e. rows lying where the persona creates rows of that kind
  (what `record_written` checks after a create). A request is its applicant's, an import its importer's unit's:
  `add` reaches them only for that person, or someone of that unit.
- `change`, `delete`: the rows the persona may edit or delete. Nothing users register is ever deleted.

Three personas of this module have their own tables, one per (model, action), in GRANTEE, ADMIN and
XUHUI_GRANTEE:
- "grantee": a street officer of 南京东路街道 (the outsider's role and units) holding a read-write grant on
  宝兴居委会 and a read-only grant on 汉口路居委会. A view grant widens reading only; a change grant widens what an
  action declared `grant="change"` reaches; an action declared `grant=None` is never widened by any grant.
- "admin": a superuser (the platform administrator) with no unit: every permission, and for an action with `at`
  every row in the stage of any level, for one without `at` every row; `where`, `owner`, `not_owner` still apply.
- "xuhui_grantee": a member of 徐汇区's staff with a read-write grant on 黄浦区, the grant that can show widening
  of requests' review and reports' handling (see XUHUI_GRANT_WIDENS).

A new scoped model or a new action fails test_every_model_and_action_is_declared until ROWS, EXPECTED and the
personas' own tables say what it should do.
"""

import datetime
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from django.db import models, transaction
from django.utils import timezone

from certificates.models import CertificateType, Registration, SealUse
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    Department,
    District,
    OrgImport,
    Qualification,
    SpaceStandard,
    Street,
)
from committees.services import committee_access_grant
from portal.accounts.roles import Role
from portal.core.models import AuditEntry
from portal.core.scoping import ScopedModel, may_ever, model_actions
from portal.indicators.models import ComputationRun, Result, Target
from portal.workdays.models import CalendarDay, CalendarYear
from tasks_registry.models import AdmissionRequest, Dispatch, RefusedDispatch, TaskItem, TaskList, ViolationReport
from tests import conftest
from tests.support.factories import (
    AdmissionRequestFactory,
    AuditEntryFactory,
    CalendarDayFactory,
    CalendarYearFactory,
    CertificateTypeFactory,
    CommitteeYearFactory,
    CommunityFundFactory,
    CommunityWorkerFactory,
    ComputationRunFactory,
    DepartmentFactory,
    DispatchFactory,
    DistrictUserGrantFactory,
    OrgImportFactory,
    QualificationFactory,
    RefusedDispatchFactory,
    RegistrationFactory,
    ResultFactory,
    SealUseFactory,
    SpaceStandardFactory,
    TargetFactory,
    TaskItemFactory,
    TaskListFactory,
    UserFactory,
    ViolationReportFactory,
)

# The personas of tests/conftest.py (its `personas` fixture), the anonymous visitor and an inactive user.
CONFTEST_PERSONAS = tuple(inspect.signature(conftest.personas.__wrapped__).parameters)
# Made by this module's `matrix` fixture, each with its own tables (GRANTEE, ADMIN, XUHUI_GRANTEE).
OWN_PERSONAS = ("grantee", "admin", "xuhui_grantee")
PERSONAS = (*CONFTEST_PERSONAS, *OWN_PERSONAS, "anonymous", "inactive")
COMMITTEES = ("baoxing", "hankou", "yunnan", "xuhui_committee")
STREETS = ("waitan", "nanjing", "xuhui_street")
Rows = dict[str, models.Model]
Table = dict[str, set[str]]


def scoped_models() -> list[type[ScopedModel]]:
    """Every concrete subclass of ScopedModel, however deep."""
    found, stack = set(), [ScopedModel]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if not sub._meta.abstract and not sub._meta.proxy:
                found.add(sub)
    return sorted(found, key=lambda model: model._meta.label)


# --- the rows: one builder per model ---------------------------------------------------------------------------

ROWS: dict[type[models.Model], Callable[[Any, dict[str, Any]], Rows]] = {}


def rows_of(model: type[models.Model]) -> Callable:
    def register(build: Callable[[Any, dict[str, Any]], Rows]) -> Callable:
        ROWS[model] = build
        return build
    return register


def _per_committee(make: Callable[[Committee], models.Model]) -> Callable[[Any, dict[str, Any]], Rows]:
    return lambda world, people: {name: make(getattr(world, name)) for name in COMMITTEES}


def _per_street(make: Callable[[Street], models.Model]) -> Callable[[Any, dict[str, Any]], Rows]:
    return lambda world, people: {name: make(getattr(world, name)) for name in STREETS}


ROWS[District] = lambda world, people: {"huangpu": world.huangpu, "xuhui": world.xuhui}
ROWS[Street] = lambda world, people: {name: getattr(world, name) for name in STREETS}
ROWS[Committee] = lambda world, people: {name: getattr(world, name) for name in COMMITTEES}
ROWS[Department] = lambda world, people: {"huangpu": people["department_staff"].department,
                                          "xuhui": DepartmentFactory(district=world.xuhui, name="区城管执法局")}
ROWS[SpaceStandard] = lambda world, people: {"huangpu": SpaceStandardFactory(district=world.huangpu),
                                             "xuhui": SpaceStandardFactory(district=world.xuhui)}
ROWS[CommitteeYear] = _per_committee(lambda committee: CommitteeYearFactory(committee=committee))
ROWS[CommunityWorker] = _per_committee(lambda committee: CommunityWorkerFactory(committee=committee))
ROWS[Qualification] = _per_committee(
    lambda committee: QualificationFactory(worker=CommunityWorkerFactory(committee=committee)))
ROWS[CommunityFund] = _per_street(lambda street: CommunityFundFactory(street=street))
ROWS[RefusedDispatch] = _per_committee(lambda committee: RefusedDispatchFactory(committees=[committee]))


@rows_of(Dispatch)
def _dispatches(world: Any, people: dict[str, Any]) -> Rows:
    """One waiting to be signed for per committee; 宝兴's also one signed for (to be reported done) and one done."""
    rows = {name: DispatchFactory(committee=getattr(world, name)) for name in COMMITTEES}
    staff, now = people["committee_staff"], timezone.now()
    rows["baoxing_received"] = DispatchFactory(committee=world.baoxing, received_at=now, received_by=staff)
    rows["baoxing_done"] = DispatchFactory(committee=world.baoxing, received_at=now, received_by=staff, done_at=now,
                                           done_by=staff, hours_spent=Decimal("3.5"))
    return rows
ROWS[SealUse] = _per_committee(lambda committee: SealUseFactory(committee=committee))


@rows_of(AuditEntry)
def _audit_entries(world: Any, people: dict[str, Any]) -> Rows:
    """An entry keeps the units its row had: none (the calendar's), a district's, a street's, a committee's."""
    return {"city": AuditEntryFactory(),
            "huangpu": AuditEntryFactory(district=world.huangpu),
            "waitan": AuditEntryFactory(district=world.huangpu, street=world.waitan),
            "baoxing": AuditEntryFactory(district=world.huangpu, street=world.waitan, committee=world.baoxing),
            "xuhui": AuditEntryFactory(district=world.xuhui, street=world.xuhui_street)}


@rows_of(OrgImport)
def _imports(world: Any, people: dict[str, Any]) -> Rows:
    """Imports belong to their importer's unit when they were made; one from the command line to nobody's.
    A checked file waits (valid or invalid) to be confirmed or set aside; a done one is history; one at a step
    (applying) may be retried or set aside when it stopped."""
    district, officer = people["district_staff"], people["street_officer"]
    return {
        "huangpu_valid": OrgImportFactory(district=world.huangpu, actor=district, status="valid", file=CHECKED),
        "huangpu_done": OrgImportFactory(district=world.huangpu, actor=district),
        "waitan_valid": OrgImportFactory(district=world.huangpu, street=world.waitan, actor=officer, status="valid",
                                         file=CHECKED),
        "waitan_invalid": OrgImportFactory(district=world.huangpu, street=world.waitan, actor=officer,
                                           status="invalid"),
        "waitan_applying": OrgImportFactory(district=world.huangpu, street=world.waitan, actor=officer,
                                            status="applying"),
        "nanjing_valid": OrgImportFactory(district=world.huangpu, street=world.nanjing, actor=people["outsider"],
                                          status="valid", file=CHECKED),
        "xuhui_valid": OrgImportFactory(district=world.xuhui, actor=people["other_district_staff"], status="valid",
                                        file=CHECKED),
        "command_valid": OrgImportFactory(district=None, actor=None, source=OrgImport.Source.COMMAND, status="valid"),
    }


# Runs compute the whole city's year: they belong to no unit.
ROWS[ComputationRun] = lambda world, people: {
    "queued": ComputationRunFactory(status="queued", started_at=None, finished_at=None, progress=0),
    "running": ComputationRunFactory(status="running", finished_at=None, progress=10),
    "done": ComputationRunFactory(),
}


@rows_of(Target)
def _targets(world: Any, people: dict[str, Any]) -> Rows:
    return {"city": TargetFactory(district=None), "huangpu": TargetFactory(district=world.huangpu),
            "xuhui": TargetFactory(district=world.xuhui)}


@rows_of(Result)
def _results(world: Any, people: dict[str, Any]) -> Rows:
    rows = {"city": ResultFactory(scope="city", year=2025)}
    for name in ("huangpu", "xuhui"):
        rows[name] = ResultFactory(scope="district", district=getattr(world, name), year=2025)
    for name in STREETS:
        rows[name] = ResultFactory(scope="street", street=getattr(world, name), year=2025)
    for name in COMMITTEES:
        rows[name] = ResultFactory(committee=getattr(world, name), year=2025)
    return rows


def _lists(world: Any, first_year: int) -> Rows:
    """A published list (for `first_year`) and a draft (for the next) for the city and for each district."""
    owners = {"city": {"level": "city", "district": None}, "huangpu": {"district": world.huangpu},
              "xuhui": {"district": world.xuhui}}
    return {f"{owner}_{status}": TaskListFactory(year=year, status=status, **fields)
            for owner, fields in owners.items() for status, year in (("published", first_year), ("draft", first_year + 1))}


@rows_of(TaskList)
def _task_lists(world: Any, people: dict[str, Any]) -> Rows:
    return _lists(world, 2010)  # outside the factories' sequence of years


@rows_of(TaskItem)
def _task_items(world: Any, people: dict[str, Any]) -> Rows:
    lists = _lists(world, 2012)
    rows = {name: TaskItemFactory(task_list=task_list) for name, task_list in lists.items()}
    for owner in ("city", "huangpu"):
        rows[f"{owner}_exited"] = TaskItemFactory(task_list=lists[f"{owner}_published"], exited_at=datetime.date(2012, 6, 1))
    return rows


@rows_of(AdmissionRequest)
def _requests(world: Any, people: dict[str, Any]) -> Rows:
    """Requests of 黄浦区 filed by its health department and by the street officer of 外滩街道, in every state a
    named action cares about, and one of 徐汇区 at the district's review."""
    department, officer = people["department_staff"], people["street_officer"]
    xuhui_officer = UserFactory(username="xuhui_street_officer", role=Role.STREET, street=world.xuhui_street)
    return {
        "department_draft": AdmissionRequestFactory(applicant=department),
        "department_at_district": AdmissionRequestFactory(applicant=department, status="district_review"),
        "department_at_waitan": AdmissionRequestFactory(applicant=department, status="street_review", scope="committees",
                                                        committees=[world.baoxing], street=world.waitan),
        "department_at_nanjing": AdmissionRequestFactory(applicant=department, status="street_review",
                                                         scope="committees", committees=[world.yunnan],
                                                         street=world.nanjing),
        # The whole district's, yet at a street's review with no street named (submit never makes one; the
        # authorization walk did): every street reads it, no street reviews it (issue 13).
        "department_wide_at_street": AdmissionRequestFactory(applicant=department, status="street_review"),
        "department_approved": AdmissionRequestFactory(applicant=department, status="approved"),
        "department_rejected": AdmissionRequestFactory(applicant=department, status="rejected"),
        "street_draft": AdmissionRequestFactory(applicant=officer, scope="streets", streets=[world.waitan]),
        "street_returned": AdmissionRequestFactory(applicant=officer, status="returned", scope="streets",
                                                   streets=[world.waitan], street=world.waitan),
        # At the street's review although its applicant is the street's officer: a colleague reviews it.
        "street_own_review": AdmissionRequestFactory(applicant=officer, status="street_review", scope="committees",
                                                     committees=[world.hankou], street=world.waitan),
        "street_at_district": AdmissionRequestFactory(applicant=officer, status="district_review", scope="streets",
                                                      streets=[world.waitan], street=world.waitan),
        "xuhui_at_district": AdmissionRequestFactory(applicant=xuhui_officer, status="district_review",
                                                     scope="streets", streets=[world.xuhui_street]),
    }


@rows_of(ViolationReport)
def _reports(world: Any, people: dict[str, Any]) -> Rows:
    health = people["department_staff"].department
    reporter = people["committee_staff"]
    return {
        "baoxing_submitted": ViolationReportFactory(committee=world.baoxing, reporter=reporter),
        "baoxing_transferred": ViolationReportFactory(committee=world.baoxing, reporter=reporter,
                                                      status="transferred", department=health),
        "baoxing_closed": ViolationReportFactory(committee=world.baoxing, reporter=reporter, status="closed",
                                                 department=health),
        "hankou_accepted": ViolationReportFactory(committee=world.hankou, status="accepted"),
        "hankou_dismissed": ViolationReportFactory(committee=world.hankou, status="dismissed"),
        "yunnan_transferred": ViolationReportFactory(
            committee=world.yunnan, status="transferred",
            department=DepartmentFactory(district=world.huangpu, name="区城管执法局")),
        "xuhui_submitted": ViolationReportFactory(committee=world.xuhui_committee),
    }


@rows_of(CertificateType)
def _certificate_types(world: Any, people: dict[str, Any]) -> Rows:
    national = CertificateTypeFactory(jurisdiction="national", district=None)
    return {
        "national": national,
        "city": CertificateTypeFactory(jurisdiction="city", district=None),
        "huangpu": CertificateTypeFactory(district=world.huangpu),
        "huangpu_override": CertificateTypeFactory(district=world.huangpu, overrides=national, rule="refuse"),
        "xuhui": CertificateTypeFactory(district=world.xuhui),
    }


@rows_of(Registration)
def _registrations(world: Any, people: dict[str, Any]) -> Rows:
    rows = {name: RegistrationFactory(committee=getattr(world, name)) for name in COMMITTEES}
    rows["baoxing_voided"] = RegistrationFactory(committee=world.baoxing, voided_at=datetime.datetime.now(datetime.UTC))
    return rows


@rows_of(CalendarDay)
def _calendar_days(world: Any, people: dict[str, Any]) -> Rows:
    """The city's working-day calendar (issue 14): no unit owns a day. A holiday and a make-up working day."""
    return {"holiday": CalendarDayFactory(is_working_day=False), "make_up": CalendarDayFactory(is_working_day=True)}


ROWS[CalendarYear] = lambda world, people: {"loaded": CalendarYearFactory(loaded_by=people["city_staff"])}


# --- the declared expectations ---------------------------------------------------------------------------------

NOBODY: Table = {}
HUANGPU = {"baoxing", "hankou", "yunnan"}
WAITAN = {"baoxing", "hankou"}

# DOMAIN "Who uses it": a district sees its streets and committees, a street its committees, a committee itself;
# a department's staff are at their district's level; the city sees every district.
BY_COMMITTEE: Table = {
    "city_staff": HUANGPU | {"xuhui_committee"}, "district_staff": HUANGPU, "department_staff": HUANGPU,
    "street_officer": WAITAN, "outsider": {"yunnan"}, "committee_staff": {"baoxing"},
    "other_district_staff": {"xuhui_committee"},
}
# Street-level rows: a committee's staff see their own street's.
BY_STREET: Table = {
    "city_staff": {"waitan", "nanjing", "xuhui_street"}, "district_staff": {"waitan", "nanjing"},
    "department_staff": {"waitan", "nanjing"}, "street_officer": {"waitan"}, "outsider": {"nanjing"},
    "committee_staff": {"waitan"}, "other_district_staff": {"xuhui_street"},
}
# District-level rows: everyone of a district sees their district's.
BY_DISTRICT: Table = {
    "city_staff": {"huangpu", "xuhui"}, "other_district_staff": {"xuhui"},
    **{persona: {"huangpu"} for persona in ("district_staff", "department_staff", "street_officer", "outsider",
                                             "committee_staff")},
}
DISTRICTS = ("district_staff", "other_district_staff")
KEEPERS_OF_RECORDS = ("district_staff", "other_district_staff", "street_officer", "outsider")
HUANGPU_PEOPLE = ("district_staff", "department_staff", "street_officer", "outsider", "committee_staff")


def with_baoxing_dispatches(table: Table) -> Table:
    """A dispatch table with 宝兴's signed-for and done dispatches beside 宝兴's waiting one, for whoever reaches it."""
    return {persona: rows | ({"baoxing_received", "baoxing_done"} if "baoxing" in rows else set())
            for persona, rows in table.items()}


def only(table: Table, *personas: str) -> Table:
    return {persona: rows for persona, rows in table.items() if persona in personas}


def without(table: Table, *personas: str) -> Table:
    return {persona: rows for persona, rows in table.items() if persona not in personas}


def every(personas: tuple[str, ...], rows: set[str]) -> Table:
    return {persona: set(rows) for persona in personas}


# Admission requests (DOMAIN "Task admission"): the open ones of 黄浦区 past their applicant's draft.
REQUESTS_UNDER_WAY = {"department_at_district", "department_at_waitan", "department_at_nanjing",
                      "department_wide_at_street", "street_returned", "street_own_review", "street_at_district"}
# Requests for the whole district are aimed at every committee of it, so at every street's committees too.
DISTRICT_WIDE = {"department_at_district", "department_wide_at_street", "department_approved", "department_rejected"}
DEPARTMENT_FILED = {"department_draft", "department_at_district", "department_at_waitan", "department_at_nanjing",
                    "department_wide_at_street", "department_approved", "department_rejected"}
STREET_FILED = {"street_draft", "street_returned", "street_own_review", "street_at_district"}

LISTS = {"city_published", "city_draft", "huangpu_published", "huangpu_draft", "xuhui_published", "xuhui_draft"}
ITEMS = LISTS | {"city_exited", "huangpu_exited"}
CITY_ITEMS = {"city_published", "city_draft", "city_exited"}
HUANGPU_ITEMS = {"huangpu_published", "huangpu_draft", "huangpu_exited"}
REPORTS_HUANGPU = {"baoxing_submitted", "baoxing_transferred", "baoxing_closed", "hankou_accepted", "hankou_dismissed",
                   "yunnan_transferred"}
REPORTS_BAOXING = {"baoxing_submitted", "baoxing_transferred", "baoxing_closed"}
REPORTS_WAITAN = REPORTS_BAOXING | {"hankou_accepted", "hankou_dismissed"}
CERTIFICATES_HUANGPU = {"national", "city", "huangpu", "huangpu_override"}
# A checked upload keeps its file until confirmed; a command line's dry run ("command_valid") has none.
CHECKED = "imports/2026/11/checked.xlsx"
IMPORTS = {"huangpu_valid", "huangpu_done", "waitan_valid", "waitan_invalid", "waitan_applying", "nanjing_valid",
           "xuhui_valid", "command_valid"}
WAITAN_IMPORTS = {"waitan_valid", "waitan_invalid", "waitan_applying"}
RUNS = {"queued", "running", "done"}
RESULTS = {"city", "huangpu", "xuhui", "waitan", "nanjing", "xuhui_street", *COMMITTEES}

EXPECTED: dict[tuple[type[models.Model], str], Table] = {
    # --- the organisation: read by the hierarchy; master data kept by the district, annual records also by the
    # street (DOMAIN "Who uses it": street officers keep their committees' annual data). Districts are reference
    # data: nobody adds one; its staff change their own district's settings (merge threshold).
    (District, "view"): BY_DISTRICT,
    (District, "add"): NOBODY,
    (District, "change"): only(BY_DISTRICT, *DISTRICTS),
    (District, "delete"): NOBODY,
    (Street, "view"): BY_STREET,
    (Street, "add"): only(BY_STREET, *DISTRICTS),
    (Street, "change"): only(BY_STREET, *DISTRICTS),
    (Street, "delete"): NOBODY,
    (Committee, "view"): BY_COMMITTEE,
    (Committee, "add"): only(BY_COMMITTEE, *DISTRICTS),
    (Committee, "change"): only(BY_COMMITTEE, *DISTRICTS),
    (Committee, "delete"): NOBODY,
    (Department, "view"): BY_DISTRICT,
    (Department, "add"): only(BY_DISTRICT, *DISTRICTS),
    (Department, "change"): only(BY_DISTRICT, *DISTRICTS),
    (Department, "delete"): NOBODY,
    (SpaceStandard, "view"): BY_DISTRICT,  # "editable per district"
    (SpaceStandard, "add"): only(BY_DISTRICT, *DISTRICTS),
    (SpaceStandard, "change"): only(BY_DISTRICT, *DISTRICTS),
    (SpaceStandard, "delete"): NOBODY,
    (CommitteeYear, "view"): BY_COMMITTEE,
    (CommitteeYear, "add"): only(BY_COMMITTEE, *KEEPERS_OF_RECORDS),
    (CommitteeYear, "change"): only(BY_COMMITTEE, *KEEPERS_OF_RECORDS),
    (CommitteeYear, "delete"): NOBODY,
    # No more personal data than needed: a department files requests, it needs no worker lists (roles.py).
    (CommunityWorker, "view"): without(BY_COMMITTEE, "department_staff"),
    (CommunityWorker, "add"): only(BY_COMMITTEE, *KEEPERS_OF_RECORDS),
    (CommunityWorker, "change"): only(BY_COMMITTEE, *KEEPERS_OF_RECORDS),
    (CommunityWorker, "delete"): NOBODY,
    (Qualification, "view"): without(BY_COMMITTEE, "department_staff"),
    (Qualification, "add"): only(BY_COMMITTEE, *KEEPERS_OF_RECORDS),
    (Qualification, "change"): only(BY_COMMITTEE, *KEEPERS_OF_RECORDS),
    (Qualification, "delete"): NOBODY,
    (CommunityFund, "view"): BY_STREET,
    (CommunityFund, "add"): only(BY_STREET, *KEEPERS_OF_RECORDS),
    (CommunityFund, "change"): only(BY_STREET, *KEEPERS_OF_RECORDS),
    (CommunityFund, "delete"): NOBODY,
    # Imports: a unit's history is its own imports, and a district's includes its streets'; the command line's
    # belong to no unit. An import is made by someone of its unit, and its record is never edited by hand.
    # Whoever may import confirms or sets aside a checked file of their unit (Action comment), a district's staff
    # also their streets' (a district sees its streets), each step only from the status it needs.
    (OrgImport, "view"): {"city_staff": IMPORTS,
                          "district_staff": IMPORTS - {"xuhui_valid", "command_valid"},
                          "other_district_staff": {"xuhui_valid"},
                          "street_officer": WAITAN_IMPORTS, "outsider": {"nanjing_valid"}},
    (OrgImport, "add"): {"district_staff": {"huangpu_valid", "huangpu_done"}, "other_district_staff": {"xuhui_valid"},
                         "street_officer": WAITAN_IMPORTS, "outsider": {"nanjing_valid"}},
    (OrgImport, "confirm"): {"district_staff": {"huangpu_valid", "waitan_valid", "nanjing_valid"},
                             "other_district_staff": {"xuhui_valid"}, "street_officer": {"waitan_valid"},
                             "outsider": {"nanjing_valid"}},
    (OrgImport, "cancel"): {"district_staff": {"huangpu_valid", "nanjing_valid", *WAITAN_IMPORTS},
                            "other_district_staff": {"xuhui_valid"}, "street_officer": WAITAN_IMPORTS,
                            "outsider": {"nanjing_valid"}},
    # A step not finished (issue 12: the services refuse one a worker is running).
    (OrgImport, "retry"): {"district_staff": {"waitan_applying"}, "street_officer": {"waitan_applying"}},
    (OrgImport, "change"): NOBODY,
    (OrgImport, "delete"): NOBODY,
    # --- indicators: read with the dashboards (not by departments); the city's targets and figures are
    # everyone's yardstick. District staff set their district's targets; results are only ever computed.
    (Target, "view"): {"city_staff": {"city", "huangpu", "xuhui"}, "other_district_staff": {"city", "xuhui"},
                       **every(("district_staff", "street_officer", "outsider", "committee_staff"), {"city", "huangpu"})},
    (Target, "add"): {"district_staff": {"huangpu"}, "other_district_staff": {"xuhui"}},
    (Target, "change"): {"district_staff": {"huangpu"}, "other_district_staff": {"xuhui"}},
    (Target, "delete"): NOBODY,
    (Result, "view"): {
        "city_staff": RESULTS,
        "district_staff": {"city", "huangpu", "waitan", "nanjing", *HUANGPU},
        "other_district_staff": {"city", "xuhui", "xuhui_street", "xuhui_committee"},
        "street_officer": {"city", "waitan", *WAITAN},
        "outsider": {"city", "nanjing", "yunnan"},
        "committee_staff": {"city", "baoxing"},
    },
    (Result, "add"): NOBODY,
    (Result, "change"): NOBODY,
    (Result, "delete"): NOBODY,
    # Runs compute the whole city: every reader of the dashboards sees every run; whoever may recompute (a
    # district's staff) may start one, and retry or cancel one not finished (issue 12).
    (ComputationRun, "view"): every(("city_staff", "district_staff", "other_district_staff", "street_officer",
                                     "outsider", "committee_staff"), RUNS),
    (ComputationRun, "add"): every(DISTRICTS, RUNS),
    (ComputationRun, "retry"): every(DISTRICTS, {"queued", "running"}),
    (ComputationRun, "cancel"): every(DISTRICTS, {"queued", "running"}),
    (ComputationRun, "change"): NOBODY,
    (ComputationRun, "delete"): NOBODY,
    # --- task lists (DOMAIN "Task admission"): the city keeps the city's list, a district its own; the city's
    # list applies in every district, so everyone reads it. Items are changed while their list is a draft; they
    # later exit a published list with a reason, and next year's draft is carried from a published list. The
    # district, its departments and streets may try to send any item of the city's list or their district's to
    # committees (a read-only grant never lets anyone send); the dispatch guard refuses a draft or exited one and records
    # the refusal as evidence (DOMAIN: "refused with a clear reason, and the refusal is recorded"), so the action
    # has no status condition. While filing, they see the district's listed items to find "already admitted".
    (TaskList, "view"): {"city_staff": LISTS, "other_district_staff": {"city_published", "city_draft",
                                                                       "xuhui_published", "xuhui_draft"},
                         **every(HUANGPU_PEOPLE, {"city_published", "city_draft", "huangpu_published", "huangpu_draft"})},
    (TaskList, "add"): {"city_staff": {"city_published", "city_draft"},
                        "district_staff": {"huangpu_published", "huangpu_draft"},
                        "other_district_staff": {"xuhui_published", "xuhui_draft"}},
    (TaskList, "change"): {"city_staff": {"city_draft"}, "district_staff": {"huangpu_draft"},
                           "other_district_staff": {"xuhui_draft"}},
    (TaskList, "publish"): {"city_staff": {"city_draft"}, "district_staff": {"huangpu_draft"},
                            "other_district_staff": {"xuhui_draft"}},
    (TaskList, "carry"): {"city_staff": {"city_published"}, "district_staff": {"huangpu_published"},
                          "other_district_staff": {"xuhui_published"}},
    # The list page's link to the dispatch form: a published list whose items the persona may send.
    (TaskList, "dispatch"): {"other_district_staff": {"city_published", "xuhui_published"},
                             **every(("district_staff", "department_staff", "street_officer", "outsider"),
                                     {"city_published", "huangpu_published"})},
    (TaskList, "delete"): NOBODY,
    (TaskItem, "view"): {"city_staff": ITEMS,
                         "other_district_staff": {"city_published", "city_draft", "city_exited", "xuhui_published",
                                                  "xuhui_draft"},
                         **every(HUANGPU_PEOPLE, {"city_published", "city_draft", "city_exited", "huangpu_published",
                                                  "huangpu_draft", "huangpu_exited"})},
    (TaskItem, "add"): {"city_staff": {"city_published", "city_draft", "city_exited"},
                        "district_staff": {"huangpu_published", "huangpu_draft", "huangpu_exited"},
                        "other_district_staff": {"xuhui_published", "xuhui_draft"}},
    (TaskItem, "change"): {"city_staff": {"city_draft"}, "district_staff": {"huangpu_draft"},
                           "other_district_staff": {"xuhui_draft"}},
    (TaskItem, "exit"): {"city_staff": {"city_published"}, "district_staff": {"huangpu_published"},
                         "other_district_staff": {"xuhui_published"}},
    (TaskItem, "dispatch"): {"other_district_staff": CITY_ITEMS | {"xuhui_published", "xuhui_draft"},
                             **every(("district_staff", "department_staff", "street_officer", "outsider"),
                                     CITY_ITEMS | HUANGPU_ITEMS)},
    (TaskItem, "find_similar"): {"other_district_staff": {"city_published", "xuhui_published"},
                                 **every(("district_staff", "department_staff", "street_officer", "outsider"),
                                         {"city_published", "huangpu_published"})},
    (TaskItem, "delete"): NOBODY,
    # Dispatches reach committees; they are sent by the district, its departments and streets, and never edited.
    # The committee's own staff sign for one (签收) and then report it done with the hours it took (办结), issue 15;
    # nobody does it for them.
    (Dispatch, "view"): with_baoxing_dispatches(BY_COMMITTEE),
    (Dispatch, "add"): with_baoxing_dispatches(only(BY_COMMITTEE, "district_staff", "other_district_staff",
                                                    "department_staff", "street_officer", "outsider")),
    (Dispatch, "receive"): {"committee_staff": {"baoxing"}},
    (Dispatch, "complete"): {"committee_staff": {"baoxing_received"}},
    (Dispatch, "change"): NOBODY,
    (Dispatch, "delete"): NOBODY,
    # Refusals are evidence the system records ("the refusal is recorded"): read like dispatches, made by nobody.
    (RefusedDispatch, "view"): BY_COMMITTEE,
    (RefusedDispatch, "add"): NOBODY,
    (RefusedDispatch, "change"): NOBODY,
    (RefusedDispatch, "delete"): NOBODY,
    # Admission requests: a draft is its applicant's alone; once submitted a request is read by its district, the
    # requesting department, the streets and committees it targets (a whole-district request targets all of
    # them) and the city. The applicant edits and submits a draft or a returned request; the reviewer of the
    # current stage reviews, never the applicant; the applicant, that reviewer and the district's staff comment
    # while it is open; while filing, everyone who files sees the district's requests under way.
    (AdmissionRequest, "view"): {
        "city_staff": (DEPARTMENT_FILED | STREET_FILED | {"xuhui_at_district"}) - {"department_draft", "street_draft"},
        "district_staff": (DEPARTMENT_FILED | STREET_FILED) - {"department_draft", "street_draft"},
        "other_district_staff": {"xuhui_at_district"},
        "department_staff": DEPARTMENT_FILED,
        "street_officer": STREET_FILED | DISTRICT_WIDE | {"department_at_waitan"},
        "outsider": DISTRICT_WIDE | {"department_at_nanjing"},
        "committee_staff": DISTRICT_WIDE | {"department_at_waitan", "street_returned", "street_at_district"},
    },
    (AdmissionRequest, "add"): {"department_staff": DEPARTMENT_FILED, "street_officer": STREET_FILED},
    (AdmissionRequest, "change"): {"department_staff": {"department_draft"},
                                   "street_officer": {"street_draft", "street_returned"}},
    (AdmissionRequest, "submit"): {"department_staff": {"department_draft"},
                                   "street_officer": {"street_draft", "street_returned"}},
    # The street stage is the street's named on the request alone: a street that only reads a request (the whole
    # district's, department_wide_at_street) neither reviews nor comments on it at that stage (issue 13).
    (AdmissionRequest, "review"): {"district_staff": {"department_at_district", "street_at_district"},
                                   "other_district_staff": {"xuhui_at_district"},
                                   "street_officer": {"department_at_waitan"},
                                   "outsider": {"department_at_nanjing"}},
    (AdmissionRequest, "comment"): {
        "district_staff": REQUESTS_UNDER_WAY, "other_district_staff": {"xuhui_at_district"},
        "department_staff": {"department_draft", "department_at_district", "department_at_waitan",
                             "department_at_nanjing", "department_wide_at_street"},
        "street_officer": STREET_FILED | {"department_at_waitan"},
        "outsider": {"department_at_nanjing"},
    },
    # The district's requests under way and those already admitted (their item may sit on a list still in
    # draft), whoever filed them: "already admitted" is found (issue 11).
    (AdmissionRequest, "find_similar"): {
        "district_staff": REQUESTS_UNDER_WAY | {"department_approved"}, "other_district_staff": {"xuhui_at_district"},
        "department_staff": REQUESTS_UNDER_WAY | {"department_draft", "department_approved"},
        "street_officer": REQUESTS_UNDER_WAY | {"street_draft", "department_approved"},
        "outsider": REQUESTS_UNDER_WAY | {"department_approved"},
    },
    (AdmissionRequest, "delete"): NOBODY,
    # Violation reports: a committee reports; its district accepts, transfers and closes while it is open; the
    # department it was transferred to replies, and never learns who reported (everyone else reading may).
    (ViolationReport, "view"): {
        "city_staff": REPORTS_HUANGPU | {"xuhui_submitted"}, "district_staff": REPORTS_HUANGPU,
        "other_district_staff": {"xuhui_submitted"}, "department_staff": {"baoxing_transferred", "baoxing_closed"},
        "street_officer": REPORTS_WAITAN, "outsider": {"yunnan_transferred"}, "committee_staff": REPORTS_BAOXING,
    },
    (ViolationReport, "add"): {"committee_staff": REPORTS_BAOXING},
    (ViolationReport, "change"): NOBODY,
    (ViolationReport, "handle"): {"district_staff": {"baoxing_submitted", "baoxing_transferred", "hankou_accepted",
                                                     "yunnan_transferred"},
                                  "other_district_staff": {"xuhui_submitted"}},
    (ViolationReport, "reply"): {"department_staff": {"baoxing_transferred"}},
    (ViolationReport, "identify"): {
        "city_staff": REPORTS_HUANGPU | {"xuhui_submitted"}, "district_staff": REPORTS_HUANGPU,
        "other_district_staff": {"xuhui_submitted"}, "street_officer": REPORTS_WAITAN,
        "outsider": {"yunnan_transferred"}, "committee_staff": REPORTS_BAOXING,
    },
    (ViolationReport, "delete"): NOBODY,
    # --- certificates (DOMAIN "Certificates"): the national and city catalogue applies everywhere, a district
    # keeps its own types and overrides; committees look them up. A committee registers what it issues and
    # every seal use, and voids (never deletes, never edits) a wrong registration. Departments have no business here.
    (CertificateType, "view"): {"city_staff": CERTIFICATES_HUANGPU | {"xuhui"},
                                "other_district_staff": {"national", "city", "xuhui"},
                                **every(("district_staff", "street_officer", "outsider", "committee_staff"),
                                        CERTIFICATES_HUANGPU)},
    (CertificateType, "add"): {"district_staff": {"huangpu", "huangpu_override"}, "other_district_staff": {"xuhui"}},
    (CertificateType, "change"): {"district_staff": {"huangpu", "huangpu_override"}, "other_district_staff": {"xuhui"}},
    (CertificateType, "delete"): NOBODY,
    (Registration, "view"): {
        "city_staff": {*COMMITTEES, "baoxing_voided"}, "district_staff": HUANGPU | {"baoxing_voided"},
        "other_district_staff": {"xuhui_committee"}, "street_officer": WAITAN | {"baoxing_voided"},
        "outsider": {"yunnan"}, "committee_staff": {"baoxing", "baoxing_voided"},
    },
    (Registration, "add"): {"committee_staff": {"baoxing", "baoxing_voided"}},
    (Registration, "void"): {"committee_staff": {"baoxing"}},
    (Registration, "change"): NOBODY,
    (Registration, "delete"): NOBODY,
    (SealUse, "view"): without(BY_COMMITTEE, "department_staff"),
    (SealUse, "add"): {"committee_staff": {"baoxing"}},
    (SealUse, "change"): NOBODY,
    (SealUse, "delete"): NOBODY,
    # --- the audit trail (issue 13): read by whoever holds core.view_auditentry (the city's and the districts' staff,
    # roles.py), each their own units' entries; an entry without a unit (the calendar's) is the city's alone.
    # Nobody writes one by hand: the services do.
    (AuditEntry, "view"): {"city_staff": {"city", "huangpu", "waitan", "baoxing", "xuhui"},
                           "district_staff": {"huangpu", "waitan", "baoxing"}, "other_district_staff": {"xuhui"}},
    (AuditEntry, "add"): NOBODY, (AuditEntry, "change"): NOBODY, (AuditEntry, "delete"): NOBODY,
    # --- the working-day calendar (issue 14): the State Council's schedule every deadline counts with. Everyone
    # reads all of it, whatever their unit; the city's staff alone enter a year's notice, correct a day or take it
    # out (reference data put back to the published schedule, roles.py).
    **{(model, "view"): every(CONFTEST_PERSONAS, set(names))
       for model, names in ((CalendarDay, ("holiday", "make_up")), (CalendarYear, ("loaded",)))},
    **{(model, action): {"city_staff": set(names)}
       for model, names in ((CalendarDay, ("holiday", "make_up")), (CalendarYear, ("loaded",)))
       for action in ("add", "change", "delete")},
}

# --- the personas of this module: a table each, one entry per (model, action) ---------------------------------

# What the grantee's grants name (DOMAIN "Who uses it"; README "Permissions": read-only or read-write access to
# a committee "and all under it"): nothing at the street's or the district's level, which stay the outsider's.
GRANTED_READ = {"baoxing", "hankou"}
GRANTED_WRITE = {"baoxing"}
NONE: set[str] = set()

GRANTEE: dict[tuple[type[models.Model], str], set[str]] = {
    # The organisation: the committees granted are read; only annual records, workers and qualifications are
    # written by a street officer's role, and the read-write grant adds 宝兴居委会's. Streets, districts,
    # departments and standards have no committee, so no committee grant reaches them.
    (District, "view"): {"huangpu"}, (District, "add"): NONE, (District, "change"): NONE, (District, "delete"): NONE,
    (Street, "view"): {"nanjing"}, (Street, "add"): NONE, (Street, "change"): NONE, (Street, "delete"): NONE,
    (Committee, "view"): {"yunnan"} | GRANTED_READ, (Committee, "add"): NONE, (Committee, "change"): NONE,
    (Committee, "delete"): NONE,
    (Department, "view"): {"huangpu"}, (Department, "add"): NONE, (Department, "change"): NONE,
    (Department, "delete"): NONE,
    (SpaceStandard, "view"): {"huangpu"}, (SpaceStandard, "add"): NONE, (SpaceStandard, "change"): NONE,
    (SpaceStandard, "delete"): NONE,
    (CommitteeYear, "view"): {"yunnan"} | GRANTED_READ, (CommitteeYear, "add"): {"yunnan"} | GRANTED_WRITE,
    (CommitteeYear, "change"): {"yunnan"} | GRANTED_WRITE, (CommitteeYear, "delete"): NONE,
    (CommunityWorker, "view"): {"yunnan"} | GRANTED_READ, (CommunityWorker, "add"): {"yunnan"} | GRANTED_WRITE,
    (CommunityWorker, "change"): {"yunnan"} | GRANTED_WRITE, (CommunityWorker, "delete"): NONE,
    (Qualification, "view"): {"yunnan"} | GRANTED_READ, (Qualification, "add"): {"yunnan"} | GRANTED_WRITE,
    (Qualification, "change"): {"yunnan"} | GRANTED_WRITE, (Qualification, "delete"): NONE,
    (CommunityFund, "view"): {"nanjing"}, (CommunityFund, "add"): {"nanjing"}, (CommunityFund, "change"): {"nanjing"},
    (CommunityFund, "delete"): NONE,
    # Imports belong to a street or a district, never to a committee; confirm and cancel are grant=None anyway.
    (OrgImport, "view"): {"nanjing_valid"}, (OrgImport, "add"): {"nanjing_valid"},
    (OrgImport, "confirm"): {"nanjing_valid"}, (OrgImport, "cancel"): {"nanjing_valid"}, (OrgImport, "change"): NONE,
    (OrgImport, "retry"): NONE, (OrgImport, "delete"): NONE,
    # Runs are the city's: a street officer reads them all, and starts none.
    (ComputationRun, "view"): RUNS, (ComputationRun, "add"): NONE, (ComputationRun, "retry"): NONE,
    (ComputationRun, "cancel"): NONE, (ComputationRun, "change"): NONE, (ComputationRun, "delete"): NONE,
    # Indicators: the granted committees' figures are read beside the street's own.
    (Target, "view"): {"city", "huangpu"}, (Target, "add"): NONE, (Target, "change"): NONE, (Target, "delete"): NONE,
    (Result, "view"): {"city", "nanjing", "yunnan"} | GRANTED_READ, (Result, "add"): NONE, (Result, "change"): NONE,
    (Result, "delete"): NONE,
    # Lists are the city's and the district's: a committee grant changes nothing about them.
    (TaskList, "view"): {"city_published", "city_draft", "huangpu_published", "huangpu_draft"},
    (TaskList, "add"): NONE, (TaskList, "change"): NONE, (TaskList, "publish"): NONE, (TaskList, "carry"): NONE,
    (TaskList, "dispatch"): {"city_published", "huangpu_published"}, (TaskList, "delete"): NONE,
    (TaskItem, "view"): CITY_ITEMS | HUANGPU_ITEMS, (TaskItem, "add"): NONE, (TaskItem, "change"): NONE,
    (TaskItem, "exit"): NONE, (TaskItem, "dispatch"): CITY_ITEMS | HUANGPU_ITEMS,
    (TaskItem, "find_similar"): {"city_published", "huangpu_published"}, (TaskItem, "delete"): NONE,
    # Dispatches: read for the granted committees; sent (`add`, grant="change") to the read-write one only.
    (Dispatch, "view"): {"yunnan", "baoxing_received", "baoxing_done"} | GRANTED_READ,
    (Dispatch, "add"): {"yunnan", "baoxing_received", "baoxing_done"} | GRANTED_WRITE,
    (Dispatch, "receive"): NONE, (Dispatch, "complete"): NONE,  # a committee's own staff alone: grant=None
    (Dispatch, "change"): NONE, (Dispatch, "delete"): NONE,
    (RefusedDispatch, "view"): {"yunnan"} | GRANTED_READ, (RefusedDispatch, "add"): NONE,
    (RefusedDispatch, "change"): NONE, (RefusedDispatch, "delete"): NONE,
    # Requests: reading follows the granted committees (what their staff read: the requests aimed at them);
    # review, comment and the duplicate check are grant=None, so they stay the outsider's: the grantee never
    # reviews 外滩街道's requests at its street stage (department_at_waitan, street_own_review).
    (AdmissionRequest, "view"): DISTRICT_WIDE | {"department_at_nanjing", "department_at_waitan", "street_own_review",
                                                 "street_returned", "street_at_district"},
    (AdmissionRequest, "add"): NONE, (AdmissionRequest, "change"): NONE, (AdmissionRequest, "submit"): NONE,
    (AdmissionRequest, "review"): {"department_at_nanjing"}, (AdmissionRequest, "comment"): {"department_at_nanjing"},
    (AdmissionRequest, "find_similar"): REQUESTS_UNDER_WAY | {"department_approved"}, (AdmissionRequest, "delete"): NONE,
    # Reports: the granted committees' are read, reporter included (identify is grant="view"); handling is the
    # district's, whatever grant a street officer holds.
    (ViolationReport, "view"): {"yunnan_transferred"} | REPORTS_WAITAN, (ViolationReport, "add"): NONE,
    (ViolationReport, "change"): NONE, (ViolationReport, "handle"): NONE, (ViolationReport, "reply"): NONE,
    (ViolationReport, "identify"): {"yunnan_transferred"} | REPORTS_WAITAN, (ViolationReport, "delete"): NONE,
    # Certificates: registrations of the granted committees are read; "a grant lets others read, never issue".
    (CertificateType, "view"): CERTIFICATES_HUANGPU, (CertificateType, "add"): NONE,
    (CertificateType, "change"): NONE, (CertificateType, "delete"): NONE,
    (Registration, "view"): {"yunnan", "baoxing_voided"} | GRANTED_READ, (Registration, "add"): NONE,
    (Registration, "void"): NONE, (Registration, "change"): NONE, (Registration, "delete"): NONE,
    (SealUse, "view"): {"yunnan"} | GRANTED_READ, (SealUse, "add"): NONE, (SealUse, "change"): NONE,
    (SealUse, "delete"): NONE,
    # The trail needs core.view_auditentry, which a street officer's role does not hold.
    **{(AuditEntry, action): NONE for action in ("view", "add", "change", "delete")},
    # The calendar is the city's: read like everyone, a committee grant adds nothing.
    (CalendarDay, "view"): {"holiday", "make_up"}, (CalendarDay, "add"): NONE, (CalendarDay, "change"): NONE,
    (CalendarDay, "delete"): NONE,
    (CalendarYear, "view"): {"loaded"}, (CalendarYear, "add"): NONE, (CalendarYear, "change"): NONE,
    (CalendarYear, "delete"): NONE,
}

# Every row the model's builder makes: what the administrator reaches for an action without `at` or `where`.
EVERY_ROW = frozenset({"<every row>"})
REQUESTS = DEPARTMENT_FILED | STREET_FILED | {"xuhui_at_district"}
REQUESTS_OPEN = REQUESTS_UNDER_WAY | {"xuhui_at_district"}  # at a review, or returned (both districts)
PUBLISHED = {"city_published", "huangpu_published", "xuhui_published"}
DRAFTS = {"city_draft", "huangpu_draft", "xuhui_draft"}

ADMIN: dict[tuple[type[models.Model], str], set[str] | frozenset[str]] = {
    # No `at`, no `where`: every row (a superuser holds every permission, delete included).
    **{(model, action): EVERY_ROW
       for model in (District, Street, Committee, Department, SpaceStandard, CommitteeYear, CommunityWorker,
                     Qualification, CommunityFund, Target, Result, Dispatch, RefusedDispatch, SealUse)
       for action in ("view", "add", "change", "delete")},
    (OrgImport, "view"): EVERY_ROW,
    (OrgImport, "add"): EVERY_ROW,  # the district's stage (no street) or the street's (any): every import
    # A command line's dry run ("command_valid") is "valid" without a stored file: nothing to confirm.
    (OrgImport, "confirm"): {"huangpu_valid", "waitan_valid", "nanjing_valid", "xuhui_valid"},
    (OrgImport, "cancel"): {"huangpu_valid", "waitan_valid", "waitan_invalid", "waitan_applying", "nanjing_valid",
                            "xuhui_valid", "command_valid"},
    (OrgImport, "retry"): {"waitan_applying"},
    (OrgImport, "change"): EVERY_ROW, (OrgImport, "delete"): EVERY_ROW,
    (ComputationRun, "view"): EVERY_ROW, (ComputationRun, "add"): EVERY_ROW, (ComputationRun, "change"): EVERY_ROW,
    (ComputationRun, "delete"): EVERY_ROW, (ComputationRun, "retry"): {"queued", "running"},
    (ComputationRun, "cancel"): {"queued", "running"},
    # Signing for and reporting done are the committee's stage: the administrator reaches every row at it.
    (Dispatch, "receive"): set(COMMITTEES), (Dispatch, "complete"): {"baoxing_received"},
    (TaskList, "view"): EVERY_ROW, (TaskList, "add"): EVERY_ROW,  # the city's lists and the districts'
    (TaskList, "change"): DRAFTS, (TaskList, "publish"): DRAFTS, (TaskList, "carry"): PUBLISHED,
    (TaskList, "dispatch"): PUBLISHED, (TaskList, "delete"): EVERY_ROW,
    (TaskItem, "view"): EVERY_ROW, (TaskItem, "add"): EVERY_ROW, (TaskItem, "change"): DRAFTS,
    (TaskItem, "exit"): PUBLISHED, (TaskItem, "dispatch"): EVERY_ROW, (TaskItem, "find_similar"): PUBLISHED,
    (TaskItem, "delete"): EVERY_ROW,
    # A draft stays its applicant's; filing and editing are the applicant's alone (at={}), so nobody else's.
    (AdmissionRequest, "view"): REQUESTS - {"department_draft", "street_draft"},
    (AdmissionRequest, "add"): NONE, (AdmissionRequest, "change"): NONE, (AdmissionRequest, "submit"): NONE,
    (AdmissionRequest, "review"): {"department_at_district", "department_at_waitan", "department_at_nanjing",
                                   "department_wide_at_street", "street_own_review", "street_at_district",
                                   "xuhui_at_district"},
    (AdmissionRequest, "comment"): REQUESTS_OPEN,
    (AdmissionRequest, "find_similar"): REQUESTS_OPEN | {"department_approved"},
    (AdmissionRequest, "delete"): EVERY_ROW,
    (ViolationReport, "view"): EVERY_ROW, (ViolationReport, "add"): EVERY_ROW, (ViolationReport, "change"): EVERY_ROW,
    (ViolationReport, "handle"): {"baoxing_submitted", "baoxing_transferred", "hankou_accepted", "yunnan_transferred",
                                  "xuhui_submitted"},
    (ViolationReport, "reply"): {"baoxing_transferred", "yunnan_transferred"},
    (ViolationReport, "identify"): EVERY_ROW, (ViolationReport, "delete"): EVERY_ROW,
    (CertificateType, "view"): EVERY_ROW, (CertificateType, "add"): EVERY_ROW, (CertificateType, "change"): EVERY_ROW,
    (CertificateType, "delete"): EVERY_ROW,
    (Registration, "view"): EVERY_ROW, (Registration, "add"): EVERY_ROW,
    (Registration, "void"): set(COMMITTEES),  # not the one already voided
    # DOMAIN "Certificates": "Registrations are never deleted; a wrong one is voided with a reason".
    (Registration, "change"): NONE, (Registration, "delete"): NONE,
    **{(model, action): EVERY_ROW for model in (CalendarDay, CalendarYear) for action in ("view", "add", "change", "delete")},
    # Every entry is read; none is written by hand, not even by the administrator (at={}).
    (AuditEntry, "view"): EVERY_ROW, (AuditEntry, "add"): NONE, (AuditEntry, "change"): NONE,
    (AuditEntry, "delete"): NONE,
}
# "xuhui_grantee": a member of 徐汇区's staff holding a read-write grant on the whole of 黄浦区 (a district grant, given
# by hand). Committee grants cannot show grant widening of a district's actions (reviewing at the district,
# handling reports): this persona can. A
# read-write grant widens every action a grant may widen to what 黄浦区's own staff reach; an action that no grant
# widens (review, handle, reply, publish, the lists' add/change/carry/exit, the catalogue's writes, confirming
# an import, the duplicate check, commenting, a committee's registrations) stays 徐汇区's. Per (model, action):
WIDENED, OWN = True, False
XUHUI_GRANT_WIDENS: dict[tuple[type[models.Model], str], bool] = {
    **{(model, action): WIDENED
       for model in (District, Street, Committee, Department, SpaceStandard, CommitteeYear, CommunityWorker,
                     Qualification, CommunityFund, Target, Result, Dispatch, RefusedDispatch)
       for action in ("view", "add", "change", "delete")},
    (Dispatch, "receive"): OWN, (Dispatch, "complete"): OWN,
    (OrgImport, "view"): WIDENED, (OrgImport, "add"): WIDENED, (OrgImport, "confirm"): OWN,
    (OrgImport, "cancel"): OWN, (OrgImport, "retry"): OWN, (OrgImport, "change"): WIDENED,
    (OrgImport, "delete"): WIDENED,
    # Runs are the city's: every district's staff reach them all already, a grant adds nothing.
    **{(ComputationRun, action): OWN for action in ("view", "add", "change", "delete", "retry", "cancel")},
    (TaskList, "view"): WIDENED, (TaskList, "add"): OWN, (TaskList, "change"): OWN, (TaskList, "publish"): OWN,
    (TaskList, "carry"): OWN, (TaskList, "dispatch"): WIDENED, (TaskList, "delete"): WIDENED,
    (TaskItem, "view"): WIDENED, (TaskItem, "add"): OWN, (TaskItem, "change"): OWN, (TaskItem, "exit"): OWN,
    (TaskItem, "dispatch"): WIDENED, (TaskItem, "find_similar"): OWN, (TaskItem, "delete"): WIDENED,
    (AdmissionRequest, "view"): WIDENED, (AdmissionRequest, "add"): OWN, (AdmissionRequest, "change"): OWN,
    (AdmissionRequest, "submit"): OWN, (AdmissionRequest, "review"): OWN, (AdmissionRequest, "comment"): OWN,
    (AdmissionRequest, "find_similar"): OWN, (AdmissionRequest, "delete"): WIDENED,
    (ViolationReport, "view"): WIDENED, (ViolationReport, "add"): WIDENED, (ViolationReport, "change"): WIDENED,
    (ViolationReport, "handle"): OWN, (ViolationReport, "reply"): OWN, (ViolationReport, "identify"): WIDENED,
    (ViolationReport, "delete"): WIDENED,
    (CertificateType, "view"): WIDENED, (CertificateType, "add"): OWN, (CertificateType, "change"): OWN,
    (CertificateType, "delete"): WIDENED,
    (Registration, "view"): WIDENED, (Registration, "add"): OWN, (Registration, "void"): OWN,
    (Registration, "change"): OWN, (Registration, "delete"): OWN,  # nobody: registrations are voided, never edited
    (SealUse, "view"): WIDENED, (SealUse, "add"): OWN, (SealUse, "change"): WIDENED, (SealUse, "delete"): WIDENED,
    # The calendar is the city's: every district's staff read it all already, a grant adds nothing.
    **{(model, action): OWN for model in (CalendarDay, CalendarYear) for action in ("view", "add", "change", "delete")},
    # A grant opens a unit's records, not its accountability trail (AuditEntry.actions).
    **{(AuditEntry, action): OWN for action in ("view", "add", "change", "delete")},
}
XUHUI_GRANTEE: dict[tuple[type[models.Model], str], set[str]] = {
    key: EXPECTED.get(key, {}).get("other_district_staff", set())
    | (EXPECTED.get(key, {}).get("district_staff", set()) if widened else set())
    for key, widened in XUHUI_GRANT_WIDENS.items()
}
OWN_TABLES = {"grantee": GRANTEE, "admin": ADMIN, "xuhui_grantee": XUHUI_GRANTEE}


# --- the tests -------------------------------------------------------------------------------------------------


def _cases() -> Iterator[Any]:
    for model in scoped_models():
        for action in model_actions(model):
            for persona in PERSONAS:
                yield pytest.param(model, action, persona, id=f"{model._meta.label}-{action}-{persona}")


@dataclass
class Matrix:
    world: Any
    people: dict[str, Any]
    rows: dict[type[models.Model], Rows | Exception]


def _conftest_fixture(name: str) -> Callable:
    """The function behind a tests/conftest.py fixture, to build the same world and personas once per module."""
    return getattr(conftest, name).__wrapped__


def _grantee(world: Any, *, granted_by: Any) -> Any:
    """A street officer of 南京东路街道 given read-write access to 宝兴居委会 and read-only access to 汉口路居委会 by
    黄浦区's staff, as /org/grants/ gives it; read afresh, since a user object caches its grants."""
    grantee = UserFactory(username="grantee", role=Role.STREET, street=world.nanjing)
    committee_access_grant(actor=granted_by, grantee=grantee, committee=world.baoxing, access="change")
    committee_access_grant(actor=granted_by, grantee=grantee, committee=world.hankou, access="view")
    return type(grantee).objects.get(pk=grantee.pk)


def _xuhui_grantee(world: Any) -> Any:
    """A member of 徐汇区's staff with a read-write grant on 黄浦区, read afresh (a user object caches its grants)."""
    grantee = UserFactory(username="xuhui_grantee", role=Role.DISTRICT, district=world.xuhui)
    DistrictUserGrantFactory(user=grantee, content_object=world.huangpu,
                             permission=Permission.objects.get(content_type__app_label="committees",
                                                               codename="change_district"))
    return type(grantee).objects.get(pk=grantee.pk)


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker) -> Iterator[Matrix]:  # noqa: ANN001
    """The conftest world, its personas (plus the grantee, the administrator, the anonymous visitor and an inactive
    member of 黄浦区's staff) and every model's rows, made once for the module inside a transaction rolled back at
    its end: the ~1,100 cases only read. Each test still runs in its own savepoint (the `db` fixture)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        world = _conftest_fixture("world")(None)
        each = {name: _conftest_fixture(name)(world) for name in CONFTEST_PERSONAS}
        people = {**_conftest_fixture("personas")(**each), "anonymous": AnonymousUser(),
                  "inactive": UserFactory(username="inactive", role=Role.DISTRICT, district=world.huangpu,
                                          is_active=False),
                  "grantee": _grantee(world, granted_by=each["district_staff"]),
                  "admin": UserFactory(username="admin", is_superuser=True),
                  "xuhui_grantee": _xuhui_grantee(world)}
        rows: dict[type[models.Model], Rows | Exception] = {}
        for model, build in ROWS.items():
            try:
                with transaction.atomic():  # a broken builder fails its own model's cases, not the others'
                    rows[model] = build(world, people)
            except Exception as error:
                rows[model] = error
    yield Matrix(world, people, rows)
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.mark.parametrize(("model", "action", "persona"), list(_cases()))
def test_restrict_reaches_the_declared_rows(matrix, db, model, action, persona) -> None:  # noqa: ANN001
    rows, table = matrix.rows.get(model), EXPECTED.get((model, action))
    if rows is None:
        pytest.fail(f"declare ROWS[{model.__name__}] in {__name__}: one row per unit of the world, in every state "
                    f"its actions care about")
    if table is None:
        pytest.fail(f"declare EXPECTED[({model.__name__}, {action!r})] in {__name__}: which rows each persona may "
                    f"{action} (from DOMAIN.md and the Action's comment)")
    if isinstance(rows, Exception):
        raise rows
    if persona in OWN_TABLES:
        own = OWN_TABLES[persona].get((model, action))
        if own is None:
            pytest.fail(f"declare {persona.upper()}[({model.__name__}, {action!r})] in {__name__}")
        expected = set(rows) if own is EVERY_ROW else set(own)
    else:
        expected = table.get(persona, set())
    assert expected <= rows.keys(), f"the table names rows that {model.__name__}'s builder does not make"
    user = matrix.people[persona]
    manager = model._default_manager
    reached = set(manager.restrict(user, action).filter(pk__in=[row.pk for row in rows.values()])
                  .values_list("pk", flat=True))
    assert {name for name, row in rows.items() if row.pk in reached} == expected
    # The page's buttons (permitted) and the links and 403s (may_ever) agree with the queryset.
    assert {name for name, row in rows.items() if action in manager.permitted(user, row, action)} == expected
    if expected:
        assert may_ever(user, model, action)


def test_every_model_and_action_is_declared() -> None:
    missing_rows = [model.__name__ for model in scoped_models() if model not in ROWS]
    assert not missing_rows, f"declare ROWS for: {', '.join(missing_rows)}"
    for name, tables in (("EXPECTED", EXPECTED), *((persona.upper(), OWN_TABLES[persona]) for persona in OWN_PERSONAS)):
        missing = [f"({model.__name__}, {action!r})" for model in scoped_models() for action in model_actions(model)
                   if (model, action) not in tables]
        assert not missing, f"declare {name} for: {', '.join(missing)}"


def test_no_declaration_is_stale() -> None:
    """A table for an action a model no longer answers, or for a persona nobody plays, is a mistake."""
    known = {(model, action) for model in scoped_models() for action in model_actions(model)}
    assert not set(EXPECTED) - known, set(EXPECTED) - known
    assert set(OWN_TABLES) == set(OWN_PERSONAS)
    for persona, tables in OWN_TABLES.items():
        assert not set(tables) - known, (persona, set(tables) - known)
    named = {persona for table in EXPECTED.values() for persona in table}
    assert named <= set(CONFTEST_PERSONAS), named - set(CONFTEST_PERSONAS)


def test_the_matrix_plays_every_persona_of_the_conftest(matrix, db) -> None:  # noqa: ANN001
    assert set(matrix.people) == set(PERSONAS)
