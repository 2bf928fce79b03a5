"""Rules shared by the directory's contributions (local resources and good practices)."""

from __future__ import annotations

from solidarna.core.permissions import can_manage_members, is_member, predicate

#: members share what their community has; admins enter it for the office
can_contribute = (is_member | can_manage_members).named("can_contribute")


@predicate
def is_contributor(user, obj) -> bool:
    """The person added it (anything with `created_by_id`)."""
    return bool(
        obj is not None
        and user is not None
        and user.is_authenticated
        and obj.created_by_id is not None
        and obj.created_by_id == user.id
    )


can_edit_contribution = (can_manage_members | (is_member & is_contributor)).named(
    "can_edit_contribution",
    "A resource or practice: the member who added it, and the space's admins.",
)
