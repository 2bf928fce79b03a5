"""The visitors' page cache (core/pagecache.py): hits and misses, ETag and 304, a write in a
space visible on the next request, nothing of a member's, an administrator's or another
space's page ever served to a visitor (and the other way round), tokens and flashed messages
never kept."""

from __future__ import annotations

import re

import pytest

from solidarna.core import pagecache
from solidarna.core.capabilities import Capability, CapabilityError, register_capability
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import services as org_services
from solidarna.directory.organizations.models import Organization
from solidarna.discussions import moderation_services
from solidarna.discussions.models import Post
from solidarna.extensions import cache
from solidarna.tenants import services as tenant_services
from solidarna.tenants.models import Membership, Tenant
from tests.conftest import Client, parse, statements, text_of
from tests.directory.conftest import entry, make_space  # noqa: F401 - fixtures
from tests.discussions.conftest import as_user, space  # noqa: F401 - fixtures

EN = {"Accept-Language": "en"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def without_tokens(page: str) -> str:
    for token in set(TOKEN.findall(page)):
        page = page.replace(token, "")
    return page


def status(response) -> str | None:
    return response.headers.get(pagecache.STATUS_HEADER)


def html(response) -> str:
    return response.get_data(as_text=True)


def stored_pages() -> list[bytes]:
    """Every page body the (SimpleCache) page cache holds."""
    backend = cache.cache  # SimpleCache in the tests: no key prefix
    keys = [key for key in backend._cache if key.startswith(f"{pagecache.KEY_PREFIX}:")]
    return [kept[2] for kept in map(backend.get, keys) if kept]


@pytest.fixture(autouse=True)
def page_cache_on(app):
    """These tests are of the cache itself: on even when the suite runs with PAGE_CACHE=0."""
    app.config["PAGE_CACHE"] = True


@pytest.fixture
def rasina(make_space, entry):  # noqa: F811
    with make_space("owner", "member") as tenant:
        entry(
            "Zadruga Rasinski med",
            mission="Med i pčelarstvo.",
            phone="037 123 456",
            field_visibility={"phone": "members", "turnover_band": "admins"},
            turnover_band="1m_5m",
        )
        entry("Ruke Trstenika", municipality="Trstenik", actor_type="association")
    return tenant


def org_id(db, tenant, name) -> int:
    with tenant_context(tenant.id):
        return db.session.scalar(db.select(Organization.id).where(Organization.name == name))


# --- hits, misses, ETag -------------------------------------------------------------------------


def test_a_visitor_page_is_kept_and_answered_304_when_unchanged(client, rasina):
    first = client.get("/rasina/directory/", headers=EN)
    assert first.status_code == 200 and status(first) == "miss"
    second = client.get("/rasina/directory/", headers=EN)
    assert status(second) == "hit"
    assert without_tokens(html(first)) == without_tokens(html(second))
    etag = second.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["ETag"] == etag
    assert second.headers["Cache-Control"] == "private, no-cache"
    assert {"Cookie", "Accept-Language", "HX-Request"} <= set(second.headers["Vary"].split(", "))
    again = client.get("/rasina/directory/", headers={**EN, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    # the same arguments in another order are the same page; other arguments another
    a = client.get("/rasina/directory/?municipality=Trstenik&q=ruke", headers=EN)
    b = client.get("/rasina/directory/?q=ruke&municipality=Trstenik", headers=EN)
    assert (status(a), status(b)) == ("miss", "hit")
    assert "Zadruga Rasinski med" not in html(b) and "Ruke Trstenika" in html(b)


def test_every_declared_page_of_the_capabilities_is_cached(app, client, rasina, db):
    cached = {e for e in app.view_functions if pagecache.is_cacheable(app, e)}
    assert {
        "pages.home", "tenant.home", "directory.index", "directory.profile",
        "directory_map.page", "directory_map.geojson", "ecosystem.index", "resources.index",
        "resources.detail", "practices.index", "practices.detail", "discussions.index",
        "discussions.category", "discussions.thread", "discussion_subjects.index",
    } <= cached  # fmt: skip
    org = org_id(db, rasina, "Ruke Trstenika")
    for url in ("/", "/rasina/", "/rasina/ecosystem/", "/rasina/directory/map",
                "/rasina/directory/map.geojson", f"/rasina/directory/{org}-ruke-trstenika",
                "/rasina/resources/", "/rasina/practices/", "/rasina/discussions/"):  # fmt: skip
        assert status(client.get(url)) == "miss", url
        repeated = client.get(url)
        assert repeated.status_code == 200 and status(repeated) == "hit", url
    # what is not a 200 is never kept: the profile's address with a wrong name redirects
    assert client.get(f"/rasina/directory/{org}-wrong").status_code == 301
    assert status(client.get(f"/rasina/directory/{org}-wrong")) is None


def test_the_contract_refuses_an_endpoint_that_does_not_exist(app):
    with pytest.raises(CapabilityError, match="directory.nowhere"):
        register_capability(
            app, Capability(name="tests:nowhere", label="x", cacheable=("directory.nowhere",))
        )


def test_the_cache_can_be_switched_off(app, client, rasina):
    app.config["PAGE_CACHE"] = False
    assert status(client.get("/rasina/directory/")) is None
    assert status(client.get("/rasina/directory/")) is None


# --- tokens, cookies, flashed messages ------------------------------------------------------------


def test_a_visitor_page_holds_nothing_of_the_visitor_and_sets_no_cookie(app, rasina):
    one, two = Client(app), Client(app)
    first = one.get("/rasina/directory/", headers=EN)
    second = two.get("/rasina/directory/", headers=EN)
    assert (status(first), status(second)) == ("miss", "hit")
    assert html(first) == html(second)
    assert "Set-Cookie" not in first.headers and "Set-Cookie" not in second.headers
    assert not TOKEN.search(html(first)) and "X-CSRFToken" not in html(first)
    for body in stored_pages():
        assert pagecache.PLACEHOLDER not in body and b"csrf_token" not in body
    # the language switch of the cached page works without a token, and without JavaScript
    switched = two.raw.post("/language", data={"locale": "en", "next": "/rasina/directory/"})
    assert switched.status_code == 303 and "lang=en" in switched.headers["Set-Cookie"]


def test_a_kept_page_with_a_token_gives_each_visitor_their_own(app, rasina):
    """A page that does draw a token for a visitor keeps a placeholder where it goes, and is
    served by the Flask path, which puts each visitor's own token in."""
    one, two = Client(app), Client(app)
    assert status(one.get("/rasina/directory/", headers=EN)) == "miss"
    backend = cache.cache
    (key,) = [k for k in backend._cache if k.startswith(f"{pagecache.KEY_PREFIX}:")]
    etag, headers, body, _personal = backend.get(key)
    field = b'<input type="hidden" name="csrf_token" value="' + pagecache.PLACEHOLDER + b'">'
    body = body.replace(b"</main>", field + b"</main>", 1)
    backend.set(key, (etag, headers, body, True))
    first = one.get("/rasina/directory/", headers=EN)
    second = two.get("/rasina/directory/", headers=EN)
    assert (status(first), status(second)) == ("hit", "hit")
    mine, theirs = set(TOKEN.findall(html(first))), set(TOKEN.findall(html(second)))
    assert len(mine) == 1 and len(theirs) == 1 and mine != theirs
    assert pagecache.PLACEHOLDER.decode() not in html(first)
    # another visitor's ETag is not theirs
    etag = first.headers["ETag"]
    assert two.get("/rasina/directory/", headers={**EN, "If-None-Match": etag}).status_code == 200


def test_a_logged_in_switch_without_its_token_sets_the_browser_s_language_only(
    app, client, rasina, db, make_user
):
    person = make_user("switcher@example.org")
    client.login("switcher@example.org")
    forged = client.post("/language", {"locale": "en", "next": "/"}, csrf=False)
    assert forged.status_code == 303 and "lang=en" in forged.headers["Set-Cookie"]
    db.session.refresh(person)
    assert person.locale != "en"
    checked = client.post("/language", {"locale": "en", "next": "/"})
    assert checked.status_code == 303
    db.session.refresh(person)
    assert person.locale == "en"


def test_a_page_with_a_flashed_message_is_neither_served_from_nor_kept(app, client, rasina):
    client.get("/rasina/directory/", headers=EN)  # kept
    # a visitor sent to log in gets "Please log in to see this page." on the next page
    assert client.get("/rasina/admin/members", headers=EN).status_code == 302
    flashed = client.get("/rasina/directory/", headers=EN)
    assert status(flashed) is None and "Please log in to see this page." in html(flashed)
    after = client.get("/rasina/directory/", headers=EN)
    assert status(after) == "hit" and "Please log in" not in html(after)
    assert all(b"Please log in" not in body for body in stored_pages())


# --- who sees what ---------------------------------------------------------------------------------


def test_visitors_members_and_administrators_never_get_each_others_page(app, client, rasina, db):
    org = org_id(db, rasina, "Zadruga Rasinski med")
    profile = f"/rasina/directory/{org}-zadruga-rasinski-med"
    owner = Client(app)
    owner.login("owner@example.org")
    member = Client(app)
    member.login("member@example.org")
    # an administrator first: nothing kept, and the visitor who comes next gets a visitor's page
    admin_page = owner.get("/rasina/directory/", headers=EN)
    assert status(admin_page) is None and "Moderation" in html(admin_page)
    assert "1–5 million" in html(owner.get(profile, headers=EN))
    assert "037 123 456" in html(member.get(profile, headers=EN))
    for url in ("/rasina/directory/", profile):
        assert status(client.get(url, headers=EN)) == "miss"
    visitor = client.get("/rasina/directory/", headers=EN)
    assert status(visitor) == "hit"
    assert "Moderation" not in html(visitor) and "Import from CSV" not in html(visitor)
    assert "Log in" in html(visitor) and "Log out" not in html(visitor)
    seen = html(client.get(profile, headers=EN))
    assert "037 123 456" not in seen and "1–5 million" not in seen and "Med i pčelarstvo" in seen
    # then the others again, after the visitor's page is kept: theirs, never the visitor's
    for person, own in ((owner, "1–5 million"), (member, "037 123 456")):
        page = person.get(profile, headers=EN)
        assert status(page) is None and own in html(page) and "Log out" in html(page)
    assert "Moderation" in html(owner.get("/rasina/directory/", headers=EN))
    # nothing a member or an administrator sees is in any kept page
    for body in stored_pages():
        assert b"037 123 456" not in body and "1–5 million".encode() not in body
        assert b"Log out" not in body


def test_a_moderator_s_thread_is_not_a_visitor_s(space, as_user, client):  # noqa: F811
    thread_id = space.thread(body="Dobar dan.")
    url = f"/alfa/discussions/t/{thread_id}"
    moderator = as_user("mod@example.org")
    assert "Moderate the discussion" in html(moderator.get(url, headers=EN))
    assert status(client.get(url, headers=EN)) == "miss"
    visitor = client.get(url, headers=EN)
    assert status(visitor) == "hit" and "Moderate the discussion" not in html(visitor)
    assert "Moderate the discussion" in html(moderator.get(url, headers=EN))


def test_one_space_s_page_is_never_served_for_another(client, make_space, entry, db):  # noqa: F811
    with make_space("owner", slug="alfa", municipalities=["Kruševac"]):
        entry("Zadruga iz Alfe")
    with make_space(slug="beta", municipalities=["Kruševac"]):
        entry("Udruženje iz Bete", actor_type="association")
    for _ in range(2):
        alfa = html(client.get("/alfa/directory/"))
        beta = html(client.get("/beta/directory/"))
        assert "Zadruga iz Alfe" in alfa and "Udruženje iz Bete" not in alfa
        assert "Udruženje iz Bete" in beta and "Zadruga iz Alfe" not in beta
    assert status(client.get("/beta/")) == "miss"
    assert "Prostor beta" in html(client.get("/beta/")) and "Prostor alfa" in html(
        client.get("/alfa/")
    )


def test_languages_scripts_and_htmx_fragments_are_kept_apart(client, rasina):
    latin = client.get("/rasina/directory/", headers={"Accept-Language": "sr-Latn"})
    cyrillic = client.get("/rasina/directory/", headers={"Accept-Language": "sr-Cyrl"})
    english = client.get("/rasina/directory/", headers=EN)
    assert [status(r) for r in (latin, cyrillic, english)] == ["miss"] * 3
    assert 'lang="sr-Latn"' in html(latin) and "Zadruga Rasinski med" in html(latin)
    assert 'lang="sr-Cyrl"' in html(cyrillic) and "Задруга Расински мед" in html(cyrillic)
    assert 'lang="en"' in html(english)
    fragment = client.get("/rasina/directory/", headers={**EN, "HX-Request": "true"})
    assert status(fragment) == "miss" and "<html" not in html(fragment)
    full = client.get("/rasina/directory/", headers=EN)
    assert status(full) == "hit" and "<html" in html(full)
    boosted = client.get("/rasina/directory/", headers={**EN, "HX-Request": "true", "HX-Boosted": "true"})  # fmt: skip
    assert status(boosted) == "miss" and "<html" in html(boosted)


# --- a write anywhere in the space is seen on the next request -----------------------------------


def test_an_edit_of_an_entry_and_a_new_entry_are_seen_at_once(app, client, rasina, db, entry):  # noqa: F811
    org = org_id(db, rasina, "Ruke Trstenika")
    profile = f"/rasina/directory/{org}-ruke-trstenika"
    for url in (profile, "/rasina/directory/"):
        client.get(url)
        assert status(client.get(url)) == "hit"
    before = pagecache.marker_of(rasina)
    with app.test_request_context(), tenant_context(rasina.id):
        found = db.session.get(Organization, org)
        org_services.update_organization(found, {"mission": "Ručni rad i tkanje."}, {}, None)
        db.session.commit()
    assert pagecache.marker_of(rasina) == before + 1
    assert "Ručni rad i tkanje." in html(client.get(profile))
    with tenant_context(rasina.id):
        entry("Nova zadruga u Brusu", municipality="Brus")
        db.session.commit()
    listed = client.get("/rasina/directory/")
    assert status(listed) == "miss" and "Nova zadruga u Brusu" in html(listed)


def test_a_reply_a_hidden_post_and_a_renamed_author_are_seen_at_once(space, as_user, client, db):  # noqa: F811
    thread_id = space.thread(body="Prvi post.")
    url = f"/alfa/discussions/t/{thread_id}"
    client.get(url)
    assert status(client.get(url)) == "hit"
    ana = as_user("ana@example.org")
    posted = ana.post(f"/alfa/discussions/t/{thread_id}/reply", {"body": "Odgovor preko forme."})
    assert posted.status_code == 303
    page = client.get(url)
    assert status(page) == "miss" and "Odgovor preko forme." in html(page)
    # a moderator hides it (through the service: no HTTP)
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        post = db.session.scalar(
            db.select(Post).where(Post.thread_id == thread_id, Post.number == 2)
        )
        moderation_services.moderate_post(post, "hide", space.moderator, "Van teme")
        db.session.commit()
    assert "Odgovor preko forme." not in html(client.get(url))
    assert status(client.get(url)) == "hit"
    # an author's new name shows wherever they wrote, in every space
    user = db.session.get(type(space.ana), space.ana.id)
    user.name = "Ana Preimenovana"
    db.session.commit()
    assert "Ana Preimenovana" in html(client.get(url))


def test_membership_and_settings_changes_are_seen_at_once(app, client, rasina, db, make_user):
    home = "/rasina/"
    client.get(home, headers=EN)
    assert status(client.get(home, headers=EN)) == "hit"

    def members_figure() -> str:
        page = parse(html(client.get(home, headers=EN)))
        return next(
            text_of(figure) for figure in page.select(".figures li, .figure, dl div")
            if "Members" in text_of(figure)
        )  # fmt: skip

    before = members_figure()
    newcomer = make_user(email="new@example.org", name="Nova Članica")
    with app.test_request_context(), tenant_context(rasina.id):
        asked = tenant_services.request_to_join(rasina, newcomer, "Zdravo")
        db.session.commit()
        owner = db.session.scalar(db.select(Membership).where(Membership.role == "owner")).user
        tenant_services.approve(db.session.get(Membership, asked.id), owner)
        db.session.commit()
    assert members_figure() != before
    tenant = db.session.get(Tenant, rasina.id)
    tenant.description = "Novi opis prostora."
    db.session.commit()
    assert "Novi opis prostora." in html(client.get(home, headers=EN))
    # a space's change does not touch the platform home's marker; a new space does
    assert status(client.get("/")) == "miss"
    assert status(client.get("/")) == "hit"
    db.session.add(Tenant(slug="gama", name="Prostor Gama", kind="network", modules=[]))
    db.session.commit()
    fresh = client.get("/")
    assert status(fresh) == "miss" and "Prostor Gama" in html(fresh)


def test_a_write_in_one_space_does_not_touch_another_s_marker(make_space, entry, db):  # noqa: F811
    with make_space("owner", slug="alfa") as alfa:
        pass
    with make_space(slug="beta") as beta:
        pass
    before = pagecache.marker_of(alfa), pagecache.marker_of(beta)
    with tenant_context(beta.id):
        entry("Samo u Beti")
        db.session.commit()
    after = pagecache.marker_of(alfa), pagecache.marker_of(beta)
    assert after[0] == before[0] and after[1] > before[1]


def test_a_hit_costs_one_statement_the_space_s_row(app, client, rasina, db):
    client.get("/rasina/ecosystem/")
    app.config["PAGE_CACHE_FRONT_DOOR"] = False  # the Flask path's hit
    try:
        with statements(db.engine) as seen:
            hit = client.get("/rasina/ecosystem/")
    finally:
        app.config["PAGE_CACHE_FRONT_DOOR"] = True
    assert status(hit) == "hit"
    assert len(seen) == 1 and "FROM tenants" in seen[0], seen
    # the front door's: the same row on the driver's own cursor, nothing through SQLAlchemy
    door = app.wsgi_app
    door = door if isinstance(door, pagecache.FrontDoor) else door.application
    before = door.reader.statements_run
    with statements(db.engine) as seen:
        hit = client.get("/rasina/ecosystem/")
    assert status(hit) == "hit"
    assert seen == [] and door.reader.statements_run == before + 1


def test_platform_writes_leave_the_spaces_alone_but_a_rename_reaches_them_all(
    app,
    make_space,  # noqa: F811 - a fixture
    make_user,
    db,
    client,
):
    with make_space("owner", slug="alfa") as alfa:
        pass
    with make_space(slug="beta") as beta:
        pass
    markers = lambda: (pagecache.marker_of(alfa), pagecache.marker_of(beta))  # noqa: E731
    before = markers()
    someone = make_user(email="someone@example.org", name="Neko Novi")  # with an audit entry
    client.login("someone@example.org")  # last_login_at, an audit entry without a space
    assert markers() == before
    user = db.session.get(type(someone), someone.id)
    user.name = "Neko Preimenovan"
    db.session.commit()
    assert all(after > was for after, was in zip(markers(), before, strict=True))
