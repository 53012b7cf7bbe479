"""Explicit per-object grants (django-guardian direct-FK tables) on the three scope levels only.

Grants never go on workers or records (ENGINEERING §1): rows inherit access from their committee.
`view_<level>` grants read access to the unit and everything under it, `change_<level>` read-write.
"""

from collections.abc import Iterator
from typing import Any

from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from .organisation import Committee, District, Street

__all__ = [
    "DistrictUserObjectPermission",
    "DistrictGroupObjectPermission",
    "StreetUserObjectPermission",
    "StreetGroupObjectPermission",
    "CommitteeUserObjectPermission",
    "CommitteeGroupObjectPermission",
    "GRANT_MODELS",
    "grant_rows_for_user",
]


class DistrictUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(District, on_delete=models.CASCADE)


class DistrictGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(District, on_delete=models.CASCADE)


class StreetUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Street, on_delete=models.CASCADE)


class StreetGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Street, on_delete=models.CASCADE)


class CommitteeUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Committee, on_delete=models.CASCADE)


class CommitteeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Committee, on_delete=models.CASCADE)


GRANT_MODELS = {
    "district": (DistrictUserObjectPermission, DistrictGroupObjectPermission),
    "street": (StreetUserObjectPermission, StreetGroupObjectPermission),
    "committee": (CommitteeUserObjectPermission, CommitteeGroupObjectPermission),
}


def grant_rows_for_user(user: Any) -> Iterator[tuple[str, str, str]]:
    """(level, permission codename, unit code) of every grant the user holds, in one UNION query."""
    parts = []
    for level, (user_model, group_model) in GRANT_MODELS.items():
        label = models.Value(level, output_field=models.CharField())
        parts.append(
            user_model.objects.filter(user=user).annotate(level=label)
            .values_list("level", "permission__codename", "content_object_id")
        )
        parts.append(
            group_model.objects.filter(group__user=user)
            .annotate(level=label)
            .values_list("level", "permission__codename", "content_object_id")
        )
    first, *rest = parts
    yield from first.union(*rest, all=True)
