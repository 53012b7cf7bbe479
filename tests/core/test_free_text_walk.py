"""Every text field of every form and serializer refuses control and bidirectional formatting characters, and has a
length limit (issue 13). The forms (the pages' and the admin's) and serializers are found by walking the classes of
our apps, so one added tomorrow is walked too; a form whose constructor takes something new names it here.

Free text (a name, a description) refuses U+202E RIGHT-TO-LEFT OVERRIDE, ESC and U+0001 on the field (code
"invalid_text"). A code (NormalisedCharField: codes, ID numbers, searches) is read in its canonical form: a
bidirectional mark is dropped there (issue 14), a control character refused the same way.
"""

import importlib
import inspect
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.test import RequestFactory
from rest_framework import serializers

from committees.models import Committee, Street
from portal.accounts.models import User
from portal.core import api as core_api
from portal.core import forms as core_forms
from portal.core.forms import TEXT_MAX_LENGTH
from tasks_registry.models import TaskItem

pytestmark = pytest.mark.django_db

OUR_APPS = ("committees", "certificates", "tasks_registry")
HOSTILE = {"U+202E": "甲\u202e乙.txt", "ESC": "甲\x1b[31m乙", "U+0001": "甲\x01乙"}

# What a form's constructor needs besides its data, by parameter name (an empty choice: the fields are what count).
CONSTRUCTOR_ARGUMENTS = {
    "user": lambda: User(username="walker"),
    "committees": lambda: Committee.objects.none(),
    "streets": lambda: Street.objects.none(),
    "items": lambda: TaskItem.objects.none(),
    "types": lambda: [],
    "districts": lambda: [],
}
# Serializers that only ever write a response (no view reads a request with them): their fields are not input.
OUTPUT_ONLY = {
    "IndicatorSerializer", "LookupResultSerializer", "RequestEventSerializer", "OrgImportChangesSummarySerializer",
    "OrgImportChangeValueSerializer", "OrgImportChangeSerializer", "OrgImportChangePageSerializer",
    "RefusedDispatchEntrySerializer",
}


def _ours(cls: type) -> bool:
    return cls.__module__.split(".")[0] in OUR_APPS or cls.__module__.startswith("portal.")


def _subclasses(base: type) -> Iterator[type]:
    for cls in base.__subclasses__():
        yield cls
        yield from _subclasses(cls)


def _import_our_modules() -> None:
    for config in apps.get_app_configs():
        if config.name in OUR_APPS or config.name.startswith("portal."):
            for module in ("forms", "admin", "api.serializers"):
                try:
                    importlib.import_module(f"{config.name}.{module}")
                except ModuleNotFoundError as error:
                    if error.name != f"{config.name}.{module}" and not f"{config.name}.{module}".startswith(error.name):
                        raise


