"""A NUL or another control character in an address or a query is refused with 400 before any page reads it
(issue 12: a NUL in a search box or a path answered 500, on public pages too)."""

import pytest
from django.urls import reverse

from portal.core.middleware import has_control_character

pytestmark = pytest.mark.django_db

MESSAGE_ZH = "网址或搜索内容中含有控制字符（例如 NUL），本平台的页面不接受此类字符。请删除后重试。"


@pytest.mark.parametrize("url, query", [
    ("/public/task-lists/", {"q": "\x00"}),
    ("/public/certificates/", {"q": "死亡\x00证明"}),
    ("/public/certificates/", {"district\x00": "310101"}),  # in a parameter's name
    ("/public/task-lists/", {"q": "a\x1bb"}),  # ESC
    ("/public/task-lists/", {"year": "\x7f"}),  # DEL
    ("/public/task-lists/", {"q": "\x85"}),  # NEL: a C1 control
])
def test_a_control_character_in_a_public_query_gets_a_plain_chinese_page(client, url, query) -> None:  # noqa: ANN001
    response = client.get(url, query)
    assert response.status_code == 400
    assert [t.name for t in response.templates] == ["400.html"]
    page = response.content.decode()
    assert MESSAGE_ZH in page and "无法识别此请求" in page and 'href="/"' in page


@pytest.mark.parametrize("query", ["q=台账", "q=%E5%8F%B0%E8%B4%A6", "q=開個死亡證明"])
def test_chinese_in_a_query_passes_whether_escaped_or_raw(client, query) -> None:  # noqa: ANN001
    """WSGI hands raw UTF-8 over as Latin-1: read naively its bytes look like C1 controls (the embedded-default walk
    caught a 400 for ?q=宝兴)."""
    response = client.get(f"/public/task-lists/?{query}")
    assert response.status_code == 200


def test_a_nul_in_the_path_is_refused_too(client, world, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    for path in ("/org/districts/3101%0001/", "/public/task-lists/%00/", "/indicators/district/%00/"):
        response = client.get(path)
        assert response.status_code == 400 and MESSAGE_ZH in response.content.decode(), path


def test_the_page_is_in_english_for_who_chose_english(client) -> None:  # noqa: ANN001
    client.cookies["django_language"] = "en"
    response = client.get("/public/task-lists/", {"q": "\x00"})
    assert response.status_code == 400 and "control character (such as NUL)" in response.content.decode()


def test_the_api_names_the_parameter_at_fault(api, world, district_staff) -> None:  # noqa: ANN001
    api.force_authenticate(district_staff)
    response = api.get("/api/v1/committees/", {"q": "宝兴\x00", "kind": "residents"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "control_character" and body["message"] == MESSAGE_ZH and list(body["fields"]) == ["q"]
    in_path = api.get("/api/v1/committees/3101%00/")
    assert in_path.status_code == 400 and list(in_path.json()["fields"]) == ["path"]


def test_tabs_and_line_breaks_pass(client, world) -> None:  # noqa: ANN001
    """A search pasted from a spreadsheet cell carries tabs and line breaks: the page reads it as before."""
    response = client.get("/public/task-lists/", {"q": "助餐\t服务\r\n"})
    assert response.status_code == 200


def test_what_counts_as_a_control_character() -> None:
    assert all(has_control_character(f"a{char}b") for char in ("\x00", "\x01", "\x1b", "\x1f", "\x7f", "\x9f"))
    assert not any(has_control_character(text) for text in ("\t", "\n", "\r", "宝兴居委会", "１２３", "\u200b", ""))


def test_a_malformed_escape_is_no_control_character(client, world) -> None:  # noqa: ANN001
    """Bytes that are no UTF-8 are read as U+FFFD, as Django reads them: the page answers as to any odd search."""
    assert client.get(reverse("public_task_lists") + "?q=%ff%fe").status_code == 200
