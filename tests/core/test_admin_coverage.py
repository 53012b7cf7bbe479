"""Every model of our apps is in the Django admin, so a platform administrator can repair a stuck record (issue 15).

The models are read from the app registry, so a model added tomorrow without an admin fails here. Each changelist
answers 200 for a superuser, with as many queries for three rows as for one (no query per row). django-axes's
app and models are named in Chinese on the admin index.
"""

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support import factories as f

pytestmark = pytest.mark.django_db

OUR_APPS = ("committees", "certificates", "tasks_registry", "portal.")


def our_models() -> list[type]:
    """Every concrete model of our apps (committees, certificates, tasks_registry, portal.*)."""
    return [
        model
        for config in apps.get_app_configs()
        if config.name in OUR_APPS[:3] or config.name.startswith(OUR_APPS[3])
        for model in config.get_models()
    ]


def factory_for(model: type) -> type:
    """The factory of tests/support/factories.py that makes `model` (every model has one)."""
    for value in vars(f).values():
        if (isinstance(value, type) and issubclass(value, factory.Factory) and value._meta.model is model
                and not value.__name__.startswith("_")):
            return value
    raise LookupError(model)


def test_the_app_registry_lists_our_models() -> None:
    labels = {model._meta.label for model in our_models()}
    assert {"committees.Committee", "certificates.Registration", "tasks_registry.TaskItem",
            "indicators.Result", "core.AuditEntry", "accounts.User"} <= labels


def test_every_model_of_our_apps_is_in_the_admin() -> None:
    missing = [model._meta.label for model in our_models() if model not in admin.site._registry]
    assert missing == []


def _changelist_queries(client, url: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    assert response.context["cl"].result_count >= 1, url
    return len(queries)


@pytest.mark.parametrize("model", our_models(), ids=lambda model: model._meta.label)
def test_each_changelist_answers_a_superuser_without_a_query_per_row(client, model: type) -> None:  # noqa: ANN001
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    make = factory_for(model)
    if model._meta.label != "accounts.User":
        make()
    client.get(url)  # the first request of a session also reads what later ones find cached
    one = _changelist_queries(client, url)
    make.create_batch(2)
    three = _changelist_queries(client, url)
    assert three == one, f"{model._meta.label}: {one} queries for one row, {three} for three"
    assert three <= 15


def test_role_staff_are_refused_the_admin(client, city_staff) -> None:  # noqa: ANN001
    client.force_login(city_staff)
    response = client.get(reverse("admin:tasks_registry_taskitem_changelist"))
    assert response.status_code == 302


def test_the_axes_app_is_named_in_chinese(client) -> None:  # noqa: ANN001
    client.force_login(f.UserFactory(username="root", is_superuser=True, is_staff=True))
    response = client.get(reverse("admin:app_list", args=["axes"]), headers={"accept-language": "zh-hans"})
    assert response.status_code == 200
    (app,) = response.context["app_list"]
    assert app["name"] == "登录防护"
    names = {model["object_name"]: str(model["name"]) for model in app["models"]}
    assert names["AccessAttempt"] == "登录尝试"
    assert names["AccessLog"] == "登录日志"
    assert names["AccessFailureLog"] == "登录失败记录"
    assert "登录防护" in response.content.decode()


@pytest.mark.django_db
def test_a_repair_in_the_admin_leaves_an_audit_entry(client) -> None:  # noqa: ANN001
    """A superuser's change or deletion in the admin is audited like any other write (before and after)."""
    from portal.core.models import AuditEntry

    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    department = f.DepartmentFactory(name="卫生健康委员会")
    url = reverse("admin:committees_department_change", args=[department.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(name="卫生健康委")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response
    entry = AuditEntry.objects.get(action="department.admin_change")
    assert entry.actor == root and entry.before["name"] == "卫生健康委员会" and entry.after["name"] == "卫生健康委"
    client.post(reverse("admin:committees_department_delete", args=[department.pk]), {"post": "yes"})
    deleted = AuditEntry.objects.get(action="department.admin_delete")
    assert deleted.object_id == str(department.pk) and deleted.before["name"] == "卫生健康委"
