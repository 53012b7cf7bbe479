"""Every writing @action of a routed viewset reaches rows through a declared model action (issue 11: "the API
maps each @action to its named action instead of mapping every POST to add"); an undeclared one is refused
when the view is configured, never opened to whoever may read the row."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework.decorators import action
from rest_framework.test import APIRequestFactory

from portal.core.api import ScopedReadViewSet, model_action
from portal.core.scoping import action_spec, model_actions
from tasks_registry.models import ViolationReport
from tests.core.test_api_contracts import router_viewsets

WRITES = ("post", "put", "patch", "delete")


def _writing_actions() -> list[tuple[str, type, str, str]]:
    found = []
    for basename, viewset in sorted(router_viewsets().items()):
        for extra in viewset.get_extra_actions():
            for method in extra.mapping:
                if method in WRITES:
                    found.append((basename, viewset, extra.__name__, method))
    return found


def test_there_are_writing_actions_to_check() -> None:
    names = {name for _basename, _viewset, name, _method in _writing_actions()}
    assert {"approve", "void", "confirm"} <= names


@pytest.mark.parametrize(("basename", "viewset", "name", "method"), _writing_actions(),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_each_writing_action_is_a_declared_model_action(basename, viewset, name, method) -> None:  # noqa: ANN001
    view = viewset()
    view.action = name
    request = getattr(APIRequestFactory(), method)("/")
    model = view.get_model()
    resolved = model_action(view, request)
    action_spec(model, resolved)  # LookupError if the mapped name is not one of the model's actions
    assert resolved in model_actions(model)
    # Reading-as-writing is allowed only when said on purpose (counting a lookup answer is part of reading).
    assert resolved != "view" or viewset.named_actions.get(name) == "view", f"{basename}.{name} lets every reader write"


def test_an_undeclared_writing_action_is_refused_not_opened() -> None:
    class Careless(ScopedReadViewSet):
        queryset = ViolationReport.objects.all()

        @action(detail=True, methods=["post"])
        def archive(self, request, pk=None):  # noqa: ANN001, ANN201
            raise AssertionError("never reached")

    view = Careless()
    view.action = "archive"
    with pytest.raises(ImproperlyConfigured):
        model_action(view, APIRequestFactory().post("/"))
    view_get = Careless()
    view_get.action = "archive"
    assert model_action(view_get, APIRequestFactory().get("/")) == "view"
