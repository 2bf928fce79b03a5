"""Endorsements by organizations, made by their verified representatives through the core
representation registry (core/representation.py), and the separate support of members."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from solidarna.core import audit, fragments, maps, representation
from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.proposals.models import (
    ENDORSEMENT_KINDS,
    ENDORSING_STATES,
    SUPPORT_STATES,
    Endorsement,
    MemberSupport,
    Proposal,
)
from solidarna.proposals.services import ProposalError
from solidarna.proposals.workflow import today


def _check_open(proposal: Proposal) -> None:
    if proposal.state not in ENDORSING_STATES:
        raise ProposalError(
            _("Organizations endorse a proposal while it gathers endorsements, until it is "
              "submitted."), "organization_id", 409,
        )  # fmt: skip
    if (
        proposal.endorsement_ends
        and proposal.endorsement_ends < today()
        and (proposal.state == "endorsement")
    ):
        raise ProposalError(_("The time for endorsements has ended."), "organization_id", 409)


def endorse(proposal: Proposal, organization_id: int, kind: str, comment: str, actor):
    _check_open(proposal)
    if kind not in ENDORSEMENT_KINDS:
        raise ProposalError(_("Choose one of the offered options."), "kind")
    if not representation.may_act_for(actor, organization_id):
        raise ProposalError(
            _("Only a verified representative may endorse on behalf of an organization."),
            "organization_id", 403,
        )  # fmt: skip
    exists = db.session.scalar(
        select(Endorsement.id).where(
            Endorsement.proposal_id == proposal.id, Endorsement.organization_id == organization_id
        )
    )
    if exists is not None:
        raise ProposalError(
            _("This organization has already endorsed the proposal."), "organization_id", 409
        )
    card = representation.describe([organization_id])[organization_id]
    endorsement = Endorsement(
        proposal_id=proposal.id, organization_id=organization_id, organization_name=card.name,
        kind=kind, comment=comment.strip(), acted_by_id=actor.id,
    )  # fmt: skip
    db.session.add(endorsement)
    proposal.endorsement_count = (proposal.endorsement_count or 0) + 1
    proposal.last_activity_at = utcnow()
    audit.record(
        "proposal.endorsed", target=proposal, actor=actor, organization=card.name, kind=kind
    )
    db.session.flush()
    return endorsement


def may_withdraw(user, endorsement: Endorsement, proposal: Proposal, acting=None) -> bool:
    """The organization's representative, until the proposal is submitted. `acting`: the
    organizations the person may act for, when a page already asked (one question per page)."""
    if proposal.state not in ENDORSING_STATES:
        return False
    if acting is not None:
        return endorsement.organization_id in {c.id for c in acting}
    return representation.may_act_for(user, endorsement.organization_id)


def withdraw(proposal: Proposal, endorsement: Endorsement, actor) -> None:
    if proposal.state not in ENDORSING_STATES:
        raise ProposalError(
            _("An endorsement can be withdrawn only until the proposal is submitted."), None, 409
        )
    audit.record(
        "proposal.endorsement_withdrawn", target=proposal, actor=actor,
        organization=endorsement.organization_name,
    )  # fmt: skip
    db.session.execute(delete(Endorsement).where(Endorsement.id == endorsement.id))
    proposal.endorsement_count = max(0, (proposal.endorsement_count or 0) - 1)
    proposal.last_activity_at = utcnow()
    db.session.flush()


@dataclass
class Endorser:
    endorsement: Endorsement
    card: representation.OrganizationCard | None

    @property
    def point(self):
        """Where the overview may draw it (the directory says, by the viewer's rights)."""
        return self.card.point if self.card else None

    @property
    def marked(self) -> bool:
        """Archived since, or gone from the directory: kept in the record, marked."""
        return self.card is None or not self.card.active


@dataclass
class Endorsers:
    items: list[Endorser]
    by_actor_type: list[tuple[str, int]]
    by_municipality: list[tuple[str, int]]

    def overview(self, link) -> maps.Overview:
        """The endorsers by municipality drawn on the server (core/maps.py, the directory's
        overview): a dot per municipality, sized by how many endorse from there, and the
        table. `link(municipality)`: where a dot and a row lead."""
        placed = [i for i in self.items if i.card and i.card.municipality]
        return maps.overview(maps.by_municipality(placed, lambda i: i.card.municipality), link)


def endorsers(proposal: Proposal) -> Endorsers:
    """The endorsing organizations with what the directory says of them (two queries)."""
    rows = list(
        db.session.scalars(
            select(Endorsement)
            .where(Endorsement.proposal_id == proposal.id)
            .options(selectinload(Endorsement.acted_by))
            .order_by(Endorsement.organization_name, Endorsement.id)
        )
    )
    cards = representation.describe(e.organization_id for e in rows)
    items = [Endorser(e, cards.get(e.organization_id)) for e in rows]
    types = Counter(str(i.card.actor_type_label) for i in items if i.card)
    places = Counter(i.card.municipality for i in items if i.card)
    return Endorsers(items, types.most_common(), places.most_common())


def endorsable_organizations(user, proposal: Proposal, acting=None) -> list:
    """The organizations this person may endorse for and that have not endorsed yet."""
    if proposal.state not in ENDORSING_STATES:
        return []
    cards = acting if acting is not None else representation.organizations_represented_by(user)
    if not cards:
        return []

    def ask() -> list:
        done = set(
            db.session.scalars(
                select(Endorsement.organization_id).where(Endorsement.proposal_id == proposal.id)
            )
        )
        return [c for c in cards if c.id not in done]

    # asked on every request of the page (a slot's filler): kept per change of the space and
    # account (core/fragments.py kept_value; endorsements and representatives are its rows)
    return fragments.kept_value("proposal-endorsable", user.id, proposal.id, compute=ask)


def supports(proposal: Proposal, user) -> bool:
    """Whether the person supports the proposal: kept per change of the space and account
    (core/fragments.py kept_value), as the page's slot asks on every request."""
    if user is None or not user.is_authenticated:
        return False

    def ask() -> bool:
        found = db.session.scalar(
            select(MemberSupport.id).where(
                MemberSupport.proposal_id == proposal.id, MemberSupport.user_id == user.id
            )
        )
        return found is not None

    return fragments.kept_value("proposal-supports", user.id, proposal.id, compute=ask)


def toggle_support(proposal: Proposal, user) -> bool:
    """Support, or take the support back; True when the person now supports it."""
    if proposal.state not in SUPPORT_STATES:
        raise ProposalError(_("Members support a proposal from its consultation until it is "
                              "submitted."), None, 409)  # fmt: skip
    found = db.session.scalar(
        select(MemberSupport).where(
            MemberSupport.proposal_id == proposal.id, MemberSupport.user_id == user.id
        )
    )
    if found is not None:
        db.session.delete(found)
        proposal.support_count = max(0, (proposal.support_count or 0) - 1)
        db.session.flush()
        return False
    db.session.add(MemberSupport(proposal_id=proposal.id, user_id=user.id))
    proposal.support_count = (proposal.support_count or 0) + 1
    proposal.last_activity_at = utcnow()
    db.session.flush()
    return True
