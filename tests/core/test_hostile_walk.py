"""A hostile walk over every URL pattern and every API write, for every persona (issue 12: "no 500 on any input").

Nothing here lists URLs: the routes are read from the URL resolver (as tests/core/test_api_contracts.py reads the
routers) and the API's writes from its OpenAPI schema, so a view is walked the day it is added.

- **Paths.** Path parameters are filled from a small world in which **every row has the same primary key** (`PK`:
  the sequences are aligned before it is made), so an `<int:…>` names a real row whatever its model. The row
  parameter of a route whose model is known (a DRF viewset's queryset, a ModelAdmin) takes that model's row; other
  `<str:…>` parameters take the units' codes and the vocabularies read from the code (`scope`, `table`,
  `action`), paired index by index so that `scope=district` meets the district's code. Then hostile values, one
  parameter at a time: 0 and an integer beyond 64 bits; two texts a route, in rotation, of a NUL, markup, 300
  characters, full-width digits, `..` and `%`.
- **Who.** Every persona of tests/conftest.py, the platform administrator and an anonymous visitor open every
  route's first path. A further path is opened by everyone only if it names a row (the platform administrator,
  who reaches every row, does not get 404 there).
- **Queries.** The query sets that reach the view (`query_sets`: years -5, 99999999999, abc, 2021 and 2027 (no
  data), page 0, 999999, -1 and abc, every FilterSet's filter set to garbage, markup) are each sent once per path,
  dealt out among the personas the path answers (with one persona, it gets them all); the refused share one (most
  refuse before reading the query). CONTROL_SETS (NUL, ESC, DEL) or a NUL in the path: one per route.
- **Writes.** A page that showed forms gets them back with one number, date or row choice out of range at a time,
  then with every text holding a NUL; a POST-only page (GET answers 405) gets hostile years and texts; each
  POST/PUT/PATCH of the API schema gets a plausible body from every persona, then that body with one field hostile
  at a time.

Every request runs in a savepoint rolled back afterwards, so each sees the same world. The assertion lists every
answer >= 500 with the exception behind it, and the figures of the walk are printed (pytest -s).
"""

import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import django_filters
import pytest
from django import forms
from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.forms.formsets import ManagementForm
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from rest_framework.test import APIClient

from portal.indicators.registry import CITY_CODE
from portal.indicators.selectors import SHORTFALLS
from portal.indicators.services import compute_year
from tests.core.test_api_contracts import router_viewsets
from tests.support import factories as f

pytestmark = pytest.mark.django_db

PK = 7_700_001  # the primary key of every row of the walk's world (far above any seeded row)
YEAR = 2025  # the one year with data: 2021 and 2027 have none
NUL = "\x00"
ADMIN = "platform_admin"

# (route, method) the walk must not send, each with its reason. Nothing else is left out.
SKIP: dict[tuple[str, str], str] = {}

# --- the routes -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class Route:
    """One URL pattern, with the chain of patterns that leads to it from the root."""

    name: str | None  # "dashboards:indicators"; None for an unnamed pattern (the admin's catch-all)
    chain: tuple[Any, ...]
    params: tuple[tuple[str, str], ...]  # (name, kind): kind is "int", "str", "format" or "one of:a|b|c"
    callback: Callable

    def __str__(self) -> str:
        return self.name or "".join(str(level) for level in self.chain)

    @property
    def model(self) -> type[models.Model] | None:
        """The model whose row the path names: a DRF viewset's queryset's, a ModelAdmin's; None for a function."""
        queryset = getattr(getattr(self.callback, "cls", None), "queryset", None)
        if queryset is not None:
            return queryset.model
        model_admin = getattr(self.callback, "model_admin", None)
        return getattr(model_admin, "model", None)


def _group_regexes(regex: str) -> dict[str, str]:
    """The sub-pattern of each named group of a regex: {"pk": r"\\d+"}."""
    found = {}
    for match in re.finditer(r"\(\?P<(\w+)>", regex):
        depth, start = 1, match.end()
        for index in range(start, len(regex)):
            if regex[index - 1] != "\\":
                depth += {"(": 1, ")": -1}.get(regex[index], 0)
            if depth == 0:
                found[match.group(1)] = regex[start:index]
                break
    return found


