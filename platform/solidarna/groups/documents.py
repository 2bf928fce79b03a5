"""A group's documents: its members (not observers) upload a document with a title and a few
words; a new version of it keeps every earlier one (who, when, size, each downloadable); its
coordinators and the space's admins delete it (softly: it leaves the lists, its files and rows
stay, and the audit log says who). The files are kept by core/storage.py ("documents" use)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, and_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import audit, notifications, storage
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, utcnow
from solidarna.extensions import db
from solidarna.groups.models import WorkingGroup
from solidarna.groups.services import GroupError

USE = "documents"
ON_GROUP_PAGE = 5


class GroupDocument(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "group_documents"
    __table_args__ = (Index("ix_group_documents_group", "tenant_id", "group_id", "deleted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the versions so far; the current one is the version with this number
    version_count: Mapped[int] = mapped_column(default=0)
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class GroupDocumentVersion(TenantScoped, db.Model):
    __tablename__ = "group_document_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("group_documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    file_id: Mapped[int] = mapped_column(
        ForeignKey("stored_files.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    file: Mapped[storage.StoredFile] = relationship(lazy="joined")
    uploaded_by: Mapped[User | None] = relationship(lazy="joined")


@dataclass
class Row:
    """A document as a list shows it: with its current version."""

    document: GroupDocument
    current: GroupDocumentVersion


def _listed(group: WorkingGroup):
    return (
        select(GroupDocument, GroupDocumentVersion)
        .join(
            GroupDocumentVersion,
            and_(
                GroupDocumentVersion.document_id == GroupDocument.id,
                GroupDocumentVersion.number == GroupDocument.version_count,
            ),
        )
        .where(GroupDocument.group_id == group.id, GroupDocument.deleted_at.is_(None))
        .order_by(GroupDocumentVersion.created_at.desc(), GroupDocument.id.desc())
    )


def of_group(group: WorkingGroup, limit: int | None = None) -> list[Row]:
    query = _listed(group)
    if limit is not None:
        query = query.limit(limit)
    return [Row(doc, version) for doc, version in db.session.execute(query).all()]


def load(group: WorkingGroup, document_id: int) -> GroupDocument | None:
    document = db.session.get(GroupDocument, document_id)
    if document is None or document.group_id != group.id or document.deleted_at is not None:
        return None
    return document


def versions(document: GroupDocument) -> list[GroupDocumentVersion]:
    return list(
        db.session.scalars(
            select(GroupDocumentVersion)
            .where(GroupDocumentVersion.document_id == document.id)
            .order_by(GroupDocumentVersion.number.desc())
        )
    )


def version(document: GroupDocument, version_id: int) -> GroupDocumentVersion | None:
    found = db.session.get(GroupDocumentVersion, version_id)
    return found if found is not None and found.document_id == document.id else None


def _add_version(document: GroupDocument, checked: storage.Checked, by) -> GroupDocumentVersion:
    stored = storage.store(checked, USE, by)
    document.version_count += 1
    document.updated_at = utcnow()
    row = GroupDocumentVersion(
        document_id=document.id, number=document.version_count, file_id=stored.id,
        uploaded_by_id=by.id, file=stored,
    )  # fmt: skip
    db.session.add(row)
    db.session.flush()
    return row


def _tell_members(group: WorkingGroup, document: GroupDocument, row, by) -> None:
    """The group's active members hear of a new document or version (not its uploader),
    through the shared service: each person's mail preference and the outbox apply."""
    from solidarna.groups.work import member_users

    people = [u for u in member_users(group) if u.id != getattr(by, "id", None)]
    if not people:
        return
    if row.number == 1:
        title = _("New document: %(title)s · %(group)s", title=document.title, group=group.name)
    else:
        title = _("Version %(number)d of %(title)s · %(group)s", number=row.number,
                  title=document.title, group=group.name)  # fmt: skip
    notifications.notify(
        people, kind="groups.document", title=title,
        url=url_for("group_documents.show", group_id=group.id, document_id=document.id),
        excerpt=notifications.shorten(document.description), actor=by,
        subject_type="group_document", subject_id=document.id,
    )  # fmt: skip


def add(group: WorkingGroup, title: str, description: str, checked: storage.Checked, by,
        notify: bool = True):  # fmt: skip
    """A new document with its first version; the members are told unless `notify` is off
    (the demo's documents come quietly). The caller commits."""
    title = (title or "").strip()
    if not title:
        raise GroupError(_l("Give the document a title."), "title")
    document = GroupDocument(group_id=group.id, title=title,
                             description=(description or "").strip(), created_by_id=by.id)  # fmt: skip
    db.session.add(document)
    db.session.flush()
    first = _add_version(document, checked, by)
    audit.record("group.document_added", target=group, document=document.title,
                 file=checked.original_name)  # fmt: skip
    if notify:
        _tell_members(group, document, first, by)
    return document


def add_version(group: WorkingGroup, document: GroupDocument, checked: storage.Checked, by,
                notify: bool = True):  # fmt: skip
    """A new version; the earlier ones stay; the members are told unless `notify` is off
    (the caller commits)."""
    row = _add_version(document, checked, by)
    audit.record("group.document_version_added", target=group, document=document.title,
                 number=row.number, file=checked.original_name)  # fmt: skip
    if notify:
        _tell_members(group, document, row, by)
    return row


def delete(group: WorkingGroup, document: GroupDocument, by) -> None:
    """Soft: the document leaves the lists and answers 404; its versions and files stay."""
    document.deleted_at = utcnow()
    document.deleted_by_id = by.id
    audit.record("group.document_deleted", target=group, document=document.title)


def public_activity(limit: int) -> list[tuple]:
    """The latest versions of documents in public groups: (version, document, group)."""
    return db.session.execute(
        select(GroupDocumentVersion, GroupDocument, WorkingGroup)
        .join(GroupDocument, GroupDocument.id == GroupDocumentVersion.document_id)
        .join(WorkingGroup, WorkingGroup.id == GroupDocument.group_id)
        .where(WorkingGroup.visibility == "public", GroupDocument.deleted_at.is_(None))
        .order_by(GroupDocumentVersion.created_at.desc(), GroupDocumentVersion.id.desc())
        .limit(limit)
    ).all()
