"""Demo activity of this year (timezone.localdate().year) in Huangpu: what staff would have done by today.

Every row is written by the service staff use, with the demo person whose role does it as the actor, so the
audit entries, notifications and rules are those of real use:

- the city's and Huangpu's task lists with their items, published (task_list_create, task_item_save,
  task_list_publish; one item exits with a reason: task_item_exit);
- dispatches of listed items to committees of 外滩街道 (dispatch_send); 宝兴居委会 signs for two of them (签收,
  dispatch_receive) and reports one done with the hours it took (办结, dispatch_complete);
- admission requests in every state: draft, street review, district review, approved and filed, rejected,
  returned (admission_request_create / _submit / _approve / _reject / _return);
- violation reports at each stage: submitted, accepted, transferred, closed, dismissed (violation_report_*);
- certificate registrations, a few voided, and seal uses, month by month up to today (registration_create,
  registration_void, seal_use_create).

The one write that is not a service: the certificate and seal services stamp the current time, so the
registrations and seal uses are moved back to their day of the year afterwards (`_backdate`: an UPDATE of
issued_at / used_at / voided_at only; the serials stay in date order because rows are made in date order).

Idempotent: each part is keyed by what it makes (a list for the year, a request's title and applicant, an
item's dispatches by its sender, a dispatch's receipt, a report's title, the committee's registrations of the
year) and skipped when that exists, so a second run changes nothing and edits made in the demo are kept. Content
comes from data/activity.json; random choices are seeded: the same every run.
"""

from __future__ import annotations

import datetime
import json
import random
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from certificates.choices import CertificateRule
from certificates.models import CertificateType, Registration, SealUse
from certificates.services import registration_create, registration_void, seal_use_create
from committees.models import Committee, Department, Street
from portal.accounts.models import User
from portal.workdays.schedule import add_working_days
from tasks_registry.choices import ListLevel, ListStatus, RequestStatus
from tasks_registry.models import AdmissionRequest, Dispatch, TaskList, ViolationReport
from tasks_registry.services.admission import (
    admission_request_approve,
    admission_request_create,
    admission_request_reject,
    admission_request_return,
    admission_request_submit,
)
from tasks_registry.services.dispatch import dispatch_complete, dispatch_receive, dispatch_send
from tasks_registry.services.lists import task_item_exit, task_item_save, task_list_create, task_list_publish
from tasks_registry.services.reports import (
    violation_report_accept,
    violation_report_close,
    violation_report_dismiss,
    violation_report_file,
    violation_report_reply,
    violation_report_transfer,
)

__all__ = ["demo_activity"]

DATA = Path(__file__).resolve().parent / "data" / "activity.json"
HUANGPU = "310101"
BAOXING = "310101013018"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红梅鑫波斌宇浩凯健俊帆"
_CHECK = "10X98765432"
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def demo_activity(users: dict[str, User], *, today: datetime.date | None = None) -> None:
    """Write this year's demo activity with the demo `users` (by username) as actors. Call it in a transaction.

    Raises whatever a service raises (a demo that breaks a rule is a bug of the demo)."""
    today = today or timezone.localdate()
    data = json.loads(DATA.read_text(encoding="utf-8"))
    lists = _lists(users, data, today.year)
    _requests(users, data, today)
    _dispatches(users, data, lists, today.year)
    _receipts(users, data, lists)
    _reports(users, data, today.year)
    _certificates(users, data, today)


def _on(year: int, month_day: list[int]) -> datetime.date:
    return datetime.date(year, *month_day)


# --- lists -------------------------------------------------------------------------------------------------

def _lists(users: dict[str, User], data: dict, year: int) -> dict[str, TaskList]:
    """This year's city list (kept by `city`) and Huangpu's (kept by `huangpu`), filled and published; left as
    they are when they exist."""
    lists = {}
    for level, keeper, key, district in ((ListLevel.CITY, "city", "city_items", None),
                                         (ListLevel.DISTRICT, "huangpu", "district_items", HUANGPU)):
        actor = users[keeper]
        existing = TaskList.objects.filter(level=level, district_id=district, year=year).first()
        if existing is not None:
            lists[level] = existing
            continue
        task_list = task_list_create(actor=actor, year=year)
        exits = []
        for row in data[key]:
            fields = {k: v for k, v in row.items() if k != "exit"}
            item = task_item_save(actor=actor, list_pk=task_list.pk,
                                  data={**fields, "hours_per_month": Decimal(fields["hours_per_month"])})
            if "exit" in row:
                exits.append((item, row["exit"]))
        lists[level] = task_list_publish(actor=actor, pk=task_list.pk)
        for item, exit_ in exits:  # 退出 with a reason, from a day of the year
            task_item_exit(actor=actor, pk=item.pk, on=datetime.date(year, exit_["month"], exit_["day"]),
                           reason=exit_["reason"])
    return lists


