"""The public list: no login, the certificates committees of a district do not issue and where to go instead."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from certificates import selectors
from certificates.forms import PublicListForm
from certificates.models import CertificateType
from committees.models import District


def public_list(request: HttpRequest) -> HttpResponse:
    """No login: the certificates committees of a district do not issue, and where residents go instead.

    Published information for everyone, so it reads every type, not through restrict() (which answers nothing
    to an anonymous visitor); only do-not-issue types are shown. The district is one of those listed."""
    districts = list(District.objects.order_by("code"))
    district, q = PublicListForm(request.GET, districts=districts).chosen()
    catalogue = selectors.certificate_type_catalogue(district=district, queryset=CertificateType.objects.all())
    rows = [m.certificate for m in selectors.certificate_type_match(catalogue=catalogue, query=q, limit=500)] \
        if q.strip() else catalogue
    return render(request, "certificates/public.html", {
        "rows": [c for c in rows if not c.issuable], "districts": districts, "district": district, "q": q})
