"""Key directory pages issue a bounded number of SQL statements that does not grow with the
data (DESIGN §9: no N+1). Each page is requested with a small and a larger data set; the
statement counts must be equal, and under an absolute ceiling."""

from __future__ import annotations

import itertools

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import services
from solidarna.directory.relationships.models import Relationship
from solidarna.extensions import cache
from tests.conftest import Client, statements

MUNICIPALITIES = ["Kruševac", "Aleksandrovac", "Brus", "Varvarin", "Trstenik", "Ćićevac"]
ACTOR_TYPES = ["social_enterprise", "cooperative", "association", "incubator", "foundation"]
KD = ["A", "C", "I", "Q", "S"]
GROUPS = ["roma", "disability", "rural_women"]
INTERESTS = ["work_integration", "environment"]
#: the page requests of a visitor; {id} is the profiled organization
PAGES = {
    "directory list": "/{slug}/directory/",
    "filtered search": "/{slug}/directory/?q=zadruga&kd=A&municipality=Brus",
    "profile": "/{slug}/directory/{id}",
    "ecosystem overview": "/{slug}/ecosystem/",
}
#: absolute ceilings per page (visitor and administrator); today's counts are lower. The
#: overview's 8 includes the one query logged-in viewers spend on the header's unread
#: notification count (core/notifications.py); visitors spend none.
CEILING = {"directory list": 16, "filtered search": 16, "profile": 20, "ecosystem overview": 8}


def populate(db, tenant, count: int) -> int:
    """`count` entries with tags, a few pending, all related to the first one; its id."""
    with tenant_context(tenant.id):
        orgs = []
        for n in range(count):
            orgs.append(
                services.create_organization(
                    {
                        "name": f"Zadruga broj {n}",
                        "legal_form": "cooperative",
                        "actor_type": ACTOR_TYPES[n % len(ACTOR_TYPES)],
                        "se_status": ["registered", "no", "planned"][n % 3],
                        "municipality": MUNICIPALITIES[n % len(MUNICIPALITIES)],
                        "mission": "Zajednička proizvodnja i prodaja.",
                        "employees_total": n % 7,
                        "employees_women": n % 3,
                        "employees_vulnerable": n % 2,
                    },
                    {
                        "kd": [KD[n % len(KD)], "A"],
                        "group": [GROUPS[n % len(GROUPS)]],
                        "interest": [INTERESTS[n % len(INTERESTS)]],
                    },
                    None,
                    source="office",
                    moderation="pending" if n % 5 == 4 else "verified",
                )
            )
        first = orgs[0]
        kinds = itertools.cycle(["partner", "supplier", "member_of", "funder"])
        for other in orgs[1:]:
            source, target = (first, other) if other.id % 2 else (other, first)
            db.session.add(Relationship(source_id=source.id, target_id=target.id, kind=next(kinds)))
        db.session.commit()
        return first.id


@pytest.fixture
def measure(app, db, make_user, make_tenant):
    """measure(slug, count, page) -> {viewer: statements} for a visitor and the owner of a new
    space `slug` with `count` entries; without `cached`, the per-tenant aggregates
    (search.cached) are dropped before the measured request, so it computes them."""
    owner = make_user(email="owner@example.org")
    # The statements of a render: a visitor's page served from the page cache costs one
    # (tests/core/test_pagecache.py), which would hide what the render does.
    app.config["PAGE_CACHE"] = False

    def run(slug: str, count: int, page: str, cached: bool = False) -> dict[str, list[str]]:
        tenant = make_tenant(
            slug,
            members={owner: "owner"},
            region="RS-19",
            municipalities=MUNICIPALITIES,
            taxonomies={"expected_actor_types": ACTOR_TYPES[:3]},
        )
        first = populate(db, tenant, count)
        url = PAGES[page].format(slug=slug, id=first)
        visitor, admin = Client(app), Client(app)
        admin.login("owner@example.org")
        result = {}
        for who, client in (("visitor", visitor), ("admin", admin)):
            client.get(url)  # warm up: the first request fills caches
            if not cached:  # the directory's aggregates as if just changed (the upper bound)
                cache.clear()
            with statements(db.engine) as seen:
                response = client.get(url)
            assert response.status_code == 200, (who, page, response.status_code)
            result[who] = list(seen)
        return result

    return run


def _first_lines(seen: list[str]) -> str:
    return "\n".join("  " + " ".join(s.split())[:140] for s in seen)


@pytest.mark.parametrize("page", list(PAGES))
def test_statement_count_does_not_grow_with_the_data(measure, page):
    small = measure("mali", 5, page)
    large = measure("veliki", 40, page)
    for who in small:
        assert len(large[who]) == len(small[who]), (
            f"{who} {page}: {len(small[who])} statements with 5 entries, "
            f"{len(large[who])} with 40:\n{_first_lines(large[who])}"
        )
        assert len(large[who]) <= CEILING[page], f"{who} {page}:\n{_first_lines(large[who])}"


def test_ecosystem_overview_uses_aggregate_queries(measure):
    """The overview reads the directory with three GROUP BY / aggregates: no query per place;
    for administrators one of them also counts the review queue. Plus the change marker
    (search.directory_version)."""
    seen = measure("veliki", 40, "ecosystem overview")
    for who in ("visitor", "admin"):
        directory = [s for s in seen[who] if "FROM organization" in s]
        assert len(directory) == 4, _first_lines(directory)
        assert sum("GROUP BY" in s for s in directory) == 3
        assert sum("organization_revisions" in s for s in directory) == 1
    status = {
        who: next(s for s in seen[who] if "GROUP BY organizations.se_status" in s)
        for who in ("visitor", "admin")
    }
    assert status["visitor"].count("SELECT") == 1
    assert status["admin"].count("SELECT") == 2  # the review queue's size, as a subquery


@pytest.mark.parametrize("page", ["directory list", "ecosystem overview"])
def test_cached_aggregates_need_only_the_change_marker(measure, page):
    """While the directory does not change, the landing list's facets and the overview's
    aggregates come from the per-tenant cache: no GROUP BY, one marker statement."""
    cold = measure("veliki", 40, page)
    warm = measure("veliki2", 40, page, cached=True)
    for who in cold:
        assert not [s for s in warm[who] if "GROUP BY" in s], _first_lines(warm[who])
        assert sum("organization_revisions" in s for s in warm[who]) == 1
        assert len(warm[who]) < len(cold[who]), (who, page)
