"""Every model of our apps has a factory whose rows pass every constraint (issue 11: "every model has a factory").

A new model without a factory in tests/support/factories.py fails here, by name.
"""

import inspect
from pathlib import Path

import factory
import pytest
from django.apps import apps
from django.conf import settings

from tests.support import factories


def _our_models() -> list[type]:
    """The concrete models of the project's own apps (those under the project root, not in site-packages)."""
    root = Path(settings.BASE_DIR).resolve()
    ours = [config for config in apps.get_app_configs() if root in Path(config.path).resolve().parents
            and ".venv" not in Path(config.path).parts]
    return sorted((model for config in ours for model in config.get_models()), key=lambda m: m._meta.label)


def _factories_by_model() -> dict[type, type]:
    found = {}
    for _name, member in inspect.getmembers(factories, inspect.isclass):
        if issubclass(member, factory.django.DjangoModelFactory) and not member._meta.abstract:
            found.setdefault(member._meta.get_model_class(), member)
    return found


def test_the_project_apps_are_found() -> None:
    labels = {model._meta.app_label for model in _our_models()}
    assert {"accounts", "core", "committees", "indicators", "tasks_registry", "certificates"} <= labels


def test_every_model_has_a_factory() -> None:
    missing = [model._meta.label for model in _our_models() if model not in _factories_by_model()]
    assert not missing, f"add a factory to tests/support/factories.py for: {', '.join(missing)}"


@pytest.mark.parametrize("model", _our_models(), ids=lambda model: model._meta.label)
def test_the_factory_makes_a_valid_row(db, model) -> None:  # noqa: ANN001
    made = _factories_by_model().get(model)
    if made is None:
        pytest.fail(f"add a factory to tests/support/factories.py for {model._meta.label}")
    row = made()
    row.refresh_from_db()  # the database accepted it: every CHECK, UNIQUE and foreign key
    # Model validation too (field validators, choices, constraints), except the empty foreign keys some rows
    # rightly leave empty above their own level (a city's result has no district).
    empty = [field.name for field in model._meta.concrete_fields if field.null and getattr(row, field.attname) is None]
    row.full_clean(exclude=empty)
    # A second row beside the first: sequences keep unique fields apart (a get-or-create factory, such as the
    # district's, gives the same row back instead).
    second = made()
    assert second.pk != row.pk or made._meta.django_get_or_create
