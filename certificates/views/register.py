"""The certificate register, its print view, voids; the seal register; statistics per unit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from certificates import selectors, services
from certificates.forms import RegistrationForm, SealUseForm, VoidForm
from certificates.models import Registration, SealUse
from committees.forms import YearForm
from portal.core.exceptions import DomainError
from portal.core.scoping import own_level
from portal.core.views import add_domain_error, get_scoped_or_404, paginate, require_perm, submit_once


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    require_perm(request, Registration, "view")
    page = paginate(request, selectors.registration_list(actor=request.user, filters=request.GET.dict()))
    # The committee column, where the rows can come from more than the reader's own committee.
    show_committee = own_level(request.user) != "committee" or len({r.committee_id for r in page.object_list}) > 1
    # The button goes where the page registers: the one committee the reader acts for (none: no button).
    may_register = selectors.acting_committee(actor=request.user, model=Registration) is not None
    return render(request, "certificates/register_list.html", {
        "page": page, "show_committee": show_committee, "may_register": may_register})


@sensitive_post_parameters("id_number")
@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def register_new(request: HttpRequest) -> HttpResponse:
    require_perm(request, Registration, "add")
    committee = selectors.acting_committee(actor=request.user, model=Registration)
    if committee is None:
        raise PermissionDenied  # the page registers for the reader's own committee; the API can name one
    types = selectors.certificate_type_issuable(actor=request.user, district=committee.street.district_id)
    form = RegistrationForm(request.POST or None, types=types,
                            initial={"certificate_type": request.GET.get("type"), "seal_used": True})
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(actor=request.user, committee=committee, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("Registered as No. {number}.").format(number=registration.number))
            return redirect("certificates:register_detail", pk=registration.pk)
    return render(request, "certificates/register_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def register_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A registration; its committee's staff void it here (POST), with a reason."""
    registration = get_scoped_or_404(request, Registration.objects.select_related(
        "certificate_type", "committee", "issuer", "voided_by"), pk=pk)
    form = VoidForm(request.POST or None)
    if request.method == "POST":
        require_perm(request, Registration, "void")
        if form.is_valid():
            try:
                services.registration_void(actor=request.user, registration=registration,
                                           reason=form.cleaned_data["reason"])
            except Registration.DoesNotExist:
                registration.refresh_from_db()
                if not registration.voided_at:
                    raise Http404 from None  # not the reader's committee's: they may read it, never void it
                form = VoidForm()
                messages.error(request, _("This registration was already voided; its number stays used."))
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The registration was voided; its number stays used."))
                return redirect("certificates:register_detail", pk=pk)
    return render(request, "certificates/register_detail.html", {
        "registration": registration, "form": form,
        "may_void": "void" in Registration.objects.permitted(request.user, registration, "void")})


@login_required
def register_print(request: HttpRequest, pk: int) -> HttpResponse:
    """The certificate on A4 with its serial number."""
    registration = get_scoped_or_404(request, Registration.objects.select_related("certificate_type", "committee"), pk=pk)
    return render(request, "certificates/print.html", {"registration": registration})


# What the seal register's page searches by (certificates.filtersets.SealUseFilterSet; the API reads them all).
SEAL_SEARCH = ("name", "serial", "used_from", "used_to")


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def seal_register(request: HttpRequest) -> HttpResponse:
    require_perm(request, SealUse, "view")
    form = SealUseForm(request.POST or None)
    # The form is offered for, and registers in, the one committee the reader acts for.
    committee = selectors.acting_committee(actor=request.user, model=SealUse)
    if request.method == "POST":
        require_perm(request, SealUse, "add")
        if committee is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.seal_use_create(actor=request.user, committee=committee, **form.cleaned_data)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("The seal use was registered."))
                return redirect("certificates:seals")
    # With each entry's certificate, if any: a voided registration is marked in its row.
    search = selectors.seal_use_search(actor=request.user, filters=request.GET)
    page = paginate(request, search.qs)
    return render(request, "certificates/seals.html", {
        "page": page, "form": form, "may_add": committee is not None,
        "search": [search.form[name] for name in SEAL_SEARCH],
        "searched": any(request.GET.get(name) for name in SEAL_SEARCH)})


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    require_perm(request, Registration, "view")
    year = YearForm.year_or(request.GET, None)  # not a year: this year's figures
    data = selectors.registration_statistics(actor=request.user, year=year)
    # What the selector counts (registration_statistics): every registration of the year, voided ones included.
    issued_note = _("“Issued” counts every registration of the year, voided ones included (a voided number stays "
                    "used); “Voided” is how many of them were voided.")
    return render(request, "certificates/statistics.html", {"year": data["year"], "data": data,
                                                            "issued_note": issued_note})