def _kind(sub: str) -> str:
    if sub in (r"\d+", "[0-9]+"):
        return "int"
    if sub == "[a-z0-9]+":
        return "format"  # DRF's format suffix
    if re.fullmatch(r"[\w-]+(\|[\w-]+)+", sub):
        return "one of:" + sub
    return "str"


def _params(pattern: Any) -> list[tuple[str, str]]:
    if isinstance(pattern, RoutePattern):
        kinds = {"IntConverter": "int", "StringConverter": "str", "PathConverter": "str", "SlugConverter": "str"}
        return [(name, kinds.get(type(converter).__name__, "format" if name == "format" else "str"))
                for name, converter in pattern.converters.items()]
    if isinstance(pattern, RegexPattern):
        return [(name, _kind(sub)) for name, sub in _group_regexes(pattern._regex).items()]
    return []


def all_routes() -> list[Route]:
    found: list[Route] = []

    def walk(patterns: list, chain: tuple, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, (*chain, pattern.pattern),
                     ":".join(filter(None, (namespace, pattern.namespace))))
            elif isinstance(pattern, URLPattern):
                full = (*chain, pattern.pattern)
                name = ":".join(filter(None, (namespace, pattern.name))) if pattern.name else None
                found.append(Route(name, full, tuple(p for level in full for p in _params(level)), pattern.callback))

    walk(get_resolver().url_patterns, (), "")
    return found


def _build(route: Route, kwargs: dict[str, str]) -> str | None:
    """The path of `route` with `kwargs`, or None when a value cannot stand there (the resolver would 404)."""
    if route.name:
        try:
            return reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            return None
    path = ""
    for level in route.chain:  # an unnamed pattern (the admin's catch-all): filled by hand
        if isinstance(level, RoutePattern):
            path += re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], str(level))
        else:
            text = level._regex
            for name, sub in _group_regexes(text).items():
                text = text.replace(f"(?P<{name}>{sub})", kwargs[name])
            path += text.lstrip("^").rstrip("$").replace("\\", "")
    return "/" + path


# --- the world --------------------------------------------------------------------------------------------------


def _sequences() -> Iterator[str]:
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            pk = model._meta.pk
            if isinstance(pk, models.AutoField | models.BigAutoField | models.SmallAutoField):
                cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, pk.column])
                name = cursor.fetchone()[0]
                if name:
                    yield name


@pytest.fixture
def aligned_sequences(db) -> Iterator[None]:  # noqa: ANN001
    """The next row of every table gets the primary key PK; the sequences are put back afterwards (setval is not
    undone by the test's rollback)."""
    saved = []
    with connection.cursor() as cursor:
        for name in list(_sequences()):
            cursor.execute(f"SELECT last_value, is_called FROM {name}")  # noqa: S608 (a name from the catalogue)
            saved.append((name, *cursor.fetchone()))
            cursor.execute("SELECT setval(%s, %s, false)", [name, PK])
    yield
    # On a connection of its own: the test's transaction may be broken by then, and setval is not transactional.
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            for name, last_value, is_called in saved:
                cursor.execute("SELECT setval(%s, %s, %s)", [name, last_value, is_called])
    finally:
        other.close()


@dataclass
class Walk:
    personas: dict[str, Any]  # name -> user; None for the anonymous visitor
    codes: list[str]  # the units' codes by level: city, district, street, committee
    vocabulary: dict[str, list[str]]
    filters: list[str]  # every filter name of every FilterSet
    hits: list[tuple[str, str, str, int, str]] = field(default_factory=list)  # persona, method, url, status, error

    def failures(self) -> list[str]:
        return [f"{status} {method} {url} as {persona}: {error}" for persona, method, url, status, error in self.hits
                if status >= 500]


