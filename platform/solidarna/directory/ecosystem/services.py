"""The ecosystem overview: the pilot's research questions at a glance.

Which actor types are present in each municipality (or, for a national space, each district)
and which of the types the kit says the ecosystem needs (`taxonomies.expected_actor_types`)
are missing there; the social-enterprise status breakdown; employment, including women and
members of vulnerable groups; sectors (KD sections) and the vulnerable groups served.

What is counted (the policy; also shown on the page):

- Only verified entries, for every viewer, administrators included. They are the entries the
  public directory shows; pending ones are claims not yet checked, and the overview is a
  statistic people print and quote, so it must read the same for everyone. Administrators
  see how many entries await review and are left out.
- Employment figures respect each entry's field visibility (`field_visibility["employees"]`,
  and `["volunteers"]`): a figure is added to the totals only when the viewer could see it on
  the profile. With a handful of entries a total can equal one organization's figure, so
  treating aggregates as public would leak what a representative chose to hide. The page says
  how many entries' figures are included and how many are not shown to this viewer.
- Counts of organizations, actor types, statuses, sectors and groups come from verified
  entries only and are public, like the directory's facets.

Bounded work: three GROUP BY queries (for administrators one of them also counts the review
queue), whatever the number of entries, municipalities or districts; their results are kept
per tenant and viewer level until the tenant's directory changes (`search.cached`), so
most requests ask only for the change marker.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, select

from solidarna.core import geography
from solidarna.core.tenancy import current_tenant_id
from solidarna.directory import taxonomy
from solidarna.directory.ecosystem import charts
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization, OrganizationTag
from solidarna.extensions import db

#: the tag facets summarised on the page
TAG_FACETS = ("kd", "group")


@dataclass(frozen=True)
class Cell:
    code: str
    count: int
    #: "present", "missing" (an expected type absent in a place of the area) or "zero"
    state: str


@dataclass
class MatrixRow:
    key: str
    label: str
    counts: dict[str, int]
    total: int
    #: expected actor types with no verified entry here (empty outside the tenant's area)
    missing: list[str]
    #: a place of the tenant's area; entries elsewhere get their own rows, never "missing"
    in_area: bool = True
    #: one per matrix column, in column order
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    #: "municipality" or "district"
    by: str
    columns: list[str]
    expected: list[str]
    rows: list[MatrixRow]
    column_totals: dict[str, int]
    total: int

    @property
    def missing_everywhere(self) -> list[str]:
        """Expected types with no verified entry anywhere in the space."""
        return [code for code in self.expected if not self.column_totals.get(code)]

    @property
    def places_with_entries(self) -> int:
        return sum(1 for row in self.rows if row.in_area and row.total)

    @property
    def places(self) -> int:
        return sum(1 for row in self.rows if row.in_area)


@dataclass
class Employment:
    #: verified entries
    organizations: int = 0
    #: entries whose employee figures are counted for this viewer
    reported: int = 0
    #: entries that recorded figures this viewer may not see
    hidden: int = 0
    total: int = 0
    women: int = 0
    vulnerable: int = 0
    volunteers: int = 0


@dataclass
class Overview:
    level: str
    labels: dict[str, str]
    matrix: Matrix
    se_status: charts.BarChart
    employment: Employment
    employment_chart: charts.BarChart
    sectors: charts.BarChart
    groups: charts.BarChart
    #: entries awaiting review (administrators only; None for others)
    pending: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.matrix.total

    @property
    def registered(self) -> int:
        return next((bar.value for bar in self.se_status if bar.key == "registered"), 0)


# --- the area's rows ------------------------------------------------------------------------


def area(tenant) -> tuple[str, list[tuple[str, str]]]:
    """How the matrix is split and its rows as (key, label), in the kit's or code order.

    The tenant's municipality list when it has one; otherwise the municipalities of its
    district; a national space (region "RS", no list) is split by district."""
    if tenant.municipalities:
        names = [_canonical(name, tenant.region) for name in tenant.municipalities]
        return "municipality", [(name, name) for name in dict.fromkeys(names)]
    if not tenant.region or tenant.region == geography.NATIONAL:
        return "district", list(geography.districts().items())
    names = dict.fromkeys(m.name_latn for m in geography.in_district(tenant.region))
    return "municipality", [(name, name) for name in names]


@lru_cache(maxsize=4096)
def _canonical(name: str, region: str | None) -> str:
    """The canonical Latin name of a kit's municipality (as entries store it). Cached:
    geography.find() folds every municipality's name on each call (~0.5 ms)."""
    found = geography.find(name, region)
    return found.name_latn if found else name


