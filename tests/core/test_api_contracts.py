"""Every viewset registered in an API router runs the contract (issue 11: "every viewset runs the contract").

The routers are read from the URL resolver, the contracts from the test modules named test_api*.py: a new
viewset without a subclass of ScopedAPIContract / ScopedReadAPIContract (matched by basename) fails here.
"""

import importlib
import pkgutil

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework import mixins
from rest_framework.viewsets import ViewSetMixin

import tests
from tests.support.contracts import ScopedAPIContract, ScopedReadAPIContract


def router_viewsets() -> dict[str, type]:
    """Every viewset routed by a DRF router, by its namespaced basename ("committees-api:district")."""
    found: dict[str, type] = {}

    def walk(patterns: list, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, ":".join(filter(None, (namespace, pattern.namespace))))
            elif isinstance(pattern, URLPattern):
                view_class = getattr(pattern.callback, "cls", None)
                basename = getattr(pattern.callback, "initkwargs", {}).get("basename")
                if view_class is not None and basename and issubclass(view_class, ViewSetMixin):
                    found[f"{namespace}:{basename}"] = view_class

    walk(get_resolver().url_patterns, "")
    return found


def contracts() -> dict[str, list[type]]:
    """The contract subclasses of every test module named test_api*.py, by the basename they test."""
    for module in pkgutil.walk_packages(tests.__path__, "tests."):
        if module.name.rsplit(".", 1)[-1].startswith("test_api"):
            importlib.import_module(module.name)
    found: dict[str, list[type]] = {}
    stack = [ScopedAPIContract, ScopedReadAPIContract]
    while stack:
        contract = stack.pop()
        for sub in contract.__subclasses__():
            stack.append(sub)
            if sub.__name__.startswith("Test") and getattr(sub, "basename", None):
                found.setdefault(sub.basename, []).append(sub)
    return found


def is_crud(viewset: type) -> bool:
    """Creates and replaces rows by plain saves: the CRUD contract applies."""
    methods = getattr(viewset, "http_method_names", [])
    return (issubclass(viewset, mixins.CreateModelMixin) and issubclass(viewset, mixins.UpdateModelMixin)
            and "post" in methods)


def test_the_routers_are_found() -> None:
    assert {"committees-api:committeeyear", "indicators-api:result", "tasks-api:admissionrequest",
            "certificates-api:registration"} <= set(router_viewsets())


def test_every_routed_viewset_runs_the_contract() -> None:
    tested = contracts()
    missing = sorted(set(router_viewsets()) - set(tested))
    assert not missing, ("subclass ScopedAPIContract (CRUD) or ScopedReadAPIContract in a tests/<app>/test_api*.py "
                         f"for: {', '.join(missing)}")


def test_each_viewset_runs_the_right_contract() -> None:
    tested = contracts()
    wrong = []
    for basename, viewset in router_viewsets().items():
        expected = ScopedAPIContract if is_crud(viewset) else ScopedReadAPIContract
        wrong += [f"{basename}: {contract.__name__} should subclass {expected.__name__}"
                  for contract in tested.get(basename, []) if not issubclass(contract, expected)]
    assert not wrong, "; ".join(wrong)


def test_no_contract_names_a_viewset_that_is_gone() -> None:
    stale = sorted(set(contracts()) - set(router_viewsets()))
    assert not stale, f"contracts for unrouted basenames: {', '.join(stale)}"
