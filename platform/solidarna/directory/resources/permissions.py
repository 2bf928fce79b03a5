"""Who may add, edit and delete local resources."""

from __future__ import annotations

from solidarna.directory.permissions import can_contribute, can_edit_contribution

can_add_resource = can_contribute.named(
    "can_add_resource",
    "Members share resources of their community; admins enter them for the office.",
)
can_edit_resource = can_edit_contribution.named(
    "can_edit_resource", "The member who added the resource, and the space's admins."
)

TEMPLATE_PREDICATES = (can_add_resource,)
