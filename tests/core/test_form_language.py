"""Form validation speaks the page's language (issue 15: "form validation messages (password rules included) in
Chinese"): Django's own messages (a required field, the password validators' rules and refusals) come from its
zh_Hans catalogue under the portal's default language, and in English when the user switched."""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def _messages(form) -> list[str]:  # noqa: ANN001
    return [str(message) for messages in form.errors.values() for message in messages]


def test_password_rules_and_refusals_are_in_chinese(client, street_officer) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    url = reverse("accounts:password_change")
    page = client.get(url)
    form = page.context["form"]
    rules = str(form.fields["new_password1"].help_text)
    assert "12" in rules and CJK.search(rules) and "Your password" not in rules, rules

    refused = client.post(url, {"old_password": "wrong", "new_password1": "123456", "new_password2": "1234567"})
    messages = _messages(refused.context["form"])
    assert refused.status_code == 200 and messages
    assert all(CJK.search(m) for m in messages), messages  # the old password, the mismatch
    too_short = client.post(url, {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"})
    messages = _messages(too_short.context["form"])
    assert len(messages) >= 2 and all(CJK.search(m) for m in messages), messages  # too short, too common, numeric
    assert "密码太短" in "".join(messages), messages


def test_a_required_field_is_refused_in_chinese_and_in_english(client, street_officer, world) -> None:  # noqa: ANN001
    client.force_login(street_officer)
    url = reverse("committees:worker_add", args=[world.baoxing.code])
    refused = client.post(url, {"name": ""})
    messages = _messages(refused.context["form"])
    assert refused.status_code == 200 and "该字段是必填项。" in messages, messages
    assert all(CJK.search(m) for m in messages), messages

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    refused = client.post(url, {"name": ""})
    messages = _messages(refused.context["form"])
    assert "This field is required." in messages and not any(CJK.search(m) for m in messages), messages
