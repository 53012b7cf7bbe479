"""A person of a unit is written one way (User.name_with_unit, issue 15 tryout): "王芳（外滩街道）" in Chinese,
"王芳 (外滩街道)" in English, the name alone without a unit. Before, pages and notices wrote the unit then the
name in three ways, and with the demo's unit-like names read "外滩街道外滩街道下派新任务" or "黄浦区 区民政"."""

import pytest
from django.urls import reverse
from django.utils import translation

from portal.accounts.roles import Role
from tasks_registry.models import AdmissionRequest
from tests.support.factories import DispatchFactory, RefusedDispatchFactory, UserFactory
from tests.tasks_registry.test_request_pages import _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(world):  # noqa: ANN001, ANN201
    return UserFactory(username="wangfang", role=Role.STREET, street=world.waitan, last_name="王", first_name="芳")


def test_the_person_then_the_unit_in_the_users_language(world, wang, department_staff) -> None:  # noqa: ANN001
    with translation.override("zh-hans"):
        assert wang.name_with_unit == "王芳（外滩街道）"
        department_staff.last_name, department_staff.first_name = "赵", "丽"
        assert department_staff.name_with_unit == "赵丽（黄浦区卫生健康委员会）"
        assert UserFactory(username="noname", role=Role.COMMITTEE, committee=world.baoxing).name_with_unit == \
            "noname（宝兴居委会）"  # no name given: the username stands in
        assert UserFactory(username="root", last_name="陈", first_name="静", is_superuser=True).name_with_unit == "陈静"
    with translation.override("en"):
        assert wang.name_with_unit == "王芳 (外滩街道)"
        assert UserFactory(username="anna", role=Role.STREET, street=world.waitan, first_name="Anna",
                           last_name="Schmidt").name_with_unit == "Anna Schmidt (外滩街道)"


def test_the_received_page_names_who_sent_a_task_and_who_tried(client, world, wang, committee_staff,
                                                                street_officer) -> None:  # noqa: ANN001
    dispatch = DispatchFactory(committee=world.baoxing, sent_by=wang)
    client.force_login(committee_staff)
    response = client.get(reverse("tasks:received"))
    assert list(response.context["page"].object_list) == [dispatch]
    cell = response.content.decode().split(f'id="dispatch-{dispatch.pk}"', 1)[1]
    assert "王芳（外滩街道）" in cell and "外滩街道，王芳" not in cell and "外滩街道, 王芳" not in cell

    RefusedDispatchFactory(committees=[world.baoxing], attempted_by=wang)
    client.force_login(street_officer)
    refusals = client.get(reverse("tasks:received")).content.decode().split('id="refusal-list"', 1)[1]
    assert "，王芳（外滩街道）：未准入事项" in refusals.split("</li>", 1)[0]
    client.cookies.load({"django_language": "en"})
    english = client.get(reverse("tasks:received"), headers={"Accept-Language": "en"}).content.decode()
    assert "王芳 (外滩街道): " in english.split('id="refusal-list"', 1)[1].split("</li>", 1)[0]


def test_a_request_names_its_applicant_and_each_step_by_person_and_unit(client, world, department_staff) -> None:  # noqa: ANN001
    department_staff.last_name, department_staff.first_name = "赵", "丽"
    department_staff.save()
    client.force_login(department_staff)
    client.post(reverse("tasks:request_new"), {**_form(world), "save": "1"})
    page = client.get(reverse("tasks:request_detail", args=[AdmissionRequest.objects.get().pk])).content.decode()
    timeline = page.split('id="timeline"', 1)[1]
    assert "赵丽（黄浦区卫生健康委员会）" in page.split('id="timeline"', 1)[0]  # the applicant
    assert "赵丽（黄浦区卫生健康委员会）" in timeline and "黄浦区卫生健康委员会 赵丽" not in timeline
