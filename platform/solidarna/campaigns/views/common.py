"""What every page of advocacy platforms shares: a refusal with its reason, and the page
cache's marker of their public pages."""

from __future__ import annotations

from flask import g, request
from sqlalchemy import func, or_, select

from solidarna.campaigns.services import SUBJECT, CampaignError
from solidarna.core.errors import error_page
from solidarna.extensions import db
from solidarna.tenants.models import Partnership, Tenant


def show_error(form, error: CampaignError, fallback: str):
    """A refusal that belongs to a field goes on the form (422, what was typed kept); one that
    is not possible now (409) or not permitted (403) gets its page with the reason."""
    if error.status in (403, 409) or form is None:
        return error_page(error.status, detail=str(error))
    target = form
    for part in (error.field or fallback).split("-"):
        target = target[int(part)] if part.isdigit() else getattr(target, part, None)
        if target is None:
            target = getattr(form, fallback)
            break
        if hasattr(target, "form"):
            target = target.form
    target.errors = [*target.errors, str(error)]
    return None


def partner_marker() -> tuple | None:
    """The page cache's marker of the campaigns' public pages (core/pagecache.py): the
    space's own state, and that of every space it shares a campaign with, either way (a
    signature from a partner space raises the owner's marker; the owner's change shows on
    the partner's page), and the partnerships themselves. Asked before the space is loaded,
    so it may read the slug from the URL. Two indexed statements, no tenant table."""
    tenant = g.get("tenant")  # in the view; before the space is loaded, from the URL
    slug = tenant.slug if tenant is not None else (request.view_args or {}).get("tenant_slug")
    if not slug or len(slug) > 40:
        return None
    own = db.session.execute(
        select(Tenant.id, Tenant.created_at, Tenant.content_version).where(Tenant.slug == slug)
    ).first()
    if own is None:
        return None
    other = func.coalesce(
        func.nullif(Partnership.owner_tenant_id, own.id), Partnership.partner_tenant_id
    )
    rows = db.session.execute(
        select(Partnership.id, Partnership.status, Partnership.updated_at, Tenant.content_version)
        .join(Tenant, Tenant.id == other)
        .where(
            Partnership.subject_type == SUBJECT,
            or_(Partnership.owner_tenant_id == own.id, Partnership.partner_tenant_id == own.id),
            Partnership.status == "accepted",
        )
        .order_by(Partnership.id)
    ).all()
    created = own.created_at.timestamp() if own.created_at else 0
    shared = tuple((r.id, r.status, str(r.updated_at), r.content_version or 0) for r in rows)
    return ("campaigns", own.id, f"{created:.6f}", own.content_version or 0, shared)
