"""The partner space's side of partner spaces: its admins see the invitations other spaces sent
it and the objects shared with it, and accept or decline (`/<slug>/admin/partnerships`)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.tenants import partnerships
from solidarna.tenants.forms import PartnershipAnswerForm
from solidarna.tenants.models import PARTNERSHIP_STATUSES
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("tenant_partnerships", __name__, url_prefix="/admin/partnerships")


def _received(partnership_id: int):
    row = partnerships.get_received(partnership_id)
    if row is None:
        abort(404)
    return row


@bp.get("/")
@require("can_manage_members")
def index():
    rows = partnerships.for_partner(("invited", "accepted", "declined"))
    return render(
        "tenants/admin/partnerships.html",
        rows=rows,
        subjects={r.subject_type: partnerships.subject(r.subject_type) for r in rows},
        statuses=PARTNERSHIP_STATUSES,
        form=PartnershipAnswerForm(formdata=None),
    )


@bp.post("/<int:partnership_id>/answer")
@require("can_manage_members")
def answer(partnership_id: int):
    row = _received(partnership_id)
    form = PartnershipAnswerForm()
    if not form.validate_on_submit():
        return error_page(422, detail=_("Choose to accept or to decline."))
    accept = form.answer.data == "accept"
    try:
        partnerships.answer(row, accept, current_person())
    except partnerships.PartnershipError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    if accept:
        flash(_("You are now a partner of %(space)s.", space=row.owner.name), "success")
    else:
        flash(_("The invitation is declined."), "success")
    return redirect(url_for("tenant_partnerships.index"), 303)
