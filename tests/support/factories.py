"""factory_boy factories for every model of our apps (issue 11): each default row passes every constraint, and the
rows it brings along are consistent with it (a registration's issuer is staff of its committee, a dispatched item
is on a published list of the committee's district). tests/core/test_factories.py fails for a model without one.

Codes follow the national rules (DOMAIN "Data interchange"). Years that must be unique default to a sequence far
from the seeded data; a test that cares about the year passes it.
"""

import datetime
import uuid
from decimal import Decimal

import factory
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from certificates.models import CertificateType, LookupTally, Registration, SealUse, SerialCounter
from committees.choices import CommitteeKind, QualificationLevel, StreetKind
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
from portal.accounts.models import User
from portal.core.models import AuditEntry, Notification, SubmissionToken
from portal.indicators.models import CITY_CODE, ComputationRun, Result, Target
from portal.workdays.models import CalendarDay, CalendarYear
from tasks_registry.models import (
    AdmissionRequest,
    Dispatch,
    RefusedDispatch,
    RefusedDispatchCommittee,
    ReportEvent,
    RequestEvent,
    TaskItem,
    TaskList,
    ViolationReport,
)

# --- the organisation ---------------------------------------------------------------------------------------


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("code",)

    code = "310101"
    name = factory.LazyAttribute(lambda o: f"区{o.code}")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    district = factory.SubFactory(DistrictFactory)
    code = factory.Sequence(lambda n: f"{n % 100:03d}")  # completed in _adjust_kwargs
    name = factory.LazyAttribute(lambda o: f"街道{o.code}")
    kind = StreetKind.STREET

    @classmethod
    def _adjust_kwargs(cls, **kwargs):  # noqa: ANN003, ANN206
        if len(kwargs["code"]) == 3:
            kwargs["code"] = kwargs["district"].code + kwargs["code"]
        return kwargs


class CommitteeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Committee
        django_get_or_create = ("code",)

    street = factory.SubFactory(StreetFactory)
    code = factory.Sequence(lambda n: f"{n % 199 + 1:03d}")
    name = factory.LazyAttribute(lambda o: f"居委会{o.code}")
    kind = CommitteeKind.RESIDENTS

    @classmethod
    def _adjust_kwargs(cls, **kwargs):  # noqa: ANN003, ANN206
        if len(kwargs["code"]) == 3:
            kwargs["code"] = kwargs["street"].code + kwargs["code"]
        return kwargs


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("district", "name")

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"区职能部门{n}")


class SpaceStandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceStandard

    district = factory.SubFactory(DistrictFactory)
    from_year = factory.Sequence(lambda n: 2030 + n % 70)  # every district has a seeded standard from 2000
    office_min_m2 = Decimal("150")
    elder_min_m2 = Decimal("100")
    source = "DGJ08-55-2006"


class CommitteeYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommitteeYear

    committee = factory.SubFactory(CommitteeFactory)
    year = 2025
    households = 1600
    resident_households = 1500
    office_area_m2 = Decimal("160")
    elder_area_m2 = Decimal("110")
    work_fund_yuan = Decimal("120000")


class CommunityWorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityWorker

    committee = factory.SubFactory(CommitteeFactory)
    code = factory.Sequence(lambda n: f"W{n:06d}")
    name = factory.Sequence(lambda n: f"社工{n}")
    position = "社区工作者"
    hired_on = datetime.date(2020, 3, 1)


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    worker = factory.SubFactory(CommunityWorkerFactory)
    level = QualificationLevel.ASSISTANT
    obtained_on = datetime.date(2022, 6, 1)


class CommunityFundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunityFund

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"社区基金{n}")
    kind = "fund"
    established_on = datetime.date(2020, 1, 1)


