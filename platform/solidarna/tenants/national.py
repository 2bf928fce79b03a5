"""Which spaces take part in the national overview, and the one explicit cross-tenant read it
makes (docs/architecture.md "National overview").

A space takes part when its owner turned `in_national_overview` on, it is active, its
visibility is public (a members-only space publishes nothing), and, for the directory's
figures, it has the directory module. `national_rows()` then opens exactly those spaces'
public rows (core/tenancy.public_rows): verified directory entries, proposals past their
draft, advocacy platforms out of preparation; nothing else of any space is readable inside.

`national_marker()` is the overview's change marker: one statement over the tenants table
that changes when a space joins or leaves, is changed, or anything is written in a taking-part
space (the sum of their page-cache markers, each only ever raised)."""

from __future__ import annotations

import functools
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import func, select

from solidarna.core import audit
from solidarna.core.pagecache import FrontMarker
from solidarna.core.tenancy import public_rows
from solidarna.extensions import db
from solidarna.tenants.models import Tenant


@dataclass(frozen=True)
class Space:
    """What the overview shows of a taking-part space (no ORM object: kept in the cache)."""

    id: int
    slug: str
    name: str
    name_en: str | None
    region: str
    modules: tuple[str, ...]
    #: the kit's actor types the space's ecosystem is expected to have
    expected: tuple[str, ...] = ()


def _taking_part():
    return (
        Tenant.in_national_overview.is_(True),
        Tenant.status == "active",
        Tenant.visibility == "public",
    )


def spaces() -> list[Space]:
    """The spaces taking part, by name (one query)."""
    rows = db.session.execute(
        select(
            Tenant.id,
            Tenant.slug,
            Tenant.name,
            Tenant.name_en,
            Tenant.region,
            Tenant.modules,
            Tenant.taxonomies,
        )
        .where(*_taking_part())
        .order_by(Tenant.name)
    )
    return [
        Space(
            id,
            slug,
            name,
            name_en,
            region or "RS",
            tuple(modules or ()),
            tuple(str(c) for c in (taxonomies or {}).get("expected_actor_types") or ()),
        )
        for id, slug, name, name_en, region, modules, taxonomies in rows
    ]


@contextmanager
def national_rows(taking_part: list[Space], module: str | None = None):
    """Read the public rows of the spaces taking part (those with `module` on, if given)."""
    ids = [s.id for s in taking_part if module is None or module in s.modules]
    with public_rows(ids):
        yield ids


@functools.cache
def _marker_statement():
    """Built once (a `FrontMarker`'s statement): the taking-part spaces' count, the sum of
    their change markers and their latest change."""
    tenants = Tenant.__table__
    return select(
        func.count(),
        func.coalesce(func.sum(tenants.c.content_version), 0),
        func.max(tenants.c.updated_at),
    ).where(
        tenants.c.in_national_overview.is_(True),
        tenants.c.status == "active",
        tenants.c.visibility == "public",
    )


def national_state(read) -> tuple:
    """The overview's change marker (see the module doc), read by `read` (core/pagecache.py
    `FrontMarker`). One statement."""
    row = read(_marker_statement(), {})[0]
    return ("national", row[0], int(row[1]), str(row[2]))


#: the overview's change marker, as a page-cache marker the front door reads too
national_marker = FrontMarker(lambda read, slug: (national_state(read), None))


def set_taking_part(tenant: Tenant, on: bool) -> bool:
    """Turn the space's part in the national overview on or off; audited. Whether it changed."""
    if bool(tenant.in_national_overview) == on:
        return False
    tenant.in_national_overview = on
    audit.record(
        "tenant.national_overview_joined" if on else "tenant.national_overview_left",
        target=tenant,
    )
    return True
