"""The home page: what each role does here, with the figures of its own unit."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from committees import selectors
from committees.models import Committee, CommitteeYear, CommunityWorker
from portal.core.scoping import CITY, may_ever, own_level

# Committees a home page lists in full (a street has at most ~40); larger scopes get counts and links.
HOME_LIST_LIMIT = 60


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    level = own_level(user)
    # The level's line of what one does here; the platform administrator has none.
    context: dict = {"level": None if user.is_superuser else level}
    if may_ever(user, Committee, "view"):
        today = timezone.localdate()
        committees = Committee.objects.restrict(user).active_on(today)  # dissolved committees count nowhere
        latest_year = CommitteeYear.objects.restrict(user).aggregate(year=Max("year"))["year"]
        context["latest_year"] = latest_year
        context["counts"] = committees.aggregate(
            # distinct: the join over annual records repeats each committee once per year
            committees=Count("pk", distinct=True),
            streets=Count("street", distinct=True),
            with_record=Count("pk", filter=Q(years__year=latest_year), distinct=True),
        )
        # A figure the role does not read (a department's staff see no worker) is left out, never shown as 0.
        if may_ever(user, CommunityWorker, "view"):
            context["workers"] = CommunityWorker.objects.restrict(user).employed_on(today).count()
        if level in ("street", "committee") or context["counts"]["committees"] <= HOME_LIST_LIMIT:
            listed = list(selectors.committee_list(actor=user).active_on(today)[:HOME_LIST_LIMIT])
            context["committees"] = selectors.attach_flags(listed)
            context["flag_counts"] = {
                "oversized": sum(c.flags.oversized for c in listed),
                "merge": sum(c.flags.merge_candidate for c in listed),
                "space": sum(c.flags.below_space_standard for c in listed),
                "missing": sum(c.flags.missing_record for c in listed),
            }
        if level in (CITY, "district", "department"):
            context["districts"] = selectors.district_list(actor=user)
    return render(request, "dashboards/home.html", context)
