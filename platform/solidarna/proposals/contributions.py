"""What proposals offer other capabilities through core registries: proposals as subjects that
discussions attach to, the home page figure and the moves on the road in the activity feed."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, select, update

from solidarna.core.activity import ActivityItem
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.permissions import current_person
from solidarna.core.registry import Figure
from solidarna.core.subjects import PersonAction, Subject, SubjectType
from solidarna.extensions import db
from solidarna.proposals.models import STATES, Proposal, ProposalEvent, ProposalPart
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


def proposal_choices(limit: int) -> list[Subject]:
    """The proposals the viewer may see, newest first: what a working group may link to."""
    rows = db.session.execute(
        select(Proposal.id, Proposal.title)
        .where(visible_clause(current_user))
        .order_by(Proposal.created_at.desc(), Proposal.id.desc())
        .limit(limit)
    )
    return [
        Subject("proposal", pid, title, url_for("proposals.detail", proposal_id=pid))
        for pid, title in rows
    ]


def touch_proposal(proposal_id: int) -> None:
    """A comment in a discussion about the proposal is activity on it (the list's sort)."""
    db.session.execute(
        update(Proposal).where(Proposal.id == proposal_id).values(last_activity_at=utcnow()),
        execution_options={"synchronize_session": False},
    )


def coauthor_actions(proposal_id: int | None, people) -> dict[int, list[PersonAction]]:
    """ "Invite as co-author" beside the posts of the proposal's discussion: for whoever may
    invite co-authors (the lead author, an admin), about each post's author who is an active
    member and not an author or invited yet (proposals/coauthors.py; the same invitation).
    The author rows and one membership query; nothing asked of others."""
    from solidarna.proposals import coauthors
    from solidarna.proposals.permissions import can_invite_coauthors, can_view_proposal

    proposal = db.session.get(Proposal, proposal_id) if proposal_id else None
    viewer = current_person()
    if proposal is None or not can_view_proposal(viewer, proposal):
        return {}
    if not can_invite_coauthors(viewer, proposal):
        return {}
    ids = coauthors.invitable(proposal, people())
    if not ids:
        return {}
    url = url_for("proposal_authors.invite_member", proposal_id=proposal.id)
    label = _l("Invite as co-author")
    return {i: [PersonAction(label, url, (("user_id", str(i)),))] for i in ids}


PROPOSAL_SUBJECT = SubjectType(
    "proposal", _l("Proposal"), resolve_proposals, touch_proposal, choices=proposal_choices,
    person_actions=coauthor_actions,
)  # fmt: skip


def resolve_parts(ids: list[int]) -> dict[int, Subject]:
    """Articles (and other parts) of the proposals the viewer may see, named by their current
    number: “Article 3. · <the proposal>”. Two statements per proposal they belong to."""
    from solidarna.proposals import text

    rows = db.session.execute(
        select(ProposalPart.id, ProposalPart.code, Proposal)
        .join(Proposal, Proposal.id == ProposalPart.proposal_id)
        .where(ProposalPart.id.in_(ids), visible_clause(current_user))
    ).all()
    labels: dict[int, dict[str, str]] = {}
    found = {}
    for part_id, code, proposal in rows:
        if proposal.id not in labels:
            nodes = text.tree(text.live_parts(proposal))
            labels[proposal.id] = {n.code: n.label for n in nodes}
        label = labels[proposal.id].get(code, "")
        url = url_for("proposals.detail", proposal_id=proposal.id) + f"#part-{code}"
        found[part_id] = Subject("proposal_part", part_id, f"{label} · {proposal.title}", url)
    return found


def touch_part(part_id: int) -> None:
    """A comment on one article is activity on its proposal."""
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == select(ProposalPart.proposal_id).where(ProposalPart.id == part_id)
               .scalar_subquery())
        .values(last_activity_at=utcnow()),
        execution_options={"synchronize_session": False},
    )  # fmt: skip


#: one part of a proposal's text (an article): discussions anchored to it (“Comment on this
#: article”); its id stays when the text is renumbered or a version restored
def part_coauthor_actions(part_id: int, people) -> dict[int, list[PersonAction]]:
    """The same in a discussion about one article: its proposal's co-authors."""
    proposal_id = db.session.scalar(
        select(ProposalPart.proposal_id).where(ProposalPart.id == part_id)
    )
    return coauthor_actions(proposal_id, people)


PART_SUBJECT = SubjectType(
    "proposal_part", _l("Article of a proposal"), resolve_parts, touch_part,
    person_actions=part_coauthor_actions,
)  # fmt: skip


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


# --- the national overview (core/national.py) ------------------------------------------------

#: past their draft and not yet decided: the proposals a space is working on
ACTIVE_STATES = (
    "consultation", "endorsement", "adopted", "submitted", "public_consultation",
    "government_procedure", "in_assembly",
)  # fmt: skip


def national_public_proposals():
    """What the national overview may read of proposals: those past their draft (public)."""
    return Proposal.state != "draft"


def national_active_proposals() -> dict[int, int]:
    """Active proposals per taking-part space (inside core.tenancy.public_rows)."""
    query = (
        select(Proposal.tenant_id, func.count())
        .where(Proposal.state.in_(ACTIVE_STATES))
        .group_by(Proposal.tenant_id)
    )
    return dict(db.session.execute(query).tuples().all())
