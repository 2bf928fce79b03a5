"""Rules about memberships (the tenant-level predicates — who is a member, who administers the
space — are the mechanism's, in core/permissions.py)."""

from __future__ import annotations

from solidarna.core.permissions import (
    can_assign_role,
    can_change_settings,
    can_manage_members,
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


# The space's own decisions are its owners' (and platform admins'), not every administrator's:
# the same rule as the settings (core/permissions.can_change_settings), under names of their own.
can_manage_kit = can_change_settings.named(
    "can_manage_kit",
    "The space's kit (upgrading to a newer version, exporting the set-up) is its owners' (and "
    "platform admins') decision.",
)
can_publish_nationally = can_change_settings.named(
    "can_publish_nationally",
    "Whether the space takes part in the national overview is its owners' (and platform "
    "admins') decision.",
)
