"""The certificate register, its print view, voids; the seal register; statistics per unit."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from certificates import register
from certificates.forms import RegistrationForm, SealUseForm, VoidForm
from certificates.lookup import effective_catalogue
from certificates.models import CertificateType, LookupTally, Registration, SealUse
from committees.models import Committee
from portal.core.exceptions import DomainError
from portal.core.views import get_scoped_or_404, paginate, require_perm


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, Registration, "view")
    rows = (Registration.objects.restrict(request.user).select_related("certificate_type", "committee")
            .order_by("-issued_at", "-id"))
    return render(request, "certificates/register_list.html", {"page": paginate(request, rows)})


@sensitive_post_parameters("id_number")
@login_required
@require_http_methods(["GET", "POST"])
def register_new(request: HttpRequest) -> HttpResponse:
    require_perm(request, Registration, "add")
    if not request.user.committee_id:
        raise PermissionDenied
    issuable = [c.pk for c in effective_catalogue(request.user.district_id) if c.issuable]
    form = RegistrationForm(request.POST or None, types=CertificateType.objects.filter(pk__in=issuable).order_by("name"),
                            initial={"certificate_type": request.GET.get("type"), "seal_used": True})
    if request.method == "POST" and form.is_valid():
        try:
            registration = register.register(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            for field, problems in error.fields.items():
                form.add_error(field if field in form.fields else None, problems)
            if not error.fields:
                form.add_error(None, error.message)
        else:
            messages.success(request, _("Registered as No. {number}.").format(number=registration.number))
            return redirect("certificates:register_detail", pk=registration.pk)
    return render(request, "certificates/register_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_scoped_or_404(request, Registration.objects.select_related(
        "certificate_type", "committee", "issuer", "voided_by"), pk=pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            register.void(actor=request.user, registration=registration, reason=form.cleaned_data["reason"])
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The registration was voided; its number stays used."))
            return redirect("certificates:register_detail", pk=pk)
    return render(request, "certificates/register_detail.html", {
        "registration": registration, "form": form,
        "can_void": registration.committee_id == request.user.committee_id and not registration.voided_at})


@login_required
def register_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate on A4 with its serial number."""
    registration = get_scoped_or_404(request, Registration.objects.select_related("certificate_type", "committee"), pk=pk)
    return render(request, "certificates/print.html", {"registration": registration})


@login_required
@require_http_methods(["GET", "POST"])
def seal_register(request: HttpRequest) -> HttpResponse:
    require_perm(request, SealUse, "view")
    form = SealUseForm(request.POST or None)
    if request.method == "POST":
        require_perm(request, SealUse, "add")
        if form.is_valid():
            try:
                register.record_seal_use(actor=request.user, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The seal use was registered."))
                return redirect("certificates:seals")
    rows = SealUse.objects.restrict(request.user).select_related("handler", "committee").order_by("-used_at", "-id")
    return render(request, "certificates/seals.html", {"page": paginate(request, rows), "form": form,
                                                       "can_add": bool(request.user.committee_id)})


def statistics_data(user, year: int) -> dict:  # noqa: ANN001
    """Registrations by type and month, voids, requests turned away by type, in the user's scope.

    The year's registrations are read once, grouped by type id and month: no join per row, and at a district's
    hundreds of thousands of rows an index-only scan of `registration_statistics_idx`, which holds every
    column read (benchmarks/certificates.py). The names of the types found come after, in a query of their own.
    """
    rows = list(Registration.objects.restrict(user).filter(year=year).annotate(month=ExtractMonth("issued_at"))
                .values("certificate_type", "month")
                .annotate(n=Count("*"), voided=Count("voided_at")).order_by())
    names = dict(CertificateType.objects.filter(pk__in={row["certificate_type"] for row in rows}).values_list("pk", "name"))
    table: dict[str, list[int]] = {}
    for row in rows:
        table.setdefault(names[row["certificate_type"]], [0] * 12)[row["month"] - 1] += row["n"]
    committees = Committee.objects.restrict(user).values("pk")
    turned_away = list(LookupTally.objects.filter(committee__in=committees, issuable=False,
                                                  day__gte=datetime.date(year, 1, 1), day__lte=datetime.date(year, 12, 31))
                       .values("certificate_type__name").annotate(n=Sum("count")).order_by("-n"))
    totals = {"issued": sum(row["n"] for row in rows), "voided": sum(row["voided"] for row in rows)}
    return {"by_type": [{"name": name, "months": months, "total": sum(months)} for name, months in sorted(table.items())],
            "turned_away": [{"name": r["certificate_type__name"], "n": r["n"]} for r in turned_away],
            "totals": {**totals, "turned_away": sum(r["n"] for r in turned_away)}}


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    require_perm(request, Registration, "view")
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1949 <= int(year) <= 2100 else timezone.localdate().year
    data = statistics_data(request.user, year)
    return render(request, "certificates/statistics.html", {"year": year, "data": data})
