"""The advocacy scorecard of a space: per institution, how many proposals were submitted to it,
how many it answered (any outcome it gave), adopted (wholly or partly), rejected or left
unanswered, and the median days from submission to its first answer.

Three statements whatever the number of proposals: the submitted proposals the viewer may see,
the first day of each outcome on their roads (grouped in SQL), and the institutions' names."""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from sqlalchemy import func, select

from solidarna.extensions import db
from solidarna.proposals.models import Institution, Proposal, ProposalEvent
from solidarna.proposals.services import visible_clause

#: what the institution did: any of these on the road after submission is its answer
ANSWER_STATES = (
    "public_consultation", "government_procedure", "in_assembly",
    "adopted_by_institution", "partly_adopted", "rejected",
)  # fmt: skip
ADOPTED_STATES = ("adopted_by_institution", "partly_adopted")


@dataclass
class Row:
    institution_id: int | None
    name: str
    submitted: int = 0
    answered: int = 0
    adopted: int = 0
    rejected: int = 0
    no_answer: int = 0
    days: list[int] = field(default_factory=list)

    @property
    def median_days(self) -> float | None:
        return median(self.days) if self.days else None


def scorecard(user) -> tuple[list[Row], Row]:
    """The rows (by institution, most submitted first) and the space's totals."""
    proposals = db.session.execute(
        select(
            Proposal.id,
            func.coalesce(Proposal.submitted_to_id, Proposal.institution_id),
            Proposal.submitted_on,
        ).where(Proposal.submitted_on.is_not(None), visible_clause(user))
    ).all()
    total = Row(None, "")
    if not proposals:
        return [], total
    ids = [pid for pid, _institution, _on in proposals]
    outcomes: dict[int, dict[str, object]] = {}
    for pid, state, first in db.session.execute(
        select(ProposalEvent.proposal_id, ProposalEvent.state, func.min(ProposalEvent.happened_on))
        .where(ProposalEvent.proposal_id.in_(ids), ProposalEvent.state.in_(ANSWER_STATES))
        .group_by(ProposalEvent.proposal_id, ProposalEvent.state)
    ):
        outcomes.setdefault(pid, {})[state] = first
    names = dict(db.session.execute(select(Institution.id, Institution.name)).all())
    rows: dict[int | None, Row] = {}
    for pid, institution_id, submitted_on in proposals:
        row = rows.get(institution_id)
        if row is None:
            row = rows[institution_id] = Row(institution_id, names.get(institution_id, ""))
        seen = outcomes.get(pid, {})
        for target in (row, total):
            target.submitted += 1
            if seen:
                target.answered += 1
                first = min(seen.values())
                target.days.append(max(0, (first - submitted_on).days))
            else:
                target.no_answer += 1
            if any(state in seen for state in ADOPTED_STATES):
                target.adopted += 1
            elif "rejected" in seen:
                target.rejected += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.submitted, r.name.casefold()))
    return ordered, total
