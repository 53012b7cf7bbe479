"""The one permission chokepoint: `Model.objects.restrict(user, action)` (STYLE.md B4), for rows and actions.

A user reaches a row for an action when they hold the action's role permission (`portal/accounts/roles.py`)
AND the row lies in their organisation unit, or under a unit they were granted explicitly (django-guardian
direct-FK grants on District, Street and Committee), AND the row meets the action's own condition.

Scope follows the hierarchy, so it is a rule expressed relationally, never a row per object: every scoped
model names the lookups from itself to its district, department, street and committee in `scope_paths`.
A user at a lower level than the model sees the unit they belong to (a committee's staff see their own
street and district records, nothing beside them).

Named actions (`review`, `handle`, `void`, `publish`…) are declared next to `scope_paths`, in `actions`, as
an `Action`: which role permission, which rows, at which level of the hierarchy. Queues, buttons, services,
notification recipients and API actions all ask the same `restrict(user, action)`:

    class ViolationReport(ScopedModel):
        actions = {"handle": Action(at={"district": Q(status__in=OPEN)}, grant=None)}

    ViolationReport.objects.restrict(actor, "handle").select_for_update().get(pk=pk)   # a service: 404 or the row
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef, Q

from portal.core.grants import grant_rows_for_user

if TYPE_CHECKING:
    from portal.accounts.models import User

# The organisation levels a row can belong to, from the top down. A department sits in its district beside
# the streets: a department's staff see the district's organisation, and their own department's requests.
LEVELS = ("district", "department", "street", "committee")
CITY = "city"
_CHAINS = {
    "district": ("district",),
    "department": ("district", "department"),
    "street": ("district", "street"),
    "committee": ("district", "street", "committee"),
}
# A lookup from the row to the unit ("committee__street"), or a function of unit codes giving the rows under
# them, for a level no single lookup reaches (the committees a request is aimed at).
PathSpec = str | Callable[[list[Any]], Q]


@dataclass(frozen=True)
class Action:
    """A named action on a model's rows: the role permission it needs and the rows it applies to.

    - `perm`: the permission's codename prefix; `"review"` means `<app>.review_<model>`. Default: the action's
      name. Every permission is given to roles in `portal/accounts/roles.py`; without it: 403.
    - `at`: the levels whose people may do it, each with the rows of that level's stage, e.g.
      `{"street": Q(status="street_review"), "district": Q(status="district_review")}`. The level is the
      user's own (city, district, department, street or committee). None: every level, no condition.
    - `where`: a condition on the rows for everyone (`Q(voided_at__isnull=True)`).
    - `owner`: the rows the model's `owner_path` person may act on whatever their level (their own draft);
      None: being the owner gives nothing more.
    - `not_owner`: the owner never may (the applicant never reviews their own request).
    - `grant`: the explicit grant that widens the scope for it ("view" or "change"); None: grants never do.
    - `scope_at`: read the scope at this level of the user's units instead of their own (the duplicate check
      looks across the user's whole district).
    - `paths`: the lookups this action reads the scope through at these levels, instead of the model's
      `scope_paths` (a street reviews the requests it must review, `{"street": "street"}`, not every request
      aimed at it, which it reads).
    - `shared`: rows everyone with the permission may act on, whatever their scope (the city's list).
    """

    perm: str | None = None
    at: Mapping[str, Q] | None = None
    where: Q | None = None
    owner: Q | None = None
    not_owner: bool = False
    grant: str | None = "change"
    scope_at: str | None = None
    shared: Q | None = None
    paths: Mapping[str, PathSpec] | None = None


# Every scoped model has these; a model's `actions` may redefine them.
DEFAULT_ACTIONS = {
    "view": Action(grant="view"),
    "add": Action(),
    "change": Action(),
    "delete": Action(),
}


def permission_name(model: type[models.Model], action: str) -> str:
    """The role permission an action on `model` needs: `tasks_registry.review_admissionrequest`.

    An Action's `perm` is the codename's prefix (`"change"`), or a whole permission (`"app.codename"`) when
    the action belongs to another model's work (filing a request looks at the list items)."""
    spec = action_spec(model, action)
    if spec.perm and "." in spec.perm:
        return spec.perm
    return f"{model._meta.app_label}.{spec.perm or action}_{model._meta.model_name}"


def every_level(condition: Q) -> dict[str, Q]:
    """`Action.at` for a condition that holds whatever the user's level."""
    return {level: condition for level in (CITY, *LEVELS)}


def action_spec(model: type[models.Model], action: str) -> Action:
    """The declared Action; LookupError for an action the model does not know (a programming error)."""
    declared: Mapping[str, Action] = getattr(model, "actions", {})
    if action in declared:
        return declared[action]
    if action in DEFAULT_ACTIONS:
        return DEFAULT_ACTIONS[action]
    raise LookupError(f"{model._meta.label} has no action {action!r}")


def model_actions(model: type[models.Model]) -> list[str]:
    """Every action the model answers: the defaults and its own, for tests that must cover them all."""
    return sorted({*DEFAULT_ACTIONS, *getattr(model, "actions", {})})


def user_unit_ids(user: User) -> dict[str, str | int | None]:
    return {"district": user.district_id, "department": user.department_id, "street": user.street_id,
            "committee": user.committee_id}


def own_level(user: User) -> str | None:
    """The level of the user's own unit: city, district, department, street or committee (None: no unit)."""
    if user.is_superuser or user.scope_level == CITY:
        return CITY
    if user.scope_level == "district" and user.department_id:
        return "department"
    return user.scope_level


def unit_of(user: User, level: str) -> str | int | None:
    """The code of the user's unit at `level` (their district, street…), or None; e.g. the district whose
    certificate catalogue a committee's staff read."""
    return user_unit_ids(user).get(level) if own_level(user) != CITY else None


def user_grants(user: User) -> dict[str, dict[str, set[str]]]:
    """Explicit grants of the user (directly or through a group), by grant kind and level.

    One query per request: cached on the user object, which lives as long as the request.
    """
    cached = getattr(user, "_scope_grants", None)
    if cached is not None:
        return cached
    grants: dict[str, dict[str, set[str]]] = {kind: {level: set() for level in LEVELS} for kind in ("view", "change")}
    for level, codename, unit_id in grant_rows_for_user(user):
        kind = codename.split("_", 1)[0]
        if kind not in grants:
            continue  # only view_/change_ grants carry access; anything else assigned by hand is ignored
        grants[kind][level].add(unit_id)
        if kind == "change":  # a read-write grant implies read access
            grants["view"][level].add(unit_id)
    user._scope_grants = grants
    return grants


def _path_q(path: PathSpec, codes: list[Any]) -> Q:
    """The rows under the units `codes` at one level."""
    return path(codes) if callable(path) else Q(**{f"{path}__in": codes}) if len(codes) > 1 else Q(**{path: codes[0]})


def scope_q(model: type[models.Model], user: User, *, grant: str | None = "view", level: str | None = None,
            paths: Mapping[str, PathSpec] | None = None) -> Q:
    """The rows of `model` within the user's unit (or their unit at `level`), or under units granted to them;
    `paths` replace the model's scope_paths at their levels (an Action's own)."""
    paths = {**model.scope_paths, **(paths or {})}  # type: ignore[attr-defined]
    units = user_unit_ids(user)
    chain = _CHAINS.get(own_level(user) or "", ())
    if level is not None:
        chain = chain[: chain.index(level) + 1] if level in chain else ()
    q = Q(pk__in=[])
    # The most specific level the model knows that is not below the user's own level.
    for candidate in reversed(chain):
        if candidate in paths and units[candidate]:
            q = _path_q(paths[candidate], [units[candidate]])
            break
    if grant is None:
        return q
    for grant_level, ids in user_grants(user)[grant].items():
        if ids and grant_level in paths:
            q |= _path_q(paths[grant_level], sorted(ids))
    return q


def _any_of(conditions: list[Q]) -> Q | None:
    """The OR of the conditions; None for none. An empty Q is "every row" (Django would read `Q() | x` as x)."""
    if not conditions:
        return None
    if any(not condition for condition in conditions):
        return Q()
    q = conditions[0]
    for condition in conditions[1:]:
        q |= condition
    return q


def action_q(model: type[models.Model], user: User, action: str, *, include_grants: bool = True) -> Q | None:
    """The rows `user` may `action`, as a filter; None when there are none. Assumes the role permission."""
    spec = action_spec(model, action)
    level = own_level(user)
    owner_path: str | None = getattr(model, "owner_path", None)
    if level is None:
        return None
    if spec.at is None:
        stage: Q | None = Q()
    elif user.is_superuser:  # the platform administrator: every level's stage, of every row
        stage = _any_of(list(spec.at.values()))
    else:
        stage = spec.at.get(level)
    parts: list[Q] = []
    if stage is not None:
        scoped = Q() if level == CITY else scope_q(model, user, grant=spec.grant if include_grants else None,
                                                   level=spec.scope_at, paths=spec.paths)
        parts.append(scoped & stage)
    if spec.owner is not None and owner_path:
        parts.append(Q(**{owner_path: user.pk}) & spec.owner)
    if spec.shared is not None:
        parts.append(spec.shared)
    q = _any_of(parts)
    if q is None:
        return None
    if spec.where is not None:
        q &= spec.where
    if spec.not_owner and owner_path:
        q &= ~Q(**{owner_path: user.pk})
    return q


def may_ever(user: Any, model: type[models.Model], action: str, *, perm: str | None = None) -> bool:
    """Whether the user could do `action` on some row of `model` (role permission and level), without a query
    on rows: for a 403 before anything is looked up, and for links to pages of that action. (A permission no
    role holds is then asked of Django's ModelBackend, which reads the user's own permissions once per request.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not user.has_perm(perm or permission_name(model, action)):
        return False
    spec = action_spec(model, action)
    level = own_level(user)
    if level is None:
        return False
    return (spec.at is None or level in spec.at or (user.is_superuser and bool(spec.at))  # see action_q
            or (spec.owner is not None and bool(getattr(model, "owner_path", None))) or spec.shared is not None)


class ScopedQuerySet(models.QuerySet):
    """Adds `restrict(user, action)`, the only way pages, the API, form choices, exports, services and
    notifications reach rows; and `permitted(user, obj, *actions)` for the buttons of one row."""

    def restrict(self, user: User, action: str = "view", *, perm: str | None = None, include_grants: bool = True) -> Self:
        """Rows `user` may `action` (view, add, change, delete, or one of the model's named actions).

        `perm` names a different role permission to require, for choice lists: the committees a user
        may add annual records to are `Committee.objects.restrict(user, "add", perm="committees.add_committeeyear")`.
        `include_grants=False` leaves out explicit grants, for what only the unit itself may do
        (a district grants access to its own committees, never to ones it was granted).
        """
        if not may_ever(user, self.model, action, perm=perm):
            return self.none()
        q = action_q(self.model, user, action, include_grants=include_grants)
        return self.none() if q is None else self.filter(q)

    def permitted(self, user: User, obj: models.Model, *actions: str) -> frozenset[str]:
        """Which of `actions` the user may do on `obj`, in one query: what a page's buttons ask."""
        possible = [action for action in actions if may_ever(user, self.model, action)]
        if not possible or obj.pk is None:
            return frozenset()
        row = self.model._default_manager.filter(pk=obj.pk).annotate(**{
            f"may_{action}": Exists(self.model._default_manager.restrict(user, action).filter(pk=OuterRef("pk")))
            for action in possible
        }).values(*[f"may_{action}" for action in possible]).first() or {}
        return frozenset(action for action in possible if row.get(f"may_{action}"))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class ScopedModel(models.Model):
    """Base for every model whose rows belong to a district, street or committee.

    Provides `objects.restrict()`; subclasses declare
    - `scope_paths`: the lookup from a row to each level, e.g.
      `{"district": "committee__street__district", "street": "committee__street", "committee": "committee"}`,
      or a function of a list of unit codes giving the rows under them, for a level not reached by one lookup
      (it is asked with the user's own unit, and with the units granted to them at that level); the
      "district" path must be a lookup (notification candidates are the row's district's people);
    - `owner_path`: the person a row belongs to (its applicant), for `Action.owner` / `Action.not_owner`;
    - `actions`: the named actions beyond view, add, change and delete, or those redefined.
    """

    scope_paths: ClassVar[dict[str, PathSpec]] = {}
    owner_path: ClassVar[str | None] = None
    actions: ClassVar[dict[str, Action]] = {}

    objects = ScopedManager()

    class Meta:
        abstract = True


ROLE_BACKEND = "portal.accounts.backends.RolePermissionBackend"


def people_with_permission(model: type[models.Model], action: str) -> models.QuerySet:
    """The active people whose role holds the action's permission, whatever their rows (one query, lazy):
    the candidates a notification or a daily reminder asks restrict() about."""
    return get_user_model().objects.with_perm(permission_name(model, action), backend=ROLE_BACKEND,
                                              include_superusers=False).order_by("pk")


def people_who_may(obj: models.Model, action: str, candidates: Iterable[Any] | None = None) -> list[Any]:
    """The active people who may `action` on `obj`, as `restrict()` answers for each: who a notification goes
    to, so that nobody is asked to act on what they may not act on.

    Candidates by default: the active people of the row's district (and the city) whose role holds the
    action's permission. People whom restrict() cannot tell apart (same role, same units, neither owner nor
    holder of a grant that counts) are asked once, through one representative, and all representatives in
    one query: a constant number of queries however many people a district has (two, plus one per
    candidate's grants when the action counts grants).
    """
    model = type(obj)
    spec = action_spec(model, action)
    manager = model._default_manager
    owner_path: str | None = getattr(model, "owner_path", None)
    district_path = model.scope_paths.get("district")  # type: ignore[attr-defined]
    facts = manager.filter(pk=obj.pk).values(
        **({"row_district": models.F(district_path)} if isinstance(district_path, str) else {}),
        **({"row_owner": models.F(owner_path)} if owner_path else {})).first()
    if facts is None:
        return []
    if candidates is None:
        candidates = people_with_permission(model, action)
        if "row_district" in facts:
            candidates = candidates.filter(Q(district_id=facts["row_district"]) | Q(district__isnull=True))
    groups: dict[tuple, list[Any]] = {}
    for person in candidates:
        if not may_ever(person, model, action):
            continue
        own = person.pk == facts.get("row_owner")
        has_grants = spec.grant is not None and any(ids for ids in user_grants(person)[spec.grant].values())
        key = (person.pk,) if own or has_grants else (person.role, person.is_superuser, *user_unit_ids(person).values())
        groups.setdefault(key, []).append(person)
    if not groups:
        return []
    names = {f"g{n}": key for n, key in enumerate(groups)}
    row = manager.filter(pk=obj.pk).annotate(**{
        name: Exists(manager.restrict(groups[key][0], action).filter(pk=OuterRef("pk"))) for name, key in names.items()
    }).values(*names).first() or {}
    return sorted((person for name, key in names.items() if row.get(name) for person in groups[key]),
                  key=lambda person: person.pk)


# Kinds of people asked in one UNION: SQLite allows 500 terms in a compound SELECT (SQLITE_MAX_COMPOUND_SELECT).
_KINDS_PER_QUERY = 200


def people_who_may_each(rows: Iterable[tuple[models.Model, Iterable[Any]]], action: str) -> dict[Any, list[Any]]:
    """people_who_may for many rows of one model at once, each among its own candidates: `rows` are (row,
    candidates) pairs; the answer is {row pk: the active people who may `action` on it, by pk} (a row nobody may
    act on, or that is gone: []). What a batch of new rows notifies (a task sent to 300 committees).

    People are grouped as people_who_may groups them (same role and units, neither owner nor holder of a grant
    that counts: one representative asks for all), and each kind's representative asks restrict() about only the
    rows its people are candidates for; all kinds in one UNION (one per _KINDS_PER_QUERY kinds), so the queries do
    not grow with the rows: one for the rows' owners when the model has an `owner_path`, one per candidate's
    grants when the action counts grants, one per _KINDS_PER_QUERY kinds.
    """
    pairs = [(row, list(candidates)) for row, candidates in rows]
    answer: dict[Any, list[Any]] = {row.pk: [] for row, _candidates in pairs}
    if not pairs:
        return answer
    model = type(pairs[0][0])
    spec = action_spec(model, action)
    manager = model._default_manager
    owner_path: str | None = getattr(model, "owner_path", None)
    owners = (dict(manager.filter(pk__in=list(answer)).values_list("pk", owner_path).order_by())
              if owner_path else {})
    kinds: dict[tuple, int] = {}  # a kind of person -> its number
    representatives: list[Any] = []
    asked: list[set[Any]] = []  # by kind: the rows its people are candidates for
    members: list[tuple[Any, Any, int]] = []  # (row pk, person, kind)
    able: dict[Any, bool] = {}
    for row, candidates in pairs:
        for person in candidates:
            if person.pk not in able:
                able[person.pk] = may_ever(person, model, action)
            if not able[person.pk]:
                continue
            own = owner_path is not None and person.pk == owners.get(row.pk)
            has_grants = spec.grant is not None and any(ids for ids in user_grants(person)[spec.grant].values())
            key = ((person.pk,) if own or has_grants
                   else (person.role, person.is_superuser, *user_unit_ids(person).values()))
            if key not in kinds:
                kinds[key] = len(representatives)
                representatives.append(person)
                asked.append(set())
            asked[kinds[key]].add(row.pk)
            members.append((row.pk, person, kinds[key]))
    allowed: set[tuple[Any, int]] = set()
    for start in range(0, len(representatives), _KINDS_PER_QUERY):
        parts = [manager.restrict(representatives[kind], action).filter(pk__in=sorted(asked[kind])).order_by()
                 .annotate(kind=models.Value(kind, output_field=models.IntegerField())).values_list("pk", "kind")
                 for kind in range(start, min(start + _KINDS_PER_QUERY, len(representatives)))]
        allowed.update(parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0])
    for row_pk, person, kind in members:
        if (row_pk, kind) in allowed and person not in answer[row_pk]:
            answer[row_pk].append(person)
    for people in answer.values():
        people.sort(key=lambda person: person.pk)
    return answer
