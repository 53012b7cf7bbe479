"""Every answer carries the Content-Security-Policy and the Permissions-Policy (portal/settings/security.py,
issue 13): pages, error pages, the API and its Swagger UI, whose start script is a file of its own."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STRICT = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self' data:",
    "object-src": "'none'", "base-uri": "'none'", "frame-ancestors": "'none'", "form-action": "'self'",
}


def _policy(response) -> dict[str, str]:  # noqa: ANN001
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


@pytest.mark.parametrize("path", ["/accounts/login/", "/public/task-lists/", "/no-such-page/", "/api/v1/committees/"])
def test_every_answer_has_the_strict_policy(client, path: str) -> None:  # noqa: ANN001
    response = client.get(path)
    policy = _policy(response)
    assert {name: policy.get(name) for name in STRICT} == STRICT
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    permissions = response.headers["Permissions-Policy"]
    assert "camera=()" in permissions and "geolocation=()" in permissions and "microphone=()" in permissions


def test_pages_hold_no_inline_script_style_or_handler(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    for name in ("dashboards:home", "committees:committee_list", "certificates:lookup", "accounts:password_change"):
        body = client.get(reverse(name)).content.decode()
        assert "<script>" not in body and " style=" not in body and " onclick=" not in body and " onsubmit=" not in body


def test_the_api_docs_serve_their_start_script_as_a_file(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    page = client.get(reverse("api-docs"))
    body = page.content.decode()
    assert page.status_code == 200 and "<script>" not in body and "<style>" not in body
    assert 'src="/api/docs/?script="' in body
    script = client.get(reverse("api-docs"), {"script": ""})
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
