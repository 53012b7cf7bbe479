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
from django.db.models import Case, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, When
from django.utils.translation import gettext as _

from committees.models import Committee, Street
from portal.core.scoping import may_ever, unit_of
from tasks_registry.choices import ListLevel
from tasks_registry.models import AdmissionRequest, Dispatch, RefusedDispatch, TaskItem, TaskList, ViolationReport

if TYPE_CHECKING:
    from portal.accounts.models import User

# What a person's unit name needs (User.unit_name), fetched with the row instead of once per row.
APPLICANT = ("applicant__committee", "applicant__street", "applicant__district", "applicant__department__district")
ACTOR = ("actor__committee", "actor__street", "actor__district", "actor__department__district")


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
    """What changed against the list it was started from: added, removed and changed items (two queries)."""
    if task_list.copied_from_id is None:
        return []
    old = {item.code: item for item in TaskItem.objects.filter(task_list=task_list.copied_from_id)}
    new = {item.code: item for item in task_list.items.all()}
    changes = [Change(code, item.title, "added", []) for code, item in new.items() if code not in old]
    changes += [Change(code, item.title, "removed", []) for code, item in old.items() if code not in new]
    for code, item in new.items():
        if code in old:
            differing = [str(TaskItem._meta.get_field(f).verbose_name) for f in _COMPARED
                         if getattr(item, f) != getattr(old[code], f)]
            if differing:
                changes.append(Change(code, item.title, "changed", differing))
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
    this year's and next; the committees they may send to, and the streets they may send to whole."""
    committees = dispatch_committees(actor=actor)
    items = (TaskItem.objects.restrict(actor, "dispatch").published().active_on(today)
             .filter(task_list__year__in=[today.year, today.year + 1]).select_related("task_list__district")
             .order_by("-task_list__year", "task_list__level", "code"))
    return {"items": items, "committees": committees.active_on(today).select_related("street").order_by("code"),
            "streets": Street.objects.restrict(actor, "change", perm="tasks_registry.add_dispatch").order_by("code")}


def received_dispatches(*, actor: User) -> QuerySet[Dispatch]:
    """What was dispatched into the actor's scope (a committee: to it)."""
    return Dispatch.objects.restrict(actor)


def received_heading(*, actor: User) -> str:
    """The received page's heading: a committee's own staff read what was sent to them."""
    return _("Tasks sent to us") if unit_of(actor, "committee") else _("Dispatched tasks and burden")


def refused_dispatches(*, actor: User) -> QuerySet[RefusedDispatch]:
    return RefusedDispatch.objects.restrict(actor).select_related("committee")


# --- violation reports --------------------------------------------------------------------------------
def violation_report_list(*, actor: User) -> QuerySet[ViolationReport]:
    """The reports the actor reads, each with `may_identify`: whether they may see which committee reported
    (a department never does), asked of restrict() within the same query."""
    return (ViolationReport.objects.restrict(actor).select_related("committee", "department")
            .annotate(may_identify=Exists(ViolationReport.objects.restrict(actor, "identify").filter(pk=OuterRef("pk")))))


def burden(dispatches: QuerySet[Dispatch], year: int) -> dict[str, list[Decimal]]:
    """The burden meter: hours per month of dispatched tasks, month by month, for `year` and the year
    before (one query). A dispatch weighs its item's hours per committee per month in every month it runs."""
    sums = {}
    for y in (year - 1, year):
        for month in range(1, 13):
            first = datetime.date(y, month, 1)
            last = datetime.date(y, month, calendar.monthrange(y, month)[1])
            sums[f"m{y}_{month}"] = Sum(Case(When(Q(starts_on__lte=last) & Q(due_on__gte=first),
                                                  then="item__hours_per_month"), default=Decimal(0),
                                             output_field=DecimalField(max_digits=12, decimal_places=1)))
    totals = dispatches.aggregate(**sums)
    return {label: [totals[f"m{y}_{month}"] or Decimal(0) for month in range(1, 13)]
            for label, y in (("previous", year - 1), ("current", year))}