@pytest.fixture
def walk(aligned_sequences, world, personas) -> Walk:  # noqa: ANN001
    """One row of every kind, each with the primary key PK (each made as its table's first row)."""
    admin = f.UserFactory(username="walk-admin", is_superuser=True, is_staff=True)
    district_staff, street_officer = personas["district_staff"], personas["street_officer"]
    committee_staff, department_staff = personas["committee_staff"], personas["department_staff"]
    f.CommitteeYearFactory(committee=world.baoxing, year=YEAR)
    f.CommitteeYearFactory(committee=world.yunnan, year=YEAR)
    worker = f.CommunityWorkerFactory(committee=world.baoxing)
    f.QualificationFactory(worker=worker)
    f.CommunityFundFactory(street=world.waitan)
    f.SpaceStandardFactory(district=world.huangpu)
    f.CommitteeUserGrantFactory(user=personas["outsider"], content_object=world.baoxing)
    f.CommitteeGroupGrantFactory(content_object=world.baoxing)
    f.StreetUserGrantFactory(user=personas["other_district_staff"], content_object=world.waitan)
    f.StreetGroupGrantFactory(content_object=world.waitan)
    f.DistrictUserGrantFactory(user=personas["other_district_staff"], content_object=world.huangpu)
    f.DistrictGroupGrantFactory(content_object=world.huangpu)
    f.AuditEntryFactory(actor=district_staff)
    f.NotificationFactory(user=street_officer)
    f.OrgImportFactory(district=world.huangpu, actor=district_staff)
    run = f.ComputationRunFactory(year=YEAR)
    f.TargetFactory(district=world.huangpu)
    compute_year(YEAR, run=run)
    task_list = f.TaskListFactory(district=world.huangpu, year=YEAR, status="published")
    item = f.TaskItemFactory(task_list=task_list)
    f.DispatchFactory(committee=world.baoxing, item=item, sent_by=street_officer)
    f.RefusedDispatchFactory(committees=[world.baoxing], attempted_by=street_officer)
    request = f.AdmissionRequestFactory(applicant=street_officer, status="street_review", committees=[world.baoxing])
    f.RequestEventFactory(request=request, actor=street_officer)
    report = f.ViolationReportFactory(committee=world.baoxing, reporter=committee_staff, status="transferred",
                                      department=department_staff.department)
    f.ReportEventFactory(report=report, actor=committee_staff)
    certificate_type = f.CertificateTypeFactory(district=world.huangpu)
    f.LookupTallyFactory(committee=world.baoxing, certificate_type=certificate_type)
    f.SerialCounterFactory(committee=world.baoxing, year=YEAR)
    f.RegistrationFactory(committee=world.baoxing, certificate_type=certificate_type, issuer=committee_staff)
    f.SealUseFactory(committee=world.baoxing, handler=committee_staff)
    f.CalendarDayFactory()
    f.CalendarYearFactory()

    viewsets = router_viewsets().values()
    filters: set[str] = set()
    stack = [django_filters.FilterSet]
    while stack:
        for sub in stack.pop().__subclasses__():
            stack.append(sub)
            filters.update(sub.base_filters)
    for viewset in viewsets:
        filters.update(getattr(viewset, "filterset_fields", None) or [])
    return Walk(
        personas={"anonymous": None, **personas, ADMIN: admin},
        codes=[CITY_CODE, world.huangpu.code, world.waitan.code, world.baoxing.code],
        # Path parameters that name a kind rather than a row, read from the code. `scope` is in the order of
        # `codes`: the i-th path of a route pairs them.
        vocabulary={"scope": ["city", "district", "street", "committee"], "table": ["results", "children", *SHORTFALLS],
                    "action": sorted({extra.url_path for viewset in viewsets for extra in viewset.get_extra_actions()})},
        filters=sorted(filters - {"year", "page"}),
    )


class Rotation:
    """Shares a list out: each call gives the next item, across routes, so every item is used in turn."""

    def __init__(self) -> None:
        self.counter = itertools.count()

    def next(self, items: list) -> Any:
        return items[next(self.counter) % len(items)]


# --- what is sent -------------------------------------------------------------------------------------------------


def real_values(walk: Walk, route: Route, name: str, kind: str) -> list[str]:
    if kind == "format":
        return ["json"]
    if kind.startswith("one of:"):
        return kind.removeprefix("one of:").split("|")
    if name in ("pk", "object_id") and route.model is not None:  # the row of the route's model
        candidates = [str(PK)] if kind == "int" else [*walk.codes, str(PK)]
        field = route.model._meta.pk
        usable = [c for c in candidates if c.isdigit() or not isinstance(field, models.IntegerField)]
        rows = {str(pk) for pk in route.model._default_manager.filter(pk__in=usable).values_list("pk", flat=True)}
        return [c for c in candidates if c in rows] or [str(PK)]
    if kind == "int":
        return [str(PK)]
    return walk.vocabulary.get(name, [*walk.codes, str(PK)])


