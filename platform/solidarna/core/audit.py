"""Append-only audit log of security, admin and moderation actions."""

from __future__ import annotations

from datetime import datetime

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core.models import utcnow
from solidarna.core.tenancy import current_tenant_id
from solidarna.extensions import db


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    #: the tenant the action happened in; NULL for platform-level actions
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    #: who acted; NULL for anonymous requests and the system
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: dotted verb, e.g. "account.login_failed", "member.approved"
    action: Mapped[str] = mapped_column(String(80), index=True)
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[int | None]
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(String(45))

    # By name: accounts' User and tenants' Tenant are registered on the same declarative base.
    actor = relationship("User", lazy="joined", viewonly=True)
    tenant = relationship("Tenant", lazy="joined", viewonly=True)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(mapper, connection, target) -> None:
    raise PermissionError("audit entries are append-only")


def record(
    action: str,
    *,
    target=None,
    target_type: str | None = None,
    target_id: int | None = None,
    actor=None,
    tenant_id: int | None = None,
    **details,
) -> AuditEntry:
    """Add an entry to the current transaction (the caller commits with the change itself).

    The entry belongs to the current tenant unless `tenant_id` names another one."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    if target is not None:
        target_type = target_type or target.__tablename__
        target_id = target_id or target.id
        label = target_label(target)
        if label and "target_label" not in details:
            details["target_label"] = label
    entry = AuditEntry(
        tenant_id=tenant_id if tenant_id is not None else current_tenant_id(),
        action=action,
        actor_id=getattr(actor, "id", None),
        target_type=target_type,
        target_id=target_id,
        details=details,
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry


def target_label(target) -> str | None:
    """What a person calls the object acted on (kept with the entry, so the log reads the same
    after the object is renamed or deleted): `audit_label`, else its name, title or address."""
    for attribute in ("audit_label", "name", "title", "email"):
        value = getattr(target, attribute, None)
        if isinstance(value, str) and value:
            return value
    return None


def entries(*, tenant_id: int, page: int = 1, per_page: int = 50):
    """A page of one space's log, newest first. Every space's log is `platform_entries()`:
    a missing tenant id is a mistake here, not a request for everything."""
    if tenant_id is None:
        raise ValueError("entries() is one space's log; platform_entries() is everyone's")
    query = db.select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
    return _page(query, page, per_page)


def platform_entries(*, page: int = 1, per_page: int = 50):
    """A page of the whole log, every space's and the platform's own actions, newest first:
    for platform admins only."""
    return _page(db.select(AuditEntry), page, per_page)


def _page(query, page: int, per_page: int):
    query = query.order_by(AuditEntry.id.desc())
    return db.paginate(query, page=page, per_page=per_page, error_out=False)