# --- people, grants, the audit trail, notifications -------------------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    """A user; give the unit of their role (`committee=`, `street=`, `department=`) and its ancestors are filled in."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")

    @classmethod
    def _adjust_kwargs(cls, **kwargs):  # noqa: ANN003, ANN206
        # The user row stores its unit's ancestors (portal/accounts/models.py, user_unit_matches_role).
        if kwargs.get("committee") is not None and "street" not in kwargs:
            kwargs["street"] = kwargs["committee"].street
        if kwargs.get("street") is not None and "district" not in kwargs:
            kwargs["district"] = kwargs["street"].district
        if kwargs.get("department") is not None and "district" not in kwargs:
            kwargs["district"] = kwargs["department"].district
        return kwargs

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs) -> None:  # noqa: ANN003
        self.set_password(extracted or "correct-horse-battery")
        if create:
            self.save(update_fields=["password"])


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"组{n}")


def grant_table(unit: type[models.Model], holder: str) -> type[models.Model]:
    """The direct-FK grant table on `unit` held by a "user" or a "group", found in the app registry: the tables
    moved from committees to portal.core (issue 11), and the factories must not care where they live."""
    base = UserObjectPermissionBase if holder == "user" else GroupObjectPermissionBase
    for model in apps.get_models():
        if not issubclass(model, base):
            continue
        try:
            target = model._meta.get_field("content_object").related_model  # None on guardian's generic tables
        except FieldDoesNotExist:
            continue
        if target is unit:
            return model
    raise LookupError(f"no {holder} grant table on {unit._meta.label}")


def _view_permission(unit: models.Model) -> Permission:
    return Permission.objects.get(content_type__app_label=unit._meta.app_label, codename=f"view_{unit._meta.model_name}")


class _GrantFactory(factory.django.DjangoModelFactory):
    """A read-only grant (`view_<unit>`), as committee_access_grant gives one."""

    class Meta:
        abstract = True

    permission = factory.LazyAttribute(lambda o: _view_permission(o.content_object))


class DistrictUserGrantFactory(_GrantFactory):
    class Meta:
        model = grant_table(District, "user")

    user = factory.SubFactory(UserFactory)
    content_object = factory.SubFactory(DistrictFactory)


class DistrictGroupGrantFactory(_GrantFactory):
    class Meta:
        model = grant_table(District, "group")

    group = factory.SubFactory(GroupFactory)
    content_object = factory.SubFactory(DistrictFactory)


class StreetUserGrantFactory(_GrantFactory):
    class Meta:
        model = grant_table(Street, "user")

    user = factory.SubFactory(UserFactory)
    content_object = factory.SubFactory(StreetFactory)


class StreetGroupGrantFactory(_GrantFactory):
    class Meta:
        model = grant_table(Street, "group")

    group = factory.SubFactory(GroupFactory)
    content_object = factory.SubFactory(StreetFactory)


class CommitteeUserGrantFactory(_GrantFactory):
    class Meta:
        model = grant_table(Committee, "user")

    user = factory.SubFactory(UserFactory)
    content_object = factory.SubFactory(CommitteeFactory)


class CommitteeGroupGrantFactory(_GrantFactory):
    class Meta:
        model = grant_table(Committee, "group")

    group = factory.SubFactory(GroupFactory)
    content_object = factory.SubFactory(CommitteeFactory)


class AuditEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditEntry

    actor = factory.SubFactory(UserFactory)
    source = AuditEntry.Source.WEB
    action = "committeeyear.update"
    object_type = "committees.committeeyear"
    object_id = factory.Sequence(str)
    object_repr = "宝兴居委会 2025"
    before = factory.LazyFunction(lambda: {"households": 1000})
    after = factory.LazyFunction(lambda: {"households": 1200})


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"有一件准入申请待您审核（{n}）")
    url = "/tasks/requests/"


class SubmissionTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubmissionToken

    user = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(uuid.uuid4)
    digest = factory.Faker("sha256")
    path = "/certificates/register/new/"
    result_url = factory.Sequence(lambda n: f"/certificates/register/{n + 1}/")


class OrgImportFactory(factory.django.DjangoModelFactory):
    """A finished import made by a district's staff; pass `street=` (and its district) for a street's import."""

    class Meta:
        model = OrgImport

    district = factory.SubFactory(DistrictFactory)
    street = None
    actor = factory.SubFactory(UserFactory, role="district", district=factory.SelfAttribute("..district"))
    source = OrgImport.Source.WEB
    file_name = factory.Sequence(lambda n: f"组织{n}.xlsx")
    file_size = 2048
    status = OrgImport.Status.DONE
    rows_done = 12
    rows_total = 12


