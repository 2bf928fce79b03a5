"""Amendments to a proposal in consultation: the numbered sheet (readable without JavaScript
and in print), one amendment, proposing one (a draft, then submitted), and deciding it, with
the conflict page when the text changed since the amendment's base version."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.proposals import amendments, text
from solidarna.proposals.amendment_forms import AmendmentForm, DecisionForm, DraftAmendmentForm
from solidarna.proposals.amendments import NOT_IN_CONSULTATION, Amendment
from solidarna.proposals.models import SECTIONS, Proposal
from solidarna.proposals.permissions import (
    amendments_open,
    can_amend,
    can_decide_amendment,
    can_promote_amendment,
    can_see_amendment,
    can_withdraw_amendment,
)
from solidarna.proposals.text import TextError
from solidarna.proposals.views.common import load_proposal
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_amendments", __name__, url_prefix="/proposals")


def _load(proposal_id: int, amendment_id: int) -> tuple[Proposal, Amendment]:
    proposal = load_proposal(proposal_id)
    amendment = amendments.find(proposal, amendment_id)
    if amendment is None or not can_see_amendment(current_person(), amendment):
        abort(404)
    return proposal, amendment


def _closed():
    return error_page(409, detail=str(NOT_IN_CONSULTATION))


def _show(amendment: Amendment):
    return redirect(
        url_for("proposal_amendments.show", proposal_id=amendment.proposal_id,
                amendment_id=amendment.id), 303,
    )  # fmt: skip


@bp.get("/<int:proposal_id>/amendments/")
def sheet(proposal_id: int):
    proposal = load_proposal(proposal_id)
    user = current_person()
    return render(
        "proposals/amendments.html",
        proposal=proposal,
        items=amendments.sheet(proposal),
        drafts=amendments.drafts_of(proposal, user),
        labels=amendments.labels(proposal),
        may_amend=can_amend(user, proposal),
    )


@bp.route("/<int:proposal_id>/amendments/new", methods=["GET", "POST"])
@login_required
def create(proposal_id: int):
    proposal = load_proposal(proposal_id)
    user = current_person()
    if not amendments_open(user, proposal):
        return _closed()
    if not can_amend(user, proposal):
        abort(403)
    form = AmendmentForm(targets=amendments.targets(proposal))
    if not form.is_submitted():
        form.target.data = request.args.get("target", "")[:40]
        if request.args.get("kind") in amendments.AMENDMENT_KINDS:
            form.kind.data = request.args["kind"]
        if form.kind.data == "change" and form.target.data:
            # start from the current text: the amender edits it rather than retyping it
            if form.target.data.startswith("section:"):
                name = form.target.data.split(":", 1)[1]
                form.body.data = getattr(proposal, name, "") if name in SECTIONS else ""
            else:
                part = text.find_part(proposal, form.target.data[:12])
                if part is not None:
                    form.heading.data, form.body.data = part.heading, part.body
    if form.validate_on_submit():
        try:
            amendment = amendments.create(proposal, user, form.data_dict())
            if request.form.get("action") == "open":
                amendments.open_(amendment, user)
        except TextError as error:
            if error.status in (403, 404, 409):
                return error_page(error.status, detail=str(error))
            field = getattr(form, error.field or "body", form.body)
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(
                _("%(amendment)s is submitted; the authors are told.", amendment=amendment.title)
                if amendment.state == "open"
                else _("The draft amendment is saved. Submit it when it is ready."),
                "success",
            )
            return _show(amendment)
    return render(
        "proposals/amendment_form.html", form=form, proposal=proposal, amendment=None,
        status=422 if form.errors else 200,
    )  # fmt: skip


@bp.get("/<int:proposal_id>/amendments/<int:amendment_id>")
def show(proposal_id: int, amendment_id: int):
    proposal, amendment = _load(proposal_id, amendment_id)
    user = current_person()
    found = amendments.target(amendment, proposal)
    return render(
        "proposals/amendment.html",
        proposal=proposal,
        amendment=amendment,
        target=found,
        diff=amendments.proposed_diff(amendment),
        conflict=amendments.conflict(amendment, proposal) if amendment.is_open else None,
        may_decide=amendment.is_open and can_decide_amendment(user, proposal),
        may_withdraw=amendment.state in ("draft", "open")
        and can_withdraw_amendment(user, amendment),
        may_promote=amendment.state == "rejected" and can_promote_amendment(user, amendment),
    )


def _own(proposal_id: int, amendment_id: int):
    proposal, amendment = _load(proposal_id, amendment_id)
    if not can_withdraw_amendment(current_person(), amendment):
        abort(403)
    return proposal, amendment


@bp.route("/<int:proposal_id>/amendments/<int:amendment_id>/edit", methods=["GET", "POST"])
@login_required
def edit(proposal_id: int, amendment_id: int):
    proposal, amendment = _own(proposal_id, amendment_id)
    if amendment.state != "draft":
        return error_page(409, detail=_("Only a draft amendment can be changed."))
    if not amendments_open(current_person(), proposal):
        return _closed()
    form = DraftAmendmentForm(obj=amendment)
    if form.validate_on_submit():
        try:
            amendments.update_draft(amendment, form.data_dict())
            if request.form.get("action") == "open":
                amendments.open_(amendment, current_person())
        except TextError as error:
            if error.status == 409:
                return error_page(409, detail=str(error))
            field = getattr(form, error.field or "body", form.body)
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The amendment is saved."), "success")
            return _show(amendment)
    return render(
        "proposals/amendment_form.html", form=form, proposal=proposal, amendment=amendment,
        target=amendments.target(amendment, proposal), status=422 if form.errors else 200,
    )  # fmt: skip


@bp.post("/<int:proposal_id>/amendments/<int:amendment_id>/open")
@login_required
def open_(proposal_id: int, amendment_id: int):
    _proposal, amendment = _own(proposal_id, amendment_id)
    try:
        amendments.open_(amendment, current_person())
    except TextError as error:
        return error_page(409, detail=str(error))
    db.session.commit()
    flash(_("%(amendment)s is submitted; the authors are told.", amendment=amendment.title),
          "success")  # fmt: skip
    return _show(amendment)


@bp.post("/<int:proposal_id>/amendments/<int:amendment_id>/withdraw")
@login_required
def withdraw(proposal_id: int, amendment_id: int):
    _proposal, amendment = _own(proposal_id, amendment_id)
    try:
        amendments.withdraw(amendment, current_person())
    except TextError as error:
        return error_page(409, detail=str(error))
    db.session.commit()
    flash(_("The amendment is withdrawn."), "success")
    if amendment.number is None:
        return redirect(url_for("proposal_amendments.sheet", proposal_id=amendment.proposal_id),
                        303)  # fmt: skip
    return _show(amendment)


@bp.route("/<int:proposal_id>/amendments/<int:amendment_id>/decide", methods=["GET", "POST"])
@login_required
def decide(proposal_id: int, amendment_id: int):
    proposal, amendment = _load(proposal_id, amendment_id)
    user = current_person()
    if not amendments_open(user, proposal):
        return _closed()
    if not can_decide_amendment(user, proposal):
        abort(403)
    if amendment.state != "open":
        return error_page(409, detail=_("Only an open amendment can be decided."))
    form = DecisionForm()
    conflict = amendments.conflict(amendment, proposal)
    status = 200
    if form.validate_on_submit():
        try:
            if form.decision.data == "reject":
                amendments.reject(amendment, user, form.reason.data)
            else:
                # "Apply anyway" counts only for the version the author saw the conflict on
                seen = form.seen_version.data == str(proposal.version_count)
                amendments.accept(amendment, user, anyway=form.anyway.data == "1" and seen)
        except TextError as error:
            if error.status == 409:
                status = 409  # the conflict page: both diffs, the author decides
            else:
                form.reason.errors = [*form.reason.errors, str(error)]
        else:
            db.session.commit()
            if amendment.state == "accepted":
                flash(_("%(amendment)s is applied as version %(version)d.",
                        amendment=amendment.title, version=amendment.applied_version),
                      "success")  # fmt: skip
            else:
                flash(_("%(amendment)s is rejected.", amendment=amendment.title), "success")
            return _show(amendment)
    form.seen_version.data = str(proposal.version_count)
    return render(
        "proposals/amendment_decide.html", form=form, proposal=proposal, amendment=amendment,
        target=amendments.target(amendment, proposal), conflict=conflict,
        diff=amendments.proposed_diff(amendment),
        status=status if status != 200 else (422 if form.errors else 200),
    )  # fmt: skip


@bp.post("/<int:proposal_id>/amendments/<int:amendment_id>/promote")
@login_required
def promote(proposal_id: int, amendment_id: int):
    _proposal, amendment = _load(proposal_id, amendment_id)
    if not can_promote_amendment(current_person(), amendment):
        abort(403)
    try:
        new = amendments.promote(amendment, current_person())
    except TextError as error:
        return error_page(409, detail=str(error))
    db.session.commit()
    flash(_("The amendment is now a draft proposal of its own."), "success")
    return redirect(url_for("proposals.detail", proposal_id=new.id), 303)
