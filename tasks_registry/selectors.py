"""Reads of task admission for a user: queues, what was received and its burden, the lists' changes, the
duplicate check while filing, the Q4 reminder. Every one reaches rows through restrict()."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from committees.models import Committee, Street
from portal.core.scoping import may_ever, unit_of
from tasks_registry.choices import ListLevel
from tasks_registry.models import (
    AdmissionRequest,
    Dispatch,
    RefusedDispatch,
    RefusedDispatchCommittee,
    TaskItem,
    TaskList,
    ViolationReport,
)

if TYPE_CHECKING:
    from portal.accounts.models import User

# What a person's unit name needs (User.unit_name), fetched with the row instead of once per row.
APPLICANT = ("applicant__committee", "applicant__street", "applicant__district", "applicant__department__district")
ACTOR = ("actor__committee", "actor__street", "actor__district", "actor__department__district")
SENDER = ("sent_by__committee", "sent_by__street", "sent_by__district", "sent_by__department__district")


# --- admission requests -------------------------------------------------------------------------------
def admission_request_tabs(*, actor: User) -> list[str]:
    """The tabs of the requests page, the first being the default: the reviewers' queue first for those
    who review ("待我审核"), then what they filed and everything in their area."""
    return (["queue"] if may_ever(actor, AdmissionRequest, "review") else []) + ["mine", "all"]


def admission_request_queue(*, actor: User) -> QuerySet[AdmissionRequest]:
    """待我审核: the requests whose current stage the actor reviews. The notices go to the same people."""
    return AdmissionRequest.objects.restrict(actor, "review")


def admission_request_list(*, actor: User, tab: str) -> QuerySet[AdmissionRequest]:
    if tab == "queue":
        rows = admission_request_queue(actor=actor).order_by("review_due_on", "id")
    elif tab == "mine":
        rows = AdmissionRequest.objects.restrict(actor).filter(applicant=actor)
    else:
        rows = AdmissionRequest.objects.restrict(actor)
    return rows.select_related(*APPLICANT, "street", "department")


def filing_choices(*, actor: User, today: datetime.date) -> dict[str, QuerySet]:
    """The committees and streets the actor may aim a request at: their own unit's, never a grant's (a
    department or district: the district's; a street officer: their street's)."""
    perm = "tasks_registry.add_admissionrequest"
    committees = Committee.objects.restrict(actor, "view", perm=perm, include_grants=False)
    return {"committees": committees.active_on(today).select_related("street").order_by("code"),
            "streets": Street.objects.restrict(actor, "view", perm=perm, include_grants=False).order_by("code")}


_SIMILAR_LIMIT = 5
_SIMILARITY = 0.15


def _like(queryset: QuerySet, title: str) -> QuerySet:
    """PostgreSQL: pg_trgm similarity (it works on Chinese text in a UTF-8 database); SQLite (the embedded
    default): any two consecutive characters of the title in common."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        return (queryset.annotate(similarity=TrigramSimilarity("title", title)).filter(similarity__gte=_SIMILARITY)
                .order_by("-similarity"))
    pairs = {title[i:i + 2] for i in range(len(title) - 1)} or {title}
    return queryset.filter(reduce(or_, (Q(title__icontains=pair) for pair in pairs)))


@dataclass(frozen=True)
class SimilarRequest:
    """An open request that looks alike: its title and state only; `pk` only when the person may open it."""

    title: str
    status: str
    pk: int | None


def similar_titles(*, actor: User, title: str, exclude_request: int | None = None) -> dict[str, list[Any]]:
    """While filing: published list items and requests under way or admitted, of the whole district, whose titles look like
    `title` (restrict(user, "find_similar")), so a task already admitted is reused, not applied for twice."""
    title = title.strip()
    if len(title) < 2:
        return {"items": [], "requests": []}
    items = _like(TaskItem.objects.restrict(actor, "find_similar"), title).select_related("task_list__district")
    found = _like(AdmissionRequest.objects.restrict(actor, "find_similar"), title)
    if exclude_request:
        found = found.exclude(pk=exclude_request)
    rows = list(found.values_list("pk", "title", "status")[:_SIMILAR_LIMIT])
    viewable = set(AdmissionRequest.objects.restrict(actor).filter(pk__in=[row[0] for row in rows])
                   .values_list("pk", flat=True)) if rows else set()
    labels = dict(AdmissionRequest.Status.choices)
    return {"items": list(items[:_SIMILAR_LIMIT]),
            "requests": [SimilarRequest(alike, labels.get(status, status), pk if pk in viewable else None)
                         for pk, alike, status in rows]}


# --- lists --------------------------------------------------------------------------------------------
@dataclass
class Change:
    code: str
    title: str
    kind: str  # added, removed, changed
    fields: list[str]  # the changed fields' names, in the user's language


_COMPARED = ("title", "category", "responsible_unit", "legal_basis", "frequency", "hours_per_month", "forms", "systems",
             "needs_seal")


