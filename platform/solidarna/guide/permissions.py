"""Who may change the guide: the space's admins (writing the space's public texts is managing
the space, as with news)."""

from solidarna.core.permissions import can_manage_members

can_edit_guide = can_manage_members.named("can_edit_guide", "The space's admins edit its guide.")

TEMPLATE_PREDICATES = (can_edit_guide,)
