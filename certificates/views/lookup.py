"""The lookup: results while typing, an unmistakable answer, the route slip."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from certificates import selectors, services
from certificates.forms import LookupForm
from certificates.models import CertificateType, Registration
from portal.core.views import require_perm, template_for


@login_required
def lookup_page(request: HttpRequest) -> HttpResponse:
    """One box; the answers appear as the person types (HTMX swaps the results)."""
    require_perm(request, CertificateType, "view")
    form = LookupForm(request.GET)
    # Read once here, in its canonical form (full-width letters typed in the Chinese input mode are ASCII); a
    # query the form refuses finds nothing and is shown as typed.
    q = form.cleaned_data["q"] if form.is_valid() else request.GET.get("q", "")
    matches = selectors.certificate_type_lookup(actor=request.user, query=q) if form.is_valid() and q else []
    return render(request, template_for(request, "certificates/lookup.html", "certificates/_results.html"),
                  {"q": q, "matches": matches, "form": form})


def _answerable(request: HttpRequest, pk: int) -> CertificateType:
    require_perm(request, CertificateType, "view")
    try:
        return selectors.certificate_type_get(actor=request.user, pk=pk)
    except CertificateType.DoesNotExist:
        raise Http404 from None  # another district's type, or none: never revealed


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    """The full answer for one type. Choosing it on the lookup page POSTs (hx-post), which counts a resident
    answered, as the API's `answered` does; a GET only shows it (a reload or a prefetch counts nothing)."""
    certificate = _answerable(request, pk)
    if request.method == "POST":
        services.lookup_tally_count(actor=request.user, certificate_type=certificate)
    # The register button: where the register page registers, the one committee the reader acts for.
    may_register = certificate.issuable and selectors.acting_committee(actor=request.user, model=Registration) is not None
    return render(request, template_for(request, "certificates/answer.html", "certificates/_answer.html"),
                  {"certificate": certificate, "may_register": may_register})


@login_required
def slip(request: HttpRequest, pk: int) -> HttpResponse:
    """The route slip a resident takes away: where to go instead (prints on A5/A4)."""
    certificate = _answerable(request, pk)
    if certificate.issuable:
        raise Http404  # no such slip: a type the committee issues has no route elsewhere
    return render(request, "certificates/slip.html", {"certificate": certificate, "today": timezone.localdate(),
                                                      "unit": request.user.unit_name})
