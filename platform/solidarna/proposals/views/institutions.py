"""The institutions a space addresses its proposals to, kept by its admins."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.proposals import services
from solidarna.proposals.forms import InstitutionForm
from solidarna.proposals.models import Institution
from solidarna.proposals.permissions import can_manage_institutions
from solidarna.proposals.text import TextError
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_institutions", __name__, url_prefix="/proposals/institutions")


def load_institution(institution_id: int) -> Institution:
    institution = db.session.get(Institution, institution_id)
    if institution is None:
        abort(404)
    return institution


@bp.route("/", methods=["GET", "POST"])
@require(can_manage_institutions)
def index():
    form = InstitutionForm()
    if form.validate_on_submit():
        try:
            services.add_institution(form.name.data.strip(), form.level.data, current_person())
        except TextError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The institution is added."), "success")
            return redirect(url_for("proposal_institutions.index"), 303)
    return render(
        "proposals/institutions.html", form=form, institutions=services.institutions(),
        status=422 if form.errors else 200,
    )  # fmt: skip


@bp.route("/<int:institution_id>/edit", methods=["GET", "POST"])
@require(can_manage_institutions)
def edit(institution_id: int):
    institution = load_institution(institution_id)
    form = InstitutionForm(obj=institution)
    if form.validate_on_submit():
        try:
            changed = services.change_institution(
                institution, form.name.data.strip(), form.level.data, current_person()
            )
        except TextError as error:
            form.name.errors = [*form.name.errors, str(error)]
        else:
            db.session.commit()
            flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("proposal_institutions.index"), 303)
    return render(
        "proposals/institution_form.html", form=form, institution=institution,
        status=422 if form.errors else 200,
    )  # fmt: skip


@bp.post("/<int:institution_id>/delete")
@require(can_manage_institutions)
def delete(institution_id: int):
    institution = load_institution(institution_id)
    try:
        services.remove_institution(institution, current_person())
    except TextError as error:
        return error_page(error.status, detail=str(error))
    db.session.commit()
    flash(_("The institution is removed."), "success")
    return redirect(url_for("proposal_institutions.index"), 303)
