"""The directory: list with facets and search, and organization profiles."""

from __future__ import annotations

from operator import itemgetter

from flask import abort, g, redirect, request
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from solidarna.core.fragments import Lazy
from solidarna.core.permissions import current_person
from solidarna.core.rendering import render
from solidarna.directory.organizations import search, services, suggestions
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.permissions import (
    can_edit_organization,
    can_moderate_directory,
)
from solidarna.directory.organizations.search import Filters
from solidarna.directory.relationships.models import Relationship
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory", __name__, url_prefix="/directory")


def load_entry(organization_id: int) -> Organization:
    """The entry if it exists in this tenant, whoever may see it: for the moderators' routes
    (they see every entry; others get 403 from the predicate, as for any entry). 404 otherwise."""
    org = db.session.get(Organization, organization_id)
    if org is None:
        abort(404)
    return org


def load_organization(organization_id: int) -> Organization:
    """The entry if it exists in this tenant and the viewer may see it; 404 otherwise."""
    org = load_entry(organization_id)
    if not services.is_visible(org, services.viewer_level(), services.represented_ids()):
        abort(404)
    return org


@bp.get("/")
def index():
    filters = Filters.from_args(request.args)
    level = services.viewer_level()
    own = services.represented_ids()
    # Read only when the results are drawn, not when the fragment cache has them.
    results = Lazy(_results, filters, level, own)
    return render(
        "directory/index.html",
        block="results",
        # a member's page: one shell per viewer level and entries represented (the filters
        # are in its address), the next step of an empty list filled per request
        shell=(tuple(sorted(own)),),
        shell_fills="directory/_index_fills.html",
        filters=filters,
        page=Lazy(itemgetter(1), results),
        facets=Lazy(itemgetter(0), results),
        labels=Lazy(search.facet_labels, g.tenant),
        level=level,
        own=tuple(sorted(own)),
    )


def _results(filters, level, own):
    # The facet counts first: they also give the number of matches (no count query).
    facets, total = search.facets_and_total(filters, level, own)
    return facets, search.search(filters, level, own, total=total)


@bp.get("/<int:organization_id>")
@bp.get("/<int:organization_id>-<name>")
def profile(organization_id: int, name: str | None = None):
    org = load_organization(organization_id)
    if name is not None and name != org.slug:
        return redirect(org.url, 301)
    level = services.viewer_level()
    own = services.represented_ids()
    # An entry has few ties: load them with both ends and keep those whose other end the
    # viewer may see (an IN over all visible ids was slow on SQLite at thousands of entries).
    ties = [
        tie
        for tie in db.session.scalars(
            select(Relationship)
            .where(or_(Relationship.source_id == org.id, Relationship.target_id == org.id))
            .options(selectinload(Relationship.source), selectinload(Relationship.target))
            .order_by(Relationship.kind, Relationship.id)
        )
        if services.is_visible(tie.source, level, own)
        and services.is_visible(tie.target, level, own)
    ]
    return render(
        "directory/profile.html",
        org=org,
        level=level,
        visible=lambda field: services.field_visible(org, field, level),
        can_edit=can_edit_organization(current_person(), org),
        relationships=ties,
        representatives=services.representatives(org) if level == "admins" else [],
        proposed_changes=(
            suggestions.pending_count(org)
            if can_moderate_directory(current_person(), g.get("tenant"))
            else 0
        ),
    )
