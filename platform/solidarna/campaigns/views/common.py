"""What every page of advocacy platforms shares: a refusal with its reason, and the page
cache's marker of their public pages."""

from __future__ import annotations

import functools

from sqlalchemy import and_, func, or_

from solidarna.campaigns.services import SUBJECT, CampaignError
from solidarna.core import pagecache
from solidarna.core.errors import error_page
from solidarna.tenants.models import Partnership


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
    """The space's state row with, joined to it, its accepted campaign partnerships, either
    way, each with the other space's change marker (a row without a partnership when it has
    none): built once (a `FrontMarker`'s one statement)."""
    partnerships, tenants = Partnership.__table__, pagecache.space_table()
    other = tenants.alias("other")
    with_other = func.coalesce(
        func.nullif(partnerships.c.owner_tenant_id, tenants.c.id),
        partnerships.c.partner_tenant_id,
    )
    return (
        pagecache.space_state_statement(
            partnerships.c.id.label("partnership_id"),
            partnerships.c.status.label("partnership_status"),
            partnerships.c.updated_at.label("partnership_updated_at"),
            other.c.content_version.label("other_version"),
        )
        .select_from(
            tenants.outerjoin(
                partnerships,
                and_(
                    partnerships.c.subject_type == SUBJECT,
                    or_(
                        partnerships.c.owner_tenant_id == tenants.c.id,
                        partnerships.c.partner_tenant_id == tenants.c.id,
                    ),
                    partnerships.c.status == "accepted",
                ),
            ).outerjoin(other, other.c.id == with_other)
        )
        .order_by(partnerships.c.id)
        .execution_options(all_tenants=True)
    )


def _partner_state(read, slug):
    """The page cache's marker of the campaigns' public pages (core/pagecache.py): the
    space's own state, and that of every space it shares a campaign with, either way (a
    signature from a partner space raises the owner's marker; the owner's change shows on
    the partner's page), and the partnerships themselves. Read by the front door as well as
    the view (`pagecache.FrontMarker`): one statement."""
    if not slug or len(slug) > 40:
        return None
    rows = read(_partnerships_statement(), {"slug": slug})
    if not rows:
        return None
    own = rows[0]
    shared = tuple(
        (r.partnership_id, r.partnership_status, str(r.partnership_updated_at),
         r.other_version or 0)
        for r in rows
        if r.partnership_id is not None
    )  # fmt: skip
    return ("campaigns", *pagecache.tenant_state_of(own)[1:], shared), own.default_locale


partner_marker = pagecache.FrontMarker(_partner_state)