# --- indicators -----------------------------------------------------------------------------------------------


class TargetFactory(factory.django.DjangoModelFactory):
    """A district's target (pass `district=None` for the city's)."""

    class Meta:
        model = Target

    district = factory.SubFactory(DistrictFactory)
    indicator = "sw_certified_rate"
    year_from = factory.Sequence(lambda n: 2040 + n % 60)  # the seeded targets start from 2018-2026
    year_to = factory.SelfAttribute("year_from")
    comparison = Target.Comparison.AT_LEAST
    value = Decimal("0.5000")
    source = "测试"


class ComputationRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ComputationRun

    year = 2025
    trigger = ComputationRun.Trigger.COMMAND
    status = ComputationRun.Status.DONE
    progress = 100
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)


class ResultFactory(factory.django.DjangoModelFactory):
    """A result row of a committee by default; `scope="street", street=…`, `scope="district", district=…` or
    `scope="city"` for the others. The row's units above its own level are filled in as a run fills them."""

    class Meta:
        model = Result

    run = factory.SubFactory(ComputationRunFactory, year=factory.SelfAttribute("..year"))
    indicator = "sw_certified_rate"
    scope = Result.Scope.COMMITTEE
    year = factory.Sequence(lambda n: 1990 + n % 100)
    committee = factory.Maybe(factory.LazyAttribute(lambda o: o.scope == "committee"),
                              factory.SubFactory(CommitteeFactory), None)
    street = factory.LazyAttribute(lambda o: o.committee.street if o.committee else None)
    district = factory.LazyAttribute(lambda o: o.street.district if o.street else None)
    code = factory.LazyAttribute(lambda o: CITY_CODE if o.scope == "city" else (o.committee or o.street or o.district).pk)
    numerator = 1
    denominator = 2
    value = 0.5
    missing = 0
    computed_at = factory.LazyFunction(timezone.now)


# --- task lists, dispatch, admission, violation reports --------------------------------------------------------


class TaskListFactory(factory.django.DjangoModelFactory):
    """A district's draft list by default; `level="city"` for the city's, `status="published"` to publish it."""

    class Meta:
        model = TaskList

    level = TaskList.Level.DISTRICT
    district = factory.Maybe(factory.LazyAttribute(lambda o: o.level == "district"), factory.SubFactory(DistrictFactory),
                             None)
    year = factory.Sequence(lambda n: 2030 + n % 70)  # one list per (district, year): far from the seeds' years
    status = TaskList.Status.DRAFT
    published_at = factory.LazyAttribute(lambda o: timezone.now() if o.status == "published" else None)


class TaskItemFactory(factory.django.DjangoModelFactory):
    """An item of a list; pass `exited_at=` for one that left the list (its reason is filled in)."""

    class Meta:
        model = TaskItem

    task_list = factory.SubFactory(TaskListFactory)
    code = factory.Sequence(lambda n: f"T{n:04d}")
    title = factory.Sequence(lambda n: f"社区事务{n}")
    category = TaskItem.Category.ASSISTANCE
    responsible_unit = "区民政局"
    legal_basis = "《上海市居民委员会工作条例》"
    hours_per_month = Decimal("2.0")
    exited_at = None
    exit_reason = factory.LazyAttribute(lambda o: "不再下派" if o.exited_at else "")


class DispatchFactory(factory.django.DjangoModelFactory):
    """A published item of the committee's district list, sent to the committee by a street officer of its street."""

    class Meta:
        model = Dispatch

    committee = factory.SubFactory(CommitteeFactory)
    item = factory.SubFactory(TaskItemFactory, task_list__status="published",
                              task_list__district=factory.SelfAttribute("...committee.street.district"))
    starts_on = datetime.date(2026, 1, 5)
    due_on = datetime.date(2026, 3, 31)
    sent_by = factory.SubFactory(UserFactory, role="street", street=factory.SelfAttribute("..committee.street"))


