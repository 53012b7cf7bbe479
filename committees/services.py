"""Writes on the organisation beyond plain record edits: explicit access grants."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from committees.models import Committee
from portal.core.audit import audit
from portal.core.models import CommitteeUserObjectPermission

if TYPE_CHECKING:
    from portal.accounts.models import User

ACCESS_CODENAMES = {"view": "view_committee", "change": "change_committee"}


@transaction.atomic
def committee_access_grant(*, actor: User, grantee: User, committee: Committee, access: str) -> None:
    """Give `grantee` read ("view") or read-write ("change") access to one committee and all under it.

    Replaces an earlier grant of the other kind. Side effects: the grant rows (portal.core.models); an audit
    entry. Raises: nothing of its own (the caller chose the committee from the district's own).
    """
    before = committee_access_of(grantee=grantee, committee=committee)
    for codename in ACCESS_CODENAMES.values():
        remove_perm(f"committees.{codename}", grantee, committee)
    assign_perm(f"committees.{ACCESS_CODENAMES[access]}", grantee, committee)
    audit(actor=actor, action="committee.access_grant", instance=committee,
          before={"user": grantee.username, "access": before}, after={"user": grantee.username, "access": access})


@transaction.atomic
def committee_access_revoke(*, actor: User, grantee: User, committee: Committee) -> None:
    """Take back any explicit access of `grantee` to `committee`.

    Side effects: the grant rows are deleted; an audit entry. Raises: nothing of its own.
    """
    before = committee_access_of(grantee=grantee, committee=committee)
    for codename in ACCESS_CODENAMES.values():
        remove_perm(f"committees.{codename}", grantee, committee)
    audit(actor=actor, action="committee.access_revoke", instance=committee,
          before={"user": grantee.username, "access": before}, after=None)


def committee_access_of(*, grantee: User, committee: Committee) -> str | None:
    """The explicit access `grantee` holds on `committee`: "change", "view" or None."""
    codenames = set(
        CommitteeUserObjectPermission.objects.filter(user=grantee, content_object=committee).values_list(
            "permission__codename", flat=True
        )
    )
    if ACCESS_CODENAMES["change"] in codenames:
        return "change"
    return "view" if codenames else None
