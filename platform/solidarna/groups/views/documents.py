"""A group's documents: the list and upload (its members, not observers), one document's
versions and a new version, downloads (whoever may see the group: a private group's files
answer 404 to everyone else, like the group) and deleting (its coordinators and the admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from solidarna.core import storage
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.groups import documents
from solidarna.groups.document_forms import DocumentForm, VersionForm
from solidarna.groups.models import WorkingGroup
from solidarna.groups.permissions import (
    can_add_document,
    can_delete_document,
    can_view_group,
)
from solidarna.groups.services import GroupError
from solidarna.groups.views.common import load_group, show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("group_documents", __name__, url_prefix="/groups/<int:group_id>/documents")


def _document(group: WorkingGroup, document_id: int) -> documents.GroupDocument:
    document = documents.load(group, document_id)
    if document is None:
        abort(404)
    return document


def _list_page(group, form=None, status=200):
    user = current_person()
    if form is None and can_add_document(user, group):
        form = DocumentForm()
    return render("groups/documents.html", group=group, rows=documents.of_group(group),
                  form=form, status=status)  # fmt: skip


@bp.get("/")
@require(can_view_group, obj=load_group)
def index(group: WorkingGroup):
    return _list_page(group)


@bp.post("/new")
@require(can_add_document, obj=load_group)
def create(group: WorkingGroup):
    form = DocumentForm()
    if form.validate_on_submit():
        try:
            document = documents.add(group, form.title.data, form.description.data,
                                     form.file.checked, current_person())  # fmt: skip
        except GroupError as error:
            db.session.rollback()
            return show_error(form, error, "title") or _list_page(group, form, 422)
        db.session.commit()
        flash(_("The document is added."), "success")
        return redirect(url_for("group_documents.show", group_id=group.id,
                                document_id=document.id), 303)  # fmt: skip
    return _list_page(group, form, form.status())


def _document_page(group, document, form=None, status=200):
    user = current_person()
    if form is None and can_add_document(user, group):
        form = VersionForm()
    return render("groups/document.html", group=group, document=document,
                  versions=documents.versions(document), form=form,
                  may_delete=can_delete_document(user, group), status=status)  # fmt: skip


@bp.get("/<int:document_id>")
@require(can_view_group, obj=load_group)
def show(group: WorkingGroup, document_id: int):
    return _document_page(group, _document(group, document_id))


@bp.post("/<int:document_id>/versions")
@require(can_add_document, obj=load_group)
def add_version(group: WorkingGroup, document_id: int):
    document = _document(group, document_id)
    form = VersionForm()
    if form.validate_on_submit():
        row = documents.add_version(group, document, form.file.checked, current_person())
        db.session.commit()
        flash(_("Version %(number)d is added.", number=row.number), "success")
        return redirect(url_for("group_documents.show", group_id=group.id,
                                document_id=document.id), 303)  # fmt: skip
    return _document_page(group, document, form, form.status())


@bp.get("/<int:document_id>/versions/<int:version_id>/file")
@require(can_view_group, obj=load_group)
def download(group: WorkingGroup, document_id: int, version_id: int):
    document = _document(group, document_id)
    row = documents.version(document, version_id)
    if row is None:
        abort(404)
    return storage.send_stored(row.file)


@bp.post("/<int:document_id>/delete")
@require(can_delete_document, obj=load_group)
def delete(group: WorkingGroup, document_id: int):
    document = _document(group, document_id)
    documents.delete(group, document, current_person())
    db.session.commit()
    flash(_("The document “%(title)s” is deleted.", title=document.title), "success")
    return redirect(url_for("group_documents.index", group_id=group.id), 303)
