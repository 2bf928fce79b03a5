"""Rules for relationships between organizations: no tie to itself, one of each kind (a
partnership either way round), recorded in the audit log."""

from __future__ import annotations

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import IntegrityError

from solidarna.accounts.models import User
from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.services import DirectoryError
from solidarna.directory.relationships.models import Relationship
from solidarna.extensions import db


def add_relationship(
    source: Organization, target: Organization, kind: str, note: str, by: User | None
) -> Relationship:
    if source.id == target.id:
        raise DirectoryError(_l("An organization cannot have a relationship with itself."))
    if kind not in taxonomy.RELATION_KINDS:
        raise DirectoryError(_l("Choose one of the offered kinds of relationship."))
    same = and_(Relationship.source_id == source.id, Relationship.target_id == target.id)
    if kind == "partner":  # a partnership goes both ways
        same = or_(
            same, and_(Relationship.source_id == target.id, Relationship.target_id == source.id)
        )
    if db.session.scalar(select(Relationship.id).where(same, Relationship.kind == kind)):
        raise DirectoryError(_l("This relationship is already recorded."))
    rel = Relationship(
        source_id=source.id, target_id=target.id, kind=kind, note=(note or "").strip()[:300]
    )
    db.session.add(rel)
    try:
        db.session.flush()
    except IntegrityError as error:  # added at the same moment by someone else
        db.session.rollback()
        raise DirectoryError(_l("This relationship is already recorded.")) from error
    audit.record(
        "relationship.created",
        target=rel,
        actor=by,
        source_id=source.id,
        target_id=target.id,
        kind=kind,
    )
    return rel


def delete_relationship(rel: Relationship, by: User | None) -> None:
    audit.record(
        "relationship.deleted",
        target=rel,
        actor=by,
        source_id=rel.source_id,
        target_id=rel.target_id,
        kind=rel.kind,
    )
    db.session.delete(rel)
