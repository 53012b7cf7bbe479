"""The one permission chokepoint: `Model.objects.restrict(user, action)` (STYLE.md B4).

A user reaches a row when they hold the role permission for the action (Django group permissions,
one group per role) AND the row lies in their organisation unit or under a unit they were granted
explicitly (django-guardian direct-FK grants on District, Street and Committee).

Scope follows the hierarchy, so it is a rule expressed relationally, never a row per object:
every scoped model names the lookups from itself to its district, street and committee in
`scope_paths`. A user at a lower level than the model sees the unit they belong to (a committee's
staff see their own street and district records, nothing beside them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from portal.accounts.models import User

LEVELS = ("district", "street", "committee")  # from the top down
# A grant is read-only ("view") or read-write ("change"); every write action needs a "change" grant.
GRANT_FOR_ACTION = {"view": "view", "add": "change", "change": "change", "delete": "change"}


def permission_name(model: type[models.Model], action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def user_unit_ids(user: User) -> dict[str, str | None]:
    return {"district": user.district_id, "street": user.street_id, "committee": user.committee_id}


def user_grants(user: User) -> dict[str, dict[str, set[str]]]:
    """Explicit grants of the user (directly or through a group), by grant kind and level.

    One query per request: cached on the user object, which lives as long as the request.
    """
    cached = getattr(user, "_scope_grants", None)
    if cached is not None:
        return cached
    from committees.models import grant_rows_for_user

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


def scope_q(model: type[models.Model], user: User, *, grant: str = "view", include_grants: bool = True) -> Q:
    """The rows of `model` within the user's unit, or under units explicitly granted to them."""
    paths: dict[str, str] = model.scope_paths  # type: ignore[attr-defined]
    units = user_unit_ids(user)
    level = user.scope_level
    q = Q(pk__in=[])
    # The most specific level the model knows that is not below the user's own level.
    if level in LEVELS:
        own_levels = LEVELS[: LEVELS.index(level) + 1]
        for candidate in reversed(own_levels):
            if candidate in paths and units[candidate]:
                q = Q(**{paths[candidate]: units[candidate]})
                break
    if not include_grants:
        return q
    for grant_level, ids in user_grants(user)[grant].items():
        if ids and grant_level in paths:
            q |= Q(**{f"{paths[grant_level]}__in": sorted(ids)})
    return q


class ScopedQuerySet(models.QuerySet):
    """Adds `restrict(user, action)`, the only way pages, the API, form choices and exports reach rows."""

    def restrict(
        self, user: User, action: str = "view", *, perm: str | None = None, include_grants: bool = True
    ) -> Self:
        """Rows `user` may `action` (view/add/change/delete).

        `perm` names a different role permission to require, for choice lists: the committees a user
        may add annual records to are `Committee.objects.restrict(user, "add", perm="committees.add_committeeyear")`.
        `include_grants=False` leaves out explicit grants, for what only the unit itself may do
        (a district grants access to its own committees, never to ones it was granted).
        """
        perm = perm or permission_name(self.model, action)
        if not user.is_authenticated or not user.is_active or not user.has_perm(perm):
            return self.none()
        if user.is_superuser or user.scope_level == "city":
            return self
        if user.scope_level is None:  # a staff account with no unit sees nothing scoped
            return self.none()
        return self.filter(scope_q(self.model, user, grant=GRANT_FOR_ACTION[action], include_grants=include_grants))


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):  # type: ignore[misc]
    pass


class ScopedModel(models.Model):
    """Base for every model whose rows belong to a district, street or committee.

    Provides `objects.restrict()`; subclasses declare `scope_paths`, e.g.
    `{"district": "committee__street__district", "street": "committee__street", "committee": "committee"}`.
    """

    scope_paths: dict[str, str] = {}

    objects = ScopedManager()

    class Meta:
        abstract = True


class SharedRowsQuerySet(ScopedQuerySet):
    """Scoped as every model, and for reading also the rows every unit shares: the city's targets, results
    and task list apply to all districts. Subclasses say which rows those are in `shared_q()`."""

    def shared_q(self) -> Q:
        raise NotImplementedError

    def restrict(self, user: User, action: str = "view", *, perm: str | None = None, include_grants: bool = True) -> Self:
        scoped = super().restrict(user, action, perm=perm, include_grants=include_grants)
        if action == "view" and user.is_authenticated and user.has_perm(perm or permission_name(self.model, "view")):
            return scoped | self.filter(self.shared_q())
        return scoped
