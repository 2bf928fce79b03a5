"""The directory's list and map: filters, search, facets, the entries placed on the map, and
the aggregates cached per tenant until its directory changes. Who may see which entry is
decided in services.py; the generic list machinery is core/facets.py, the map's core/maps.py."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from flask import g, has_app_context
from sqlalchemy import String, event, func, literal, select, union_all
from sqlalchemy.orm import Session, lazyload, load_only, raiseload

from solidarna.core import search_index
from solidarna.core.facets import (
    FacetValue,
    choice_arg,
    facet_values,
    many_arg,
    paginate,
    select_options,
    text_arg,
    url_args,
)
from solidarna.core.i18n import current_locale
from solidarna.core.maps import Point, url_maker, valid_point
from solidarna.core.script import in_script
from solidarna.core.tenancy import current_tenant_id
from solidarna.core.urls import page_arg
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import (
    Organization,
    OrganizationRevision,
    OrganizationTag,
)
from solidarna.directory.organizations.services import (
    field_visible,
    represented_ids,
    viewer_level,
    visible_clause,
)
from solidarna.extensions import cache, db

log = logging.getLogger(__name__)

PER_PAGE = 24
SORTS = {
    "name": "name",
    "newest": "newest",
    "municipality": "municipality",
    "confirmed": "confirmed",
}


# --- filters, search and facets ----------------------------------------------------------------


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
        return cls(
            q=text_arg(args),
            **{name: many_arg(args, name) for name in cls.SCALAR + cls.TAGS},
            sort=choice_arg(args, "sort", SORTS, "name"),
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
        return url_args(data)


def apply_filters(query, filters: Filters, level: str, own_ids: set[int], skip: str | None = None):
    query = query.where(visible_clause(level, own_ids))
    if level != "admins":
        query = query.where(Organization.moderation != "archived")
    query = query.where(*search_index.matching(Organization.__table__, filters.q))
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
    """A page of entries for the filters, as the viewer may see them. `total`, when the
    caller knows it (facets_and_total), saves the count query."""
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    query = order(apply_filters(select(Organization), filters, level, own_ids), filters.sort)
    # The list shows no tags: do not load them (they are selectin-loaded by default).
    query = query.options(lazyload(Organization.tags))
    return paginate(query, filters.page, PER_PAGE, total)


def all_matching(filters: Filters, level: str | None = None, own_ids: set[int] | None = None):
    """Every matching entry, for exports and the map, streamed in name order."""
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    query = order(apply_filters(select(Organization), filters, level, own_ids), "name")
    return db.session.scalars(query.execution_options(yield_per=500))


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


def facets_and_total(
    filters: Filters, level: str | None = None, own_ids: set[int] | None = None
) -> tuple[dict[str, list[FacetValue]], int | None]:
    """Counts per value for each facet, under the other facets' filters, and the number of
    matching entries when the counts tell it.

    One statement (`facet_counts`). Without filters (the directory's landing page) the counts
    are the same for every viewer of a level until the tenant's directory changes, so they
    are kept per tenant and level and checked against `directory_version()`. The counts of a
    scalar facet without a selection are taken under all the filters and every entry has
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
    values = {
        name: facet_values(counts.get(name, {}), getattr(filters, name), labels.get(name))
        for name in (*names, *Filters.TAGS)
    }
    return values, total


def facet_counts(filters: Filters, level: str, own_ids: set[int]) -> dict[str, dict[str, int]]:
    """{facet: {value: count}}, in one statement.

    The visible entries matching the search words are read once, into a CTE (`base`) with the
    scalar columns and one flag per selected tag facet; then a GROUP BY per scalar facet and
    per group of tag facets, each under the other facets' filters (a facet with a selection
    counts without its own, so its other values stay countable), joined with UNION ALL.
    Reading the matches once matters with search words (core/search_index.py)."""
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
    base = base.where(*search_index.matching(Organization.__table__, filters.q))
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

#: aggregates kept in the shared cache (extensions.cache: Redis in production, each process's
#: memory in development) under "directory:<tenant id>:<key>", with the version they were
#: computed at
CACHE_PREFIX = "directory"


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


def cache_key(tenant_id: int | None, key: tuple) -> str:
    return ":".join((CACHE_PREFIX, str(tenant_id), *(str(part) for part in key)))


def cached(key: tuple, compute):
    """`compute()`, or what it gave for this tenant and key while the directory has not
    changed since (see directory_version). Kept in the shared cache, so one process's result
    serves the others; a changed directory recomputes on the next request, in every process
    and on every server, because the marker is read from the database first and compared
    with the one stored beside the value. A cache that does not answer (Redis down) only
    costs the computation."""
    version = directory_version()
    full_key = cache_key(version[0], key)
    try:
        hit = cache.get(full_key)
    except Exception:  # a cache is never a reason to fail the page
        log.warning("Cache not reachable; computing %s", full_key, exc_info=True)
        hit = None
    if isinstance(hit, tuple) and len(hit) == 2 and hit[0] == version:
        return hit[1]
    value = compute()
    try:
        cache.set(full_key, (version, value))
    except Exception:
        log.warning("Cache not reachable; not keeping %s", full_key, exc_info=True)
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


# --- the map --------------------------------------------------------------------------------------

# What the map and its list need of an entry; the long texts and the tags stay in the database.
MAP_COLUMNS = (
    Organization.id,
    Organization.name,
    Organization.actor_type,
    Organization.municipality,
    Organization.latitude,
    Organization.longitude,
    Organization.field_visibility,
    Organization.moderation,
)


@dataclass
class Placed:
    """An entry as the map shows it: its name in the reader's script, its profile URL and,
    if the viewer may see it, its point."""

    org: Organization
    name: str
    url: str
    point: Point | None


def position(org: Organization, level: str) -> Point | None:
    """The entry's coordinates if it has valid ones and the viewer may see its address."""
    if org.latitude is None or not field_visible(org, "address", level):
        return None
    return valid_point(org.latitude, org.longitude)


def profile_url_maker():
    """org -> org.url, built once for the hundreds of entries of a map."""
    return url_maker("directory.profile", "organization_id", "name", lambda org: org.slug)


def placed_entries(filters: Filters, level: str, own: set[int]) -> list[Placed]:
    """Every entry matching the filters that the viewer may see, in name order: the same
    selection as the list and `all_matching` (`apply_filters`), in a single query that loads
    only the columns the map shows (no tags, no mission or description). Names are put in
    the reader's script here, once, for the list and the GeoJSON alike."""
    query = select(Organization).options(load_only(*MAP_COLUMNS), raiseload(Organization.tags))
    query = order(apply_filters(query, filters, level, own), "name")
    profile_url = profile_url_maker()
    locale = current_locale()
    return [
        Placed(org, in_script(org.name, locale), profile_url(org), position(org, level))
        for org in db.session.scalars(query)
    ]


def map_options(name: str, filters: Filters, level: str, own: set[int], labels: dict | None):
    """(value, label) for a select of the map's filter form: the values present among the
    entries the viewer may see (not narrowed by the other filters: the form stays put while
    the results change), plus any chosen value."""
    column = getattr(Organization, name)
    present = db.session.scalars(apply_filters(select(column).distinct(), Filters(), level, own))
    return select_options(present, getattr(filters, name), labels)
