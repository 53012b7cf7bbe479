"""A code is normalised because of what it is, not because a form asked (issue 14 review): a CodeField is read in
its canonical form by every form and serializer built from the model: a ModelForm, the Django admin's forms and a
ModelSerializer on the project's base, with no opt-in of their own."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.forms import modelform_factory
from django.test import RequestFactory
from django.urls import reverse
from rest_framework import serializers

from committees.api.serializers import CommunityWorkerSerializer
from committees.models import CommunityWorker, District
from portal.core.api import NormalisedCharField as ApiNormalisedCharField
from portal.core.api import NormalisedCodesMixin, ValidatedModelSerializer
from portal.core.fields import CodeField
from portal.core.forms import NormalisedCharField
from tasks_registry.models import TaskItem
from tests.support.factories import TaskListFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_stored_code_columns_are_code_fields() -> None:
    codes = {f"{model._meta.label}.{field.name}" for model in apps.get_models() for field in model._meta.local_fields
             if isinstance(field, CodeField)}
    assert codes == {"committees.District.code", "committees.Street.code", "committees.Committee.code",
                     "committees.CommunityWorker.code", "tasks_registry.TaskItem.code",
                     "certificates.SealUse.applicant_phone"}


def test_a_model_form_reads_a_full_width_code() -> None:
    form = modelform_factory(CommunityWorker, fields=["code", "name"])({"code": "３１０１\u200b", "name": "张（三）"})
    form.is_valid()
    assert form.cleaned_data["code"] == "3101" and form.cleaned_data["name"] == "张（三）"
    assert isinstance(modelform_factory(TaskItem, fields=["code"])().fields["code"], NormalisedCharField)


def test_the_admin_form_reads_a_full_width_code(world) -> None:  # noqa: ANN001
    request = RequestFactory().get("/")
    request.user = UserFactory(username="root", is_superuser=True, is_staff=True)
    form_class = admin.site._registry[CommunityWorker].get_form(request)
    form = form_class({"code": "３１０１", "committee": world.baoxing.code, "name": "张三", "position": "",
                       "hired_on": "2024-01-02"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "3101"


def test_the_admin_adds_a_district_typed_full_width_as_its_code(client, world) -> None:  # noqa: ANN001
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.post(reverse("admin:committees_district_add"),
                           {"code": "３１０１９９\u200b", "name": "测试区", "merge_threshold": 500})
    assert response.status_code == 302
    assert District.objects.get(name="测试区").code == "310199"


def test_a_model_serializer_reads_a_full_width_code(world) -> None:  # noqa: ANN001
    worker = CommunityWorkerSerializer(data={"code": "３１０１", "committee": f"{world.baoxing.code}\u200b",
                                             "name": "张三", "hired_on": "2024-01-02"})
    assert worker.is_valid(), worker.errors
    assert worker.validated_data["code"] == "3101" and worker.validated_data["committee"] == world.baoxing

    class ItemSerializer(ValidatedModelSerializer):  # any serializer on the project's base, with no opt-in
        class Meta:
            model = TaskItem
            fields = ["task_list", "code", "title", "category", "responsible_unit"]

    item = ItemSerializer(data={"task_list": TaskListFactory(district=world.huangpu).pk, "code": "Ａ－０１",
                                "title": "事务（一）", "category": "duty", "responsible_unit": "区民政局"})
    assert item.is_valid(), item.errors
    assert item.validated_data["code"] == "A-01" and item.validated_data["title"] == "事务（一）"

    class PlainSerializer(NormalisedCodesMixin, serializers.ModelSerializer):  # a plain ModelSerializer adds the mixin
        class Meta:
            model = TaskItem
            fields = ["code"]

    assert isinstance(PlainSerializer().fields["code"], ApiNormalisedCharField)
