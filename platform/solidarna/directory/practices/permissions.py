"""Who may share, edit and delete good practices."""

from __future__ import annotations

from solidarna.directory.permissions import can_contribute, can_edit_contribution

can_add_practice = can_contribute.named(
    "can_add_practice", "Members share what has worked for them; admins for the office."
)
can_edit_practice = can_edit_contribution.named(
    "can_edit_practice", "The member who shared the practice, and the space's admins."
)

TEMPLATE_PREDICATES = (can_add_practice,)
