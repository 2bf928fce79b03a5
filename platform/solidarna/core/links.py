"""Links between objects of different capabilities (DESIGN §12 "Subjects and links"): a working
group works on a proposal; later a campaign demands one, a meeting's decision leads to one.

One table, `links` (tenant-scoped): from (type, id) — relation — to (type, id), who made it and
when, unique per space. Both ends are subject types (core/subjects.py), so the capability that
links never imports the one it links to: `add` asks `subjects.resolve_one` for both ends, which
answers only for objects of the current space that the current person may see. An object of
another space therefore cannot be linked (it resolves to nothing: LinkError with 404), and
`targets` / `sources` list only what the reader may see.

A capability declares the relations it makes with `register_relation(app, Relation(...))`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import Flask, current_app
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from solidarna.core import subjects
from solidarna.core.models import TenantScoped, utcnow
from solidarna.extensions import db

EXTENSION = "solidarna.links"


@dataclass(frozen=True)
class Relation:
    """A kind of link: from which subject type to which, and what it is called both ways."""

    name: str
    from_type: str
    to_type: str
    label: object
    reverse_label: object


class LinkError(ValueError):
    """A link that cannot be made: 404 when an end does not exist here (or is not visible),
    400 for a relation that does not join these types."""

    def __init__(self, message: str, status: int = 404):
        super().__init__(message)
        self.status = status


class Link(TenantScoped, db.Model):
    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("tenant_id", "from_type", "from_id", "relation", "to_type", "to_id"),
        Index("ix_links_to", "tenant_id", "to_type", "to_id", "relation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_type: Mapped[str] = mapped_column(String(40))
    from_id: Mapped[int]
    relation: Mapped[str] = mapped_column(String(40))
    to_type: Mapped[str] = mapped_column(String(40))
    to_id: Mapped[int]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def init_app(app: Flask) -> None:
    app.extensions.setdefault(EXTENSION, {})


def register_relation(app: Flask, relation: Relation) -> None:
    known = app.extensions.setdefault(EXTENSION, {})
    if relation.name in known:
        raise ValueError(f"link relation {relation.name!r} is registered twice")
    known[relation.name] = relation


def relation(name: str) -> Relation:
    found = current_app.extensions.get(EXTENSION, {}).get(name)
    if found is None:
        raise LinkError(f"unknown link relation {name!r}", 400)
    return found


def _find(rel: Relation, from_id: int, to_id: int) -> Link | None:
    return db.session.scalar(
        select(Link).where(
            Link.from_type == rel.from_type, Link.from_id == from_id, Link.relation == rel.name,
            Link.to_type == rel.to_type, Link.to_id == to_id,
        )
    )  # fmt: skip


def add(name: str, from_id: int, to_id: int, by=None) -> tuple[Link, bool]:
    """Link two objects of the current space (flushed; the caller commits). Returns the link
    and whether it is new (linking twice changes nothing)."""
    rel = relation(name)
    if subjects.resolve_one(rel.from_type, from_id) is None:
        raise LinkError(f"no {rel.from_type} {from_id} here")
    if subjects.resolve_one(rel.to_type, to_id) is None:
        raise LinkError(f"no {rel.to_type} {to_id} here")
    existing = _find(rel, from_id, to_id)
    if existing is not None:
        return existing, False
    link = Link(
        from_type=rel.from_type, from_id=from_id, relation=rel.name, to_type=rel.to_type,
        to_id=to_id, created_by_id=getattr(by, "id", None),
    )  # fmt: skip
    db.session.add(link)
    db.session.flush()
    return link, True


def remove(name: str, from_id: int, to_id: int) -> bool:
    """Remove the link, if there is one (the caller commits)."""
    link = _find(relation(name), from_id, to_id)
    if link is None:
        return False
    db.session.delete(link)
    db.session.flush()
    return True


def targets(name: str, from_id: int) -> list[subjects.Subject]:
    """What the object links to by this relation, oldest link first, only what the reader may
    see."""
    rel = relation(name)
    ids = list(
        db.session.scalars(
            select(Link.to_id)
            .where(Link.from_type == rel.from_type, Link.from_id == from_id,
                   Link.relation == rel.name, Link.to_type == rel.to_type)
            .order_by(Link.created_at, Link.id)
        )
    )  # fmt: skip
    found = subjects.resolve(rel.to_type, ids)
    return [found[i] for i in ids if i in found]


def sources(name: str, to_id: int) -> list[subjects.Subject]:
    """What links to the object by this relation, oldest link first, only what the reader may
    see."""
    rel = relation(name)
    ids = list(
        db.session.scalars(
            select(Link.from_id)
            .where(Link.to_type == rel.to_type, Link.to_id == to_id,
                   Link.relation == rel.name, Link.from_type == rel.from_type)
            .order_by(Link.created_at, Link.id)
        )
    )  # fmt: skip
    found = subjects.resolve(rel.from_type, ids)
    return [found[i] for i in ids if i in found]


def sources_by(names, to_id: int) -> dict[str, list[subjects.Subject]]:
    """What links to one object by each of several relations (all to the same type), in one
    statement for the links and one per type that has any: {relation: [subjects]}, oldest
    link first, only what the reader may see. For a page that lists them all (a proposal's
    working groups and the groups' decisions that led to it) at the cost of one."""
    rels = [relation(name) for name in names]
    if len({rel.to_type for rel in rels}) > 1:
        raise LinkError("sources_by takes relations to one type", 400)
    found: dict[str, list[subjects.Subject]] = {rel.name: [] for rel in rels}
    if not rels:
        return found
    rows = db.session.execute(
        select(Link.relation, Link.from_type, Link.from_id)
        .where(Link.to_type == rels[0].to_type, Link.to_id == to_id,
               Link.relation.in_([rel.name for rel in rels]))
        .order_by(Link.created_at, Link.id)
    ).all()  # fmt: skip
    by_relation = {rel.name: rel for rel in rels}
    ids_by_type: dict[str, list[int]] = {}
    for name, from_type, from_id in rows:
        if from_type == by_relation[name].from_type:
            ids_by_type.setdefault(from_type, []).append(from_id)
    resolved = {kind: subjects.resolve(kind, ids) for kind, ids in ids_by_type.items()}
    for name, from_type, from_id in rows:
        subject = resolved.get(from_type, {}).get(from_id)
        if subject is not None and from_type == by_relation[name].from_type:
            found[name].append(subject)
    return found