def list_changes(task_list: TaskList) -> list[Change]:
    """What changed against the list it was started from: added, removed and changed items (two queries).

    An item is matched with the one it was carried from (`carried_from`) first, whatever its number now; an
    item without that origin (entered on the list, filed by an approved request) with the unmatched item of
    the same number. A matched item whose number changed lists the number among its changed fields."""
    if task_list.copied_from_id is None:
        return []
    old = {item.pk: item for item in TaskItem.objects.filter(task_list=task_list.copied_from_id)}
    new = list(task_list.items.all())
    pairs = {item.pk: old[item.carried_from_id] for item in new if item.carried_from_id in old}
    unmatched = {item.code: item for item in old.values()}
    for matched in pairs.values():
        unmatched.pop(matched.code, None)
    for item in new:
        if item.pk not in pairs and item.code in unmatched:
            pairs[item.pk] = unmatched.pop(item.code)
    changes = [Change(item.code, item.title, "added", []) for item in new if item.pk not in pairs]
    changes += [Change(item.code, item.title, "removed", []) for item in unmatched.values()]
    for item in new:
        before = pairs.get(item.pk)
        if before is not None:
            differing = [str(TaskItem._meta.get_field(f).verbose_name) for f in ("code", *_COMPARED)
                         if getattr(item, f) != getattr(before, f)]
            if differing:
                changes.append(Change(item.code, item.title, "changed", differing))
    return sorted(changes, key=lambda change: change.code)


def list_reminder(*, actor: User, today: datetime.date) -> str | None:
    """Q4: next year's district list is due on 31 December; from 1 October whoever may publish their
    district's list is reminded, and after the end of the year it is overdue. The page's banner and the
    beat's notices (services/notices.py) are this one answer."""
    if unit_of(actor, "district") is None or not may_ever(actor, TaskList, "publish"):
        return None
    year = today.year + 1 if today.month >= 10 else today.year
    # "carry" reaches the published lists the actor keeps: at district level, their district's own.
    if TaskList.objects.restrict(actor, "carry").filter(level=ListLevel.DISTRICT, year=year).exists():
        return None
    if today.month >= 10:
        return _("Next year's district list ({year}) is due on 31 December and is not published yet.").format(year=year)
    return _("The district list for {year} was due on 31 December {previous} and is overdue.").format(
        year=year, previous=year - 1)


# --- dispatch -----------------------------------------------------------------------------------------
def dispatch_committees(*, actor: User) -> QuerySet[Committee]:
    """The committees the actor may send tasks to: their own unit's, and those granted to them read-write (a
    read-only grant never lets anyone dispatch). The service, the form and the API input all ask this."""
    return Committee.objects.restrict(actor, "change", perm="tasks_registry.add_dispatch")


def dispatch_choices(*, actor: User, today: datetime.date) -> dict[str, QuerySet]:
    """What the dispatch form offers: the items the actor may send that are published and still listed,
    this year's and next, and the committees they may send to (the picker chooses whole streets of them)."""
    committees = dispatch_committees(actor=actor)
    items = (TaskItem.objects.restrict(actor, "dispatch").published().active_on(today)
             .filter(task_list__year__in=[today.year, today.year + 1]).select_related("task_list__district")
             .order_by("-task_list__year", "task_list__level", "code"))
    return {"items": items, "committees": committees.active_on(today).select_related("street").order_by("code")}


def received_dispatches(*, actor: User) -> QuerySet[Dispatch]:
    """What was dispatched into the actor's scope (a committee: to it)."""
    return Dispatch.objects.restrict(actor)


def received_list(*, actor: User, today: datetime.date, only: int | None = None) -> QuerySet[Dispatch]:
    """The received page's rows: what reached the actor's scope with its item, committee, sender and the
    sender's unit in the same query, each with `may_receive` / `may_complete` (restrict(actor, "receive" /
    "complete") asked within the query: the buttons) and `overdue` (not done, and its due date before `today`).
    What is overdue first, then what waits for a signature, then what is under way, then what is done; the
    latest start first within each. `only`: that one dispatch (a notice's link)."""
    rows = received_dispatches(actor=actor)
    if only is not None:
        rows = rows.filter(pk=only)
    return (rows.select_related("item__task_list__district", "committee", *SENDER, "received_by", "done_by")
            .annotate(may_receive=Exists(Dispatch.objects.restrict(actor, "receive").filter(pk=OuterRef("pk"))),
                      may_complete=Exists(Dispatch.objects.restrict(actor, "complete").filter(pk=OuterRef("pk"))),
                      overdue=Case(When(done_at__isnull=True, due_on__lt=today, then=Value(True)),
                                   default=Value(False), output_field=BooleanField()),
                      stage=Case(When(done_at__isnull=False, then=Value(2)), When(received_at__isnull=False,
                                                                                  then=Value(1)),
                                 default=Value(0), output_field=IntegerField()))
            .order_by("-overdue", "stage", "-starts_on", "-id"))


