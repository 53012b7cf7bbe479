"""Issue 15: a new admission request whose submission is refused is kept as a draft, and the page says so and moves
to that draft's own address, so that sending it again (the start moved) submits that draft instead of filing
another; and the names the pages show: 姓名 without a space, a department's name without a doubled 区."""

import datetime
import re
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from portal.accounts.models import User
from tasks_registry.models import AdmissionRequest
from tests.support.factories import DepartmentFactory, UserFactory
from tests.tasks_registry.test_request_pages import _form

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'<input type="hidden" name="submission_token" value="([0-9a-f-]{36})">')


def _messages(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _token(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200
    return TOKEN.findall(page.content.decode())[0]


@pytest.fixture(params=["street_officer", "department_staff"])
def applicant(request: pytest.FixtureRequest, district_staff: User) -> User:  # district_staff reviews it
    return request.getfixturevalue(request.param)


def test_a_refused_submission_keeps_one_draft_says_so_and_moves_to_it(client: Client, world: Any,
                                                                      applicant: User) -> None:
    client.force_login(applicant)
    new = reverse("tasks:request_new")
    soon = datetime.date.today() + datetime.timedelta(days=7)
    data = {**_form(world, starts_on=soon), "submit": "1", "submission_token": _token(client, new)}
    refused = client.post(new, data)
    draft = AdmissionRequest.objects.get()
    edit = reverse("tasks:request_edit", args=[draft.pk])
    assert (refused.status_code, refused.url, draft.status) == (302, edit, "draft")
    [told] = _messages(refused)
    assert told.startswith(f"已保存为草稿 {draft.number}，提交被拒：") and "或以后。" in told

    again = client.post(new, data)  # the same sending twice (a double click): still the one draft, shown
    assert again.url == edit and AdmissionRequest.objects.count() == 1

    page = client.get(edit)
    assert page.context["instance"] == draft and f"{draft.number} · 修改申请" in page.content.decode()
    fixed = {**_form(world), "submit": "1", "submission_token": _token(client, edit)}
    submitted = client.post(edit, fixed)
    assert submitted.url == reverse("tasks:request_detail", args=[draft.pk])
    assert "申请已提交。" in _messages(submitted)
    draft.refresh_from_db()
    assert AdmissionRequest.objects.count() == 1 and draft.status in ("street_review", "district_review")
    assert draft.starts_on == _form(world)["starts_on"]
    assert [event.kind for event in draft.events.order_by("id")] == ["created", "submitted"]


def test_a_draft_refused_again_on_its_page_says_it_was_saved(client: Client, world: Any, street_officer: User) -> None:
    client.force_login(street_officer)
    soon = datetime.date.today() + datetime.timedelta(days=7)
    client.post(reverse("tasks:request_new"), {**_form(world, starts_on=soon), "submit": "1"})
    draft = AdmissionRequest.objects.get()
    later = soon + datetime.timedelta(days=1)
    refused = client.post(reverse("tasks:request_edit", args=[draft.pk]),
                          {**_form(world, starts_on=later), "submit": "1"})
    assert refused.status_code == 400 and refused.context["form"].errors["starts_on"] == ["时间过紧。"]
    assert f"草稿 {draft.number} 已保存，但未提交。" in _messages(refused)
    draft.refresh_from_db()
    assert (AdmissionRequest.objects.count(), draft.starts_on, draft.status) == (1, later, "draft")


def test_the_pages_write_chinese_names_family_name_first_without_a_space(client: Client, world: Any) -> None:
    officer = UserFactory(username="wangfang", role="street", district=world.huangpu, street=world.waitan,
                          last_name="王", first_name="芳")
    client.force_login(officer)
    content = client.get(reverse("dashboards:home")).content.decode()
    assert "王芳" in content and "芳 王" not in content
    assert User(last_name="区", first_name="民政").get_full_name() == "区民政"
    assert User(last_name="Schmidt", first_name="Anna").get_full_name() == "Anna Schmidt"
    assert User(last_name="", first_name="").get_full_name() == ""


def test_a_departments_name_does_not_double_its_districts(client: Client, world: Any, department_staff: User,
                                                          district_staff: User) -> None:
    assert department_staff.unit_name == "黄浦区卫生健康委员会"  # named 区卫生健康委员会 inside its district
    assert str(DepartmentFactory(district=world.huangpu, name="民防办")) == "黄浦区民防办"
    assert str(DepartmentFactory(district=world.huangpu, name="黄浦区财政局")) == "黄浦区财政局"
    client.force_login(department_staff)
    client.post(reverse("tasks:request_new"), {**_form(world), "save": "1"})
    page = client.get(reverse("tasks:request_detail", args=[AdmissionRequest.objects.get().pk]))
    content = page.content.decode()
    assert "黄浦区卫生健康委员会" in content and "黄浦区区" not in content
