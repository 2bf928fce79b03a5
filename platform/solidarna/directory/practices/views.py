"""Good practices worth sharing, linked to the organizations behind them."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.directory.organizations import services
from solidarna.directory.practices import services as ps
from solidarna.directory.practices.forms import PracticeForm
from solidarna.directory.practices.models import Practice
from solidarna.directory.practices.permissions import (
    can_add_practice,
    can_edit_practice,
)
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("practices", __name__, url_prefix="/practices")


def load_practice(practice_id: int) -> Practice:
    """The practice if it exists in this tenant; 404 otherwise."""
    practice = db.session.get(Practice, practice_id)
    if practice is None:
        abort(404)
    return practice


@bp.get("/")
def index():
    filters = ps.PracticeFilters.from_args(request.args)
    page = ps.search_practices(filters)
    return render(
        "practices/index.html",
        block="results",
        filters=filters,
        page=page,
        facets=ps.practice_facets(filters),
        organizations=ps.practice_organizations([p.id for p in page.items]),
    )


@bp.get("/<int:practice_id>")
def detail(practice_id: int):
    practice = load_practice(practice_id)
    return render(
        "practices/detail.html",
        practice=practice,
        organizations=ps.practice_organizations([practice.id])[practice.id],
        can_edit=can_edit_practice(current_person(), practice),
    )


def _form_page(form, practice=None, status=200):
    return render("practices/form.html", form=form, practice=practice, status=status)


@bp.route("/new", methods=["GET", "POST"])
@require(can_add_practice)
def create():
    offered = services.listed_organizations()
    form = PracticeForm(tenant=g.tenant, organizations=offered)
    if form.validate_on_submit():
        try:
            practice = ps.create_practice(
                form.practice_data(),
                form.organization_ids(),
                {o.id for o in offered},
                current_person(),
            )
        except services.DirectoryError as error:
            form.municipality.errors = [*form.municipality.errors, str(error)]
            return _form_page(form, status=422)
        db.session.commit()
        flash(_("The good practice is saved."), "success")
        return redirect(url_for("practices.detail", practice_id=practice.id), 303)
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:practice_id>/edit", methods=["GET", "POST"])
@require(can_edit_practice, obj=load_practice)
def edit(practice: Practice):
    # Offer the verified organizations and those this editor may see among the linked ones;
    # links the editor cannot see are kept as they are.
    visible_linked = {o.id for o in ps.practice_organizations([practice.id])[practice.id]}
    offered = services.listed_organizations(visible_linked)
    form = PracticeForm(obj=practice, tenant=g.tenant, organizations=offered)
    if not form.is_submitted():
        form.fill_from(ps.linked_organization_ids(practice))
        form.municipality.data = practice.municipality or ""
    if form.validate_on_submit():
        try:
            changed = ps.update_practice(
                practice,
                form.practice_data(),
                form.organization_ids(),
                {o.id for o in offered},
                current_person(),
            )
        except services.DirectoryError as error:
            form.municipality.errors = [*form.municipality.errors, str(error)]
            return _form_page(form, practice, status=422)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("practices.detail", practice_id=practice.id), 303)
    return _form_page(form, practice, status=422 if form.errors else 200)


@bp.post("/<int:practice_id>/delete")
@require(can_edit_practice, obj=load_practice)
def delete(practice: Practice):
    ps.delete_practice(practice, current_person())
    db.session.commit()
    flash(_("The good practice is deleted."), "success")
    return redirect(url_for("practices.index"), 303)
