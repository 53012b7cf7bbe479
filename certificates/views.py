"""The lookup (results while typing, an unmistakable answer, the route slip), the district catalogue, the public list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certificates import lookup, services
from certificates.forms import CertificateTypeForm
from certificates.models import CertificateType
from committees.models import District
from portal.core.spreadsheets import write_table, xlsx_response
from portal.core.views import get_scoped_or_404, paginate, require_perm, save_form, template_for


def _district(request: HttpRequest) -> str | None:
    return request.user.district_id


@login_required
def lookup_page(request: HttpRequest) -> HttpResponse:
    """One box; the answers appear as the person types (HTMX swaps the results)."""
    require_perm(request, CertificateType, "view")
    q = request.GET.get("q", "")
    matches = lookup.lookup(_district(request), q) if q.strip() else []
    return render(request, template_for(request, "certificates/lookup.html", "certificates/_results.html"),
                  {"q": q, "matches": matches})


def _answerable(request: HttpRequest, pk: int) -> CertificateType:
    require_perm(request, CertificateType, "view")
    catalogue = {c.pk: c for c in lookup.effective_catalogue(_district(request))}
    if pk not in catalogue:
        raise Http404  # another district's type, or none: never revealed
    return catalogue[pk]


@login_required
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The full answer for one type; committee staff choosing it counts it as a resident answered."""
    certificate = _answerable(request, pk)
    if request.user.committee_id:
        services.count_answer(committee_id=request.user.committee_id, certificate=certificate)
    return render(request, template_for(request, "certificates/answer.html", "certificates/_answer.html"),
                  {"certificate": certificate})


@login_required
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The route slip a resident takes away: where to go instead (prints on A5/A4)."""
    certificate = _answerable(request, pk)
    if certificate.issuable:
        raise PermissionDenied
    return render(request, "certificates/slip.html", {"certificate": certificate, "today": timezone.localdate(),
                                                      "unit": request.user.unit_name})


# --- the district's catalogue ---------------------------------------------------------------------
@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    require_perm(request, CertificateType, "view")
    q = request.GET.get("q", "")
    rows = [m.certificate for m in lookup.lookup(_district(request), q, limit=500)] if q.strip() else \
        lookup.effective_catalogue(_district(request))
    can_edit = request.user.has_perm("certificates.change_certificatetype") and bool(request.user.district_id)
    return render(request, "certificates/catalogue.html", {"page": paginate(request, rows, per_page=50), "q": q,
                                                           "can_edit": can_edit})


@login_required
@require_http_methods(["GET", "POST"])
def type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """District staff add their district's types and override national or city ones for their committees."""
    if not request.user.district_id:
        raise PermissionDenied
    if pk is None:
        require_perm(request, CertificateType, "add")
        shared_pk = request.GET.get("override", "")
        if shared_pk.isdigit():
            shared = get_object_or_404(CertificateType, pk=shared_pk, district__isnull=True)
            existing = CertificateType.objects.filter(district_id=request.user.district_id, overrides=shared).first()
            if existing:
                return redirect("certificates:type_edit", pk=existing.pk)
            instance = services.override(actor=request.user, shared=shared)
        else:
            instance = CertificateType(jurisdiction=CertificateType.Jurisdiction.DISTRICT, district_id=request.user.district_id)
    else:
        instance = get_scoped_or_404(request, CertificateType.objects.all(), "change", pk=pk)
    form = CertificateTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and save_form(request, form, form.instance):
        messages.success(request, _("“{name}” was saved.").format(name=form.instance.name))
        return redirect("certificates:catalogue")
    return render(request, "certificates/type_form.html", {"form": form, "instance": instance})


@login_required
@require_http_methods(["POST"])
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """District staff load their district's catalogue from .xlsx; all or nothing."""
    from certificates.catalogue_import import import_catalogue

    require_perm(request, CertificateType, "change")
    if not request.user.district_id:
        raise PermissionDenied
    upload = request.FILES.get("file")
    if upload is None or getattr(request, "upload_too_large", False):
        messages.error(request, _("Choose an .xlsx file made from the export."))
        return redirect("certificates:catalogue")
    written, errors = import_catalogue(request.user.district_id, upload)
    if errors:
        return render(request, "certificates/import_errors.html", {"errors": errors}, status=400)
    messages.success(request, _("{n} certificate types were imported for your district.").format(n=written))
    return redirect("certificates:catalogue")


@login_required
def catalogue_export(request: HttpRequest) -> HttpResponse:
    require_perm(request, CertificateType, "view")
    header = [_("Certificate"), _("Other names"), _("Sub-items"), _("Rule"), _("Conditions"), _("Alternative route"),
              _("Handled by"), _("Legal basis"), _("Source document"), _("Jurisdiction")]
    rows = ([c.name, "、".join(c.aliases), "、".join(c.sub_items), c.get_rule_display(), c.conditions,
             c.alternative_route, c.handled_by, c.legal_basis, c.source_document, c.get_jurisdiction_display()]
            for c in lookup.effective_catalogue(_district(request)))
    return xlsx_response(lambda target: write_table(target, _("Certificates"), header, rows),
                         f"certificates-{_district(request) or 'shanghai'}.xlsx")


# --- public -----------------------------------------------------------------------------------------
def public_list(request: HttpRequest) -> HttpResponse:
    """No login: the certificates committees of a district do not issue, and where residents go instead."""
    districts = District.objects.order_by("code")
    district = request.GET.get("district") or "310101"
    q = request.GET.get("q", "")
    rows = [m.certificate for m in lookup.lookup(district, q, limit=500)] if q.strip() else \
        lookup.effective_catalogue(district)
    return render(request, "certificates/public.html", {
        "rows": [c for c in rows if not c.issuable], "districts": districts, "district": district, "q": q})
