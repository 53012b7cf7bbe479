"""Error pages in the portal's layout and language (issue 15), as a user meets them with DEBUG off: 403, 404, a
refused CSRF check and a GET on a POST-only address in the layout with the nav bar, 500 (and 400) standalone; the
API keeps answering JSON. The login page and the public pages link one another; the layouts link the favicon."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import Client
from django.urls import include, path, reverse
from django.utils import translation
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _raises(request):  # noqa: ANN001, ANN202
    raise RuntimeError("a bug")


def _refuses(request):  # noqa: ANN001, ANN202
    raise PermissionDenied


# The portal's routes and handlers, plus a view that fails and one that refuses (urls.py has neither).
urlpatterns = [path("broken/", _raises), path("refused/", _refuses), path("", include("portal.urls"))]
handler403 = "portal.core.error_pages.permission_denied"
handler404 = "portal.core.error_pages.page_not_found"


@pytest.fixture(autouse=True)
def no_debug(settings):  # noqa: ANN001, ANN201
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


def _templates(response) -> list[str]:  # noqa: ANN001
    return [template.name for template in response.templates]


def _english(client) -> None:  # noqa: ANN001
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"


def _has_nav_for(response, user) -> bool:  # noqa: ANN001
    """The page is in the layout, with the nav bar of this logged-in user (their name, the bell)."""
    return ("base.html" in _templates(response) and response.context["user"] == user
            and 'id="bell"' in response.content.decode())


def test_404_is_in_the_layout_and_in_chinese(client, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.get("/no-such-page/", HTTP_REFERER="http://testserver/tasks/")
    assert response.status_code == 404
    assert "404.html" in _templates(response) and _has_nav_for(response, committee_staff)
    page = response.content.decode()
    assert "页面不存在" in page and "Not Found" not in page
    assert response.context["back"] == "http://testserver/tasks/"  # the way back, besides home
    assert f'href="{reverse("dashboards:home")}"' in page


def test_404_in_english_with_the_language_cookie(client) -> None:  # noqa: ANN001
    _english(client)
    response = client.get("/no-such-page/", HTTP_REFERER="https://elsewhere.example/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert response.context["back"] is None  # another site is no way back


def test_a_row_out_of_reach_is_the_same_404_page(client, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.get(reverse("tasks:list_detail", kwargs={"pk": 999_999_999}))
    assert response.status_code == 404 and "404.html" in _templates(response)
    assert "matches the given query" not in response.content.decode()


def test_403_from_a_view_is_in_the_layout(client, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.get(reverse("committees:access_grants"))
    assert response.status_code == 403
    assert "403.html" in _templates(response) and _has_nav_for(response, committee_staff)
    assert "无权访问" in response.content.decode() and "Forbidden" not in response.content.decode()
    _english(client)
    response = client.get("/refused/")
    assert response.status_code == 403 and "Not allowed" in response.content.decode()


def test_500_is_standalone_and_in_the_users_language(client, committee_staff) -> None:  # noqa: ANN001
    client.raise_request_exception = False
    client.force_login(committee_staff)
    response = client.get("/broken/")
    assert response.status_code == 500
    assert _templates(response) == ["500.html"]
    page = response.content.decode()
    assert "出错了" in page and 'href="/"' in page and "css/portal.css" in page
    _english(client)
    assert "Something went wrong" in client.get("/broken/").content.decode()


def test_500_needs_no_request_and_no_database(django_assert_num_queries) -> None:  # noqa: ANN001
    with django_assert_num_queries(0), translation.override("zh-hans"):
        page = render_to_string("500.html")  # as Django renders it: an empty context
    assert "出错了" in page and "favicon.svg" in page


def test_400_looks_like_the_500_page(client) -> None:  # noqa: ANN001
    response = client.get("/tasks/", {"q": "a\x00b"})
    assert response.status_code == 400
    page = response.content.decode()
    assert _templates(response) == ["400.html"] and "无法识别此请求" in page
    assert "css/portal.css" in page and "favicon.svg" in page  # the same look as 500.html


def test_the_400_and_500_pages_show_no_template_comment(client) -> None:  # noqa: ANN001
    """`{# … #}` is a comment on one line only: spread over two, it showed as text at the top of both pages."""
    client.raise_request_exception = False
    for response in (client.get("/broken/"), client.get("/tasks/", {"q": "a\x00b"})):
        assert response.status_code in (400, 500)
        page = response.content.decode()
        assert "{#" not in page and "#}" not in page and "Standalone" not in page


def test_no_template_spreads_a_one_line_comment_over_lines() -> None:
    """The kind: a `{#` with no `#}` after it on its line is shown, not hidden ({% comment %} spans lines)."""
    root = Path(django_settings.BASE_DIR) / "templates"
    open_comment = re.compile(r"\{#(?:(?!#\}).)*$")
    spread = [f"{path.relative_to(root)}:{number}" for path in sorted(root.rglob("*.html"))
              for number, line in enumerate(path.read_text().splitlines(), start=1) if open_comment.search(line)]
    assert spread == []


def test_a_refused_csrf_check_is_a_page_in_the_layout_and_in_chinese(committee_staff) -> None:  # noqa: ANN001
    client = Client(enforce_csrf_checks=True)
    client.force_login(committee_staff, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(reverse("set_language"), {"language": "en"})
    assert response.status_code == 403
    assert "403_csrf.html" in _templates(response) and _has_nav_for(response, committee_staff)
    page = response.content.decode()
    assert "表单未提交" in page and "CSRF cookie" not in page and "Forbidden" not in page


def test_the_apis_csrf_refusal_is_json_in_the_users_language(committee_staff) -> None:  # noqa: ANN001
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(committee_staff, backend="django.contrib.auth.backends.ModelBackend")
    response = api.post(reverse("tasks-api:admissionrequest-list"), {}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "表单未能提交：页面打开时间过长、在其他标签页中登录或退出过，或浏览器拒绝了 Cookie。"
                                         "请返回，刷新页面后重新提交。"}
    api.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    assert api.post(reverse("tasks-api:admissionrequest-list"), {}, format="json").json()["detail"].startswith(
        "The form could not be sent")


def test_the_api_still_answers_json(api, committee_staff) -> None:  # noqa: ANN001
    response = api.get("/api/v1/no-such-thing/")  # no route: Django's 404, as DRF would say it
    assert response.status_code == 404 and response.json() == {"detail": "未找到。"}
    response = api.get(reverse("tasks-api:tasklist-list"))
    assert response.status_code == 403 and response["Content-Type"] == "application/json"  # not logged in
    api.force_login(committee_staff, backend="django.contrib.auth.backends.ModelBackend")
    response = api.delete(reverse("tasks-api:tasklist-list"))
    assert response.status_code == 405 and "detail" in response.json()


def test_a_post_only_address_opened_as_a_link_is_a_readable_page(client, committee_staff) -> None:  # noqa: ANN001
    client.force_login(committee_staff)
    response = client.get(reverse("tasks:list_publish", kwargs={"pk": 1}))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "405.html" in _templates(response) and _has_nav_for(response, committee_staff)
    assert "此地址仅接受表单提交" in response.content.decode()


def test_the_login_page_and_the_public_pages_link_one_another(client, world) -> None:  # noqa: ANN001
    lists, certificates = reverse("public_task_lists"), reverse("public_certificates")
    login = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{lists}"' in login and f'href="{certificates}"' in login
    on_lists = client.get(lists).content.decode()
    on_certificates = client.get(certificates).content.decode()
    assert f'href="{certificates}"' in on_lists and f'href="{lists}"' in on_certificates
    assert f'href="{reverse("accounts:login")}"' in on_lists


def test_the_layouts_link_the_favicon(client) -> None:  # noqa: ANN001
    icon = finders.find("favicon.svg")
    assert icon and "减" in open(icon, encoding="utf-8").read()  # noqa: PTH123, SIM115
    assert 'rel="icon" href="/static/favicon.svg"' in client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in render_to_string("500.html")
