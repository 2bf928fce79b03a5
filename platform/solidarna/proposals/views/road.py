"""The road of a proposal: moving it between states (each with its named permission; a move
the table does not have answers 409 with the reason), endorsements on behalf of organizations
and the members' own support."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.proposals import endorsements, following, services, workflow
from solidarna.proposals.forms import EndorseForm, MoveForm
from solidarna.proposals.models import ENDORSING_STATES, STATES, Endorsement, Proposal
from solidarna.proposals.permissions import (
    TRANSITIONS,
    can_endorse,
    can_follow_proposal,
    can_support_proposal,
)
from solidarna.proposals.text import TextError
from solidarna.proposals.views.common import load_proposal, show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_road", __name__, url_prefix="/proposals")


def _detail(proposal: Proposal, anchor: str = ""):
    return redirect(url_for("proposals.detail", proposal_id=proposal.id) + anchor, 303)


@bp.route("/<int:proposal_id>/move/<state>", methods=["GET", "POST"])
@login_required
def move(proposal_id: int, state: str):
    proposal = load_proposal(proposal_id)
    user = current_person()
    if state not in STATES:
        abort(404)
    try:
        workflow.check_move(proposal, state)
    except TextError as error:
        return error_page(409, detail=str(error))
    if not TRANSITIONS[(proposal.state, state)](user, proposal):
        abort(403)
    form = MoveForm(institutions=services.institutions())
    if not form.is_submitted() and state == "submitted" and proposal.institution_id:
        form.institution_id.data = str(proposal.institution_id)
    if form.validate_on_submit():
        try:
            workflow.move(proposal, state, form.data_dict(), user)
        except TextError as error:
            page = show_error(form, error, "note")
            if page is not None:
                return page
        else:
            db.session.commit()
            flash(_("The proposal is now “%(state)s”.", state=STATES[state]), "success")
            return _detail(proposal, "#timeline")
    return render(
        "proposals/move.html", form=form, proposal=proposal, state=state,
        status=422 if form.errors else 200,
    )  # fmt: skip


@bp.post("/<int:proposal_id>/endorse")
@require(can_endorse)
def endorse(proposal_id: int):
    proposal = load_proposal(proposal_id)
    user = current_person()
    organizations = endorsements.endorsable_organizations(user, proposal)
    form = EndorseForm(organizations=organizations)
    if not form.validate_on_submit():
        if not organizations:
            return error_page(
                409, detail=_("You represent no organization that can endorse this proposal now.")
            )
        return render("proposals/endorse.html", form=form, proposal=proposal, status=422)
    try:
        endorsements.endorse(
            proposal, int(form.organization_id.data), form.kind.data, form.comment.data or "", user
        )
    except TextError as error:
        page = show_error(form, error, "organization_id")
        return page or render("proposals/endorse.html", form=form, proposal=proposal, status=422)
    db.session.commit()
    flash(_("The endorsement is recorded. Thank you."), "success")
    return _detail(proposal, "#endorsements")


@bp.post("/<int:proposal_id>/endorsements/<int:endorsement_id>/withdraw")
@require(can_endorse)
def withdraw(proposal_id: int, endorsement_id: int):
    proposal = load_proposal(proposal_id)
    endorsement = db.session.get(Endorsement, endorsement_id)
    if endorsement is None or endorsement.proposal_id != proposal.id:
        abort(404)
    user = current_person()
    if proposal.state not in ENDORSING_STATES:
        return error_page(
            409, detail=_("An endorsement can be withdrawn only until the proposal is submitted.")
        )
    if not endorsements.may_withdraw(user, endorsement, proposal):
        abort(403)
    endorsements.withdraw(proposal, endorsement, user)
    db.session.commit()
    flash(_("The endorsement is withdrawn."), "success")
    return _detail(proposal, "#endorsements")


@bp.post("/<int:proposal_id>/support")
@require(can_endorse)
def support(proposal_id: int):
    proposal = load_proposal(proposal_id)
    user = current_person()
    if not can_support_proposal(user, proposal):
        return error_page(
            409, detail=_("Members support a proposal from its consultation until it is submitted.")
        )
    now = endorsements.toggle_support(proposal, user)
    db.session.commit()
    flash(_("Your support is counted.") if now else _("Your support is taken back."), "success")
    return _detail(proposal, "#endorsements")


@bp.post("/<int:proposal_id>/follow")
@require(can_follow_proposal)
def follow(proposal_id: int):
    """Follow (follow=1) or stop following (follow=0) the proposal's road."""
    proposal = load_proposal(proposal_id)
    wanted = request.form.get("follow", "")
    if wanted not in ("0", "1"):
        return error_page(400, detail=_("Choose whether to follow the proposal."))
    now = following.set_following(current_person(), proposal, wanted == "1")
    db.session.commit()
    flash(
        _("You follow this proposal: you will hear of every move on its road.")
        if now else _("You no longer follow this proposal."),
        "success",
    )  # fmt: skip
    return _detail(proposal, "#timeline")
