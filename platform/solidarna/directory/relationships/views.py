"""Relationships between organizations (partner, member of, supplier, funder), added and
removed from an organization's profile by the people who may edit it."""

from __future__ import annotations

from flask import abort, flash, g, redirect
from flask_babel import gettext as _

from solidarna.core.permissions import current_person, require
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.views import browse
from solidarna.directory.organizations.views.browse import load_organization
from solidarna.directory.relationships import services as relationships
from solidarna.directory.relationships.forms import RelationshipForm
from solidarna.directory.relationships.models import Relationship
from solidarna.directory.relationships.permissions import (
    Tie,
    can_add_relationship,
    can_remove_relationship,
)
from solidarna.extensions import db
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("relationships", __name__, url_prefix="/directory")


@bp.app_template_global()
def relationship_form(org: Organization) -> RelationshipForm:
    """The add-relationship form for a profile (templates/directory/_relationship_form.html):
    the one just sent with its errors, or an empty one."""
    sent = g.get("relationship_form")
    if sent is not None and sent.source_id == org.id:
        return sent
    return RelationshipForm(
        formdata=None, source_id=org.id, targets=services.listed_organizations()
    )


def _profile_with_errors(org: Organization, form: RelationshipForm, status: int):
    """The profile again, with the form as it was sent and its errors (nothing is lost)."""
    g.relationship_form = form
    response = browse.profile(org.id)
    response.status_code = status
    # A boosted form would otherwise put this POST-only address in the address bar.
    response.headers["HX-Push-Url"] = org.url
    return response


def load_tie(organization_id: int, relationship_id: int) -> Tie:
    """A relationship of a visible entry, seen from that entry's profile; 404 otherwise."""
    org = load_organization(organization_id)
    rel = db.session.get(Relationship, relationship_id)
    if rel is None or org.id not in (rel.source_id, rel.target_id):
        abort(404)
    return Tie(org, rel)


@bp.post("/<int:organization_id>/relationships")
@require(can_add_relationship, obj=load_organization)
def add(org: Organization):
    organization_id = org.id
    form = RelationshipForm(source_id=org.id, targets=services.listed_organizations())
    if not form.validate_on_submit():
        return _profile_with_errors(org, form, 422)
    target = db.session.get(Organization, form.target_id)
    if target is None:
        abort(404)
    try:
        relationships.add_relationship(
            org, target, form.rel_kind.data, form.rel_note.data, current_person()
        )
    except services.DirectoryError as error:
        form.rel_target.errors = [*form.rel_target.errors, str(error)]
        return _profile_with_errors(load_organization(organization_id), form, 409)
    db.session.commit()
    flash(_("The relationship is added."), "success")
    return redirect(org.url, 303)


@bp.post("/<int:organization_id>/relationships/<int:relationship_id>/delete")
@require(can_remove_relationship, obj=load_tie)
def delete(tie: Tie):
    org = tie.organization
    relationships.delete_relationship(tie.relationship, current_person())
    db.session.commit()
    flash(_("The relationship is removed."), "success")
    return redirect(org.url, 303)