HOSTILE_INTS = ["0", str(2**64)]
HOSTILE_TEXTS = ["x" * 300, "'\"<b>;--", "１２３", f"a{NUL}b", "..", "%"]


def fillings(walk: Walk, route: Route, rotation: Rotation | None = None) -> tuple[list[str], list[str]]:
    """The route's paths with real values (every value of every parameter at least once, paired by index), and
    with one hostile value at a time: both integers, and two of the texts in rotation (all of them without one)."""
    real = {name: real_values(walk, route, name, kind) for name, kind in route.params}
    rounds = max((len(values) for values in real.values()), default=1)
    kwargs = [{name: values[i % len(values)] for name, values in real.items()} for i in range(rounds)]

    def hostile_values(kind: str) -> list[str]:
        if kind == "int":
            return HOSTILE_INTS
        return [rotation.next(HOSTILE_TEXTS) for _ in range(2)] if rotation else HOSTILE_TEXTS

    hostile = [{**kwargs[0], name: bad} for name, kind in route.params for bad in hostile_values(kind)]
    paths = list(dict.fromkeys(p for p in (_build(route, k) for k in kwargs) if p))
    return paths, list(dict.fromkeys(p for p in (_build(route, k) for k in hostile) if p and p not in paths))


def query_sets(walk: Walk) -> list[dict[str, str]]:
    """Query strings that reach the view (CONTROL_SETS are the middleware's)."""
    every = walk.filters
    return [
        {"year": "-5", "page": "0", **dict.fromkeys(every, "-5")},
        {"year": "99999999999", "page": "999999", **dict.fromkeys(every, "99999999999")},
        {"year": "abc", "page": "abc", **dict.fromkeys(every, "abc")},
        {"year": "2021"},
        {"year": "2027", "page": "-1", "q": "'\"<script>%_\\", "ordering": "-nope,;", "page_size": "-1"},
    ]


CONTROL_SETS = [{"q": NUL, "year": f"20{NUL}25"}, {"q": "a\x1bb\x7f", "year": "\x01"}]  # one a route, or a NUL path
POST_ONLY_BODIES = [{"year": "-5"}, {"year": "99999999999"}, {"year": "abc"},
                    {"reason": f"a{NUL}b", "comment": f"a{NUL}b", "text": f"a{NUL}b", "year": NUL}]


def refused(response: Any) -> bool:
    """Not let in: 401/403/404/405, or sent to a log-in page."""
    if response.status_code in (401, 403, 404, 405):
        return True
    return 300 <= response.status_code < 400 and "login" in response.get("Location", "")