class RefusedDispatchFactory(factory.django.DjangoModelFactory):
    """One refused attempt by a street officer, naming `committees=[...]` (default: one new committee of the
    officer's street; `committees=[]`: none yet)."""

    class Meta:
        model = RefusedDispatch
        skip_postgeneration_save = True

    item = None
    title = factory.Sequence(lambda n: f"未准入事项{n}")
    year = 2026
    reason = "该事项不在市、区两级清单内"
    attempted_by = factory.SubFactory(UserFactory, role="street", street=factory.SubFactory(StreetFactory))

    @factory.post_generation
    def committees(self, create: bool, extracted: list | None, **kwargs) -> None:  # noqa: ANN003
        if not create:
            return
        chosen = extracted if extracted is not None else [CommitteeFactory(street=self.attempted_by.street)]
        RefusedDispatchCommittee.objects.bulk_create(
            RefusedDispatchCommittee(refusal=self, committee=committee) for committee in chosen)


class RefusedDispatchCommitteeFactory(factory.django.DjangoModelFactory):
    """A committee named by a refused attempt (the attempt's own committee list gets one more)."""

    class Meta:
        model = RefusedDispatchCommittee

    refusal = factory.SubFactory(RefusedDispatchFactory, committees=[])
    committee = factory.SubFactory(CommitteeFactory)
    reason = ""


class AdmissionRequestFactory(factory.django.DjangoModelFactory):
    """A draft by a street officer for the whole district. Pass `status=`: a submitted one gets its submission
    time, an approved one its filed item on the district's list; `committees=[…]` / `streets=[…]` set the targets."""

    class Meta:
        model = AdmissionRequest
        skip_postgeneration_save = True

    applicant = factory.SubFactory(UserFactory, role="street", street=factory.SubFactory(StreetFactory))
    district = factory.SelfAttribute("applicant.district")
    department = factory.SelfAttribute("applicant.department")
    street = None
    title = factory.Sequence(lambda n: f"申请下派事项{n}")
    category = TaskItem.Category.ASSISTANCE
    legal_basis = "《上海市居民委员会工作条例》第十条"
    scope = AdmissionRequest.Scope.DISTRICT
    hours_per_month = Decimal("4.0")
    starts_on = datetime.date(2027, 3, 1)
    ends_on = datetime.date(2027, 12, 31)
    status = AdmissionRequest.Status.DRAFT
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == "draft" else timezone.now())
    decided_at = factory.LazyAttribute(lambda o: timezone.now() if o.status in ("approved", "rejected") else None)
    filed_item = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status == "approved"),
        factory.SubFactory(TaskItemFactory, task_list__district=factory.SelfAttribute("...district"),
                           title=factory.SelfAttribute("..title")),
        None,
    )

    @factory.post_generation
    def committees(self, create: bool, extracted: list | None, **kwargs) -> None:  # noqa: ANN003
        if create and extracted:
            self.committees.set(extracted)

    @factory.post_generation
    def streets(self, create: bool, extracted: list | None, **kwargs) -> None:  # noqa: ANN003
        if create and extracted:
            self.streets.set(extracted)


class RequestEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestEvent

    request = factory.SubFactory(AdmissionRequestFactory)
    kind = RequestEvent.Kind.CREATED
    actor = factory.SelfAttribute("request.applicant")


class ViolationReportFactory(factory.django.DjangoModelFactory):
    """A report by staff of the committee. `status="transferred"` names a department of the district, `"closed"`
    an outcome, unless given."""

    class Meta:
        model = ViolationReport

    committee = factory.SubFactory(CommitteeFactory)
    reporter = factory.SubFactory(UserFactory, role="committee", committee=factory.SelfAttribute("..committee"))
    sender = "区某职能部门"
    title = factory.Sequence(lambda n: f"未经准入的台账{n}")
    sent_on = datetime.date(2026, 4, 1)
    status = ViolationReport.Status.SUBMITTED
    department = factory.LazyAttribute(
        lambda o: DepartmentFactory(district=o.committee.street.district) if o.status == "transferred" else None)
    outcome = factory.LazyAttribute(lambda o: ViolationReport.Outcome.WITHDRAWN if o.status == "closed" else "")


class ReportEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportEvent

    report = factory.SubFactory(ViolationReportFactory)
    kind = ReportEvent.Kind.SUBMITTED
    actor = factory.SelfAttribute("report.reporter")


# --- certificates ---------------------------------------------------------------------------------------------


class CertificateTypeFactory(factory.django.DjangoModelFactory):
    """A district's own type that may be issued on facts; `jurisdiction="national"` (no district) for a national
    one, `rule="refuse"` for a do-not-issue type (its alternative route is filled in)."""

    class Meta:
        model = CertificateType

    name = factory.Sequence(lambda n: f"测试证明{n}")
    rule = CertificateType.Rule.FACTS
    conditions = "居委会直接掌握的事实"
    jurisdiction = CertificateType.Jurisdiction.DISTRICT
    district = factory.Maybe(factory.LazyAttribute(lambda o: o.jurisdiction == "district"),
                             factory.SubFactory(DistrictFactory), None)
    alternative_route = factory.LazyAttribute(lambda o: "向公安派出所申请" if o.rule == "refuse" else "")


class LookupTallyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LookupTally

    committee = factory.SubFactory(CommitteeFactory)
    certificate_type = factory.SubFactory(CertificateTypeFactory,
                                          district=factory.SelfAttribute("..committee.street.district"))
    day = factory.LazyFunction(timezone.localdate)
    issuable = factory.LazyAttribute(lambda o: o.certificate_type.rule != "refuse")
    count = 1


class SerialCounterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SerialCounter

    committee = factory.SubFactory(CommitteeFactory)
    year = factory.Sequence(lambda n: 2000 + n % 100)
    last = 0


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A certificate issued by staff of the committee, of a type of its district; `voided_at=` voids it (with a
    reason)."""

    class Meta:
        model = Registration

    committee = factory.SubFactory(CommitteeFactory)
    issued_at = factory.LazyFunction(timezone.now)
    year = factory.LazyAttribute(lambda o: timezone.localtime(o.issued_at).year)
    serial = factory.Sequence(lambda n: n + 1)
    certificate_type = factory.SubFactory(CertificateTypeFactory,
                                          district=factory.SelfAttribute("..committee.street.district"))
    applicant_name = "张三"
    id_masked = "310101********1234"
    id_hash = factory.Sequence(lambda n: f"{n:064x}")
    purpose = "办理居住登记"
    facts = "申请人居住在本辖区"
    verification = "入户核实"
    issuer = factory.SubFactory(UserFactory, role="committee", committee=factory.SelfAttribute("..committee"))
    seal_used = True
    voided_at = None
    void_reason = factory.LazyAttribute(lambda o: "填写错误" if o.voided_at else "")


class SealUseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SealUse

    committee = factory.SubFactory(CommitteeFactory)
    used_at = factory.LazyFunction(timezone.now)
    item = "notice"
    content = factory.Sequence(lambda n: f"居务公开通知{n}")
    copies = 1
    approver = "主任"
    handler = factory.SubFactory(UserFactory, role="committee", committee=factory.SelfAttribute("..committee"))


# --- the working-day calendar (issue 14) ---------------------------------------------------------------------------


class CalendarDayFactory(factory.django.DjangoModelFactory):
    """A public holiday of the city's calendar, on days of 2090 onwards (a year nothing else uses): a test that cares
    about the day passes it."""

    class Meta:
        model = CalendarDay

    day = factory.Sequence(lambda n: datetime.date(2090, 1, 1) + datetime.timedelta(days=n % 3650))
    is_working_day = False
    name = "节假日"
    source_document = "国办发明电〔2089〕1号"


class CalendarYearFactory(factory.django.DjangoModelFactory):
    """A year of the calendar marked loaded (from 2060 onwards, outside the shipped schedule)."""

    class Meta:
        model = CalendarYear

    year = factory.Sequence(lambda n: 2060 + n % 40)
    source_document = factory.LazyAttribute(lambda o: f"国办发明电〔{o.year - 1}〕1号")
    loaded_by = None