def expected_types(tenant) -> list[str]:
    expected = (tenant.taxonomies or {}).get("expected_actor_types") or []
    return list(dict.fromkeys(str(code) for code in expected))


# --- queries ----------------------------------------------------------------------------------


def _counted():
    """The entries the overview counts: verified ones (what the public directory shows)."""
    return services.visible_clause("public")


def matrix_counts(by: str) -> dict[str, dict[str, int]]:
    """{place: {actor type: verified entries}}, places being districts or municipalities."""
    column = Organization.district_iso if by == "district" else Organization.municipality
    counts: dict[str, dict[str, int]] = {}
    query = (
        select(column, Organization.actor_type, func.count())
        .where(_counted())
        .group_by(column, Organization.actor_type)
    )
    for place, actor_type, count in db.session.execute(query):
        counts.setdefault(place, {})[actor_type] = count
    return counts


def build_matrix(tenant, labels: dict[str, str], counts: dict | None = None) -> Matrix:
    by, places = area(tenant)
    counts = matrix_counts(by) if counts is None else counts

    expected = expected_types(tenant)
    present = {actor_type for by_type in counts.values() for actor_type in by_type}
    others = [code for code in labels if code in present and code not in expected]
    unknown = sorted(present - set(expected) - set(others))
    columns = expected + others + unknown

    rows = []
    known = {key for key, _ in places}
    for key, label in places:
        here = counts.get(key, {})
        rows.append(
            MatrixRow(
                key=key,
                label=label,
                counts=here,
                total=sum(here.values()),
                missing=[code for code in expected if not here.get(code)],
            )
        )
    district_names = geography.districts()
    for key in sorted(set(counts) - known):
        here = counts[key]
        label = district_names.get(key, key) if by == "district" else key
        rows.append(MatrixRow(key, label, here, sum(here.values()), [], in_area=False))

    for row in rows:
        row.cells = [
            Cell(
                code,
                row.counts.get(code, 0),
                "present" if row.counts.get(code) else "missing" if code in row.missing else "zero",
            )
            for code in columns
        ]
    column_totals = {code: sum(row.counts.get(code, 0) for row in rows) for code in columns}
    return Matrix(
        by=by,
        columns=columns,
        expected=expected,
        rows=rows,
        column_totals=column_totals,
        total=sum(row.total for row in rows),
    )


def _shown(field_name: str, level: str):
    """SQL: the entry's `field_name` figures are visible at `level` (see field_visible)."""
    if level == "admins":
        return None
    allowed = services.LEVELS[: services.LEVELS.index(level) + 1]
    setting = func.coalesce(
        Organization.field_visibility[field_name].as_string(),
        taxonomy.PRIVATE_FIELDS[field_name],
    )
    return setting.in_(allowed)


def status_and_employment(
    level: str, with_pending: bool = False
) -> tuple[dict[str, int], Employment, int | None]:
    """Verified entries per social-enterprise status, and the employment totals the viewer
    may see: one pass over the entries (GROUP BY status, summed here). `with_pending` also
    counts the review queue, as a scalar subquery of the same statement (evaluated once)."""
    employees = _shown("employees", level)
    volunteers = _shown("volunteers", level)

    def only(condition, value):
        return value if condition is None else case((condition, value))

    has_figures = Organization.employees_total.is_not(None)
    query = (
        select(
            Organization.se_status,
            func.count(),
            func.count(only(employees, case((has_figures, 1)))),
            func.count(case((has_figures, 1))),
            func.sum(only(employees, Organization.employees_total)),
            func.sum(only(employees, Organization.employees_women)),
            func.sum(only(employees, Organization.employees_vulnerable)),
            func.sum(only(volunteers, Organization.volunteers)),
        )
        .where(_counted())
        .group_by(Organization.se_status)
    )
    if with_pending:
        query = query.add_columns(_pending_query().scalar_subquery())
    statuses: dict[str, int] = {}
    sums = [0] * 6
    pending = None
    for status, count, *figures in db.session.execute(query):
        if with_pending:
            *figures, pending = figures
        statuses[status] = count
        sums = [total + int(value or 0) for total, value in zip(sums, figures, strict=True)]
    if with_pending and pending is None:  # no verified entry: no row to carry the count
        pending = pending_count()
    reported, recorded, total, women, vulnerable, volunteering = sums
    return (
        statuses,
        Employment(
            organizations=sum(statuses.values()),
            reported=reported,
            hidden=recorded - reported,
            total=total,
            women=women,
            vulnerable=vulnerable,
            volunteers=volunteering,
        ),
        pending,
    )