class Sender:
    """Sends requests as each persona, each in a savepoint rolled back afterwards, and records every answer."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        self.clients: dict[str, APIClient] = {}
        for persona, user in walk.personas.items():
            client = APIClient(raise_request_exception=False)
            if user is not None:
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            self.clients[persona] = client

    def send(self, persona: str, method: str, path: str, query: dict | None = None, data: Any = None,
             json: bool = False) -> Any:
        client = self.clients[persona]
        cookies = client.cookies
        client.cookies = type(cookies)(cookies)  # a log-out or a language switch must not outlive the request
        url = path + ("?" + urlencode(query) if query else "")
        savepoint = transaction.atomic()
        # Marked as the test case marks its own atomic blocks: a service's durable block may open inside it.
        savepoint._from_testcase = True
        started = time.monotonic()
        with savepoint:
            if method == "GET":
                response = client.get(url)
            else:
                response = getattr(client, method.lower())(url, data or {}, **({"format": "json"} if json else {}))
            if getattr(response, "streaming", False):
                b"".join(response.streaming_content)  # the test client closes it at the end, as a server would
            transaction.set_rollback(True)
        client.cookies = cookies
        response.seconds = time.monotonic() - started
        error = ""
        if response.status_code >= 500:
            exc = getattr(response, "exc_info", None)
            error = f"{exc[0].__name__}: {str(exc[1])[:300]}" if exc else response.content[:300].decode(errors="replace")
        self.walk.hits.append((persona, method, url, response.status_code, error))
        return response


# --- hostile form data -------------------------------------------------------------------------------------------


def page_forms(response: Any) -> list[forms.BaseForm]:
    """The forms in the context the page was rendered with."""
    context = getattr(response, "context", None)
    if context is None:
        return []
    layers = context if isinstance(context, list) else [context]  # a ContextList when several templates rendered
    # A formset's management form is Django's, and a huge TOTAL_FORMS only makes it build its maximum of forms.
    found = {id(value): value for layer in layers for value in layer.flatten().values()
             if isinstance(value, forms.BaseForm) and not isinstance(value, ManagementForm)}
    return list(found.values())


def _field_hostiles(form_field: forms.Field) -> list[str]:
    """Out-of-range values of a number, date or choice of rows; [] for the others."""
    if isinstance(form_field, forms.ModelChoiceField):
        return [str(2**64), "-5"]
    if isinstance(form_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return ["-5", "99999999999", "1e400", "NaN"]
    if isinstance(form_field, forms.DateField | forms.DateTimeField):
        return ["0001-01-01", "99999-12-31"]
    return []


def _as_shown(form: forms.BaseForm) -> dict[str, Any]:
    """The form as the page shows it, sent back: what a user who changed nothing would post."""
    data: dict[str, Any] = {}
    for name, form_field in form.fields.items():
        value = form[name].value()
        if isinstance(form_field, forms.FileField) or value is None or value is False:
            continue
        key = form.add_prefix(name)
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(getattr(v, "pk", v)) for v in value]
        else:
            data[key] = str(getattr(value, "pk", value))
    return data


def hostile_posts(found: list[forms.BaseForm], rotation: Rotation) -> list[dict[str, Any]]:
    """The page's forms sent back with one number, date or row choice out of range at a time (its hostile value
    in rotation), then with every text holding a NUL."""
    shown: dict[str, Any] = {}
    for form in found:
        shown.update(_as_shown(form))
    bodies = [{**shown, form.add_prefix(name): rotation.next(bads)} for form in found
              for name, form_field in form.fields.items() if (bads := _field_hostiles(form_field))]
    texts = {form.add_prefix(name): f"a{NUL}b" for form in found for name, form_field in form.fields.items()
             if type(form_field) in (forms.CharField, forms.SlugField, forms.EmailField, forms.RegexField)}
    return [*bodies, {**shown, **texts}] if texts else bodies


# --- hostile API bodies, from the schema -------------------------------------------------------------------------


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    if "allOf" in node:
        merged: dict = {}
        for part in node["allOf"]:
            merged.update(_resolve(schema, part))
        return merged
    if "oneOf" in node:
        return _resolve(schema, node["oneOf"][0])
    return node


def _sample(walk: Walk, schema: dict, name: str, node: dict) -> Any:
    """A plausible value of a property, named like the world's rows: a committee's code for `committee`, PK for an
    id, the year with data for a year."""
    node = _resolve(schema, node)
    if "enum" in node:
        return next((value for value in node["enum"] if value not in (None, "")), None)
    kind, fmt = node.get("type"), node.get("format")
    units = dict(zip(["city", "district", "street", "committee"], walk.codes, strict=True))
    singular = name.removesuffix("s")
    if kind == "array":
        return [_sample(walk, schema, singular, node.get("items", {}))]
    if singular in units and kind == "string":
        return units[singular]
    if kind == "integer":
        return YEAR if "year" in name else PK
    samples = {"number": "1.0", "boolean": True, "object": {}}
    formats = {"decimal": "1.0", "date": "2027-03-01", "date-time": "2027-03-01T09:00:00+08:00"}
    return formats.get(fmt, samples.get(kind, "测试"))


def _hostile_properties(schema: dict, node: dict) -> Iterator[tuple[str, list[Any]]]:
    for name, prop in _resolve(schema, node).get("properties", {}).items():
        prop = _resolve(schema, prop)
        if prop.get("readOnly"):
            continue
        if prop.get("type") in ("integer", "number") or prop.get("format") == "decimal":
            yield name, [-5, 99999999999, "1e400", "NaN", "abc"]
        elif prop.get("format") in ("date", "date-time"):
            yield name, ["0001-01-01", "99999-12-31"]


def api_writes(walk: Walk) -> Iterator[tuple[str, str, dict, list[dict]]]:
    """Each write of the API schema: (method, path, a plausible body, hostile bodies: each number or date out of
    range alone, then every text holding a NUL)."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for template, item in schema["paths"].items():
        for method in ("post", "put", "patch"):
            if method not in item:
                continue
            content = item[method].get("requestBody", {}).get("content", {})
            body = (content.get("application/json") or next(iter(content.values()), {})).get("schema", {})
            plausible = {name: _sample(walk, schema, name, prop)
                         for name, prop in _resolve(schema, body).get("properties", {}).items()
                         if not _resolve(schema, prop).get("readOnly")}
            hostile = [{**plausible, name: bad} for name, bads in _hostile_properties(schema, body) for bad in bads]
            texts = {name: f"a{NUL}b" for name, value in plausible.items() if value == "测试"}
            if texts:
                hostile.append({**plausible, **texts})
            if method == "put" and "patch" in item:  # the same serializer: PATCH takes the hostile bodies
                hostile = []
            path = re.sub(r"\{(\w+)\}", lambda m: walk.codes[3] if m.group(1) == "code" else str(PK), template)
            yield method.upper(), path, plausible, hostile