# --- admission requests ------------------------------------------------------------------------------------

def _requests(users: dict[str, User], data: dict, today: datetime.date) -> None:
    """One request per state of RequestStatus. A decided request was filed early in the year for a task starting
    this year (its item is filed on this year's list); an open one was filed today, for a task starting after the
    30 working days of filing."""
    reviewers = {"street": users["waitan"], "district": users["huangpu"]}
    opening = datetime.date(today.year, 1, 6)
    for row in data["requests"]:
        applicant = users[row["applicant"]]
        if AdmissionRequest.objects.filter(applicant=applicant, title=row["title"]).exists():
            continue
        decided = row["state"] in (RequestStatus.APPROVED, RequestStatus.REJECTED)
        filed_on = opening if decided else today
        starts_on = add_working_days(filed_on, settings.PORTAL_ADMISSION_FILE_WORKING_DAYS + 10)
        fields = {
            "title": row["title"], "category": row["category"], "legal_basis": row["legal_basis"],
            "description": row.get("description", ""), "scope": row["scope"],
            "hours_per_month": Decimal(row["hours_per_month"]), "forms": row.get("forms", ""),
            "systems": row.get("systems", ""), "needs_seal": False,
            "starts_on": starts_on, "ends_on": datetime.date(starts_on.year, 12, 31),
            "committees": list(Committee.objects.filter(pk__in=row.get("committees", [])).order_by("code")),
            "streets": list(Street.objects.filter(pk__in=row.get("streets", [])).order_by("code")),
        }
        request = admission_request_create(actor=applicant, data=fields)
        if row["state"] == RequestStatus.DRAFT:
            continue
        request = admission_request_submit(actor=applicant, pk=request.pk, today=filed_on)
        if row["state"] in (RequestStatus.STREET_REVIEW, RequestStatus.DISTRICT_REVIEW) and not row.get("street_passed"):
            continue
        if request.status == RequestStatus.STREET_REVIEW and row["state"] != RequestStatus.REJECTED:
            request = admission_request_approve(actor=reviewers["street"], pk=request.pk,
                                                comment="街道初审通过，报区审核。")
        stage = "street" if request.status == RequestStatus.STREET_REVIEW else "district"
        if row["state"] == RequestStatus.APPROVED:
            admission_request_approve(actor=reviewers[stage], pk=request.pk, comment=row.get("comment", ""))
        elif row["state"] == RequestStatus.REJECTED:
            admission_request_reject(actor=reviewers[stage], pk=request.pk, reason=row["reason"])
        elif row["state"] == RequestStatus.RETURNED:
            admission_request_return(actor=reviewers[stage], pk=request.pk, reason=row["reason"])


# --- dispatches --------------------------------------------------------------------------------------------

def _dispatches(users: dict[str, User], data: dict, lists: dict[str, TaskList], year: int) -> None:
    """Listed items sent to committees of 外滩街道, by the district's staff and by the street officer. Skipped
    when the list was not published (a list someone started themselves) or the sender sent that item already."""
    items = {item.code: item for task_list in lists.values() if task_list.status == ListStatus.PUBLISHED
             for item in task_list.items.all()}
    for row in data["dispatches"]:
        sender, item = users[row["sender"]], items.get(row["item"])
        if item is None or Dispatch.objects.filter(item=item, sent_by=sender).exists():
            continue
        dispatch_send(actor=sender, item_pk=item.pk,
                      committees=list(Committee.objects.filter(pk__in=row["committees"]).order_by("code")),
                      starts_on=_on(year, row["from"]), due_on=_on(year, row["due"]), note=row["note"])


def _receipts(users: dict[str, User], data: dict, lists: dict[str, TaskList]) -> None:
    """宝兴居委会's staff sign for dispatches of this year's lists (签收), and report those with "hours_spent"
    done (办结) with the hours they took, near the declared hours of the months the task runs. Skipped when the
    dispatch does not exist (its list was not published) or was signed for already (in the demo, by hand)."""
    staff = users["baoxing"]
    for row in data["receipts"]:
        dispatch = Dispatch.objects.filter(item__task_list__in=list(lists.values()), item__code=row["item"],
                                           sent_by=users[row["sender"]], committee_id=BAOXING).first()
        if dispatch is None or dispatch.received_at is not None:
            continue
        dispatch_receive(actor=staff, pk=dispatch.pk)
        if "hours_spent" in row:
            dispatch_complete(actor=staff, pk=dispatch.pk, hours_spent=Decimal(row["hours_spent"]))


# --- violation reports -------------------------------------------------------------------------------------

