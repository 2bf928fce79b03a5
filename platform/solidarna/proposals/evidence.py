"""Evidence from the map: a proposal cites figures of the space's ecosystem (core/evidence.py,
filled by the directory), each shown with its date.

- While the text is open (draft, consultation) a cited figure is shown as it is now: the value
  the provider answers today (the stored one is refreshed whenever the proposal is saved with
  the citation or leaves consultation).
- When the text closes (the move to endorsements) the values are stored as they stand: the
  organizations endorse the text with these figures.
- On submission they are frozen into the version that is submitted (a new version whose
  snapshot carries `evidence`, each row marked with that version's number): the document the
  institution received keeps the figures it quoted, whatever the directory says later.

A figure whose provider no longer answers (its module switched off, its item gone) keeps its
stored value and date, marked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import g
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, mapped_column

from solidarna.core import evidence as registry
from solidarna.core.i18n import format_day
from solidarna.core.models import TenantScoped, utcnow
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.models import EDITABLE_STATES, Proposal
from solidarna.proposals.services import ProposalError

MAX_FIGURES = 30


class ProposalEvidence(TenantScoped, db.Model):
    """A figure a proposal cites: which provider and item, and its value on a day."""

    __tablename__ = "proposal_evidence"
    __table_args__ = (
        Index("ix_proposal_evidence_tenant_proposal", "tenant_id", "proposal_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    #: the provider's key (core/evidence.py) and what it counts within it ({"item": ...})
    key: Mapped[str] = mapped_column(String(80))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    label: Mapped[str] = mapped_column(String(300))
    value: Mapped[int] = mapped_column(BigInteger)
    as_of: Mapped[date]
    position: Mapped[int] = mapped_column(default=0)
    #: the number of the version the figure was frozen into (on submission)
    frozen_version: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def item(self) -> str:
        return str((self.params or {}).get("item", ""))


@dataclass
class Cited:
    """A cited figure as shown: live while the text is open, else as stored."""

    row: ProposalEvidence
    label: str
    value: int
    as_of: date
    live: bool
    #: the provider no longer answers for it: the stored value, marked
    missing: bool = False

    @property
    def frozen(self) -> bool:
        return self.row.frozen_version is not None

    def sentence(self) -> str:
        return _(
            "%(label)s: %(value)s (as of %(day)s)",
            label=self.label,
            value=format_decimal(self.value),
            day=format_day(self.as_of),
        )


def rows(proposal: Proposal) -> list[ProposalEvidence]:
    return list(
        db.session.scalars(
            select(ProposalEvidence)
            .where(ProposalEvidence.proposal_id == proposal.id)
            .order_by(ProposalEvidence.position, ProposalEvidence.id)
        )
    )


def _live(proposal: Proposal) -> bool:
    return proposal.state in EDITABLE_STATES


def shown(proposal: Proposal, found: list[ProposalEvidence] | None = None) -> list[Cited]:
    """The cited figures with the values to show (one query, and one per provider cited when
    the text is open)."""
    found = rows(proposal) if found is None else found
    cited = []
    for row in found:
        if _live(proposal):
            now = registry.find(g.tenant, row.key, row.item)
            if now is not None:
                cited.append(Cited(row, now.label, now.value, now.as_of, live=True))
                continue
            cited.append(Cited(row, row.label, row.value, row.as_of, live=False, missing=True))
        else:
            cited.append(Cited(row, row.label, row.value, row.as_of, live=False))
    return cited


def offered(proposal: Proposal) -> list[tuple[registry.FigureProvider, list[registry.Figure]]]:
    """What may be cited here: each provider that answers in the space, with its figures."""
    return [(p, registry.figures(g.tenant, p.key)) for p in registry.providers(g.tenant)]


def _check_open(proposal: Proposal) -> None:
    if not _live(proposal):
        raise ProposalError(
            _("The text is fixed from the endorsements on: organizations sign this text."),
            None,
            409,
        )


def _version(proposal: Proposal, actor, message: str):
    """A version of the proposal that also carries its cited figures as they now stand."""
    version = text.save_version(proposal, actor, message)
    version.snapshot = {
        **version.snapshot,
        "evidence": [
            {"key": c.row.key, "params": dict(c.row.params or {}), "label": c.label,
             "value": c.value, "as_of": c.as_of.isoformat()}
            for c in shown(proposal)
        ],
    }  # fmt: skip
    return version


def cite(proposal: Proposal, key: str, item: str, actor) -> ProposalEvidence:
    _check_open(proposal)
    figure = registry.find(g.tenant, key, item)
    if figure is None:
        raise ProposalError(_("This figure is not offered in this space."), "key", 404)
    existing = rows(proposal)
    if any(r.key == key and r.item == item for r in existing):
        raise ProposalError(_("The proposal already cites this figure."), "key", 409)
    if len(existing) >= MAX_FIGURES:
        raise ProposalError(
            _("A proposal cites at most %(max)d figures.", max=MAX_FIGURES), "key", 409
        )
    row = ProposalEvidence(
        proposal_id=proposal.id, key=key, params={"item": item}, label=figure.label[:300],
        value=figure.value, as_of=figure.as_of,
        position=max((r.position for r in existing), default=-1) + 1,
        created_by_id=getattr(actor, "id", None),
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    _version(proposal, actor, _("Cited a figure: %(label)s", label=figure.label)[:200])
    return row


def remove(proposal: Proposal, row: ProposalEvidence, actor) -> None:
    _check_open(proposal)
    label = row.label
    db.session.delete(row)
    db.session.flush()
    _version(proposal, actor, _("Removed a figure: %(label)s", label=label)[:200])


def store_current(proposal: Proposal) -> None:
    """Keep today's values in the rows (the text is closing: these are the figures signed)."""
    for row in rows(proposal):
        now = registry.find(g.tenant, row.key, row.item)
        if now is not None:
            row.label, row.value, row.as_of = now.label[:300], now.value, now.as_of


def after_move(proposal: Proposal, from_state: str, to: str, actor) -> None:
    """Called by workflow.move: store the figures when the text closes, freeze them into a
    version on submission."""
    if from_state in EDITABLE_STATES and to not in EDITABLE_STATES:
        store_current(proposal)
    if to == "submitted":
        found = rows(proposal)
        if not found:
            return
        version = _version(proposal, actor, _("Submitted: the cited figures are frozen"))
        for row in found:
            row.frozen_version = version.number
        db.session.flush()
