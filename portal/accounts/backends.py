from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.db.models import Q, QuerySet

from portal.accounts.roles import ROLE_PERMISSIONS


class RolePermissionBackend(BaseBackend):
    """Model permissions from the user's role (`ROLE_PERMISSIONS`); no query, nothing to keep in sync.

    Object-level access is not decided here: `restrict()` scopes rows, guardian holds explicit grants.
    """

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous:
            return set()
        return set(ROLE_PERMISSIONS.get(user_obj.role, ()))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return obj is None and user_obj.is_active and not user_obj.is_anonymous and perm in ROLE_PERMISSIONS.get(
            user_obj.role, ()
        )

    def with_perm(self, perm: str, is_active: bool = True, include_superusers: bool = True, obj: Any = None) -> QuerySet:
        """The users whose role holds `perm` (Django's `User.objects.with_perm(perm, backend=…)`), in one query:
        who may be asked to act, before restrict() says on which rows."""
        roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
        users = get_user_model()._default_manager.filter(
            Q(role__in=roles) | Q(is_superuser=True) if include_superusers else Q(role__in=roles))
        return users if is_active is None else users.filter(is_active=is_active)
