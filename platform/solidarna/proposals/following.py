"""Following a proposal (kept by core/following.py, as every subject's followers), and telling
people about its road: every move on the road is notified
(through core/notifications.py, by each person's settings) to the authors, the proposal's
followers and the representatives of the organizations that endorse it (asked through
core/representation.py, never the directory itself)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select

from solidarna.accounts.models import User
from solidarna.core import following, notifications, representation
from solidarna.core.capabilities import current_tenant
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db
from solidarna.proposals import coauthors
from solidarna.proposals.models import STATES, Endorsement, Proposal, ProposalEvent

MOVED = "proposals.moved"
NOTIFICATION_KINDS = {MOVED: _l("A proposal moved on its road")}


#: a proposal's followers are kept by core/following.py, under this subject type
SUBJECT = "proposal"


def is_following(user, proposal: Proposal) -> bool:
    return following.is_following(user, SUBJECT, proposal.id)


def set_following(user, proposal: Proposal, follow: bool) -> bool:
    """Follow or stop following; returns whether the person follows now. The caller commits."""
    return following.set_following(user, SUBJECT, proposal.id, follow)


def follower_users(proposal: Proposal) -> list[User]:
    return [f.user for f in following.followers_of(SUBJECT, proposal.id)]


def endorser_representatives(proposal: Proposal) -> list[User]:
    """The representatives of the organizations that endorse the proposal now."""
    ids = db.session.scalars(
        select(Endorsement.organization_id).where(
            Endorsement.proposal_id == proposal.id, Endorsement.organization_id.is_not(None)
        )
    ).all()
    found = representation.representatives(ids)
    return [user for org_id in sorted(found) for user in found[org_id]]


def move_recipients(proposal: Proposal) -> list[User]:
    """Authors, followers and the endorsers' representatives who are active members, each
    once. A draft is told to its authors only (nobody else may see it)."""
    people = coauthors.author_users(proposal)
    if proposal.state != "draft":
        people += coauthors.active_members(
            follower_users(proposal) + endorser_representatives(proposal)
        )
    unique: dict[int, User] = {}
    for user in people:
        unique.setdefault(user.id, user)
    return list(unique.values())


def _excerpt(event: ProposalEvent) -> str:
    """What the notice says, in the language of the one reading it (called in their locale)."""
    said = _(
        "From “%(old)s” to “%(new)s”.",
        old=STATES.get(event.from_state or "", event.from_state or ""),
        new=STATES.get(event.state, event.state),
    )
    return f"{said} {event.note}".strip() if event.note else said


def notify_move(proposal: Proposal, event: ProposalEvent, actor) -> int:
    """Tell the people of `proposal` about `event`: one notification each (never the actor),
    its text in each reader's language. Returns how many were told."""
    people = [u for u in move_recipients(proposal) if u.id != getattr(actor, "id", None)]
    if not people:
        return 0
    return notifications.notify_each_language(
        people,
        lambda: _excerpt(event),
        tenant=current_tenant(),
        kind=MOVED,
        title=proposal.title,
        url=url_for("proposals.detail", proposal_id=proposal.id) + "#timeline",
        actor=actor,
        subject_type="proposal_road",
        subject_id=proposal.id,
        mail_template="mail/proposals/moved.txt",
        mail_context={"event": event, "states": STATES, "proposal_title": proposal.title},
    )
