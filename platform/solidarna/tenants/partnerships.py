"""Partner spaces (DESIGN §12), built once: an owner space invites another space (by slug) to
share one object; the partner's admins accept or decline; the owner may end it. Every query
here names the current space as owner or as partner, so a space only ever reads its own
partnerships. The object itself is reached through `core.tenancy.shared_subject()`, whose
check (`is_accepted`) is registered from here. A capability that shares objects declares the
subject type once (`register_subject`: its label and the address of the object in a space).
The caller commits; each move is in the audit log of the space that made it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app
from sqlalchemy import and_, or_, select

from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.tenancy import current_tenant_id, register_partnership_check
from solidarna.extensions import db
from solidarna.tenants.models import Membership, Partnership, Tenant

EXTENSION = "solidarna.partner_subjects"


@dataclass(frozen=True)
class PartnerSubject:
    name: str
    label: object
    #: subject_id -> the object's address in the current space (the partner's, when shared)
    url: Callable[[int], str]


class PartnershipError(ValueError):
    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.status = status


def register_subject(app: Flask, subject: PartnerSubject) -> None:
    subjects = app.extensions.setdefault(EXTENSION, {})
    if subject.name in subjects:
        raise RuntimeError(f"partner subject {subject.name!r} registered twice")
    subjects[subject.name] = subject


def subject(name: str) -> PartnerSubject | None:
    return current_app.extensions.get(EXTENSION, {}).get(name)


def is_accepted(owner_id: int, partner_id: int, subject_type: str, subject_id: int) -> bool:
    """The check `shared_subject()` asks: an accepted partnership, both spaces active."""
    row = db.session.execute(
        select(Partnership.id, Tenant.status)
        .join(Tenant, Tenant.id == Partnership.owner_tenant_id)
        .where(
            Partnership.owner_tenant_id == owner_id,
            Partnership.partner_tenant_id == partner_id,
            Partnership.subject_type == subject_type,
            Partnership.subject_id == subject_id,
            Partnership.status == "accepted",
        )
    ).first()
    return row is not None and row.status == "active"


def init_app(app: Flask) -> None:
    register_partnership_check(app, is_accepted)


def _current() -> int:
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise RuntimeError("partnerships are asked about from a space")
    return tenant_id


# --- the owner's side -----------------------------------------------------------------------


def of_subject(subject_type: str, subject_id: int) -> list[Partnership]:
    """The current (owner) space's partnerships for one of its objects, newest first."""
    return list(
        db.session.scalars(
            select(Partnership)
            .where(
                Partnership.owner_tenant_id == _current(),
                Partnership.subject_type == subject_type,
                Partnership.subject_id == subject_id,
            )
            .order_by(Partnership.invited_at.desc(), Partnership.id.desc())
        )
    )


def accepted_partners(subject_type: str, subject_id: int) -> list[Tenant]:
    return [p.partner for p in of_subject(subject_type, subject_id) if p.status == "accepted"]


def get_owned(partnership_id: int) -> Partnership | None:
    row = db.session.get(Partnership, partnership_id)
    return row if row is not None and row.owner_tenant_id == current_tenant_id() else None


def _record(action: str, partnership: Partnership, actor, **details) -> None:
    """In the log of the space that acted (the owner invites and ends, the partner answers):
    the other space's log does not name people of this one."""
    audit.record(
        action, target=partnership, actor=actor,
        owner=partnership.owner.name, partner=partnership.partner.name,
        subject_type=partnership.subject_type, subject_id=partnership.subject_id, **details,
    )  # fmt: skip


def invite(subject_type: str, subject_id: int, title: str, slug: str, by) -> Partnership:
    """The current space invites the space `slug` to share its object. Inviting again after a
    decline or an end sends the invitation anew (same row)."""
    owner_id = _current()
    slug = (slug or "").strip().lower()
    partner = db.session.scalar(select(Tenant).where(Tenant.slug == slug)) if slug else None
    if partner is None or partner.status != "active":
        raise PartnershipError(_l("There is no active space with the address “%(slug)s”.",
                                  slug=slug[:40]))  # fmt: skip
    if partner.id == owner_id:
        raise PartnershipError(_l("A space cannot be its own partner."))
    row = db.session.scalar(
        select(Partnership).where(
            Partnership.owner_tenant_id == owner_id,
            Partnership.partner_tenant_id == partner.id,
            Partnership.subject_type == subject_type,
            Partnership.subject_id == subject_id,
        )
    )
    if row is not None and row.status in ("invited", "accepted"):
        raise PartnershipError(
            _l("%(space)s is already invited or a partner.", space=partner.name), status=409
        )
    if row is None:
        row = Partnership(
            owner_tenant_id=owner_id, partner_tenant_id=partner.id,
            subject_type=subject_type, subject_id=subject_id,
        )  # fmt: skip
        db.session.add(row)
    row.status, row.subject_title = "invited", title[:300]
    row.invited_by_id, row.invited_at = by.id, utcnow()
    row.accepted_by_id = row.decided_at = row.ended_at = row.ended_by_id = None
    db.session.flush()
    db.session.refresh(row)  # owner and partner loaded for the log
    _record("partnership.invited", row, by)
    return row


