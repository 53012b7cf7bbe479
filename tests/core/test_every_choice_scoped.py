"""Every door scoped (issue 13): no serializer, form or filterset offers a row outside its reader's scope.

A choice of rows (a related field of a serializer, a ModelChoiceField of a form, a ModelChoiceFilter of a filterset)
is a list a client can read: the browsable API rendered them as drop-downs, a page renders them as <select>s, and
an error answer ("invalid pk", "not one of the available choices") tells which codes exist. So each must hold only
rows the reader may view: `Model.objects.restrict(user, "view")`.

Nothing here lists the classes by hand:
- **Serializers**: every DRF serializer defined in the project (those of the router's viewsets and every input
  serializer of their actions), instantiated with a request of each small-scope persona; nested serializers,
  list children and many-related children are walked too.
- **Filtersets**: every django-filter FilterSet of the project, bound to each persona's request.
- **Forms**: every page of every URL pattern (filled as tests/core/test_hostile_walk.py fills them) opened by each
  persona; the forms the views built, found in the context they rendered, are checked as shown. Every project form
  with a choice of rows must have been seen, so a new one cannot be forgotten.

The world: the personas' two districts (tests/conftest.py) and a planted district whose every unit, department,
worker, list item and certificate type carries MARKER in its name. Each check also asserts that the model has rows
outside the persona's scope, so that a `.all()` would fail it.
"""

from collections.abc import Iterator
from typing import Any

import django_filters
import pytest
from django import forms
from django.db import models
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.viewsets import ViewSetMixin

from portal.core.filters import FilterSet
from tests.core.test_api_contracts import router_viewsets
from tests.core.test_hostile_walk import aligned_sequences, all_routes, fillings, page_forms, walk  # noqa: F401
from tests.support import factories as f

pytestmark = pytest.mark.django_db

MARKER = "泄漏标记"
PROJECT = ("certificates", "committees", "tasks_registry", "portal")
SMALL_SCOPES = ("committee_staff", "street_officer", "department_staff")
# Pages with forms are opened by the small scopes and by district staff (a district's grants and dispatches are
# for its staff only): their scope is one district of the world's three.
PAGE_PERSONAS = (*SMALL_SCOPES, "district_staff")


def _project(cls: type) -> bool:
    return cls.__module__.split(".")[0] in PROJECT


def _subclasses(base: type) -> list[type]:
    found, stack = [], [base]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            if _project(sub) and sub not in found:
                found.append(sub)
    return found


@pytest.fixture
def planted(world) -> None:  # noqa: ANN001
    """A third district, every row of it named with MARKER: what no small scope may be offered."""
    district = f.DistrictFactory(code="310115", name=f"{MARKER}区")
    street = f.StreetFactory(district=district, code="310115001", name=f"{MARKER}街道")
    committee = f.CommitteeFactory(street=street, code="310115001001", name=f"{MARKER}居委会")
    f.DepartmentFactory(district=district, name=f"{MARKER}部门")
    f.CommunityWorkerFactory(committee=committee, code="MARK-0001", name=f"{MARKER}工")
    task_list = f.TaskListFactory(district=district, year=2025, status="published")
    f.TaskItemFactory(task_list=task_list, title=f"{MARKER}事项")
    f.TaskItemFactory(task_list=f.TaskListFactory(district=district, year=2026), title=f"{MARKER}草稿事项")
    f.CertificateTypeFactory(district=district, name=f"{MARKER}证明")


def _request(user: Any) -> Request:
    request = Request(APIRequestFactory().get("/"))
    request.user = user
    return request


def outside_scope(rows: models.QuerySet, user: Any) -> list[str]:
    """What `rows` (a choice offered to `user`) holds beyond restrict(user, "view"), as problems; also a problem:
    a model with no row outside the user's scope (the check could not fail), or one restrict() does not scope."""
    model = rows.model
    if not hasattr(model._default_manager, "restrict"):
        return [f"offers {model.__name__} rows, which restrict() does not scope"]
    readable = model._default_manager.restrict(user, "view").values("pk")
    if not model._default_manager.exclude(pk__in=readable).exists():
        return [f"no {model.__name__} row lies outside the persona's scope: plant one in `planted`"]
    leaked = [str(row) for row in rows.exclude(pk__in=readable)[:5]]
    marked = [str(row) for row in rows.filter(pk__in=readable) if MARKER in str(row)][:5]
    return [f"offers {model.__name__} rows outside the persona's scope: {', '.join(leaked + marked)}"] if leaked or marked else []


