"""Local community resources: premises, land, equipment, funding programmes, services and
expertise that the social economy can use. A list with filters and search, detail pages,
and adding, editing and deleting by members."""

from __future__ import annotations

from functools import partial

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from solidarna.core.maps import by_municipality, geojson_response, overview, render_map_page
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.directory.organizations import services
from solidarna.directory.resources import services as rs
from solidarna.directory.resources.forms import ResourceForm
from solidarna.directory.resources.models import Resource
from solidarna.directory.resources.permissions import (
    can_add_resource,
    can_edit_resource,
)
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("resources", __name__, url_prefix="/resources")
# The map has its own blueprint (its own endpoint names, resources_map.*).
map_bp = TenantBlueprint("resources_map", __name__, url_prefix="/resources")


def load_resource(resource_id: int) -> Resource:
    """The resource if it exists in this tenant; 404 otherwise."""
    resource = db.session.get(Resource, resource_id)
    if resource is None:
        abort(404)
    return resource


def _owner(level: str, own: set[int], resource: Resource):
    """(organization the viewer may open or None, the owner's name to show)."""
    org = resource.owner_organization
    if org is not None and services.is_visible(org, level, own):
        return org, org.name
    return None, resource.owner_name


@bp.get("/")
def index():
    filters = rs.ResourceFilters.from_args(request.args)
    level = services.viewer_level()
    own = services.represented_ids()
    return render(
        "resources/index.html",
        block="results",
        filters=filters,
        page=rs.search_resources(filters),
        facets=rs.resource_facets(filters),
        hidden_expired=rs.hidden_expired_count(filters),
        owner_of=partial(_owner, level, own),
        is_expired=rs.is_expired,
        today=rs.today(),
    )


@bp.get("/<int:resource_id>")
def detail(resource_id: int):
    resource = load_resource(resource_id)
    level = services.viewer_level()
    owner_org, owner_label = _owner(level, services.represented_ids(), resource)
    return render(
        "resources/detail.html",
        resource=resource,
        owner_org=owner_org,
        owner_label=owner_label,
        expired=rs.is_expired(resource),
        can_edit=can_edit_resource(current_person(), resource),
    )


def _show_error(form, error: services.DirectoryError) -> None:
    target = getattr(form, error.field or "owner_organization_id", form.owner_organization_id)
    target.errors = [*target.errors, str(error)]


def _form_page(form, resource=None, status=200):
    return render("resources/form.html", form=form, resource=resource, status=status)


@bp.route("/new", methods=["GET", "POST"])
@require(can_add_resource)
def create():
    form = ResourceForm(tenant=g.tenant, organizations=services.listed_organizations())
    if form.validate_on_submit():
        try:
            resource = rs.create_resource(form.resource_data(), current_person())
        except services.DirectoryError as error:
            _show_error(form, error)
            return _form_page(form, status=422)
        db.session.commit()
        flash(_("The resource is saved."), "success")
        return redirect(url_for("resources.detail", resource_id=resource.id), 303)
    return _form_page(form, status=422 if form.errors else 200)


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
@require(can_edit_resource, obj=load_resource)
def edit(resource: Resource):
    keep = {resource.owner_organization_id} if resource.owner_organization_id else None
    form = ResourceForm(
        obj=resource,
        tenant=g.tenant,
        organizations=services.listed_organizations(keep),
        stored_valid_until=resource.valid_until,
    )
    if not form.is_submitted():
        form.fill_from(resource)
    if form.validate_on_submit():
        try:
            changed = rs.update_resource(resource, form.resource_data(), current_person())
        except services.DirectoryError as error:
            _show_error(form, error)
            return _form_page(form, resource, status=422)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("resources.detail", resource_id=resource.id), 303)
    return _form_page(form, resource, status=422 if form.errors else 200)


@bp.post("/<int:resource_id>/delete")
@require(can_edit_resource, obj=load_resource)
def delete(resource: Resource):
    rs.delete_resource(resource, current_person())
    db.session.commit()
    flash(_("The resource is deleted."), "success")
    return redirect(url_for("resources.index"), 303)


# --- on a map (core/maps.py): the same filtered set as the list ---------------------------------


@map_bp.get("/map")
def page():
    filters = rs.ResourceFilters.from_args(request.args)
    names = rs.labels()
    entries = rs.placed_resources(filters, rs.today())
    groups = by_municipality(entries, place=lambda item: item.resource.municipality)
    return render_map_page(
        "resources/map.html",
        filters=filters,
        labels=names,
        total=len(entries),
        unlocated=sum(1 for item in entries if item.point is None),
        hidden_expired=rs.hidden_expired_count(filters),
        groups=groups,
        overview=overview(
            groups, lambda place: url_for("resources.index", **filters.args(municipality=[place]))
        ),
        options=rs.map_options(filters, names),
        facet_titles=rs.FACET_TITLES,
    )


@map_bp.get("/map.geojson")
def geojson():
    filters = rs.ResourceFilters.from_args(request.args)
    entries = rs.placed_resources(filters, rs.today())
    # Depends on the reader's script and on today's date (expiry): not shared.
    return geojson_response(rs.geojson_of(entries, rs.labels()))