# --- the walk -----------------------------------------------------------------------------------------------------


def share_out(sets: list, personas: list[str], rotation: Rotation) -> dict[str, list]:
    """Each set once, dealt out to the personas in turn from one that rotates: with one persona, it gets them all."""
    if not sets or not personas:
        return {}
    start = rotation.next(list(range(len(personas))))
    dealt: dict[str, list] = {}
    for index, item in enumerate(sets):
        dealt.setdefault(personas[(start + index) % len(personas)], []).append(item)
    return dealt


def walk_route(walk: Walk, sender: Sender, route: Route, rotation: Rotation, queries: list[dict]) -> int:
    """Walks one route; returns how many real paths it had (0: the walk could not fill it)."""
    real, hostile = fillings(walk, route, rotation)
    personas = [ADMIN, *(p for p in walk.personas if p != ADMIN)]  # the platform administrator first: the probe
    answered_any: list[str] = []
    for index, path in enumerate(real):
        if (str(route), "GET") in SKIP:
            break
        first: dict[str, Any] = {}
        for persona in personas:
            first[persona] = sender.send(persona, "GET", path)
            # A further path that names no row (the platform administrator, who reaches every row, gets 404 there,
            # or 404 to a POST where GET is not offered) runs the first path's code for a miss: it is sent once.
            if index > 0 and persona == ADMIN and _names_no_row(sender, path, first[persona]):
                break
        answered = [p for p, response in first.items() if not refused(response)]
        answered_any += [p for p in answered if p not in answered_any]
        # The query sets are dealt out among the personas let in; the refused share one (most refuse before
        # reading the query).
        for persona, sets in share_out(queries, answered, rotation).items():
            for query in sets:
                sender.send(persona, "GET", path, query)
        if len(answered) < len(first):
            sender.send(rotation.next([p for p in first if p not in answered]), "GET", path, rotation.next(queries))
        if (str(route), "POST") not in SKIP:
            _walk_writes(sender, path, first, answered, rotation)
    for path in hostile:
        sender.send(rotation.next(answered_any or personas), "GET", path)
    if real:  # a control character in the query or in the path itself (the middleware's, whatever the route)
        control = rotation.next([*CONTROL_SETS, None])
        path = real[0] if control else real[0].rstrip("/") + "%00/"
        sender.send(rotation.next(personas), "GET", path, control)
    return len(real)


def _names_no_row(sender: Sender, path: str, response: Any) -> bool:
    if response.status_code == 405:
        response = sender.send(ADMIN, "POST", path, data=POST_ONLY_BODIES[0])
    return response.status_code == 404


