"""The pages of working groups: browse (the list, a group, starting and changing one) and
members (joining, leaving, invitations and the coordinators' page of members)."""
