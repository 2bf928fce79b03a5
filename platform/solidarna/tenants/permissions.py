"""Rules about memberships (the tenant-level predicates — who is a member, who administers the
space — are the mechanism's, in core/permissions.py)."""

from __future__ import annotations

from solidarna.core.permissions import (
    can_assign_role,
    can_manage_members,
    is_platform_admin,
    membership_of,
    predicate,
)


@predicate
def can_manage_membership(user, membership) -> bool:
    """Admins manage the memberships of their space; an owner's only owners (and platform
    admins) may change or suspend."""
    return bool(
        membership is not None
        and can_manage_members(user, membership)
        and (membership.role != "owner" or can_assign_role(user, "owner"))
    )


@predicate
def can_manage_kit(user, tenant=None) -> bool:
    """The space's kit (upgrading to a newer version, exporting the set-up) is its owners'
    (and platform admins') decision, not every administrator's."""
    membership = membership_of(user, tenant)
    owner = membership is not None and membership.status == "active" and membership.role == "owner"
    return owner or is_platform_admin(user)
