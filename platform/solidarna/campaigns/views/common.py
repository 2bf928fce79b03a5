"""What every page of advocacy platforms shares: a refusal with its reason, and the page
cache's marker of their public pages."""

from __future__ import annotations

import functools

from sqlalchemy import and_, func, or_, select

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
    """The space's state row with, in the same row, what its accepted campaign partnerships,
    either way, come to: how many, the sum of their ids, their latest change, and the sum of
    the other spaces' change markers (scalar subqueries correlated on the space's row): built
    once (a `FrontMarker`'s one statement, also read with the space: `prefetch`)."""
    partnerships, tenants = Partnership.__table__, pagecache.space_table()
    other = tenants.alias("other")
    accepted = and_(
        partnerships.c.subject_type == SUBJECT,
        or_(
            partnerships.c.owner_tenant_id == tenants.c.id,
            partnerships.c.partner_tenant_id == tenants.c.id,
        ),
        partnerships.c.status == "accepted",
    )
    with_other = func.coalesce(
        func.nullif(partnerships.c.owner_tenant_id, tenants.c.id),
        partnerships.c.partner_tenant_id,
    )
    return pagecache.space_state_statement(
        select(func.count()).where(accepted).scalar_subquery().label("shared"),
        select(func.coalesce(func.sum(partnerships.c.id), 0))
        .where(accepted)
        .scalar_subquery()
        .label("shared_ids"),
        select(func.max(partnerships.c.updated_at))
        .where(accepted)
        .scalar_subquery()
        .label("shared_changed"),
        select(func.coalesce(func.sum(other.c.content_version), 0))
        .select_from(partnerships.join(other, other.c.id == with_other))
        .where(accepted)
        .scalar_subquery()
        .label("others_versions"),
    ).execution_options(all_tenants=True)


def _partner_state(read, slug):
    """The page cache's marker of the campaigns' public pages (core/pagecache.py): the
    space's own state, and what its accepted partnerships, either way, come to (a signature
    from a partner space raises the owner's marker; the owner's change shows on the
    partner's page). Partnerships are only added, ended or changed (their `updated_at`
    moves) and the spaces' markers only grow, so these sums, count and latest change move
    whenever one partnership or other space does. Read by the front door as well as the view
    (`pagecache.FrontMarker`), and with the space for a logged-in person: one statement."""
    if not slug or len(slug) > 40:
        return None
    rows = read(_partnerships_statement(), {"slug": slug})
    if not rows:
        return None
    own = rows[0]
    shared = (own.shared, own.shared_ids, str(own.shared_changed), own.others_versions or 0)
    return ("campaigns", *pagecache.tenant_state_of(own)[1:], shared), own.default_locale


def _partner_prefetch():
    return _partnerships_statement(), {}


partner_marker = pagecache.FrontMarker(_partner_state, prefetch=_partner_prefetch)
