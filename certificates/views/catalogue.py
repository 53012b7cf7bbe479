"""The district's catalogue: reading and exporting it, its staff adding types, adapting national ones, importing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certificates import selectors, services
from certificates.forms import CertificateTypeForm, LookupForm, OverrideQueryForm
from certificates.models import CertificateType
from portal.core.scoping import unit_of
from portal.core.spreadsheets import write_table, xlsx_response
from portal.core.views import (
    add_integrity_error,
    add_validation_errors,
    get_scoped_or_404,
    paginate,
    require_perm,
    submission_refused,
    submit_once,
)


@login_required
def catalogue(request: HttpRequest) -> HttpResponse:
    require_perm(request, CertificateType, "view")
    # `q` as the lookup reads it (certificates.views.lookup): in its canonical form, so a search of nothing but a
    # zero-width space or a full-width space is no search (the whole catalogue); one the form refuses (too long)
    # finds nothing and is shown as typed.
    form = LookupForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else request.GET.get("q", "")
    if not form.is_valid():
        rows = []
    elif q:
        rows = [m.certificate for m in selectors.certificate_type_lookup(actor=request.user, query=q, limit=500)]
    else:
        rows = selectors.certificate_type_list(actor=request.user)
    page = paginate(request, rows, per_page=50)
    # A district's staff add their district's types, adapt the shared ones and import (the declared actions).
    return render(request, "certificates/catalogue.html", {
        "page": page, "q": q,
        "may_add": selectors.certificate_type_district(actor=request.user, action="add") is not None,
        "may_import": selectors.certificate_type_district(actor=request.user, action="change") is not None,
        "editable": selectors.certificate_types_editable(actor=request.user, types=list(page.object_list))})


@login_required
@require_http_methods(["GET", "POST"])
@submit_once
def type_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """District staff add their district's types and override national or city ones for their committees."""
    if pk is not None:
        instance = get_scoped_or_404(request, CertificateType.objects.all(), "change", pk=pk)
    else:
        require_perm(request, CertificateType, "add")
        query = OverrideQueryForm(request.GET)
        shared_pk = query.cleaned_data.get("override") if query.is_valid() else None  # not a key: a new type
        if shared_pk is not None:
            try:
                instance = services.certificate_type_override(actor=request.user, shared=CertificateType(pk=shared_pk))
            except CertificateType.DoesNotExist:
                raise Http404 from None
            if instance.pk:  # the district adapted it already: edit that
                return redirect("certificates:type_edit", pk=instance.pk)
        else:
            instance = services.certificate_type_new(actor=request.user)
    form = CertificateTypeForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_type_save(actor=request.user, certificate_type=form.instance)
        except ValidationError as error:
            add_validation_errors(form, error)
        except IntegrityError as error:  # the same override saved at the same moment
            add_integrity_error(form, error)
        else:
            messages.success(request, _("“{name}” was saved.").format(name=form.instance.name))
            return redirect("certificates:catalogue")
    return render(request, "certificates/type_form.html", {"form": form, "instance": instance})


@login_required
@require_http_methods(["POST"])
@submit_once
def catalogue_import(request: HttpRequest) -> HttpResponse:
    """District staff load their district's catalogue from .xlsx; all or nothing."""
    require_perm(request, CertificateType, "change")
    upload = request.FILES.get("file")
    if upload is None or getattr(request, "upload_too_large", False):
        messages.error(request, _("Choose an .xlsx file made from the export."))
        submission_refused(request)
        return redirect("certificates:catalogue")
    written, errors, notices = services.catalogue_import(actor=request.user, upload=upload)
    if errors:
        return render(request, "certificates/import_errors.html", {"errors": errors, "notices": notices}, status=400)
    messages.success(request, _("{n} certificate types were imported for your district.").format(n=written))
    for notice in notices:  # the hidden sheets that were not read
        messages.warning(request, notice)
    return redirect("certificates:catalogue")


@login_required
def catalogue_export(request: HttpRequest) -> HttpResponse:
    require_perm(request, CertificateType, "view")
    header = [_("Certificate"), _("Other names"), _("Sub-items"), _("Rule"), _("Conditions"), _("Alternative route"),
              _("Handled by"), _("Legal basis"), _("Source document"), _("Jurisdiction")]
    rows = ([c.name, "、".join(c.aliases), "、".join(c.sub_items), c.get_rule_display(), c.conditions,
             c.alternative_route, c.handled_by, c.legal_basis, c.source_document, c.get_jurisdiction_display()]
            for c in selectors.certificate_type_list(actor=request.user))
    return xlsx_response(lambda target: write_table(target, _("Certificates"), header, rows),
                         f"certificates-{unit_of(request.user, 'district') or 'shanghai'}.xlsx")
