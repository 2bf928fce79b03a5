"""The authors of a proposal: the lead invites co-authors (members of the space, by e-mail
address), the invited accept or decline, a co-author leaves, and every author may say on
behalf of which organization they act."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from solidarna.core import representation
from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, is_member
from solidarna.core.rendering import render
from solidarna.core.urls import id_value, safe_next
from solidarna.extensions import db
from solidarna.proposals import coauthors
from solidarna.proposals.amendment_forms import ActForForm, InviteForm, InviteMemberForm
from solidarna.proposals.models import Proposal
from solidarna.proposals.permissions import can_invite_coauthors, is_author
from solidarna.proposals.text import TextError
from solidarna.proposals.views.common import load_proposal
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_authors", __name__, url_prefix="/proposals")


def _page(proposal: Proposal, invite_form=None, act_form=None, status=200):
    user = current_person()
    organizations = representation.organizations_represented_by(user)
    mine = next((r for r in coauthors.rows(proposal) if r.user_id == user.id), None)
    if act_form is None:
        act_form = ActForForm(organizations=organizations)
        if mine is not None and mine.organization_id:
            act_form.organization_id.data = str(mine.organization_id)
    pending = [r for r in coauthors.rows(proposal) if r.state == "invited"]
    return render(
        "proposals/authors.html",
        proposal=proposal,
        authors=coauthors.listing(proposal),
        pending=pending,
        rows=[r for r in coauthors.rows(proposal) if r.state in ("invited", "accepted")],
        invitation=coauthors.invitation_for(user, proposal),
        may_invite=can_invite_coauthors(user, proposal),
        is_author=is_author(user, proposal) and is_member(user),
        is_coauthor=mine is not None and mine.state == "accepted",
        invite_form=invite_form or InviteForm(),
        act_form=act_form,
        status=status,
    )


def _back(proposal: Proposal):
    return redirect(url_for("proposal_authors.index", proposal_id=proposal.id), 303)


@bp.get("/<int:proposal_id>/authors")
@login_required
def index(proposal_id: int):
    return _page(load_proposal(proposal_id))


@bp.post("/<int:proposal_id>/authors/invite")
@login_required
def invite(proposal_id: int):
    proposal = load_proposal(proposal_id)
    user = current_person()
    if not can_invite_coauthors(user, proposal):
        abort(403)
    form = InviteForm()
    if form.validate_on_submit():
        try:
            coauthors.invite(proposal, form.email.data, user, g.tenant)
        except TextError as error:
            form.email.errors = [*form.email.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The invitation is sent."), "success")
            return _back(proposal)
    return _page(proposal, invite_form=form, status=422)


@bp.post("/<int:proposal_id>/authors/invite-member")
@login_required
def invite_member(proposal_id: int):
    """ "Invite as co-author" beside a post in the proposal's discussion (core/subjects.py
    person_actions): the member named by `user_id`, then back to the discussion (`next`)."""
    proposal = load_proposal(proposal_id)
    user = current_person()
    if not can_invite_coauthors(user, proposal):
        abort(403)
    form = InviteMemberForm()
    if not form.validate_on_submit():
        return error_page(422, detail=_("Choose a member to invite."))
    try:
        row = coauthors.invite_member(proposal, id_value(form.user_id.data), user, g.tenant)
    except TextError as error:
        return error_page(error.status if error.status in (403, 409) else 409, detail=str(error))
    db.session.commit()
    flash(_("%(name)s is invited to co-author the proposal.", name=row.user.name), "success")
    back = url_for("proposal_authors.index", proposal_id=proposal.id)
    wanted = request.form.get("next", "")
    return redirect(safe_next(value=wanted) if wanted and safe_next(value=wanted) == wanted
                    else back, 303)  # fmt: skip


def _answer(proposal_id: int, accept: bool):
    proposal = load_proposal(proposal_id)
    user = current_person()
    if not is_member(user):
        abort(403)
    form = ActForForm(organizations=representation.organizations_represented_by(user))
    if not form.validate_on_submit():
        return _page(proposal, act_form=form, status=422)
    try:
        coauthors.answer(proposal, user, accept, form.organization() if accept else None)
    except TextError as error:
        return error_page(error.status if error.status in (403, 409) else 422, detail=str(error))
    db.session.commit()
    flash(_("You are now a co-author.") if accept else _("The invitation is declined."),
          "success")  # fmt: skip
    if accept or proposal.state != "draft":
        return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)
    return redirect(url_for("proposals.index"), 303)


@bp.post("/<int:proposal_id>/authors/accept")
@login_required
def accept(proposal_id: int):
    return _answer(proposal_id, True)


@bp.post("/<int:proposal_id>/authors/decline")
@login_required
def decline(proposal_id: int):
    return _answer(proposal_id, False)


@bp.post("/<int:proposal_id>/authors/leave")
@login_required
def leave(proposal_id: int):
    proposal = load_proposal(proposal_id)
    try:
        coauthors.leave(proposal, current_person())
    except TextError as error:
        return error_page(409, detail=str(error))
    db.session.commit()
    flash(_("You are no longer a co-author of this proposal."), "success")
    if proposal.state == "draft":
        return redirect(url_for("proposals.index"), 303)
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)


@bp.post("/<int:proposal_id>/authors/act-for")
@login_required
def act_for(proposal_id: int):
    proposal = load_proposal(proposal_id)
    user = current_person()
    if not (is_member(user) and is_author(user, proposal)):
        abort(403)
    form = ActForForm(organizations=representation.organizations_represented_by(user))
    if not form.validate_on_submit():
        return _page(proposal, act_form=form, status=422)
    try:
        changed = coauthors.act_for(proposal, user, form.organization())
    except TextError as error:
        return error_page(403, detail=str(error))
    db.session.commit()
    flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
    return _back(proposal)


@bp.post("/<int:proposal_id>/authors/<int:coauthor_id>/remove")
@login_required
def remove(proposal_id: int, coauthor_id: int):
    proposal = load_proposal(proposal_id)
    row = coauthors.find(proposal, coauthor_id)
    if row is None:
        abort(404)
    if not can_invite_coauthors(current_person(), proposal):
        abort(403)
    try:
        coauthors.remove(proposal, row, current_person())
    except TextError as error:
        return error_page(409, detail=str(error))
    db.session.commit()
    flash(_("%(name)s is no longer among the authors.", name=row.user.name), "success")
    return _back(proposal)