def received_one_committee(*, actor: User) -> bool:
    """Whether everything dispatched into the actor's scope went to one committee (or nothing did): the page
    then leaves out the committee column (one query, however many rows)."""
    return received_dispatches(actor=actor).order_by().values("committee").distinct()[:2].count() < 2


def received_heading(*, actor: User) -> str:
    """The received page's heading: a committee's own staff read what was sent to them."""
    return _("Tasks sent to us") if unit_of(actor, "committee") else _("Dispatched tasks and burden")


def refused_dispatches(*, actor: User) -> QuerySet[RefusedDispatch]:
    """The refused attempts that touched a committee in the actor's scope, one row per attempt, each with
    `visible_entries`: the committees of it the actor may see (Committee.objects.restrict), with their own
    reasons; another district's or street's committees of the same attempt are never shown."""
    entries = (RefusedDispatchCommittee.objects.filter(committee__in=Committee.objects.restrict(actor))
               .select_related("committee").order_by("committee"))
    attempter = ("attempted_by__committee", "attempted_by__street", "attempted_by__district",
                 "attempted_by__department__district")
    return (RefusedDispatch.objects.restrict(actor).select_related(*attempter, "item")
            .prefetch_related(Prefetch("entries", queryset=entries, to_attr="visible_entries")))


# --- violation reports --------------------------------------------------------------------------------
def violation_report_list(*, actor: User) -> QuerySet[ViolationReport]:
    """The reports the actor reads, each with `may_identify`: whether they may see which committee reported
    (a department never does), asked of restrict() within the same query."""
    return (ViolationReport.objects.restrict(actor).select_related("committee", "department")
            .annotate(may_identify=Exists(ViolationReport.objects.restrict(actor, "identify").filter(pk=OuterRef("pk")))))


_HOURS = DecimalField(max_digits=12, decimal_places=1)


def _months_run(starts_on: datetime.date, due_on: datetime.date) -> list[tuple[int, int]]:
    """The calendar months a dispatch runs in, its start's and its due date's included."""
    first, last = starts_on.year * 12 + starts_on.month - 1, due_on.year * 12 + due_on.month - 1
    return [divmod(index, 12) for index in range(first, last + 1)]


def burden(dispatches: QuerySet[Dispatch], year: int) -> dict[str, Any]:
    """The burden meter: hours per month of dispatched tasks, month by month, for `year` and the year
    before, and beside this year's the hours the committees reported (two queries).

    - "current", "previous": a dispatch weighs its item's declared hours per committee per month in every
      month it runs;
    - "previous_known": whether any dispatch ran in the year before; if not, the year has no data (the page shows
      "—", not twelve zeros);
    - "reported": a task reported done (办结) weighs the hours it really took, spread evenly over the months
      it ran, so each month reads against the declared hours of the same tasks;
    - "declared_done": the declared hours of those same done tasks, month by month (the fair comparison);
    - "reported_total", "declared_done_total": the year's sums of the two."""
    sums = {}
    for y in (year - 1, year):
        for month in range(1, 13):
            first = datetime.date(y, month, 1)
            last = datetime.date(y, month, calendar.monthrange(y, month)[1])
            sums[f"m{y}_{month}"] = Sum(Case(When(Q(starts_on__lte=last) & Q(due_on__gte=first),
                                                  then="item__hours_per_month"), default=Decimal(0),
                                             output_field=_HOURS))
    sums["ran_before"] = Count("pk", filter=Q(starts_on__lte=datetime.date(year - 1, 12, 31),
                                              due_on__gte=datetime.date(year - 1, 1, 1)))
    totals = dispatches.aggregate(**sums)
    meter: dict[str, Any] = {label: [totals[f"m{y}_{month}"] or Decimal(0) for month in range(1, 13)]
                             for label, y in (("previous", year - 1), ("current", year))}
    meter["previous_known"] = bool(totals["ran_before"])  # else no data for the year before, not zero hours
    reported, declared = [Decimal(0)] * 12, [Decimal(0)] * 12
    done = dispatches.filter(done_at__isnull=False, hours_spent__isnull=False, starts_on__lte=datetime.date(year, 12, 31),
                             due_on__gte=datetime.date(year, 1, 1))
    for spent, declared_hours, starts_on, due_on in done.values_list("hours_spent", "item__hours_per_month",
                                                                      "starts_on", "due_on").order_by():
        months = _months_run(starts_on, due_on)
        for y, index in months:
            if y == year:
                reported[index] += spent / len(months)
                declared[index] += declared_hours
    meter["reported"] = [hours.quantize(Decimal("0.1")) for hours in reported]
    meter["declared_done"] = [hours.quantize(Decimal("0.1")) for hours in declared]
    meter["reported_total"] = sum(reported, Decimal(0)).quantize(Decimal("0.1"))
    meter["declared_done_total"] = sum(declared, Decimal(0)).quantize(Decimal("0.1"))
    return meter
