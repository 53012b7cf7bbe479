"""Error pages in the portal's layout and language (issue 15): 403 and 404 (urls.py handler403/handler404), a
refused CSRF check (settings.CSRF_FAILURE_VIEW) and a GET on a POST-only address (405,
`MethodNotAllowedPageMiddleware`). 400.html and 500.html stand alone (Django renders them without a request).

The API (/api/…) keeps answering JSON: DRF handles its own errors (portal.core.api.exception_handler), and a
refused CSRF check there answers `{"detail": message}` in the request's language.
"""

from collections.abc import Callable

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _


def csrf_failure_message() -> str:
    """What a refused CSRF check tells the user, in the active language (the page's and the API's)."""
    return _("The form could not be sent: the page was open too long, you logged in or out in another tab, or the "
             "browser refuses cookies. Go back, reload the page and send it again.")


def back_url(request: HttpRequest) -> str | None:
    """The page the user came from (the Referer), when it is a page of the portal other than this one; None
    otherwise (no Referer, another site, the same address)."""
    referer = request.headers.get("referer", "")
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    if not referer or not url_has_allowed_host_and_scheme(referer, allowed_hosts={host}, require_https=request.is_secure()):
        return None
    return None if referer == request.build_absolute_uri() else referer


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """403 in the portal's layout: the reason the code gave (PermissionDenied(_("…")), translated), if any."""
    return render(request, "403.html", {"reason": str(exception), "back": back_url(request)}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404 in the portal's layout. The exception's text is never shown: it is a developer's English
    ("No Committee matches the given query."), and it would tell what exists outside the user's scope. Under
    /api/ (no route matched): `{"detail": "Not found."}`, translated, as DRF answers."""
    if request.path_info.startswith("/api/"):  # an address no API route matches: JSON, as DRF's own 404
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return render(request, "404.html", {"back": back_url(request)}, status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 for a form whose CSRF check failed (settings.CSRF_FAILURE_VIEW): the portal's page, or the API's JSON
    under /api/. `reason` is Django's English diagnosis; it is not shown."""
    message = csrf_failure_message()
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=403)
    return render(request, "403_csrf.html", {"message": message, "back": back_url(request)}, status=403)


class MethodNotAllowedPageMiddleware:
    """A readable 405 page for an address opened with a method it does not take (a delete or publish button's
    address opened as a link: `require_POST` answers an empty HttpResponseNotAllowed). The status and the Allow
    header stay; the API's 405 (DRF's JSON) is not an HttpResponseNotAllowed and passes unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not isinstance(response, HttpResponseNotAllowed) or response.content:
            return response
        response.content = loader.render_to_string("405.html", {"back": back_url(request)}, request=request)
        response["Content-Type"] = "text/html; charset=utf-8"
        return response
