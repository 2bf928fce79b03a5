"""The parts of a proposal's text: add, edit (in place with htmx, or as a plain form), delete
and move. Every change is a version; numbers follow from the places."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render, wants_fragment
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.forms import EditPartForm, PartForm
from solidarna.proposals.models import PART_KINDS, Proposal
from solidarna.proposals.permissions import can_author_proposal, text_is_open
from solidarna.proposals.views.common import load_proposal
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_text", __name__, url_prefix="/proposals")


def _open_or_409(proposal: Proposal):
    if not text_is_open(current_person(), proposal):
        return error_page(
            409,
            detail=_("The text is fixed from the endorsements on: organizations sign this text."),
        )
    return None


def _part_or_404(proposal: Proposal, code: str | None):
    if not code:
        return None
    part = text.find_part(proposal, code[:12])
    if part is None:
        abort(404)
    return part


def _anchor(proposal: Proposal, code: str | None) -> str:
    return url_for("proposals.detail", proposal_id=proposal.id) + (
        f"#part-{code}" if code else "#text"
    )


def _node(proposal: Proposal, code: str):
    return next(n for n in text.tree(text.live_parts(proposal)) if n.code == code)


@bp.route("/<int:proposal_id>/parts/new", methods=["GET", "POST"])
@require(can_author_proposal, obj=load_proposal)
def add(proposal: Proposal):
    closed = _open_or_409(proposal)
    if closed:
        return closed
    form = PartForm()
    if not form.is_submitted():
        form.parent.data = request.args.get("parent", "")[:12]
        form.after.data = request.args.get("after", "")[:12]
        if request.args.get("kind") in PART_KINDS:
            form.kind.data = request.args["kind"]
    parent = _part_or_404(proposal, form.parent.data)
    after = _part_or_404(proposal, form.after.data)
    if form.validate_on_submit():
        try:
            part = text.add_part(
                proposal, form.kind.data, (form.heading.data or "").strip(), (form.body.data or "").strip(),
                parent, after,
            )  # fmt: skip
            label = _node(proposal, part.code).label
            text.save_version(
                proposal, current_person(), form.message.data or _("Added %(part)s", part=label)
            )
        except text.TextError as error:
            if error.status == 409:
                return error_page(409, detail=str(error))
            form.kind.errors = [*form.kind.errors, str(error)]
        else:
            db.session.commit()
            flash(_("%(part)s is added.", part=label), "success")
            return redirect(_anchor(proposal, part.code), 303)
    parent_node = _node(proposal, parent.code) if parent else None
    return render(
        "proposals/part_form.html", form=form, proposal=proposal, part=None,
        parent_node=parent_node, status=422 if form.errors else 200,
    )  # fmt: skip


@bp.route("/<int:proposal_id>/parts/<part_code>/edit", methods=["GET", "POST"])
@require(can_author_proposal, obj=load_proposal)
def edit(proposal: Proposal, part_code: str):
    closed = _open_or_409(proposal)
    if closed:
        return closed
    part = _part_or_404(proposal, part_code)
    form = EditPartForm(obj=part, part=part)
    if form.validate_on_submit():
        label = _node(proposal, part.code).label
        if text.edit_part(part, (form.heading.data or "").strip(), (form.body.data or "").strip()):
            text.save_version(
                proposal, current_person(), form.message.data or _("Changed %(part)s", part=label)
            )
            db.session.commit()
        if wants_fragment():
            return render(
                "proposals/part_form.html", block="saved", proposal=proposal,
                node=_node(proposal, part.code), can_edit=True,
            )  # fmt: skip
        flash(_("%(part)s is saved.", part=label), "success")
        return redirect(_anchor(proposal, part.code), 303)
    return render(
        "proposals/part_form.html", block="inline", form=form, proposal=proposal, part=part,
        node=_node(proposal, part.code), status=422 if form.errors else 200,
    )  # fmt: skip


@bp.post("/<int:proposal_id>/parts/<part_code>/delete")
@require(can_author_proposal, obj=load_proposal)
def delete(proposal: Proposal, part_code: str):
    closed = _open_or_409(proposal)
    if closed:
        return closed
    part = _part_or_404(proposal, part_code)
    label = _node(proposal, part.code).label
    text.delete_part(proposal, part)
    text.save_version(proposal, current_person(), _("Deleted %(part)s", part=label))
    db.session.commit()
    flash(_("%(part)s is deleted; the parts after it are renumbered.", part=label), "success")
    return redirect(_anchor(proposal, None), 303)


@bp.post("/<int:proposal_id>/parts/<part_code>/move")
@require(can_author_proposal, obj=load_proposal)
def move(proposal: Proposal, part_code: str):
    closed = _open_or_409(proposal)
    if closed:
        return closed
    part = _part_or_404(proposal, part_code)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        return error_page(400, detail=_("Choose up or down."))
    label = _node(proposal, part.code).label
    if text.move_part(proposal, part, direction):
        text.save_version(proposal, current_person(), _("Moved %(part)s", part=label))
        db.session.commit()
        flash(_("The part is moved; the numbers follow its new place."), "success")
    else:
        flash(_("The part is already at the edge of its place."), "info")
    return redirect(_anchor(proposal, part.code), 303)