_import_our_modules()
PAGE_FORMS = sorted({cls for cls in _subclasses(forms.BaseForm) if _ours(cls) and not cls.__name__.startswith("_")},
                    key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
SERIALIZERS = sorted({cls for cls in _subclasses(serializers.Serializer)
                      if _ours(cls) and cls.__name__ not in OUTPUT_ONLY and not issubclass(cls, serializers.ListSerializer)
                      and (hasattr(cls, "Meta") or not issubclass(cls, serializers.ModelSerializer))},  # not a base
                     key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _form_arguments(cls: type) -> dict[str, Any]:
    arguments = {}
    for klass in cls.__mro__:
        if "__init__" not in vars(klass):
            continue
        for name, parameter in inspect.signature(klass.__init__).parameters.items():
            if name == "self" or parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                continue
            if parameter.default is parameter.empty:
                assert name in CONSTRUCTOR_ARGUMENTS, f"{cls.__qualname__}({name}=…): add it to CONSTRUCTOR_ARGUMENTS"
                arguments[name] = CONSTRUCTOR_ARGUMENTS[name]()
    return arguments


def _admin_forms() -> list[tuple[str, type]]:
    request = RequestFactory().get("/admin/")
    request.user = User(username="root", is_superuser=True, is_staff=True, is_active=True)
    found = []
    for model, model_admin in admin.site._registry.items():
        if not _ours(model) or not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
            continue
        found.append((f"admin:{model._meta.label}", model_admin.get_form(request)))
    return found


def _text_fields(form: forms.BaseForm) -> list[str]:
    return [name for name, field in form.fields.items()
            if isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField)
            and not isinstance(field.widget, forms.PasswordInput | forms.HiddenInput)]


def _posted(field: forms.Field, text: str) -> str:
    return json.dumps(text) if isinstance(field, forms.JSONField) else text


ALL_FORMS = [(f"{cls.__module__}.{cls.__qualname__}", cls) for cls in PAGE_FORMS]


def test_the_walk_finds_the_forms_and_serializers() -> None:
    names = {cls.__name__ for cls in PAGE_FORMS} | {cls.__name__ for cls in SERIALIZERS}
    assert {"TaskItemForm", "CertificateTypeForm", "RegistrationForm", "CommitteeSerializer",
            "AdmissionRequestSerializer", "RegistrationCreateSerializer", "ReasonInput"} <= names
    assert len(_admin_forms()) >= 15


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize(("name", "form_class"), ALL_FORMS + _admin_forms(), ids=lambda value: value
                         if isinstance(value, str) else "")
def test_every_text_field_of_every_form_refuses_it(name: str, form_class: type, hostile: str) -> None:
    arguments = _form_arguments(form_class)
    fields = _text_fields(form_class(**arguments))
    for field_name in fields:
        field = form_class(**arguments).fields[field_name]
        form = form_class(data={field_name: _posted(field, HOSTILE[hostile])}, **arguments)
        form.is_valid()
        codes = [error.code for error in form.errors.as_data().get(field_name, [])]
        if isinstance(field, core_forms.NormalisedCharField) and hostile == "U+202E":
            assert "\u202e" not in str(form.cleaned_data.get(field_name, "")), f"{name}.{field_name}"
        else:
            assert "invalid_text" in codes, f"{name}.{field_name} took {hostile}: {form.errors.get(field_name)}"


@pytest.mark.parametrize(("name", "form_class"), ALL_FORMS + _admin_forms(), ids=lambda value: value
                         if isinstance(value, str) else "")
def test_every_text_field_of_every_form_has_a_length_limit(name: str, form_class: type) -> None:
    form = form_class(**_form_arguments(form_class))
    unlimited = [field_name for field_name in _text_fields(form) if form.fields[field_name].max_length is None]
    assert unlimited == []
    # A model's TextField has no limit of its own: the form's is TEXT_MAX_LENGTH (or the form's own, shorter one).
    model = getattr(getattr(form_class, "_meta", None), "model", None)
    for field_name in _text_fields(form):
        if model is not None and isinstance(_model_field(model, field_name), models.TextField):
            assert form.fields[field_name].max_length <= TEXT_MAX_LENGTH


def _model_field(model: type, name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:  # a form field of its own
        return None


def _writable_text_fields(serializer: serializers.Serializer) -> dict[str, serializers.Field]:
    found = {}
    for name, field in serializer.fields.items():
        text = field.child if isinstance(field, serializers.ListField) else field
        if isinstance(text, serializers.CharField) and not field.read_only and not isinstance(text, serializers.ChoiceField):
            found[name] = field
    return found


def _error_codes(errors: Any) -> list[str]:
    if isinstance(errors, dict):
        return [code for value in errors.values() for code in _error_codes(value)]
    if isinstance(errors, list):
        return [code for value in errors for code in _error_codes(value)]
    return [getattr(errors, "code", "")]


@pytest.mark.parametrize("hostile", HOSTILE)
@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_text_field_of_every_serializer_refuses_it(serializer_class: type, hostile: str) -> None:
    for name, field in _writable_text_fields(serializer_class(context={})).items():
        value = [HOSTILE[hostile]] if isinstance(field, serializers.ListField) else HOSTILE[hostile]
        serializer = serializer_class(data={name: value}, context={})
        serializer.is_valid()
        text = field.child if isinstance(field, serializers.ListField) else field
        if isinstance(text, core_api.NormalisedCharField) and hostile == "U+202E":
            assert "invalid_text" not in _error_codes(serializer.errors.get(name, []))
        else:
            codes = _error_codes(serializer.errors.get(name, []))
            assert "invalid_text" in codes, f"{serializer_class.__name__}.{name} took {hostile}: {serializer.errors.get(name)}"


@pytest.mark.parametrize("serializer_class", SERIALIZERS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_text_field_of_every_serializer_has_a_length_limit(serializer_class: type) -> None:
    fields = _writable_text_fields(serializer_class(context={}))
    unlimited = [name for name, field in fields.items()
                 if (field.child if isinstance(field, serializers.ListField) else field).max_length is None]
    assert unlimited == []


def test_the_schema_gives_a_text_field_its_length(client, district_staff) -> None:  # noqa: ANN001
    client.force_login(district_staff)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    components = schema["components"]["schemas"]
    facts = components["RegistrationCreate"]["properties"]["facts"]
    assert facts["maxLength"] == TEXT_MAX_LENGTH
