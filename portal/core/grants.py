"""Explicit grants, read for restrict(): one UNION query over the six direct-FK grant tables."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import models

from portal.core.grant_models import (
    CommitteeGroupObjectPermission,
    CommitteeUserObjectPermission,
    DistrictGroupObjectPermission,
    DistrictUserObjectPermission,
    StreetGroupObjectPermission,
    StreetUserObjectPermission,
)

if TYPE_CHECKING:
    from portal.accounts.models import User

# level -> (the user grants table, the group grants table)
GRANT_MODELS: dict[str, tuple[type[models.Model], type[models.Model]]] = {
    "district": (DistrictUserObjectPermission, DistrictGroupObjectPermission),
    "street": (StreetUserObjectPermission, StreetGroupObjectPermission),
    "committee": (CommitteeUserObjectPermission, CommitteeGroupObjectPermission),
}


def grant_rows_for_user(user: User) -> Iterator[tuple[str, str, str]]:
    """(level, permission codename, unit code) of every grant the user holds, directly or through a group."""
    parts = []
    for level, (user_model, group_model) in GRANT_MODELS.items():
        label = models.Value(level, output_field=models.CharField())
        parts.append(
            user_model.objects.filter(user=user).annotate(level=label)
            .values_list("level", "permission__codename", "content_object_id")
        )
        parts.append(
            group_model.objects.filter(group__user=user).annotate(level=label)
            .values_list("level", "permission__codename", "content_object_id")
        )
    first, *rest = parts
    yield from first.union(*rest, all=True)