def _walk_writes(sender: Sender, path: str, first: dict[str, Any], answered: list[str], rotation: Rotation) -> None:
    """The forms a page showed, sent back hostile (the bodies dealt out among those who saw them); a POST-only
    page (GET: 405), POSTed a hostile year by everyone, and the other bodies dealt out among those let in."""
    with_forms = {p: found for p in answered if first[p].status_code == 200 and (found := page_forms(first[p]))}
    if with_forms:
        bodies = hostile_posts(next(iter(with_forms.values())), rotation)
        for persona, dealt in share_out(bodies, list(with_forms), rotation).items():
            for body in dealt:
                sender.send(persona, "POST", path, data=body)
    post_only = [p for p, response in first.items() if response.status_code == 405]
    let_in = [p for p in post_only if not refused(sender.send(p, "POST", path, data=POST_ONLY_BODIES[0]))]
    for persona, bodies in share_out(POST_ONLY_BODIES[1:], let_in, rotation).items():
        for body in bodies:
            sender.send(persona, "POST", path, data=body)


def walk_api_writes(walk: Walk, sender: Sender, rotation: Rotation) -> int:
    operations = 0
    for method, path, plausible, hostile in api_writes(walk):
        operations += 1
        let_in = [p for p in walk.personas
                  if not refused(sender.send(p, method, path, data=plausible, json=True))]
        for persona, bodies in share_out(hostile, let_in, rotation).items():
            for body in bodies:
                sender.send(persona, method, path, data=body, json=True)
    return operations


def test_no_route_answers_a_server_error_to_any_persona_or_input(walk) -> None:  # noqa: ANN001
    started = time.monotonic()
    sender, rotation, routes, queries = Sender(walk), Rotation(), all_routes(), query_sets(walk)
    seconds: dict[str, float] = {}
    unfilled = []
    for route in routes:
        route_started = time.monotonic()
        if not walk_route(walk, sender, route, rotation, queries) and (str(route), "GET") not in SKIP:
            unfilled.append(str(route))
        seconds[str(route)] = time.monotonic() - route_started
    assert not unfilled, f"routes the walk cannot fill (give their parameters a value): {unfilled}"
    writes_started = time.monotonic()
    operations = walk_api_writes(walk, sender, rotation)
    seconds["API writes"] = time.monotonic() - writes_started
    methods: dict[str, int] = {}
    for _persona, method, *_rest in walk.hits:
        methods[method] = methods.get(method, 0) + 1
    print(f"hostile walk: {len(routes)} routes and {operations} API writes x {len(walk.personas)} personas x "
          f"{len(queries) + len(CONTROL_SETS)} query sets: {len(walk.hits)} requests {methods} in "
          f"{time.monotonic() - started:.0f} s; slowest:",
          ", ".join(f"{name} {spent:.1f} s" for name, spent in sorted(seconds.items(), key=lambda kv: -kv[1])[:12]))
    failures = walk.failures()
    assert not failures, f"{len(failures)} server errors:\n" + "\n".join(sorted(set(failures)))


def test_the_walk_reaches_every_kind_of_route(walk) -> None:  # noqa: ANN001
    """The walk's own check: its paths resolve to real rows (a route's row, a dashboard of each level, an API
    detail) for whoever may see them, so the hostile values are tried on pages that work, not only on misses."""
    sender = Sender(walk)
    expect_ok = {
        ("district_staff", reverse("dashboards:indicators", args=["district", walk.codes[1]])),
        ("street_officer", reverse("dashboards:indicators", args=["street", walk.codes[2]])),
        ("committee_staff", reverse("tasks:list_detail", args=[PK])),
        ("street_officer", reverse("tasks:request_detail", args=[PK])),
        ("committee_staff", reverse("certificates:register_detail", args=[PK])),
        ("district_staff", reverse("committees-api:committeeyear-detail", args=[PK])),
        (ADMIN, reverse("admin:committees_committee_change", args=[walk.codes[3]])),
    }
    by_route = {str(route): route for route in all_routes()}
    for name in ("committees-api:committee-detail", "admin:committees_committee_change", "dashboards:indicators"):
        paths, _hostile = fillings(walk, by_route[name])
        assert any(walk.codes[3] in path for path in paths), (name, paths)
    answers = {(persona, path): sender.send(persona, "GET", path).status_code for persona, path in expect_ok}
    assert all(status == 200 for status in answers.values()), answers
