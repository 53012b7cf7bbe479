import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

# Control characters a path or a query may carry: tab and line breaks (a pasted multi-line search).
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def request_language(request: HttpRequest) -> str:
    """The language of the request: the one chosen with the switch in the header (the language cookie), else
    the portal's (zh-Hans)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


class PortalLocaleMiddleware:
    """Chinese unless the user chose English with the switch in the header (the language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-configured
    office browser would get an English portal nobody asked for.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def has_control_character(text: str) -> bool:
    """Whether `text` holds a control character (Unicode category Cc: NUL, ESC, DEL…) other than tab, CR, LF."""
    return any(unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS for char in text)


class ControlCharacterMiddleware:
    """400 for a path or query string holding a control character (NUL, ESC, DEL…; tab and line breaks pass),
    before any view, form or query sees it (issue 12: "no 500 on any input"). PostgreSQL refuses a NUL in text,
    and no code, name or search of the portal contains one.

    Pages get templates/400.html with a plain message in the request's language; the API (/api/…) gets
    `{"code": "control_character", "message", "fields"}` naming the query parameters at fault, like any other
    refusal of the API (portal.core.api.exception_handler).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The query as the views read it: Django decodes percent escapes and raw UTF-8 alike (WSGI hands the raw
        # bytes over as Latin-1, whose upper half would read as C1 control characters).
        bad_fields = sorted({key for key, values in request.GET.lists()
                             if any(has_control_character(key + value) for value in values)})
        if not bad_fields and not has_control_character(request.path_info):
            return self.get_response(request)
        with translation.override(request_language(request)):
            message = _("The address or the search holds a control character (such as NUL) that no page of the "
                        "portal accepts. Remove it and try again.")
            if request.path_info.startswith("/api/"):
                fields = {name or "query": [message] for name in bad_fields} or {"path": [message]}
                return JsonResponse({"code": "control_character", "message": message, "fields": fields}, status=400)
            page = loader.render_to_string("400.html", {"message": message})
        return HttpResponseBadRequest(page)
