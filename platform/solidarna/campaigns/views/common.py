"""What every page of advocacy platforms shares: a refusal with its reason, and the page
cache's marker of their public pages."""

from __future__ import annotations

import functools

from sqlalchemy import bindparam, func, or_, select

from solidarna.campaigns.services import SUBJECT, CampaignError
from solidarna.core import pagecache
from solidarna.core.errors import error_page
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


@functools.cache
def _partnerships_statement():
    """The accepted campaign partnerships of a space, either way, each with the other
    space's change marker: built once (a `FrontMarker`'s statement)."""
    partnerships, tenants = Partnership.__table__, Tenant.__table__
    own = bindparam("tenant")
    other = func.coalesce(
        func.nullif(partnerships.c.owner_tenant_id, own), partnerships.c.partner_tenant_id
    )
    return (
        select(
            partnerships.c.id,
            partnerships.c.status,
            partnerships.c.updated_at,
            tenants.c.content_version,
        )
        .join(tenants, tenants.c.id == other)
        .where(
            partnerships.c.subject_type == SUBJECT,
            or_(partnerships.c.owner_tenant_id == own, partnerships.c.partner_tenant_id == own),
            partnerships.c.status == "accepted",
        )
        .order_by(partnerships.c.id)
        .execution_options(all_tenants=True)
    )


def _partner_state(read, slug):
    """The page cache's marker of the campaigns' public pages (core/pagecache.py): the
    space's own state, and that of every space it shares a campaign with, either way (a
    signature from a partner space raises the owner's marker; the owner's change shows on
    the partner's page), and the partnerships themselves. Read by the front door as well as
    the view (`pagecache.FrontMarker`): two indexed statements, no tenant table."""
    own = pagecache.space_rows(read, slug)
    if own is None:
        return None
    rows = read(_partnerships_statement(), {"tenant": own.id})
    shared = tuple((r.id, r.status, str(r.updated_at), r.content_version or 0) for r in rows)
    return ("campaigns", *pagecache.tenant_state_of(own)[1:], shared), own.default_locale


partner_marker = pagecache.FrontMarker(_partner_state)
