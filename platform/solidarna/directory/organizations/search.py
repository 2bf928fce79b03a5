"""The directory's list: filters, search, facets, and the aggregates cached per tenant until
its directory changes. Who may see which entry is decided in services.py."""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app, g, has_app_context
from sqlalchemy import String, event, func, literal, select, union_all
from sqlalchemy.orm import Session, lazyload

from solidarna.core.script import fold
from solidarna.core.tenancy import current_tenant_id
from solidarna.core.urls import page_arg
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationRevision,
    OrganizationTag,
)
from solidarna.directory.organizations.services import represented_ids, viewer_level, visible_clause
from solidarna.extensions import db

PER_PAGE = 24
SORTS = {
    "name": "name",
    "newest": "newest",
    "municipality": "municipality",
    "confirmed": "confirmed",
}


# --- filters, search and facets ----------------------------------------------------------------


def many_arg(args, name: str) -> list[str]:
    """A repeated query argument as a short, sorted, de-duplicated list (bounded in size)."""
    return sorted({v.strip()[:80] for v in args.getlist(name) if v.strip()})[:50]


@dataclass
class Filters:
    q: str = ""
    actor_type: list[str] = field(default_factory=list)
    legal_form: list[str] = field(default_factory=list)
    municipality: list[str] = field(default_factory=list)
    se_status: list[str] = field(default_factory=list)
    kd: list[str] = field(default_factory=list)
    group: list[str] = field(default_factory=list)
    interest: list[str] = field(default_factory=list)
    moderation: list[str] = field(default_factory=list)
    sort: str = "name"
    page: int = 1

    SCALAR = ("actor_type", "legal_form", "municipality", "se_status", "moderation")
    TAGS = ("kd", "group", "interest")

    @classmethod
    def from_args(cls, args) -> Filters:
        sort = args.get("sort", "name")
        return cls(
            q=(args.get("q") or "").strip()[:200],
            **{name: many_arg(args, name) for name in cls.SCALAR + cls.TAGS},
            sort=sort if sort in SORTS else "name",
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.q or any(getattr(self, n) for n in self.SCALAR + self.TAGS))

    def args(self, **changes) -> dict:
        """Query arguments for a URL, with some changed (e.g. page)."""
        data = {"q": self.q or None, "sort": self.sort if self.sort != "name" else None}
        for name in self.SCALAR + self.TAGS:
            data[name] = getattr(self, name) or None
        data.update(changes)
        return {k: v for k, v in data.items() if v not in (None, [], "")}


def _like_terms(q: str) -> list[str]:
    terms = [t for t in re.split(r"\s+", fold(q)) if t][:8]
    return [
        "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for t in terms
    ]


def apply_filters(query, filters: Filters, level: str, own_ids: set[int], skip: str | None = None):
    query = query.where(visible_clause(level, own_ids))
    if level != "admins":
        query = query.where(Organization.moderation != "archived")
    for pattern in _like_terms(filters.q):
        query = query.where(Organization.search_text.like(pattern, escape="\\"))
    for name in Filters.SCALAR:
        values = getattr(filters, name)
        if values and name != skip:
            query = query.where(getattr(Organization, name).in_(values))
    for facet in Filters.TAGS:
        values = getattr(filters, facet)
        if values and facet != skip:
            query = query.where(
                Organization.id.in_(
                    select(OrganizationTag.organization_id).where(
                        OrganizationTag.facet == facet, OrganizationTag.value.in_(values)
                    )
                )
            )
    return query


def order(query, sort: str):
    if sort == "newest":
        return query.order_by(Organization.created_at.desc(), Organization.id.desc())
    if sort == "municipality":
        return query.order_by(Organization.municipality, Organization.sort_name, Organization.id)
    if sort == "confirmed":
        return query.order_by(Organization.last_confirmed_at.desc(), Organization.id.desc())
    return query.order_by(Organization.sort_name, Organization.id)


