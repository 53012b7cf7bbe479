"""Reads for a user: what the pages and home screens need, in a fixed number of queries."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from committees.choices import CommitteeKind
from committees.filtersets import CommitteeFilterSet
from committees.models import Committee, CommitteeYear, CommunityWorker, District, Qualification, SpaceStandard, Street
from portal.core.wording import sentences

_LATEST_FIELDS = ("year", "households", "resident_households", "office_area_m2", "elder_area_m2", "work_fund_yuan")


def committee_list(*, actor: Any, filters: dict[str, Any] | None = None) -> QuerySet[Committee]:
    """Committees the actor may see, with their street and their latest annual record's figures annotated."""
    latest = CommitteeYear.objects.filter(committee=OuterRef("pk")).order_by("-year")
    queryset = (
        Committee.objects.restrict(actor, "view")
        .select_related("street", "street__district")
        .annotate(**{f"latest_{name}": Subquery(latest.values(name)[:1]) for name in _LATEST_FIELDS})
        .order_by("code")
    )
    return CommitteeFilterSet(filters or {}, queryset=queryset).qs


def standards_by_district(district_codes: set[str]) -> dict[str, list[SpaceStandard]]:
    result: dict[str, list[SpaceStandard]] = {code: [] for code in district_codes}
    for standard in SpaceStandard.objects.filter(district__in=district_codes):
        result[standard.district_id].append(standard)
    return result


@dataclass(frozen=True)
class CommitteeFlags:
    """The marks a committee page and list show for one annual record (DOMAIN "Hierarchy", "Space standard")."""

    year: int | None
    oversized: bool = False
    merge_candidate: bool = False
    below_space_standard: bool = False
    office_shortfall_m2: Decimal | None = None
    elder_shortfall_m2: Decimal | None = None
    missing_record: bool = False


def committee_flags(
    committee: Committee, record: CommitteeYear | None, standards: list[SpaceStandard], merge_threshold: int
) -> CommitteeFlags:
    if record is None:
        return CommitteeFlags(year=None, missing_record=True)
    record.committee = committee
    standard = SpaceStandard.applying(standards, record.year)
    shortfall = record.space_shortfall(standard)
    return CommitteeFlags(
        year=record.year,
        oversized=record.is_oversized,
        merge_candidate=record.is_merge_candidate(merge_threshold),
        # Measured like office_space_compliance_rate: residents' committees with >= 1500 resident households.
        below_space_standard=committee.kind == CommitteeKind.RESIDENTS
        and record.resident_households >= settings.PORTAL_SPACE_STANDARD_MIN_RESIDENT_HOUSEHOLDS
        and not record.meets_space_standard(standard),
        office_shortfall_m2=shortfall["office"],
        elder_shortfall_m2=shortfall["elder"],
    )


def attach_record_flags(record: CommitteeYear) -> CommitteeYear:
    """Sets `.flags` on one annual record (its committee, street and district selected): one query."""
    committee = record.committee
    standards = list(SpaceStandard.objects.filter(district=committee.street.district_id))
    record.flags = committee_flags(committee, record, standards, committee.street.district.merge_threshold)
    return record


def latest_record_of(committee: Committee) -> CommitteeYear | None:
    """The latest annual record from `committee_list`'s annotations (no query)."""
    if getattr(committee, "latest_year", None) is None:
        return None
    return CommitteeYear(committee=committee, **{name: getattr(committee, f"latest_{name}") for name in _LATEST_FIELDS})


def attach_flags(committees: list[Committee]) -> list[Committee]:
    """Sets `.flags` on committees from `committee_list` (one query for the space standards)."""
    standards = standards_by_district({c.street.district_id for c in committees})
    for committee in committees:
        district = committee.street.district
        committee.flags = committee_flags(
            committee, latest_record_of(committee), standards[district.code], district.merge_threshold
        )
    return committees


def committee_detail(*, actor: Any, code: str) -> Committee:
    """One committee with its district and street (404 outside scope through restrict())."""
    return get_object_or_404(Committee.objects.restrict(actor, "view").select_related("street__district"), pk=code)


def worker_list(*, actor: Any, committee: Committee) -> QuerySet[CommunityWorker]:
    return (
        CommunityWorker.objects.restrict(actor, "view")
        .filter(committee=committee)
        .prefetch_related(Prefetch("qualifications", queryset=Qualification.objects.order_by("obtained_on")))
        .order_by("left_on", "code")
    )


def district_list(*, actor: Any) -> QuerySet[District]:
    """Districts with the number of streets and committees the actor can see in each (never more)."""
    visible_streets = Street.objects.restrict(actor, "view").values("pk")
    visible_committees = Committee.objects.restrict(actor, "view").values("pk")
    return District.objects.restrict(actor, "view").annotate(
        street_count=Count("streets", filter=Q(streets__in=visible_streets), distinct=True),
        committee_count=Count("streets__committees", filter=Q(streets__committees__in=visible_committees), distinct=True),
    )


def street_list(*, actor: Any, district: District) -> QuerySet[Street]:
    visible = Q(committees__in=Committee.objects.restrict(actor, "view").values("pk"))
    return (
        Street.objects.restrict(actor, "view")
        .filter(district=district)
        .annotate(
            committee_count=Count("committees", filter=visible, distinct=True),
            residents_count=Count("committees", filter=visible & Q(committees__kind=CommitteeKind.RESIDENTS), distinct=True),
        )
    )


# --- plausibility (issue 15): figures staff should look at again, never refused ---------------------------------
EARLIEST_PLAUSIBLE_HIRE = datetime.date(1949, 1, 1)


def plausibility_message(warnings: list[str]) -> str:
    """The one message a page shows after saving a record with `warnings` (non-empty): "Saved. Please check: …"."""
    return _("Saved. Please check: %(warnings)s") % {"warnings": sentences(*warnings)}


def committee_year_warnings(record: CommitteeYear) -> list[str]:
    """What looks wrong in one annual record, one sentence each ([] when nothing does). Pure: no query.

    Resident households above the committee's households (管辖户数) is allowed but unusual."""
    if record.households is not None and record.resident_households is not None \
            and record.resident_households > record.households:
        return [_("Resident households (%(resident)s) exceed households (%(households)s).") % {
            "resident": record.resident_households, "households": record.households}]
    return []


def worker_warnings(worker: CommunityWorker, *, today: datetime.date | None = None) -> list[str]:
    """What looks wrong in one worker's record, one sentence each ([] when nothing does). Pure: no query.

    A hire date before 1949-01-01 or after `today` (default: today in Shanghai)."""
    today = today or timezone.localdate()
    hired = worker.hired_on
    if hired is None:
        return []
    if hired < EARLIEST_PLAUSIBLE_HIRE:
        return [_("Hired on (%(date)s) is before 1949.") % {"date": hired.isoformat()}]
    if hired > today:
        return [_("Hired on (%(date)s) is after today.") % {"date": hired.isoformat()}]
    return []