def end(partnership: Partnership, by) -> None:
    """The owner ends a partnership (or withdraws an invitation); what the partner's members
    added stays with the object."""
    if partnership.status not in ("invited", "accepted"):
        raise PartnershipError(_l("This partnership has already ended."), status=409)
    partnership.status, partnership.ended_at, partnership.ended_by_id = "ended", utcnow(), by.id
    _record("partnership.ended", partnership, by)


# --- the partner's side ---------------------------------------------------------------------


def for_partner(statuses=("invited", "accepted")) -> list[Partnership]:
    """Invitations and partnerships of the current space as a partner, newest first."""
    return list(
        db.session.scalars(
            select(Partnership)
            .where(Partnership.partner_tenant_id == _current(), Partnership.status.in_(statuses))
            .order_by(Partnership.invited_at.desc(), Partnership.id.desc())
        )
    )


def get_received(partnership_id: int) -> Partnership | None:
    row = db.session.get(Partnership, partnership_id)
    return row if row is not None and row.partner_tenant_id == current_tenant_id() else None


def answer(partnership: Partnership, accept: bool, by) -> None:
    if partnership.status != "invited":
        raise PartnershipError(_l("This invitation is no longer open."), status=409)
    partnership.status = "accepted" if accept else "declined"
    partnership.decided_at = utcnow()
    partnership.accepted_by_id = by.id if accept else None
    _record("partnership.accepted" if accept else "partnership.declined", partnership, by)


def owner_of(subject_type: str, subject_id: int) -> int | None:
    """The owner space that shares this object with the current space (accepted), if any."""
    return db.session.scalar(
        select(Partnership.owner_tenant_id).where(
            Partnership.partner_tenant_id == _current(),
            Partnership.subject_type == subject_type,
            Partnership.subject_id == subject_id,
            Partnership.status == "accepted",
        )
    )


def shared_with_current(subject_type: str) -> list[tuple[int, int]]:
    """(owner tenant id, subject id) of every object of the type shared with the current space."""
    rows = db.session.execute(
        select(Partnership.owner_tenant_id, Partnership.subject_id)
        .join(Tenant, Tenant.id == Partnership.owner_tenant_id)
        .where(
            Partnership.partner_tenant_id == _current(),
            Partnership.subject_type == subject_type,
            Partnership.status == "accepted",
            Tenant.status == "active",
        )
        .order_by(Partnership.decided_at.desc(), Partnership.id.desc())
    )
    return [(owner, sid) for owner, sid in rows]


# --- telling an object's people in every space that shares it --------------------------------


def sharing_spaces(owner_id: int, subject_type: str, subject_id: int) -> list[Tenant]:
    """The active spaces the owner's object is shared with now (accepted partnerships), asked
    by the owner space or by one of those partners, to tell the object's followers in each
    space where to read it; never shown. Any other space is told none."""
    here = _current()
    spaces = list(
        db.session.scalars(
            select(Tenant)
            .join(Partnership, Partnership.partner_tenant_id == Tenant.id)
            .where(
                Partnership.owner_tenant_id == owner_id,
                Partnership.subject_type == subject_type,
                Partnership.subject_id == subject_id,
                Partnership.status == "accepted",
                Tenant.status == "active",
            )
            .order_by(Tenant.id)
        )
    )
    if here != owner_id and here not in {t.id for t in spaces}:
        return []
    return spaces


def active_members(
    owner_id: int, subject_type: str, subject_id: int, wanted: dict[int, set[int]]
) -> set[tuple[int, int]]:
    """Of the people named per space ({space id: {user id, ...}}), who is an active member of
    that space now, as (space id, user id): only the owner space and the spaces the object is
    shared with are asked about (the others answer nobody). The one question about another
    space's memberships, asked so that a notice about a shared object reaches only those who
    may still read it there."""
    allowed = {owner_id} | {t.id for t in sharing_spaces(owner_id, subject_type, subject_id)}
    if _current() not in allowed:
        return set()
    conditions = [
        and_(Membership.tenant_id == space, Membership.user_id.in_(sorted(users)))
        for space, users in sorted(wanted.items())
        if users and space in allowed
    ]
    if not conditions:
        return set()
    rows = db.session.execute(
        select(Membership.tenant_id, Membership.user_id)
        .where(or_(*conditions), Membership.status == "active")
        .execution_options(all_tenants=True)
    )
    return {(space, user) for space, user in rows}
