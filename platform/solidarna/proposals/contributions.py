"""What proposals offer other capabilities through core registries: proposals as subjects that
discussions attach to, the home page figure and the moves on the road in the activity feed."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select, update

from solidarna.core.activity import ActivityItem
from solidarna.core.models import utcnow
from solidarna.core.registry import Figure
from solidarna.core.subjects import Subject, SubjectType
from solidarna.extensions import db
from solidarna.proposals.models import STATES, Proposal, ProposalEvent
from solidarna.proposals.services import visible_clause


def resolve_proposals(ids: list[int]) -> dict[int, Subject]:
    rows = db.session.execute(
        select(Proposal.id, Proposal.title).where(
            Proposal.id.in_(ids), visible_clause(current_user)
        )
    )
    return {
        pid: Subject("proposal", pid, title, url_for("proposals.detail", proposal_id=pid))
        for pid, title in rows
    }


def touch_proposal(proposal_id: int) -> None:
    """A comment in a discussion about the proposal is activity on it (the list's sort)."""
    db.session.execute(
        update(Proposal).where(Proposal.id == proposal_id).values(last_activity_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


PROPOSAL_SUBJECT = SubjectType("proposal", _l("Proposal"), resolve_proposals, touch_proposal)


def proposal_figures(tenant) -> list[Figure]:
    count = db.session.scalar(select(func.count(Proposal.id)).where(Proposal.state != "draft"))
    return [Figure(str(_l("Proposals of measures")), count or 0, url_for("proposals.index"))]


def road_activity(tenant, limit: int) -> list[ActivityItem]:
    """The latest moves of proposals that are public (drafts are not)."""
    rows = db.session.execute(
        select(ProposalEvent, Proposal.title)
        .join(Proposal, Proposal.id == ProposalEvent.proposal_id)
        .where(Proposal.state != "draft")
        .order_by(ProposalEvent.created_at.desc(), ProposalEvent.id.desc())
        .limit(limit)
    ).all()
    return [
        ActivityItem(
            when=event.created_at, label=str(STATES.get(event.state, event.state)), title=title,
            url=url_for("proposals.detail", proposal_id=event.proposal_id),
            excerpt=event.note[:200],
        )
        for event, title in rows
    ] if rows else []  # fmt: skip
