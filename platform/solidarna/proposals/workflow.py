"""The road of a proposal: moves between named states along the transition table
(permissions.TRANSITIONS), each recorded on the public timeline and in the audit log."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from flask_babel import gettext as _
from sqlalchemy import select

from solidarna.core import audit
from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.proposals.models import STATES, Institution, Proposal, ProposalEvent
from solidarna.proposals.permissions import NOT_ALLOWED, TRANSITIONS
from solidarna.proposals.services import ProposalError

#: the moves that ask for more than a date and a note
NEEDS_END_DATE = {"consultation": "consultation_ends", "endorsement": "endorsement_ends"}
GAZETTE_STATES = ("adopted_by_institution", "partly_adopted")


def today() -> date:
    name = "Europe/Belgrade"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return datetime.now(ZoneInfo(name)).date()


def check_move(proposal: Proposal, to: str) -> None:
    """409 for a move the table does not have, with the reason."""
    if (proposal.state, to) not in TRANSITIONS:
        raise ProposalError(
            NOT_ALLOWED % {"from": STATES.get(proposal.state, proposal.state),
                           "to": STATES.get(to, to)},
            "state", 409,
        )  # fmt: skip


def move(proposal: Proposal, to: str, data: dict, actor) -> ProposalEvent:
    """Move the proposal to `to` (the caller checked the move's permission). `data`: happened_on,
    note, link, and what the move asks for (ends, institution_id, reference_number, gazette)."""
    check_move(proposal, to)
    happened = data.get("happened_on") or today()
    if happened > today():
        raise ProposalError(_("This date has not come yet."), "happened_on")
    if to in NEEDS_END_DATE:
        ends = data.get("ends")
        if ends is None:
            raise ProposalError(_("Enter the day it ends."), "ends")
        if ends < today():
            raise ProposalError(_("This date has passed. Choose a later one."), "ends")
        setattr(proposal, NEEDS_END_DATE[to], ends)
    if to == "submitted":
        institution_id = data.get("institution_id") or proposal.institution_id
        if institution_id is None or db.session.get(Institution, institution_id) is None:
            raise ProposalError(_("Choose the institution it was submitted to."), "institution_id")
        proposal.submitted_to_id = institution_id
        proposal.submitted_on = happened
        proposal.reference_number = (data.get("reference_number") or "").strip()
    if to in GAZETTE_STATES and data.get("gazette_reference"):
        proposal.gazette_reference = data["gazette_reference"].strip()
    event = ProposalEvent(
        proposal_id=proposal.id, happened_on=happened, state=to, from_state=proposal.state,
        note=(data.get("note") or "").strip(), link=(data.get("link") or "").strip(),
        created_by_id=getattr(actor, "id", None),
    )  # fmt: skip
    audit.record(
        "proposal.moved", target=proposal, actor=actor, old=proposal.state, new=to,
        note=event.note,
    )  # fmt: skip
    proposal.state = to
    proposal.last_activity_at = utcnow()
    db.session.add(event)
    db.session.flush()
    # Evidence (proposals/evidence.py): the cited figures are stored when the text closes and
    # frozen into a version on submission.
    from solidarna.proposals import evidence, following

    evidence.after_move(proposal, event.from_state, to, actor)
    following.notify_move(proposal, event, actor)
    return event


def timeline(proposal: Proposal) -> list[ProposalEvent]:
    return list(
        db.session.scalars(
            select(ProposalEvent)
            .where(ProposalEvent.proposal_id == proposal.id)
            .order_by(ProposalEvent.happened_on, ProposalEvent.id)
        )
    )
