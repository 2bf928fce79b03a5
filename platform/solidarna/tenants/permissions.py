"""Rules about memberships (the tenant-level predicates — who is a member, who administers the
space — are the mechanism's, in core/permissions.py)."""

from __future__ import annotations

from solidarna.core.permissions import (
    ROLE_RANK,
    _rank,
    can_assign_role,
    can_manage_members,
    is_platform_admin,
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
def can_publish_nationally(user, tenant=None) -> bool:
    """Whether the space takes part in the national overview is its owners' decision (and the
    platform administrators')."""
    return is_platform_admin(user) or _rank(user, tenant) >= ROLE_RANK["owner"]
