"""Writes on the organisation beyond plain record edits: explicit access grants."""

from typing import Any

from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from committees.models import Committee, CommitteeUserObjectPermission
from portal.core.audit import audit

ACCESS_CODENAMES = {"view": "view_committee", "change": "change_committee"}


@transaction.atomic
def committee_access_grant(*, actor: Any, grantee: Any, committee: Committee, access: str) -> None:
    """Give `grantee` read ("view") or read-write ("change") access to one committee and all under it.

    Replaces an earlier grant of the other kind. Side effects: guardian rows; an audit entry.
    """
    before = committee_access_of(grantee=grantee, committee=committee)
    for codename in ACCESS_CODENAMES.values():
        remove_perm(f"committees.{codename}", grantee, committee)
    assign_perm(f"committees.{ACCESS_CODENAMES[access]}", grantee, committee)
    audit(actor=actor, action="committee.access_grant", instance=committee,
          before={"user": grantee.username, "access": before}, after={"user": grantee.username, "access": access})


@transaction.atomic
def committee_access_revoke(*, actor: Any, grantee: Any, committee: Committee) -> None:
    """Take back any explicit access of `grantee` to `committee`. Side effects: an audit entry."""
    before = committee_access_of(grantee=grantee, committee=committee)
    for codename in ACCESS_CODENAMES.values():
        remove_perm(f"committees.{codename}", grantee, committee)
    audit(actor=actor, action="committee.access_revoke", instance=committee,
          before={"user": grantee.username, "access": before}, after=None)


def committee_access_of(*, grantee: Any, committee: Committee) -> str | None:
    codenames = set(
        CommitteeUserObjectPermission.objects.filter(user=grantee, content_object=committee).values_list(
            "permission__codename", flat=True
        )
    )
    if ACCESS_CODENAMES["change"] in codenames:
        return "change"
    return "view" if codenames else None
