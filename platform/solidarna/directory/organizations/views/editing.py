"""Adding, editing, claiming and confirming directory entries."""

from __future__ import annotations

from flask import flash, g, redirect
from flask_babel import gettext as _

from solidarna.core.identifiers import clean, mb_warning
from solidarna.core.permissions import current_person, is_member, require
from solidarna.core.rendering import render
from solidarna.directory.organizations import services
from solidarna.directory.organizations.forms import ClaimForm, OrganizationForm
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.permissions import (
    can_add_organization,
    can_edit_organization,
)
from solidarna.directory.organizations.views.browse import load_organization
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory_edit", __name__, url_prefix="/directory")


def _form_page(form, org=None, duplicates=(), warnings=(), status=200):
    return render(
        "directory/form.html",
        form=form,
        org=org,
        duplicates=duplicates,
        warnings=warnings,
        status=status,
    )


def _checks(form, exclude_id=None):
    """Duplicates and warnings the person must see before saving; a shared PIB blocks."""
    duplicates = services.find_duplicates(
        form.name.data, form.municipality.data, form.pib.data, form.mb.data, exclude_id=exclude_id
    )
    same_pib = [o for o in duplicates if clean(form.pib.data) and o.pib == clean(form.pib.data)]
    if same_pib:
        form.pib.errors = [
            *form.pib.errors,
            _("An entry with this PIB already exists. Open it and ask to represent it instead."),
        ]
    warnings = [w for w in [mb_warning(form.mb.data)] if w]
    return duplicates, same_pib, warnings


@bp.route("/new", methods=["GET", "POST"])
@require(can_add_organization)
def create():
    form = OrganizationForm(tenant=g.tenant)
    if form.validate_on_submit():
        duplicates, same_pib, warnings = _checks(form)
        if same_pib:
            return _form_page(form, duplicates=duplicates, status=409)
        if (duplicates or warnings) and form.confirm_duplicate.data != "1":
            form.confirm_duplicate.data = "1"
            return _form_page(form, duplicates=duplicates, warnings=warnings, status=409)
        data, tags = form.entry_data()
        office = services.viewer_level() == "admins"
        try:
            org = services.create_organization(
                data,
                tags,
                current_person(),
                source="office" if office else "self_reported",
                moderation="verified" if office else "pending",
            )
        except services.DirectoryError as error:
            form.municipality.errors = [*form.municipality.errors, str(error)]
            return _form_page(form, status=422)
        if not office:
            services.add_representative(org, current_person(), status="active")
        db.session.commit()
        flash(
            _("The entry is saved.")
            if office
            else _(
                "Thank you. The entry is saved and waits for the office to verify it; you can edit it meanwhile."
            ),
            "success",
        )
        return redirect(org.url, 303)
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@require(can_edit_organization, obj=load_organization)
def edit(org: Organization):
    form = OrganizationForm(obj=org, tenant=g.tenant)
    if not form.is_submitted():
        form.fill_from(org)
    if form.validate_on_submit():
        duplicates, same_pib, warnings = _checks(form, exclude_id=org.id)
        if same_pib:
            return _form_page(form, org, duplicates=duplicates, status=409)
        if (
            warnings
            and form.confirm_duplicate.data != "1"
            and clean(form.mb.data) != (org.mb or "")
        ):
            form.confirm_duplicate.data = "1"
            return _form_page(form, org, warnings=warnings, status=409)
        data, tags = form.entry_data()
        try:
            changes = services.update_organization(org, data, tags, current_person())
        except services.DirectoryError as error:
            form.municipality.errors = [*form.municipality.errors, str(error)]
            return _form_page(form, org, status=422)
        db.session.commit()
        flash(_("The changes are saved.") if changes else _("Nothing was changed."), "success")
        return redirect(org.url, 303)
    return _form_page(form, org, status=422 if form.errors else 200)


@bp.post("/<int:organization_id>/confirm")
@require(can_edit_organization, obj=load_organization)
def confirm(org: Organization):
    services.confirm(org, current_person())
    db.session.commit()
    flash(_("Thank you: the entry is confirmed as up to date."), "success")
    return redirect(org.url, 303)


@bp.route("/<int:organization_id>/claim", methods=["GET", "POST"])
@require(is_member, obj=load_organization)
def claim(org: Organization):
    form = ClaimForm()
    if form.validate_on_submit():
        try:
            services.add_representative(
                org, current_person(), status="pending", message=form.message.data
            )
        except services.DirectoryError as error:
            form.message.errors = [*form.message.errors, str(error)]
            return render("directory/claim.html", org=org, form=form, status=409)
        db.session.commit()
        flash(
            _(
                "Your request is sent; the office will confirm that you represent this organization."
            ),
            "success",
        )
        return redirect(org.url, 303)
    return render(
        "directory/claim.html",
        org=org,
        form=form,
        status=422 if form.errors else 200,
    )
