"""Evidence from the map on a proposal's page (proposals/evidence.py): the authors cite a
figure of the space's ecosystem, or remove one, while the text is open."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.proposals import evidence
from solidarna.proposals.models import Proposal
from solidarna.proposals.permissions import can_author_proposal, text_is_open
from solidarna.proposals.text import TextError
from solidarna.proposals.views.common import load_proposal
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_evidence", __name__, url_prefix="/proposals")


@bp.app_context_processor
def evidence_globals() -> dict:
    """{{ cited_figures(proposal) }} on the proposal's page."""
    return {"cited_figures": evidence.shown}


def _closed(proposal: Proposal):
    if not text_is_open(current_person(), proposal):
        return error_page(
            409,
            detail=_("The text is fixed from the endorsements on: organizations sign this text."),
        )
    return None


def _page(proposal: Proposal, status: int = 200, problem: str | None = None):
    cited = {(c.row.key, c.row.item) for c in evidence.shown(proposal)}
    return render(
        "proposals/evidence.html", proposal=proposal, offered=evidence.offered(proposal),
        cited=cited, problem=problem, status=status,
    )  # fmt: skip


@bp.route("/<int:proposal_id>/evidence", methods=["GET", "POST"])
@require(can_author_proposal, obj=load_proposal)
def cite(proposal: Proposal):
    closed = _closed(proposal)
    if closed:
        return closed
    if request.method == "GET":
        return _page(proposal)
    key = (request.form.get("key") or "").strip()[:80]
    item = (request.form.get("item") or "").strip()[:200]
    if not key or not item:
        return _page(proposal, 422, _("Choose one of the offered figures."))
    try:
        evidence.cite(proposal, key, item, current_person())
    except TextError as error:
        status = 422 if error.status == 404 else error.status
        return _page(proposal, status, str(error))
    db.session.commit()
    flash(_("The figure is cited. It shows with its date."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#evidence", 303)


@bp.post("/<int:proposal_id>/evidence/<int:evidence_id>/remove")
@require(can_author_proposal, obj=load_proposal)
def remove(proposal: Proposal, evidence_id: int):
    row = db.session.get(evidence.ProposalEvidence, evidence_id)
    if row is None or row.proposal_id != proposal.id:
        abort(404)
    closed = _closed(proposal)
    if closed:
        return closed
    evidence.remove(proposal, row, current_person())
    db.session.commit()
    flash(_("The figure is removed."), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#evidence", 303)
