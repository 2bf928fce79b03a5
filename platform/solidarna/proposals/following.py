"""Following a proposal, and telling people about its road: every move on the road is notified
(through core/notifications.py, by each person's settings) to the authors, the proposal's
followers and the representatives of the organizations that endorse it (asked through
core/representation.py, never the directory itself)."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import notifications, representation
from solidarna.core.capabilities import current_tenant
from solidarna.core.models import TenantScoped, utcnow
from solidarna.extensions import db
from solidarna.proposals import coauthors
from solidarna.proposals.models import STATES, Endorsement, Proposal, ProposalEvent

MOVED = "proposals.moved"
NOTIFICATION_KINDS = {MOVED: _l("A proposal moved on its road")}


class ProposalFollower(TenantScoped, db.Model):
    """A member who asked to hear of every move of a proposal."""

    __tablename__ = "proposal_followers"
    __table_args__ = (UniqueConstraint("tenant_id", "proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


def is_following(user, proposal: Proposal) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    found = db.session.scalar(
        select(ProposalFollower.id).where(
            ProposalFollower.proposal_id == proposal.id, ProposalFollower.user_id == user.id
        )
    )
    return found is not None


def set_following(user, proposal: Proposal, follow: bool) -> bool:
    """Follow or stop following; returns whether the person follows now. The caller commits."""
    now = is_following(user, proposal)
    if follow and not now:
        db.session.add(ProposalFollower(proposal_id=proposal.id, user_id=user.id))
    elif not follow and now:
        db.session.execute(
            delete(ProposalFollower).where(
                ProposalFollower.proposal_id == proposal.id, ProposalFollower.user_id == user.id
            )
        )
    return follow


def follower_users(proposal: Proposal) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ProposalFollower, ProposalFollower.user_id == User.id)
            .where(ProposalFollower.proposal_id == proposal.id)
            .order_by(ProposalFollower.id)
        )
    )


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
    tenant = current_tenant()
    by_locale: dict[str, list[User]] = {}
    for user in people:
        by_locale.setdefault(notifications.locale_for(user, tenant), []).append(user)
    url = url_for("proposals.detail", proposal_id=proposal.id) + "#timeline"
    told = 0
    for locale, users in sorted(by_locale.items()):
        with force_locale(locale):
            excerpt = _excerpt(event)
        told += len(
            notifications.notify(
                users,
                kind=MOVED,
                title=proposal.title,
                url=url,
                excerpt=excerpt,
                actor=actor,
                subject_type="proposal_road",
                subject_id=proposal.id,
                mail_template="mail/proposals/moved.txt",
                mail_context={"event": event, "states": STATES, "proposal_title": proposal.title},
            )
        )
    return told
