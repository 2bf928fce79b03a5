"""The per-tenant cache of the directory's aggregates (search.cached): the landing list's
facets and the ecosystem overview are kept until the tenant's directory changes, and every
change, through any path, is seen on the next request; tenants and viewer levels never share
an entry."""

import pytest

from solidarna.accounts.models import User
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization
from tests.conftest import EN, Client, definitions, parse
from tests.directory.conftest import facet_counts


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
    assert app.extensions["directory_cache"]  # both pages filled the cache
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
    app.extensions.pop("directory_cache", None)
    client.get("/rasina/directory/?q=zadruga", headers=EN)
    client.get("/rasina/directory/?kd=A", headers=EN)
    assert not app.extensions.get("directory_cache")


def test_the_cache_is_bounded(app, db, monkeypatch, space):
    monkeypatch.setattr(search, "CACHE_SIZE", 3)
    with app.test_request_context("/"), tenant_context(space.id):
        for n in range(10):
            assert search.cached(("test", n), lambda n=n: n * 2) == n * 2
        assert search.cached(("test", 9), lambda: "recomputed") == 18
        assert len(app.extensions["directory_cache"]) == 3
