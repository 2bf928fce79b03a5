"""The national overview's figures and entries (docs/architecture.md "National overview").

Everything here is read inside `tenants.national.national_rows` (core/tenancy.public_rows):
only the taking-part spaces' verified entries (and, for the counts other capabilities
register in core/national.py, their public proposals and advocacy platforms) are readable.
Field privacy is applied on top, at the visitor's level, with the directory's own clauses:
employment figures only where the entry made them public (ecosystem.status_and_employment),
points on the map only where its address is public.

Bounded work: the aggregates are a handful of GROUP BY queries, whatever the number of spaces
and entries, kept in the shared cache under the national change marker
(tenants.national.national_marker); a list page is one windowed query and one count.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import load_only, raiseload

from solidarna.core import geography, maps, national
from solidarna.core.i18n import current_locale
from solidarna.core.script import fold, in_script
from solidarna.core.urls import Numbered
from solidarna.directory import taxonomy
from solidarna.directory.ecosystem import services as ecosystem
from solidarna.directory.ecosystem.services import Employment
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import cache, db
from solidarna.tenants import national as spaces_of
from solidarna.tenants.national import Space

log = logging.getLogger(__name__)

PER_PAGE = 30
#: the columns the list shows: nothing members-only (phone, turnover) is ever loaded
LIST_COLUMNS = (
    Organization.id,
    Organization.tenant_id,
    Organization.name,
    Organization.actor_type,
    Organization.se_status,
    Organization.municipality,
    Organization.district_iso,
)


@dataclass(frozen=True)
class Aggregates:
    """What the overview reads from the database for the figures (kept in the cache)."""

    matrix: dict[str, dict[str, int]]
    statuses: dict[str, int]
    employment: Employment
    per_space: dict[int, int]
    counts: dict[str, dict[int, int]]
    #: district -> (entries, entries placed publicly, mean latitude, mean longitude)
    places: dict[str, tuple[int, int, float | None, float | None]]


@dataclass
class Overview:
    spaces: list[Space]
    marker: tuple
    data: Aggregates
    matrix: ecosystem.Matrix
    labels: dict[str, str]
    count_labels: dict[str, object] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.matrix.total

    @property
    def registered(self) -> int:
        return self.data.statuses.get("registered", 0)

    def count(self, key: str) -> int:
        return sum(self.data.counts.get(key, {}).values())


def _place_counts() -> dict[str, tuple]:
    """Per district: verified entries, how many a visitor sees placed (public address and a
    point), and the mean of those points."""
    placed = and_(
        ecosystem._shown("address", "public"),
        Organization.latitude.is_not(None),
        Organization.longitude.is_not(None),
    )
    query = (
        select(
            Organization.district_iso,
            func.count(),
            func.count(case((placed, 1))),
            func.avg(case((placed, Organization.latitude))),
            func.avg(case((placed, Organization.longitude))),
        )
        .where(ecosystem._counted())
        .group_by(Organization.district_iso)
    )
    return {
        district: (count, located, lat, lon)
        for district, count, located, lat, lon in db.session.execute(query)
    }


def compute(taking_part: list[Space]) -> Aggregates:
    with spaces_of.national_rows(taking_part, "directory"):
        statuses, employment, _pending = ecosystem.status_and_employment("public")
        matrix = ecosystem.matrix_counts("district")
        per_space = dict(
            db.session.execute(
                select(Organization.tenant_id, func.count())
                .where(ecosystem._counted())
                .group_by(Organization.tenant_id)
            )
            .tuples()
            .all()
        )
        places = _place_counts()
    counts = {}
    for counter in national.counters():
        with spaces_of.national_rows(taking_part, counter.module):
            counts[counter.key] = counter.count()
    return Aggregates(matrix, statuses, employment, per_space, counts, places)


def kept(name: str, marker: tuple, compute):
    """compute(), kept in the shared cache while the national marker stays the same (the
    figures and the list pages are the same for every reader: only public rows)."""
    key = f"national:{name}:{hash_of(marker)}"
    use = current_app.config.get("PAGE_CACHE", True)
    try:
        hit = cache.get(key) if use else None
    except Exception:  # a cache is never a reason to fail the page
        log.warning("Cache not reachable; computing %s", key, exc_info=True)
        hit = None
    if hit is not None:
        return hit[0]
    value = compute()
    if use:
        try:
            cache.set(key, (value,))
        except Exception:  # a cache that does not answer only costs the computation
            log.warning("Cache not reachable; not keeping %s", key, exc_info=True)
    return value


def aggregates(taking_part: list[Space], marker: tuple | None = None) -> Aggregates:
    marker = marker or spaces_of.national_marker()
    return kept("figures", marker, lambda: compute(taking_part))


def hash_of(marker: tuple) -> str:
    return "-".join(str(part) for part in marker)


def overview(marker: tuple | None = None) -> Overview:
    """`marker`: the national marker, when the caller read it already."""
    taking_part = spaces_of.spaces()
    marker = marker or spaces_of.national_marker()
    data = aggregates(taking_part, marker)
    labels = {code: str(label) for code, label in taxonomy.ACTOR_TYPES.items()}
    expected = list(dict.fromkeys(code for s in taking_part for code in s.expected))
    nation = SimpleNamespace(
        region=geography.NATIONAL,
        municipalities=[],
        taxonomies={"expected_actor_types": expected},
    )
    matrix = ecosystem.build_matrix(nation, labels, data.matrix)
    return Overview(
        spaces=taking_part,
        marker=marker,
        data=data,
        matrix=matrix,
        labels=labels,
        count_labels={c.key: c.label for c in national.counters()},
    )


def district_map(ov: Overview, link) -> maps.Overview:
    """The server-drawn map: a dot per district, at the mean of its public points."""
    names, locale = geography.districts(), current_locale()
    places = []
    for district, (count, _located, lat, lon) in ov.data.places.items():
        point = maps.valid_point(lat, lon) if lat is not None and lon is not None else None
        label = in_script(names.get(district, district), locale)  # the reader's script
        places.append(maps.PlaceCount(district, label, count, link(district), point))
    places.sort(key=lambda p: fold(p.label))
    return maps.draw_overview(places)


# --- the national list -------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    q: str = ""
    district: str = ""
    actor_type: str = ""
    page: int = 1

    @classmethod
    def from_args(cls, args) -> Filters:
        district = (args.get("district") or "").strip()
        actor_type = (args.get("actor_type") or "").strip()
        try:
            page = int(args.get("page") or 1)
        except ValueError:
            page = 1
        return cls(
            q=(args.get("q") or "").strip()[:200],
            district=district if district in geography.districts() else "",
            actor_type=actor_type if actor_type in taxonomy.ACTOR_TYPES else "",
            page=min(max(page, 1), 10_000),
        )

    def args(self, **changes) -> dict:
        values = {"q": self.q, "district": self.district, "actor_type": self.actor_type}
        values.update(changes)
        return {k: v for k, v in values.items() if v}

    def active(self) -> bool:
        return bool(self.q or self.district or self.actor_type)


@dataclass
class Entry:
    id: int
    name: str
    actor_type: str
    se_status: str
    municipality: str
    district: str
    space: Space
    url: str


@dataclass
class Page(Numbered):
    entries: list[Entry]
    total: int
    page: int
    pages: int


def _filtered(query, filters: Filters):
    query = query.where(ecosystem._counted())
    if filters.district:
        query = query.where(Organization.district_iso == filters.district)
    if filters.actor_type:
        query = query.where(Organization.actor_type == filters.actor_type)
    if filters.q:
        for word in fold(filters.q).split()[:8]:
            query = query.where(Organization.search_text.contains(word, autoescape=True))
    return query


def entries(
    taking_part: list[Space], filters: Filters, per_page: int = PER_PAGE, marker=None
) -> Page:
    """One page of the taking-part spaces' verified entries, by name: two queries, kept under
    the national marker when one is given (`kept`)."""
    if marker is not None:
        digest = hashlib.sha256(repr((per_page, filters)).encode()).hexdigest()[:32]
        key = f"list:{digest}"
        return kept(key, marker, lambda: entries(taking_part, filters, per_page))
    by_id = {s.id: s for s in taking_part}
    with spaces_of.national_rows(taking_part, "directory"):
        total = db.session.scalar(
            _filtered(select(func.count()).select_from(Organization), filters)
        )
        pages = max(1, -(-total // per_page))
        page = min(filters.page, pages)
        rows = db.session.scalars(
            _filtered(
                select(Organization).options(
                    load_only(*LIST_COLUMNS), raiseload(Organization.tags)
                ),
                filters,
            )
            .order_by(Organization.sort_name, Organization.id)
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()
    makers: dict[int, object] = {}
    result = []
    for org in rows:
        space = by_id[org.tenant_id]
        if space.id not in makers:
            makers[space.id] = maps.url_maker(
                "directory.profile", "organization_id", "name", lambda o: o.slug,
                tenant_slug=space.slug,
            )  # fmt: skip
        result.append(
            Entry(
                org.id, org.name, org.actor_type, org.se_status, org.municipality,
                org.district_iso, space, makers[space.id](org),
            )
        )  # fmt: skip
    return Page(result, total, page, pages)


# --- the interactive map's markers ------------------------------------------------------------


@dataclass
class Marker:
    """A verified entry whose address (and so its point) is public, for the GeoJSON."""

    id: int
    name: str
    actor_type: str
    municipality: str
    url: str
    point: tuple[float, float] | None


def markers(taking_part: list[Space], marker: tuple) -> list[Marker]:
    """Every publicly placed verified entry of the taking-part spaces (one query), kept under
    the national marker (the same for every reader; names put in a script by the view)."""

    def compute() -> list[Marker]:
        by_id = {s.id: s for s in taking_part}
        placed = and_(
            ecosystem._counted(),
            ecosystem._shown("address", "public"),
            Organization.latitude.is_not(None),
            Organization.longitude.is_not(None),
        )
        columns = (*LIST_COLUMNS, Organization.latitude, Organization.longitude)
        with spaces_of.national_rows(taking_part, "directory"):
            rows = db.session.scalars(
                select(Organization)
                .options(load_only(*columns), raiseload(Organization.tags))
                .where(placed)
                .order_by(Organization.id)
            ).all()
        makers: dict[int, object] = {}
        found = []
        for org in rows:
            space = by_id[org.tenant_id]
            if space.id not in makers:
                makers[space.id] = maps.url_maker(
                    "directory.profile", "organization_id", "name", lambda o: o.slug,
                    tenant_slug=space.slug,
                )  # fmt: skip
            found.append(
                Marker(org.id, org.name, org.actor_type, org.municipality, makers[space.id](org),
                       maps.valid_point(org.latitude, org.longitude))
            )  # fmt: skip
        return found

    return kept("markers", marker, compute)