# --- serializers --------------------------------------------------------------------------------------------------


def project_serializers() -> list[type[serializers.BaseSerializer]]:
    """Every serializer of the project: those the routed viewsets name, and every one defined in the apps' modules
    (the input of each @action is one; importing the URL conf imported them)."""
    found = [viewset.serializer_class for viewset in router_viewsets().values()
             if getattr(viewset, "serializer_class", None) is not None]
    defined = [cls for cls in _subclasses(serializers.BaseSerializer)
               if not issubclass(cls, serializers.ModelSerializer) or hasattr(cls, "Meta")]  # no abstract base
    return list(dict.fromkeys([*found, *defined]))


def related_fields(serializer: serializers.BaseSerializer, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(path, field) of every writable choice of rows of `serializer`, nested ones included."""
    for name, field in serializer.fields.items():
        path = f"{prefix}{name}"
        child = getattr(field, "child", None)
        if isinstance(field, serializers.ListSerializer | serializers.ListField) and child is not None:
            field = child
        if isinstance(field, serializers.BaseSerializer):
            yield from related_fields(field, f"{path}.")
        elif isinstance(field, serializers.ManyRelatedField):
            yield path, field.child_relation
        elif isinstance(field, serializers.RelatedField):
            yield path, field


def test_every_serializer_offers_only_rows_in_the_readers_scope(planted, personas) -> None:  # noqa: ANN001
    problems: list[str] = []
    checked = 0
    classes = project_serializers()
    assert len(classes) > 20  # the walk found the apps' serializers
    for persona in SMALL_SCOPES:
        user = personas[persona]
        for cls in classes:
            serializer = cls(context={"request": _request(user), "view": None})
            for path, field in related_fields(serializer):
                if field.read_only or field.queryset is None:
                    continue
                checked += 1
                problems += [f"{cls.__module__}.{cls.__name__}.{path} as {persona}: {problem}"
                             for problem in outside_scope(field.get_queryset(), user)]
    assert not problems, "\n".join(problems)
    assert checked >= 10 * len(SMALL_SCOPES)  # committees, streets, districts, departments, types, workers…


def test_the_serializer_walk_finds_an_unrestricted_choice(planted, personas) -> None:  # noqa: ANN001
    """The check fails a serializer that offers `.all()` (the DispatchRequestSerializer of issue 13)."""
    from committees.models import Committee

    class Leaky(serializers.Serializer):
        committees = serializers.PrimaryKeyRelatedField(queryset=Committee.objects.all(), many=True)

    user = personas["committee_staff"]
    (path, field), = related_fields(Leaky(context={"request": _request(user)}))
    assert path == "committees" and MARKER in outside_scope(field.get_queryset(), user)[0]


def test_every_routed_viewset_uses_a_serializer_the_walk_checks() -> None:
    walked = set(project_serializers())
    for basename, viewset in router_viewsets().items():
        assert issubclass(viewset, ViewSetMixin) and getattr(viewset, "serializer_class", None) in walked | {None}, basename


# --- filtersets ---------------------------------------------------------------------------------------------------


def test_every_filterset_derives_from_the_projects_base() -> None:
    others = [cls.__name__ for cls in _subclasses(django_filters.FilterSet)
              if not issubclass(cls, FilterSet) and cls is not FilterSet]
    assert not others, f"derive from portal.core.filters.FilterSet: {others}"


def test_every_filterset_offers_only_rows_in_the_readers_scope(planted, personas) -> None:  # noqa: ANN001
    problems: list[str] = []
    classes = [cls for cls in _subclasses(FilterSet) if cls._meta.model is not None]
    assert len(classes) > 15
    for persona in SMALL_SCOPES:
        user = personas[persona]
        for cls in classes:
            filterset = cls(data={}, queryset=cls._meta.model._default_manager.none(), request=_request(user))
            for name, field in filterset.form.fields.items():
                if isinstance(field, forms.ModelChoiceField):
                    problems += [f"{cls.__name__}.{name} as {persona}: {problem}"
                                 for problem in outside_scope(field.queryset, user)]
    assert not problems, "\n".join(problems)


def _probe_filterset() -> type[FilterSet]:
    """A filterset as a new app might write it: a foreign key in Meta.fields (django-filter makes it a
    ModelChoiceFilter of every committee) and a declared ModelChoiceFilter of every street."""
    from committees.models import CommitteeYear, Street

    class Probe(FilterSet):
        street = django_filters.ModelChoiceFilter(field_name="committee__street", queryset=Street.objects.all())

        class Meta:
            model = CommitteeYear
            fields = ["committee"]

    return Probe


def test_the_base_restricts_every_choice_of_rows_a_filterset_declares_or_generates(planted, personas) -> None:  # noqa: ANN001
    user = personas["street_officer"]
    filterset = _probe_filterset()(data={}, request=_request(user))
    for name in ("committee", "street"):
        field = filterset.form.fields[name]
        assert isinstance(field, forms.ModelChoiceField) and not outside_scope(field.queryset, user), name
    assert set(filterset.form.fields["committee"].queryset) == {personas["committee_staff"].committee,
                                                                 *personas["street_officer"].street.committees.all()}


def test_a_choice_outside_scope_answers_as_one_that_exists_nowhere(planted, world, personas) -> None:  # noqa: ANN001
    from committees.models import CommitteeYear

    probe = _probe_filterset()
    f.CommitteeYearFactory(committee=world.xuhui_committee, year=2025)
    request = _request(personas["street_officer"])
    answers = {}
    for code in (world.xuhui_committee.code, "310115001001", "319999999999"):
        filterset = probe(data={"committee": code}, queryset=CommitteeYear.objects.all(), request=request)
        answers[code] = (filterset.is_valid(), filterset.errors.as_json())
    elsewhere, planted_code, nowhere = answers.values()
    assert elsewhere == planted_code and not elsewhere[0]
    assert elsewhere[1].replace(world.xuhui_committee.code, "X") == nowhere[1].replace("319999999999", "X")
    assert probe(data={}, request=_request(None)).form.fields["committee"].queryset.count() == 0


# --- forms --------------------------------------------------------------------------------------------------------


def _choices_of_rows(form_class: type[forms.BaseForm]) -> list[str]:
    return [name for name, field in form_class.base_fields.items() if isinstance(field, forms.ModelChoiceField)]


def test_every_form_a_page_shows_offers_only_rows_in_the_readers_scope(walk, planted, client) -> None:  # noqa: ANN001, F811
    problems: list[str] = []
    seen: set[type] = set()
    opened = 0
    for route in all_routes():
        if getattr(route.callback, "cls", None) is not None or str(route.chain[0]).startswith("admin/"):
            continue  # the API renders no form (JSON only); the admin is the platform administrator's
        real, _hostile = fillings(walk, route)
        for persona in PAGE_PERSONAS:
            user = walk.personas[persona]
            client.force_login(user)
            for path in real:
                response = client.get(path)
                opened += 1
                for form in page_forms(response):
                    seen.add(type(form))
                    for name, field in form.fields.items():
                        if isinstance(field, forms.ModelChoiceField):
                            problems += [f"{path} as {persona}: {type(form).__name__}.{name} {problem}"
                                         for problem in outside_scope(field.queryset, user)]
    assert not problems, "\n".join(problems)
    assert opened > 100
    unseen = [cls.__name__ for cls in _subclasses(forms.BaseForm) if _choices_of_rows(cls) and cls not in seen]
    assert not unseen, f"no page showed these forms with a choice of rows to a persona: {unseen}"
