"""Who may do what with the directory's entries (DESIGN §12: a capability's rules live in the
capability). Predicates from core/permissions.py, composable with & | ~; each one takes the
object it is about (an entry, a representation request) or the tenant."""

from __future__ import annotations

from solidarna.core.permissions import can_manage_members, is_member, predicate
from solidarna.directory.organizations.services import represented_ids

can_add_organization = (is_member | can_manage_members).named(
    "can_add_organization",
    "Members add their organizations (for review); admins enter them for the office.",
)

can_moderate_directory = can_manage_members.named(
    "can_moderate_directory",
    "The space's admins verify, reject and archive entries, decide representation requests "
    "and import entries from CSV.",
)


@predicate
def represents(user, org) -> bool:
    """The person actively represents the organization (in its space)."""
    return bool(
        org is not None and user is not None and user.is_authenticated
    ) and org.id in represented_ids(user)


can_edit_organization = (is_member & (can_manage_members | represents)).named(
    "can_edit_organization",
    "A member who represents the organization, or the space's admins, edit the entry, "
    "confirm it, see its history and its relationships.",
)

#: the ones templates ask by name (Capability.predicates)
TEMPLATE_PREDICATES = (can_add_organization, can_moderate_directory)