def tag_counts() -> dict[str, dict[str, int]]:
    """Verified entries per tag value, for the summarised facets, in one query.

    Written as organizations LEFT JOIN tags (entries without tags give a NULL row, skipped):
    SQLite keeps the join order of an outer join, so it walks the verified entries on the
    covering (tenant, moderation, name) index into the covering unique (tenant, organization,
    facet, value) index. As an inner join its planner, without statistics, starts from the
    tags and looks every organization up by rowid: 40% slower at 4,000 entries."""
    query = (
        select(OrganizationTag.facet, OrganizationTag.value, func.count(OrganizationTag.id))
        .select_from(Organization)
        .outerjoin(
            OrganizationTag,
            and_(
                OrganizationTag.organization_id == Organization.id,
                OrganizationTag.facet.in_(TAG_FACETS),
            ),
        )
        .where(_counted())
        .group_by(OrganizationTag.facet, OrganizationTag.value)
    )
    result: dict[str, dict[str, int]] = {facet: {} for facet in TAG_FACETS}
    for facet, value, count in db.session.execute(query):
        if facet is not None:
            result[facet][value] = count
    return result


def _pending_query():
    query = select(func.count()).select_from(Organization)
    query = query.where(Organization.moderation == "pending")
    tenant_id = current_tenant_id()
    if tenant_id is not None:  # the tenancy hook adds it too; explicit inside a subquery
        query = query.where(Organization.tenant_id == tenant_id)
    return query


def pending_count() -> int:
    return db.session.scalar(_pending_query())


# --- the overview -----------------------------------------------------------------------------


def _coded(codes: dict, counts: dict[str, int]) -> list[tuple[str, str, int]]:
    """(code, label, count) for the code list's order, then unknown codes that have counts."""
    rows = [(code, str(label), counts.get(code, 0)) for code, label in codes.items()]
    rows += [(code, code, count) for code, count in sorted(counts.items()) if code not in codes]
    return rows


@dataclass(frozen=True)
class Aggregates:
    """What the overview reads from the database; the rest is computed from it."""

    matrix: dict[str, dict[str, int]]
    statuses: dict[str, int]
    employment: Employment
    tags: dict[str, dict[str, int]]
    pending: int | None


def aggregates(tenant, level: str) -> Aggregates:
    """The overview's counts for this viewer level, kept per tenant until its directory
    changes (search.cached): the page is the same for everyone of a level meanwhile."""
    by, _places = area(tenant)

    def compute() -> Aggregates:
        statuses, work, pending = status_and_employment(level, with_pending=level == "admins")
        return Aggregates(
            matrix=matrix_counts(by),
            statuses=statuses,
            employment=work,
            tags=tag_counts(),
            pending=pending,
        )

    return search.cached(("overview", level, by), compute)


def overview(tenant, level: str) -> Overview:
    labels = {code: str(label) for code, label in taxonomy.actor_types(tenant).items()}
    data = aggregates(tenant, level)
    matrix = build_matrix(tenant, labels, data.matrix)
    statuses, work, tags = data.statuses, replace(data.employment), data.tags
    employment_chart = charts.bar_chart(
        [
            ("total", _("Employees"), work.total),
            ("women", _("Women employed"), work.women),
            ("vulnerable", _("Employees from vulnerable groups"), work.vulnerable),
            ("volunteers", _("Volunteers"), work.volunteers),
        ],
        total=work.total,
    )
    kd = [
        (code, f"{code} · {label}", count)
        for code, label, count in _coded(taxonomy.KD_SECTIONS, tags["kd"])
    ]
    return Overview(
        level=level,
        labels=labels,
        matrix=matrix,
        se_status=charts.bar_chart(_coded(taxonomy.SE_STATUSES, statuses), total=matrix.total),
        employment=work,
        employment_chart=employment_chart,
        sectors=charts.bar_chart(charts.sorted_by_value(kd), total=matrix.total, drop_zero=True),
        groups=charts.bar_chart(
            charts.sorted_by_value(_coded(taxonomy.VULNERABLE_GROUPS, tags["group"])),
            total=matrix.total,
            drop_zero=True,
        ),
        pending=data.pending,
    )