def _reports(users: dict[str, User], data: dict, year: int) -> None:
    """宝兴居委会 reports; Huangpu's staff handle each report as far as its stage; the health commission replies."""
    reporter, handler, department_staff = users["baoxing"], users["huangpu"], users["huangpu_health"]
    department = Department.objects.get(pk=department_staff.department_id)
    steps: dict[str, list[Callable[[int, dict], Any]]] = {
        "submitted": [],
        "accepted": [lambda pk, row: violation_report_accept(actor=handler, pk=pk, comment="已受理，正在核实。")],
        "transferred": [lambda pk, row: violation_report_accept(actor=handler, pk=pk),
                        lambda pk, row: violation_report_transfer(actor=handler, pk=pk, department=department,
                                                                  comment="请核实并于10个工作日内回复。")],
        "closed": [lambda pk, row: violation_report_accept(actor=handler, pk=pk),
                   lambda pk, row: violation_report_transfer(actor=handler, pk=pk, department=department),
                   lambda pk, row: violation_report_reply(actor=department_staff, pk=pk, text=row["reply"]),
                   lambda pk, row: violation_report_close(actor=handler, pk=pk, outcome=row["outcome"],
                                                          comment="经核实，已整改。")],
        "dismissed": [lambda pk, row: violation_report_dismiss(actor=handler, pk=pk, reason=row["reason"])],
    }
    for row in data["reports"]:
        if ViolationReport.objects.filter(reporter=reporter, title=row["title"]).exists():
            continue
        report = violation_report_file(actor=reporter, data={
            "sender": row["sender"], "title": row["title"], "sent_on": _on(year, row["sent_on"]),
            "description": row["description"]})
        for step in steps[row["state"]]:
            step(report.pk, row)


# --- certificates and the seal -----------------------------------------------------------------------------

def _id_number(rng: random.Random) -> str:
    """A made-up resident ID number of Huangpu that passes GB 11643's check (born 1940-2005)."""
    born = datetime.date(1940, 1, 1) + datetime.timedelta(days=rng.randint(0, 65 * 365))
    body = f"{HUANGPU}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + _CHECK[sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=True)) % 11]


def _days_of_year(rng: random.Random, today: datetime.date, per_month: tuple[int, int]) -> list[datetime.datetime]:
    """Office hours on working-looking days of every month from January to today, in order."""
    moments = []
    for month in range(1, today.month + 1):
        last = today.day if month == today.month else 28
        for _n in range(rng.randint(*per_month)):
            day = datetime.date(today.year, month, rng.randint(1, last))
            moments.append(timezone.make_aware(datetime.datetime.combine(
                day, datetime.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))))))
    now = timezone.now()
    return sorted(min(moment, now) for moment in moments)


def _backdate(queryset: QuerySet[Model], **moments: datetime.datetime) -> None:
    """The services stamp now; the demo's row moves to its day of the year (the only non-service write)."""
    queryset.update(**moments)


def _certificates(users: dict[str, User], data: dict, today: datetime.date) -> None:
    """宝兴居委会's certificate register and seal register of the year: a few certificates a month (every ninth
    voided the next day), and a seal use or two a month. Skipped when the committee registered anything this
    year, or used its seal other than for a certificate."""
    staff = users["baoxing"]
    committee = Committee.objects.get(pk=BAOXING)
    rng = random.Random(f"certificates-{today.year}")
    spec = data["registrations"]
    types = list(CertificateType.objects.restrict(staff, "view").filter(
        district__isnull=True, rule__in=[CertificateRule.FACTS, CertificateRule.DELIBERATION]).order_by("name"))
    # The national catalogue is reference data of the migrations: without it (a flushed test database) no register.
    if types and not Registration.objects.filter(committee=committee, year=today.year).exists():
        for index, moment in enumerate(_days_of_year(rng, today, (2, 5)), start=1):
            certificate_type = types[index % len(types)]
            registration = registration_create(
                actor=staff, committee=committee, certificate_type=certificate_type,
                applicant_name=rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2))),
                id_number=_id_number(rng), purpose=rng.choice(spec["purposes"]), facts=spec["facts"],
                verification=spec["verification"], seal_used=index % 4 != 0,
                approver="居委会主任" if certificate_type.rule == CertificateRule.DELIBERATION else "")
            _backdate(Registration.objects.filter(pk=registration.pk), issued_at=moment)
            _backdate(SealUse.objects.filter(registration=registration), used_at=moment)
            if index % 9 == 0:
                registration_void(actor=staff, registration=registration, reason=spec["void_reason"])
                _backdate(Registration.objects.filter(pk=registration.pk),
                          voided_at=min(moment + datetime.timedelta(days=1), timezone.now()))
    if not SealUse.objects.filter(committee=committee, registration__isnull=True,
                                  used_at__year=today.year).exists():
        for index, moment in enumerate(_days_of_year(rng, today, (1, 2))):
            use = data["seal_uses"][index % len(data["seal_uses"])]
            row = seal_use_create(actor=staff, committee=committee, item=use["item"], content=use["content"],
                                  copies=use["copies"], approver="居委会主任")
            _backdate(SealUse.objects.filter(pk=row.pk), used_at=moment)
