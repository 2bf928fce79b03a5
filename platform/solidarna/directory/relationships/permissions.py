"""Who may add and remove relationships between organizations."""

from __future__ import annotations

from typing import NamedTuple

from solidarna.core.permissions import predicate
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.permissions import can_edit_organization
from solidarna.directory.relationships.models import Relationship

#: a relationship is added from the profile of its source, by whoever may edit that entry
can_add_relationship = can_edit_organization.named("can_add_relationship")


class Tie(NamedTuple):
    """A relationship as seen from the profile it is removed from (either of its two ends)."""

    organization: Organization
    relationship: Relationship


@predicate
def can_remove_relationship(user, tie: Tie) -> bool:
    """Either side may remove a tie it does not recognise: whoever may edit the entry whose
    profile it is removed from."""
    return tie is not None and can_edit_organization(user, tie.organization)