def search(
    filters: Filters,
    level: str | None = None,
    own_ids: set[int] | None = None,
    total: int | None = None,
):
    """A page of entries (db.paginate) for the filters, as the viewer may see them. `total`,
    when the caller knows it (facet_total), saves the count query."""
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    query = order(apply_filters(select(Organization), filters, level, own_ids), filters.sort)
    # The list shows no tags: do not load them (they are selectin-loaded by default).
    query = query.options(lazyload(Organization.tags))
    page = db.paginate(
        query, page=filters.page, per_page=PER_PAGE, error_out=False, count=total is None
    )
    if total is not None:
        page.total = total
    return page


def all_matching(filters: Filters, level: str | None = None, own_ids: set[int] | None = None):
    """Every matching entry, for exports and the map, streamed in name order."""
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    query = order(apply_filters(select(Organization), filters, level, own_ids), "name")
    return db.session.scalars(query.execution_options(yield_per=500))


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


def facet_labels(tenant) -> dict[str, dict]:
    labels = {
        "actor_type": taxonomy.actor_types(tenant),
        "legal_form": taxonomy.LEGAL_FORMS,
        "se_status": taxonomy.SE_STATUSES,
        "kd": taxonomy.KD_SECTIONS,
        "group": taxonomy.VULNERABLE_GROUPS,
        "interest": taxonomy.GENERAL_INTEREST,
        "moderation": taxonomy.MODERATION,
    }
    return labels


def facets(filters: Filters, level: str | None = None, own_ids: set[int] | None = None) -> dict:
    """Counts per value for each facet, under the other facets' filters.

    One statement (`facet_counts`). Without filters (the directory's landing page) the counts
    are the same for every viewer of a level until the tenant's directory changes, so they
    are kept per tenant and level and checked against `directory_version()`."""
    return facets_and_total(filters, level, own_ids)[0]


def facets_and_total(
    filters: Filters, level: str | None = None, own_ids: set[int] | None = None
) -> tuple[dict, int | None]:
    """facets(), and the number of matching entries when the counts tell it: the counts of
    a scalar facet without a selection are taken under all the filters and every entry has
    exactly one value there, so they add up to the total (None when every one is selected)."""
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    labels = facet_labels(g.get("tenant"))
    names = [n for n in Filters.SCALAR if level == "admins" or n != "moderation"]
    if not filters.active() and (level == "admins" or not own_ids):
        counts = cached(("facets", level), lambda: facet_counts(filters, level, own_ids))
    else:
        counts = facet_counts(filters, level, own_ids)
    unselected = [name for name in names if not getattr(filters, name)]
    total = sum(counts[unselected[0]].values()) if unselected else None
    facet_values = {
        name: _facet_values(name, counts.get(name, {}), filters, labels.get(name))
        for name in (*names, *Filters.TAGS)
    }
    return facet_values, total


def facet_counts(filters: Filters, level: str, own_ids: set[int]) -> dict[str, dict[str, int]]:
    """{facet: {value: count}}, in one statement.

    The visible entries matching the search words are read once, into a CTE (`base`) with the
    scalar columns and one flag per selected tag facet; then a GROUP BY per scalar facet and
    per group of tag facets, each under the other facets' filters (a facet with a selection
    counts without its own, so its other values stay countable), joined with UNION ALL.
    Reading the table once matters with search words: `LIKE '%word%'` cannot use an index."""
    names = [n for n in Filters.SCALAR if level == "admins" or n != "moderation"]
    tenant_id = current_tenant_id()
    selected_tags = [facet for facet in Filters.TAGS if getattr(filters, facet)]

    def tagged(facet: str):
        query = select(OrganizationTag.organization_id).where(
            OrganizationTag.facet == facet, OrganizationTag.value.in_(getattr(filters, facet))
        )
        if tenant_id is not None:  # the tenancy hook adds it too; explicit for the planner
            query = query.where(OrganizationTag.tenant_id == tenant_id)
        return query

    base = select(
        Organization.id,
        *(getattr(Organization, name) for name in Filters.SCALAR),
        *(Organization.id.in_(tagged(facet)).label(f"tag_{facet}") for facet in selected_tags),
    ).where(visible_clause(level, own_ids))
    if tenant_id is not None:
        base = base.where(Organization.tenant_id == tenant_id)
    if level != "admins":
        base = base.where(Organization.moderation != "archived")
    for pattern in _like_terms(filters.q):
        base = base.where(Organization.search_text.like(pattern, escape="\\"))
    base = base.cte("base")

    def others(skip: str | None) -> list:
        """The filters of every facet but `skip`, on the CTE's columns."""
        clauses = [
            base.c[name].in_(getattr(filters, name))
            for name in Filters.SCALAR
            if getattr(filters, name) and name != skip
        ]
        return clauses + [base.c[f"tag_{facet}"] for facet in selected_tags if facet != skip]

    parts = []
    for name in names:
        column = base.c[name]
        parts.append(
            select(literal(name, String()), column, func.count())
            .where(*others(name))
            .group_by(column)
        )

    def tags(facets: list[str], skip: str | None = None):
        query = (
            select(OrganizationTag.facet, OrganizationTag.value, func.count())
            .where(
                OrganizationTag.facet.in_(facets),
                OrganizationTag.organization_id.in_(select(base.c.id).where(*others(skip))),
            )
            .group_by(OrganizationTag.facet, OrganizationTag.value)
        )
        if tenant_id is not None:
            query = query.where(OrganizationTag.tenant_id == tenant_id)
        return query

    free_tags = [facet for facet in Filters.TAGS if facet not in selected_tags]
    if free_tags:
        parts.append(tags(free_tags))
    parts += [tags([facet], skip=facet) for facet in selected_tags]
    counts: dict[str, dict[str, int]] = {name: {} for name in (*names, *Filters.TAGS)}
    for name, value, number in db.session.execute(union_all(*parts)):
        counts[name][value] = number
    return counts


