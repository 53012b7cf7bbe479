"""Sessions end after 30 minutes idle and 12 hours in all (portal/accounts/sessions.py, issue 13). Time passes by
moving the session's stored timestamps back, never by sleeping; the API with a token is not timed out."""

import time

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from portal.accounts.sessions import LOGIN_AT, SEEN_AT

pytestmark = pytest.mark.django_db

HOME = "/org/committees/"
MINUTE, HOUR = 60, 3600


def _age(client, *, login: int, seen: int) -> None:  # noqa: ANN001
    """The session logged in `login` seconds ago, its last request `seen` seconds ago."""
    session = client.session
    now = int(time.time())
    session[LOGIN_AT], session[SEEN_AT] = now - login, now - seen
    session.save()


def test_log_in_stamps_the_session(client, district_staff) -> None:  # noqa: ANN001
    before = int(time.time())
    client.force_login(district_staff)
    session = client.session
    assert before <= session[LOGIN_AT] <= time.time() and session[SEEN_AT] == session[LOGIN_AT]


def test_a_session_idle_31_minutes_is_logged_out_with_a_message(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    _age(client, login=40 * MINUTE, seen=31 * MINUTE)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    page = client.get(response.url)
    assert not page.context["user"].is_authenticated
    assert [str(m) for m in page.context["messages"]] == ["您已超过30分钟未操作，已自动退出，请重新登录。"]
    assert client.get(HOME).status_code == 302  # the session is gone, not just this request


def test_a_session_older_than_12_hours_is_logged_out_even_if_active(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    _age(client, login=12 * HOUR + MINUTE, seen=10)
    response = client.get(HOME)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    page = client.get(response.url)
    assert [str(m) for m in page.context["messages"]] == ["您已登录满12小时，已自动退出，请重新登录。"]


def test_an_active_session_within_both_limits_stays_and_its_last_request_moves(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    _age(client, login=11 * HOUR + 50 * MINUTE, seen=29 * MINUTE)
    response = client.get(HOME)
    assert response.status_code == 200 and response.context["user"] == district_staff
    assert time.time() - client.session[SEEN_AT] < 5
    assert time.time() - client.session[LOGIN_AT] > 11 * HOUR  # the log-in time never moves


def test_requests_within_a_minute_do_not_rewrite_the_session(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    _age(client, login=5 * MINUTE, seen=30)
    seen = client.session[SEEN_AT]
    assert client.get(HOME).status_code == 200
    assert client.session[SEEN_AT] == seen


def test_an_htmx_request_of_an_ended_session_sends_the_whole_page_to_the_log_in(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    _age(client, login=HOUR, seen=31 * MINUTE)
    response = client.get(HOME, headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/org/committees/?page=2"})
    assert response.headers["HX-Redirect"] == f"{reverse('accounts:login')}?next=/org/committees/%3Fpage%3D2"


def test_the_api_with_a_token_is_not_timed_out(api, district_staff) -> None:  # noqa: ANN001
    # The same client also holds a session, idle for hours: it is ended, and the token still answers.
    api.force_login(district_staff, backend="django.contrib.auth.backends.ModelBackend")
    _age(api, login=13 * HOUR, seen=2 * HOUR)
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=district_staff).key}")
    response = api.get("/api/v1/committees/")
    assert response.status_code == 200 and response.data["count"] >= 1
    api.credentials()
    assert api.get("/api/v1/committees/").status_code in (401, 403)  # without the token: the session was ended
