from typing import Any

from django.contrib.auth.backends import BaseBackend

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
