"""Moderation of the directory by the space's administrators: the queue, verifying,
rejecting, archiving and restoring entries, deciding representation requests, history."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.directory.organizations import services, suggestions
from solidarna.directory.organizations.forms import ModerationForm
from solidarna.directory.organizations.history import readable as history_lines
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationSuggestion,
    Representative,
)
from solidarna.directory.organizations.permissions import (
    can_edit_organization,
    can_moderate_directory,
)
from solidarna.directory.organizations.views.browse import load_entry, load_organization
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory_moderation", __name__, url_prefix="/directory")

MESSAGES = {
    "verify": _l("The entry is verified and public."),
    "reject": _l("The entry is rejected."),
    "archive": _l("The entry is archived."),
    "restore": _l("The entry is back in the queue."),
}


def load_request(organization_id: int, representative_id: int) -> Representative:
    """A request to represent (or a representation) of an entry of this space; 404 otherwise."""
    org = load_entry(organization_id)
    rep = db.session.get(Representative, representative_id)
    if rep is None or rep.organization_id != org.id:
        abort(404)
    return rep


def load_suggestion(suggestion_id: int) -> OrganizationSuggestion:
    """A proposed change of an entry of this space; 404 otherwise."""
    suggestion = db.session.get(OrganizationSuggestion, suggestion_id)
    if suggestion is None:
        abort(404)
    return suggestion


@bp.get("/moderation")
@require(can_moderate_directory)
def queue():
    pending = db.session.scalars(
        select(Organization)
        .where(Organization.moderation == "pending")
        .order_by(Organization.created_at)
    ).all()
    claims = db.session.scalars(
        select(Representative)
        .where(Representative.status == "pending")
        .order_by(Representative.created_at)
    ).all()
    proposals = [(s, suggestions.table(s, g.tenant)) for s in suggestions.pending()]
    return render(
        "directory/moderation.html",
        pending=pending,
        claims=claims,
        proposals=proposals,
        form=ModerationForm(formdata=None),
    )


@bp.post("/<int:organization_id>/moderate")
@require(can_moderate_directory, obj=load_entry)
def moderate(org: Organization):
    form = ModerationForm()
    if not form.validate():
        return render(
            "errors/error.html",
            code=422,
            title=_("Bad request"),
            message=_("Choose one of the offered actions."),
            status=422,
        )
    try:
        services.moderate(org, form.action.data, current_person(), form.note.data or "")
    except services.DirectoryError as error:
        flash(str(error), "warning")
        return redirect(org.url, 303)
    db.session.commit()
    flash(str(MESSAGES[form.action.data]), "success")
    target = request.form.get("next") == "queue"
    return redirect(
        url_for("directory_moderation.queue") if target else org.url,
        303,
    )


@bp.post(
    "/<int:organization_id>/representatives/<int:representative_id>/<any(accept, reject):decision>"
)
@require(can_moderate_directory, obj=load_request)
def decide(rep: Representative, decision: str):
    try:
        services.decide_representative(rep, decision == "accept", current_person())
    except services.DirectoryError as error:
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(
            _("The representative is accepted.")
            if decision == "accept"
            else _("The request is rejected."),
            "success",
        )
    return redirect(url_for("directory_moderation.queue"), 303)


def _bad_decision(message):
    return render(
        "errors/error.html",
        code=422,
        title=_("Bad request"),
        message=message,
        status=422,
    )


@bp.post("/suggestions/<int:suggestion_id>")
@require(can_moderate_directory, obj=load_suggestion)
def decide_suggestion(suggestion: OrganizationSuggestion):
    """Accept all the proposed fields, the ticked ones, or reject the proposal."""
    action = request.form.get("action")
    note = (request.form.get("note") or "").strip()
    if action not in ("accept_all", "accept", "reject"):
        return _bad_decision(_("Choose one of the offered actions."))
    if len(note) > 2000:
        return _bad_decision(_("The note may have at most 2000 characters."))
    if suggestion.status != "pending":
        flash(_("This proposal has already been decided."), "warning")
        return redirect(url_for("directory_moderation.queue"), 303)
    chosen = None if action == "accept_all" else request.form.getlist("field")
    if action == "accept" and (
        not chosen or any(key not in (suggestion.fields or {}) for key in chosen)
    ):
        return _bad_decision(_("Tick at least one of the proposed fields."))
    try:
        if action == "reject":
            suggestions.reject(suggestion, current_person(), note)
        else:
            suggestions.accept(suggestion, current_person(), chosen, note)
    except services.DirectoryError as error:
        flash(str(error), "warning")
        return redirect(url_for("directory_moderation.queue"), 303)
    db.session.commit()
    flash(
        _("The proposed changes are rejected.")
        if action == "reject"
        else _("The proposed changes are applied to the entry."),
        "success",
    )
    return redirect(url_for("directory_moderation.queue"), 303)


@bp.get("/<int:organization_id>/history")
@require(can_edit_organization, obj=load_organization)
def history(org: Organization):
    return render(
        "directory/history.html",
        org=org,
        revisions=history_lines(services.history(org), g.tenant),
    )
