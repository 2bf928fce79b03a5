"""Starting a proposal from one of the space's templates (the kit's
`[[starter.proposal_templates]]`, proposals/kit.py): the create page offers them; this page
shows what a template holds and makes the draft from it."""

from __future__ import annotations

from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _

from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.proposals import kit, services, text
from solidarna.proposals.forms import ProposalForm
from solidarna.proposals.permissions import can_draft_proposal
from solidarna.proposals.views.common import show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_templates", __name__, url_prefix="/proposals")


@bp.app_context_processor
def template_offer() -> dict:
    """{{ proposal_templates() }} on the create page: the space's starting texts."""

    def offered() -> list[dict]:
        tenant = g.get("tenant")
        return kit.templates(tenant) if tenant is not None else []

    return {"proposal_templates": offered}


@bp.route("/new/template/<name>", methods=["GET", "POST"])
@require(can_draft_proposal)
def from_template(name: str):
    template = kit.find(g.tenant, name)
    if template is None:
        abort(404)
    form = ProposalForm(institutions=services.institutions())
    if not form.is_submitted():
        form.title.data = template["title"]
        form.kind.data = template["kind"]
        form.level.data = template.get("level", "local")
    status = 200
    if form.validate_on_submit():
        try:
            proposal = kit.create_from_template(template, form.data_dict(), current_person())
        except text.TextError as error:
            page = show_error(form, error, "title")
            if page is not None:
                return page
            status = 422
        else:
            db.session.commit()
            flash(_("The draft starts from the template. Adapt its text to your place."), "success")
            return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)
    elif form.errors:
        status = 422
    parts = template.get("parts", [])
    return render(
        "proposals/from_template.html", form=form, starting=template, status=status,
        nodes=text.number([
            text.Node(str(i), str(p) if p is not None else None, part["kind"],
                      part.get("heading", ""), part.get("body", ""))
            for i, (part, p) in enumerate(zip(parts, kit.place_parts(parts), strict=True))
        ]),
    )  # fmt: skip
