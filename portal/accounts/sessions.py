"""Sessions end after 30 minutes without a request and 12 hours after the log-in, however active (ASVS 3.3.1, 3.3.2).

Django's sessions know one age (SESSION_COOKIE_AGE), counted from the last save: an idle limit alone (with
SESSION_SAVE_EVERY_REQUEST) or an absolute one alone, not both. The session keeps two timestamps (seconds since the
epoch): `portal_login_at`, written when the user logs in (`stamp_login`, on Django's user_logged_in signal), and
`portal_seen_at`, the last request, rewritten at most once a minute (so a page's requests do not each write the
session row). `SessionTimeoutMiddleware` logs out a session past either limit before the view runs: the view then
answers as to anyone logged out (the log-in page, with a message saying why; an htmx request is sent to the log-in
page whole, not swapped into its target).

Only sessions are concerned: a request with an API token (DRF's TokenAuthentication, in the view) has no session
user, and is not timed out here. The limits: settings PORTAL_SESSION_IDLE_SECONDS and PORTAL_SESSION_MAX_SECONDS.
"""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

__all__ = ["LOGIN_AT", "SEEN_AT", "SessionTimeoutMiddleware", "stamp_login"]

LOGIN_AT = "portal_login_at"
SEEN_AT = "portal_seen_at"
SEEN_RESOLUTION = 60  # seconds: `seen_at` is rewritten when older than this


def stamp_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """user_logged_in receiver: the session's log-in and last-request times are now."""
    session = getattr(request, "session", None)
    if session is not None:
        now = int(time.time())
        session[LOGIN_AT] = now
        session[SEEN_AT] = now


def expiry_reason(session: Any, now: float) -> str | None:
    """Why the session must end now ("idle" or "max"), or None. A session without timestamps (logged in before
    they were kept) counts from now."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if not isinstance(login_at, int) or not isinstance(seen_at, int):
        return None
    if now - login_at > settings.PORTAL_SESSION_MAX_SECONDS:
        return "max"
    if now - seen_at > settings.PORTAL_SESSION_IDLE_SECONDS:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    """Logs out a session idle too long or logged in too long (see the module's docstring); after
    AuthenticationMiddleware and MessageMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any,
                     view_kwargs: Any) -> HttpResponse | None:
        """Before the view: a session past a limit is logged out. A view with `session_free = True` (/health/,
        which must answer within its deadline while the database, the session store, is down) is not looked at."""
        if getattr(view_func, "session_free", False):
            return None
        session = getattr(request, "session", None)
        if session is not None and request.user.is_authenticated:
            now = time.time()
            reason = expiry_reason(session, now)
            if reason is not None:
                return self.end(request, reason)
            if not isinstance(session.get(LOGIN_AT), int) or not isinstance(session.get(SEEN_AT), int):
                stamp_login(None, request, request.user)
            elif now - session[SEEN_AT] >= SEEN_RESOLUTION:
                session[SEEN_AT] = int(now)
        return None

    def end(self, request: HttpRequest, reason: str) -> HttpResponse | None:
        logout(request)
        if reason == "idle":
            minutes = settings.PORTAL_SESSION_IDLE_SECONDS // 60
            message = _("You were logged out after {minutes} minutes without activity. Please log in again.").format(
                minutes=minutes)
        else:
            hours = settings.PORTAL_SESSION_MAX_SECONDS // 3600
            message = _("You were logged out {hours} hours after logging in. Please log in again.").format(hours=hours)
        messages.info(request, message)
        if getattr(request, "htmx", False):
            # The page the fragment was asked from, on this site only (its path and query).
            current = urlsplit(request.htmx.current_url or "")
            target = redirect_to_login(current.path + (f"?{current.query}" if current.query else "") or "/")
            return HttpResponseClientRedirect(target["Location"])
        return None  # the view answers as to anyone logged out