# --- caching aggregates per tenant -------------------------------------------------------------

#: aggregates kept per application (process): (tenant id, key) -> (version, value)
CACHE_SIZE = 512


def directory_version() -> tuple:
    """A marker that changes whenever the tenant's directory does, in one cheap statement.

    Every write through services.py records a revision, and revisions are only ever added:
    their count grows with every committed change, whatever order concurrent transactions
    commit in. The organizations' count and latest `updated_at` also catch entries written
    without a revision (fixtures, bulk loads). Asked once per request."""
    if "directory_version" not in g:
        tenant_id = current_tenant_id()
        revisions = select(func.count()).select_from(OrganizationRevision)
        organizations = select(func.count(), func.max(Organization.updated_at))
        if tenant_id is not None:  # the tenancy hook adds it too; explicit for the planner
            revisions = revisions.where(OrganizationRevision.tenant_id == tenant_id)
            organizations = organizations.where(Organization.tenant_id == tenant_id)
        organizations = organizations.subquery()
        row = db.session.execute(
            select(
                revisions.scalar_subquery(),
                organizations.c[0],
                organizations.c[1],
            )
        ).one()
        g.directory_version = (tenant_id, *row)
    return g.directory_version


def cached(key: tuple, compute):
    """`compute()`, or what it gave for this tenant and key while the directory has not
    changed since (see directory_version). Per process and bounded; a changed directory
    recomputes on the next request, in every process, because the marker is read from the
    database first."""
    store: OrderedDict = current_app.extensions.setdefault("directory_cache", OrderedDict())
    version = directory_version()
    full_key = (version[0], *key)
    hit = store.get(full_key)
    if hit is not None and hit[0] == version:
        store.move_to_end(full_key)
        return hit[1]
    value = compute()
    store[full_key] = (version, value)
    store.move_to_end(full_key)
    while len(store) > CACHE_SIZE:
        store.popitem(last=False)
    return value


@event.listens_for(Session, "after_flush")
def _forget_version(session, flush_context) -> None:
    """A flush that wrote directory rows makes this request's marker stale."""
    if has_app_context() and "directory_version" in g:
        written = (*session.new, *session.dirty, *session.deleted)
        if any(
            isinstance(o, Organization | OrganizationTag | OrganizationRevision) for o in written
        ):
            g.pop("directory_version", None)


def _facet_values(name, counts, filters, labels) -> list[FacetValue]:
    selected = set(getattr(filters, name))
    values = []
    keys = list(labels) if labels else sorted(counts)
    for key in keys:
        if counts.get(key) or key in selected:
            values.append(
                FacetValue(
                    key, str(labels[key]) if labels else key, counts.get(key, 0), key in selected
                )
            )
    return values
