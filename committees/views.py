"""Organisation browser: district -> streets -> committees, annual records and workers, access grants."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from committees import selectors, services
from committees.forms import AccessGrantForm, CommitteeYearForm, CommunityWorkerForm, QualificationForm
from committees.models import (
    Committee,
    CommitteeYear,
    CommunityFund,
    CommunityWorker,
    District,
    Qualification,
    SpaceStandard,
    Street,
)
from portal.core.models import CommitteeUserObjectPermission
from portal.core.scoping import permission_name
from portal.core.views import get_scoped_or_404, paginate, require_perm, save_form, submit_once, template_for


@login_required
def district_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, District, "view")
    districts = selectors.district_list(actor=request.user)
    return render(request, "committees/district_list.html", {"districts": districts})


@login_required
def district_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = get_scoped_or_404(request, District.objects.all(), pk=code)
    streets = selectors.street_list(actor=request.user, district=district)
    standards = SpaceStandard.objects.filter(district=district)
    return render(request, "committees/district_detail.html",
                  {"district": district, "streets": streets, "standards": standards})


@login_required
def street_detail(request: HttpRequest, code: str) -> HttpResponse:
    street = get_scoped_or_404(request, Street.objects.select_related("district"), pk=code)
    funds = CommunityFund.objects.restrict(request.user).filter(street=street)
    return _committee_table(request, "committees/street_detail.html", {"street": street, "funds": funds},
                            filters={**request.GET.dict(), "street": street.code})


@login_required
def committee_list(request: HttpRequest) -> HttpResponse:
    return _committee_table(request, "committees/committee_list.html", {}, filters=request.GET.dict())


def _committee_table(request: HttpRequest, template: str, context: dict, *, filters: dict) -> HttpResponse:
    require_perm(request, Committee, "view")
    page = paginate(request, selectors.committee_list(actor=request.user, filters=filters))
    selectors.attach_flags(list(page.object_list))
    context.update({"page": page, "q": request.GET.get("q", ""), "kind": request.GET.get("kind", "")})
    return render(request, template_for(request, template, "committees/_committee_table.html"), context)


@login_required
def committee_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_perm(request, Committee, "view")
    committee = selectors.committee_detail(actor=request.user, code=code)
    years = list(CommitteeYear.objects.restrict(request.user).filter(committee=committee).order_by("-year"))
    standards = list(SpaceStandard.objects.filter(district=committee.street.district_id))
    threshold = committee.street.district.merge_threshold
    for record in years:
        record.flags = selectors.committee_flags(committee, record, standards, threshold)
    workers = paginate(request, selectors.worker_list(actor=request.user, committee=committee), per_page=50)
    can_edit = CommitteeYear.objects.restrict(request.user, "change").filter(committee=committee).exists() or (
        Committee.objects.restrict(request.user, "add", perm="committees.add_committeeyear").filter(pk=committee.pk).exists()
    )
    return render(request, "committees/committee_detail.html", {
        "committee": committee, "years": years, "latest": years[0] if years else None, "workers": workers,
        "can_edit": can_edit, "threshold": threshold,
    })


def _writable_committee(request: HttpRequest, code: str, model: type) -> Committee:
    """The committee the user may add `model` rows to: 403 without the role, 404 outside scope."""
    return get_scoped_or_404(
        request, Committee.objects.select_related("street__district"), "add", perm=permission_name(model, "add"), pk=code
    )


def _saved_message(request: HttpRequest, success: str, warnings: list[str]) -> None:
    """After a save: the success message, or, when the record looks implausible (selectors' *_warnings), one
    warning that says it was saved and what to check instead (issue 15: never refused)."""
    if warnings:
        messages.warning(request, selectors.plausibility_message(warnings))
    else:
        messages.success(request, success)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def committee_year_add(request: HttpRequest, code: str) -> HttpResponse:
    committee = _writable_committee(request, code, CommitteeYear)
    instance = CommitteeYear(committee=committee)
    form = CommitteeYearForm(request.POST or None, instance=instance)
    if request.method == "POST" and save_form(request, form, instance):
        _saved_message(request, _("Annual record %(year)s saved.") % {"year": instance.year},
                       selectors.committee_year_warnings(instance))
        return redirect("committees:committee_detail", code=committee.code)
    return render(request, "committees/committee_year_form.html", {"form": form, "committee": committee})


@login_required
@require_http_methods(["GET", "POST"])
def committee_year_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_scoped_or_404(request, CommitteeYear.objects.select_related("committee__street__district"), "change", pk=pk)
    committee = record.committee
    form = CommitteeYearForm(request.POST or None, instance=record)
    if request.method == "POST" and save_form(request, form, record):
        if request.htmx:
            selectors.attach_record_flags(record)
            # The marks above the table are the latest year's: when that is the year just saved, they follow it.
            latest_year = CommitteeYear.objects.filter(committee=committee).order_by("-year").values_list("year", flat=True)[:1]
            warnings = selectors.committee_year_warnings(record)
            return render(request, "committees/_year_row.html", {
                "record": record, "can_edit": True, "saved": True,
                "warning": selectors.plausibility_message(warnings) if warnings else None,
                "latest": record if list(latest_year) == [record.year] else None})
        _saved_message(request, _("Annual record %(year)s saved.") % {"year": record.year},
                       selectors.committee_year_warnings(record))
        return redirect("committees:committee_detail", code=committee.code)
    template = template_for(request, "committees/committee_year_form.html", "committees/_year_form_row.html")
    return render(request, template, {"form": form, "committee": committee, "record": record})


@login_required
def committee_year_row(request: HttpRequest, pk: int) -> HttpResponse:
    """The read-only row again, for the "cancel" of an inline edit."""
    record = selectors.attach_record_flags(
        get_scoped_or_404(request, CommitteeYear.objects.select_related("committee__street__district"), pk=pk)
    )
    can_edit = CommitteeYear.objects.restrict(request.user, "change").filter(pk=pk).exists()
    return render(request, "committees/_year_row.html", {"record": record, "can_edit": can_edit})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def worker_add(request: HttpRequest, code: str) -> HttpResponse:
    committee = _writable_committee(request, code, CommunityWorker)
    instance = CommunityWorker(committee=committee)
    form = CommunityWorkerForm(request.POST or None, instance=instance)
    if request.method == "POST" and save_form(request, form, instance):
        _saved_message(request, _("Worker %(name)s saved.") % {"name": instance.name},
                       selectors.worker_warnings(instance))
        return redirect("committees:committee_detail", code=committee.code)
    return render(request, "committees/worker_form.html", {"form": form, "committee": committee})


@login_required
@require_http_methods(["GET", "POST"])
def worker_edit(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_scoped_or_404(
        request,
        CommunityWorker.objects.select_related("committee__street").prefetch_related(
            Prefetch("qualifications", queryset=Qualification.objects.order_by("obtained_on"))
        ),
        "change",
        pk=pk,
    )
    form = CommunityWorkerForm(request.POST or None, instance=worker)
    if request.method == "POST" and save_form(request, form, worker):
        _saved_message(request, _("Worker %(name)s saved.") % {"name": worker.name}, selectors.worker_warnings(worker))
        return redirect("committees:committee_detail", code=worker.committee_id)
    qualification_form = QualificationForm()
    return render(request, "committees/worker_form.html",
                  {"form": form, "committee": worker.committee, "worker": worker, "qualification_form": qualification_form})


@login_required
@require_POST
@submit_once
def qualification_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request, Qualification, "add")
    worker = get_scoped_or_404(request, CommunityWorker.objects.select_related("committee"), "change", pk=pk)
    instance = Qualification(worker=worker)
    form = QualificationForm(request.POST, instance=instance)
    if save_form(request, form, instance):
        messages.success(request, _("Qualification added."))
        return redirect("committees:worker_edit", pk=worker.pk)
    return render(request, "committees/worker_form.html", {
        "form": CommunityWorkerForm(instance=worker), "committee": worker.committee, "worker": worker,
        "qualification_form": form,
    })


def _grantable_committees(request: HttpRequest):  # noqa: ANN202
    if not request.user.has_perm("committees.manage_grants"):
        raise PermissionDenied
    # Only the district's own committees: a grant received is never passed on.
    return Committee.objects.restrict(request.user, "view", include_grants=False)


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def access_grants(request: HttpRequest) -> HttpResponse:
    committees = _grantable_committees(request)
    form = AccessGrantForm(request.POST or None, committees=committees)
    if request.method == "POST" and form.is_valid():
        services.committee_access_grant(
            actor=request.user, grantee=form.cleaned_data["username"], committee=form.cleaned_data["committee"],
            access=form.cleaned_data["access"],
        )
        messages.success(request, _("Access granted."))
        return redirect("committees:access_grants")
    grants = (
        CommitteeUserObjectPermission.objects.filter(content_object__in=committees)
        .select_related("user", "permission", "content_object__street")
        .order_by("content_object_id", "user__username")
    )
    return render(request, "committees/access_grants.html", {"form": form, "page": paginate(request, grants)})


@login_required
@require_http_methods(["GET", "POST"])
def access_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(
        CommitteeUserObjectPermission.objects.select_related("user", "content_object__street", "permission"),
        pk=pk, content_object__in=_grantable_committees(request),
    )
    if request.method == "POST":
        services.committee_access_revoke(actor=request.user, grantee=grant.user, committee=grant.content_object)
        messages.success(request, _("Access revoked."))
        return redirect("committees:access_grants")
    return render(request, "committees/access_revoke_confirm.html", {"grant": grant})
