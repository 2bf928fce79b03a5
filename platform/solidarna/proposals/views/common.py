"""What every page of proposals does first: load the proposal (404 when it does not exist here
or the viewer may not see it) and answer a refused change."""

from __future__ import annotations

from flask import abort

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person
from solidarna.extensions import db
from solidarna.proposals.models import Proposal
from solidarna.proposals.permissions import can_view_proposal
from solidarna.proposals.text import TextError


def load_proposal(proposal_id: int, options=()) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id, options=options)
    if proposal is None or not can_view_proposal(current_person(), proposal):
        abort(404)
    return proposal


def show_error(form, error: TextError, fallback: str):
    """A refusal that belongs to a field goes on the form (422, what was typed kept); a move
    that is not possible now (409) or not permitted (403) gets its page with the reason."""
    if error.status in (403, 409):
        return error_page(error.status, detail=str(error))
    target = getattr(form, error.field or fallback, None) or getattr(form, fallback)
    target.errors = [*target.errors, str(error)]
    return None
