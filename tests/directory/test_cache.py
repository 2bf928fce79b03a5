"""The per-tenant cache of the directory's aggregates (search.cached): the landing list's
facets and the ecosystem overview are kept until the tenant's directory changes, and every
change, through any path, is seen on the next request; tenants and viewer levels never share
an entry."""

import pytest

from solidarna import create_app
from solidarna.accounts.models import User
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import cache
from tests.conftest import EN, Client, definitions, parse
from tests.directory.conftest import facet_counts


def directory_keys(app) -> set[str]:
    """The directory's keys in the application's cache (a SimpleCache in the tests)."""
    backend = app.extensions["cache"][cache]
    return {key for key in backend._cache if key.startswith("directory:")}


def facet_count(html: str, name: str, value: str) -> int | None:
    return facet_counts(html, name).get(value)


def overview_total(html: str) -> str:
    return definitions(html)["Verified organizations"]


@pytest.fixture
def space(make_space, entry):
    with make_space("owner") as tenant:
        entry("Zadruga Rasinski med", tags={"kd": ["A"]})
        entry("Ruke Trstenika", municipality="Trstenik", tags={"kd": ["Q"]})
        entry("Zadruga na čekanju", municipality="Brus", moderation="pending")
    return tenant


def test_verifying_an_entry_updates_the_cached_list_and_overview(app, db, client, space):
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "municipality", "Brus") is None
    overview = client.get("/rasina/ecosystem/", headers=EN).get_data(as_text=True)
    assert overview_total(overview) == "2"
    assert directory_keys(app) == {
        f"directory:{space.id}:facets:public",
        f"directory:{space.id}:overview:public:municipality",
    }  # both pages filled the cache
    with tenant_context(space.id):
        pending = db.session.scalar(
            db.select(Organization).where(Organization.moderation == "pending")
        )
        owner = db.session.scalar(db.select(User).filter_by(email="owner@example.org"))
        services.moderate(pending, "verify", owner)
        db.session.commit()
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "municipality", "Brus") == 1
    overview = client.get("/rasina/ecosystem/", headers=EN).get_data(as_text=True)
    assert overview_total(overview) == "3"


def test_editing_only_the_tags_updates_the_cached_facets(app, db, client, space):
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "kd", "A") == 1 and facet_count(html, "kd", "C") is None
    with tenant_context(space.id):
        org = db.session.scalar(db.select(Organization).filter_by(name="Ruke Trstenika"))
        owner = db.session.scalar(db.select(User).filter_by(email="owner@example.org"))
        services.update_organization(org, {}, {"kd": ["A", "C"]}, owner)
        db.session.commit()
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "kd", "A") == 2 and facet_count(html, "kd", "C") == 1
    assert facet_count(html, "kd", "Q") is None


def test_a_write_without_a_revision_is_seen_too(app, db, client, space):
    """Entries added directly (fixtures, bulk loads) change the marker through the
    organizations' count and latest update."""
    client.get("/rasina/directory/", headers=EN)
    with tenant_context(space.id):
        org = Organization(
            name="Direktno upisana",
            legal_form="association",
            actor_type="association",
            municipality="Brus",
            district_iso="RS-19",
            moderation="verified",
        )
        org.refresh_search()
        db.session.add(org)
        db.session.commit()
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "municipality", "Brus") == 1
    assert "3 organizations" in html


def test_tenants_and_levels_do_not_share_cached_counts(app, db, client, space, make_tenant, entry):
    other = make_tenant("drugi", region="RS-19", municipalities=["Kruševac", "Brus"])
    with tenant_context(other.id):
        for n in range(5):
            entry(f"Drugi prostor {n}", municipality="Brus")
        db.session.commit()
    for _ in range(2):  # the second round comes from the cache
        rasina = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
        drugi = client.get("/drugi/directory/", headers=EN).get_data(as_text=True)
        assert facet_count(rasina, "municipality", "Brus") is None
        assert facet_count(drugi, "municipality", "Brus") == 5
        assert "Drugi prostor" not in rasina
    admin = Client(app)
    admin.login("owner@example.org")
    html = admin.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "municipality", "Brus") == 1  # the pending entry
    assert facet_count(html, "moderation", "pending") == 1
    html = client.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "municipality", "Brus") is None
    assert facet_counts(html, "municipality") and not parse(html).select('[name="moderation"]')


def test_filtered_lists_are_not_cached(app, client, space):
    client.get("/rasina/directory/?q=zadruga", headers=EN)
    client.get("/rasina/directory/?kd=A", headers=EN)
    assert not directory_keys(app)


def test_the_cache_is_bounded(db, _schema, space):
    small = create_app(
        {"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": _schema, "CACHE_THRESHOLD": 3}
    )
    with small.test_request_context("/"), tenant_context(space.id):
        for n in range(10):
            assert search.cached(("test", n), lambda n=n: n * 2) == n * 2
        assert search.cached(("test", 9), lambda: "recomputed") == 18
        # cachelib's SimpleCache prunes once it holds more than the threshold
        assert len(directory_keys(small)) <= 3 + 1


# --- one cache shared by several processes (Redis) ---------------------------------------------


@pytest.fixture
def redis_cache_config(_schema, redis_url, redis_prefix):
    """Two applications (as two app servers would be) on one Redis, under a prefix of this
    test's own; its keys are deleted afterwards (never the others')."""
    yield {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": _schema,
        "PUBLIC_BASE_URL": "http://localhost",
        "CACHE_TYPE": "RedisCache",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"{redis_prefix}:",
    }


def test_two_servers_share_the_cache_and_see_each_others_changes(db, space, redis_cache_config):
    one_server, other_server = (
        create_app(dict(redis_cache_config)),
        create_app(dict(redis_cache_config)),
    )
    first, second = Client(one_server), Client(other_server)
    html = first.get("/rasina/directory/", headers=EN).get_data(as_text=True)
    assert facet_count(html, "municipality", "Brus") is None
    # The second server finds the first one's counts in Redis: computing them again would
    # take the facets' statement, which is not run.
    computed = []
    original = search.facet_counts

    def counting(*args, **kwargs):
        computed.append(args)
        return original(*args, **kwargs)

    search.facet_counts = counting
    try:
        html = second.get("/rasina/directory/", headers=EN).get_data(as_text=True)
        assert facet_count(html, "kd", "A") == 1 and not computed
        # A change made through the first server ...
        owner = Client(one_server)
        owner.login("owner@example.org")
        with one_server.app_context(), tenant_context(space.id):
            pending = db.session.scalar(
                db.select(Organization).where(Organization.moderation == "pending")
            )
            pending_id = pending.id
        response = owner.post(
            f"/rasina/directory/{pending_id}/moderate", {"action": "verify"}, headers=EN
        )
        assert response.status_code == 303
        # ... is seen on the next request to the second.
        html = second.get("/rasina/directory/", headers=EN).get_data(as_text=True)
        assert facet_count(html, "municipality", "Brus") == 1 and len(computed) == 1
    finally:
        search.facet_counts = original
