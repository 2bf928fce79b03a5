"""Who may do what with advocacy platforms (DESIGN §12: the capability's rules live here).

A campaign is managed by the admins of the space that owns it; the members of that space and
of its accepted partner spaces sign for the organizations they represent in their own space's
directory (asked through core/representation.py before the shared object is opened); anyone
who may read the space reads a campaign past its preparation. The status moves along
TRANSITIONS only."""

from __future__ import annotations

from flask import g

from solidarna.core.permissions import can_manage_members, is_member, predicate

#: status -> the statuses it may move to
TRANSITIONS = {
    "preparing": ("open", "closed"),
    "open": ("active", "won", "partly_won", "closed"),
    "active": ("won", "partly_won", "closed"),
    "won": ("closed",),
    "partly_won": ("active", "closed"),
    "closed": (),
}


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def can_move(campaign, status: str) -> bool:
    return status in TRANSITIONS.get(campaign.status, ())


@predicate
def can_manage_campaign(user, campaign) -> bool:
    """The owner space's admins (a partner space's admins are not: the campaign's tenant is
    not theirs, which `can_manage_members` checks through the object)."""
    return campaign is not None and can_manage_members(user, campaign)


can_create_campaign = can_manage_members.named(
    "can_create_campaign", "The space's admins start advocacy platforms."
)


@predicate
def can_view_campaign(user, campaign) -> bool:
    """A campaign in preparation is seen by the owner's admins only; past it, by whoever
    reads the space (the routing checked that) and, when shared, the partner space."""
    if campaign is None:
        return False
    return campaign.status != "preparing" or can_manage_campaign(user, campaign)


@predicate
def can_sign_campaign(user, campaign) -> bool:
    """An active member of the space the page is read in (the owner's, or an accepted partner
    space's) while the campaign takes signatures; for which organization is asked apart."""
    return bool(
        campaign is not None
        and campaign.accepts_signatures
        and _person(user)
        and is_member(user, g.tenant)
    )


@predicate
def can_comment_campaign(user, campaign) -> bool:
    """An active member of the space the page is read in (the owner's, or an accepted partner
    space's) comments on a campaign they may see."""
    return bool(can_view_campaign(user, campaign) and _person(user) and is_member(user, g.tenant))


@predicate
def can_follow_campaign(user, campaign) -> bool:
    """An active member of the space the page is read in (the owner's, or an accepted partner
    space's) follows a campaign they may see, to hear of its new steps and comments."""
    return bool(can_view_campaign(user, campaign) and _person(user) and is_member(user, g.tenant))


@predicate
def can_follow_sign_on(user, campaign) -> bool:
    """A sign-on link is followed by a person who has logged in (the page then offers them
    its sign form, asked as always); visitors go to log in or register first."""
    return bool(_person(user) and can_view_campaign(user, campaign))


TEMPLATE_PREDICATES = (can_create_campaign, can_manage_campaign)
