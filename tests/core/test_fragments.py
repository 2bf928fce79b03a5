"""The fragment cache of logged-in people's pages (core/fragments.py): a write seen on the next
request, levels kept apart (a moderator's posts list never served to a member, nor the other
way round), one member's own-post controls never shown to another, spaces and languages kept
apart, no CSRF token ever kept, and PAGE_CACHE=0 / FRAGMENT_CACHE=0 turning it off."""

from __future__ import annotations

import re

import pytest
from flask import g

from solidarna.core import fragments
from solidarna.core.tenancy import tenant_context
from solidarna.discussions import moderation_services
from solidarna.discussions.models import Post
from solidarna.extensions import cache
from tests.conftest import Client
from tests.directory.conftest import entry, make_space  # noqa: F401 - fixtures
from tests.discussions.conftest import as_user, space  # noqa: F401 - fixtures

EN = {"Accept-Language": "en"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(autouse=True)
def caches_on(app):
    """The cache's own tests: on even when the suite runs with PAGE_CACHE=0."""
    app.config["PAGE_CACHE"] = True
    app.config["FRAGMENT_CACHE"] = True


def secret(token: str) -> str:
    """The session's part of a signed token (the rest is the time it was signed)."""
    return token.split(".")[0]


def status(response, name: str) -> str | None:
    """How the fragment `name` was drawn: "hit" also when it came in a kept page shell (the
    shell holds it as it was kept; fragments.shell_page)."""
    drawn = dict(
        part.split("=") for part in response.headers.get(fragments.STATUS_HEADER, "").split(", ")
        if "=" in part
    )  # fmt: skip
    if name not in drawn and drawn.get(fragments.SHELL) == "hit":
        return "hit"
    return drawn.get(name)


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def kept(*, layout: bool = False) -> dict[str, str]:
    """The kept fragments of the pages' content (with `layout`, also the space's navigation
    and the kept values)."""
    backend = cache.cache  # SimpleCache in the tests: no key prefix
    keys = [key for key in backend._cache if key.startswith(f"{fragments.KEY_PREFIX}:")]
    if not layout:
        keys = [key for key in keys if ":site-header:" not in key and ":v." not in key]
    return {key: backend.get(key) for key in keys}


def edit_links(page: str) -> set[str]:
    return set(re.findall(r'href="(/alfa/discussions/posts/\d+/edit)"', page))


def report_links(page: str) -> set[str]:
    return set(re.findall(r'href="(/alfa/discussions/posts/\d+/report)"', page))


def post_id(app, space, thread_id, number) -> int:  # noqa: F811
    from solidarna.extensions import db

    with app.app_context(), tenant_context(space.tenant.id):
        return db.session.scalar(
            db.select(Post.id).where(Post.thread_id == thread_id, Post.number == number)
        )


def test_a_member_sees_a_write_on_the_next_request(space, as_user):  # noqa: F811
    thread = space.thread("Pčele", "Prvi post o pčelama.")
    ana = as_user(space.ana.email)
    url = f"/alfa/discussions/t/{thread}"
    first = ana.get(url, headers=EN)
    assert status(first, "thread-posts") == "miss" and "Prvi post o pčelama." in html(first)
    again = ana.get(url, headers=EN)
    assert status(again, "thread-posts") == "hit"
    assert html(again).count('class="post') == html(first).count('class="post')
    space.reply(thread, "Drugi post, od Bojana.", space.bojan)
    after = ana.get(url, headers=EN)
    assert status(after, "thread-posts") == "miss" and "Drugi post, od Bojana." in html(after)
    # the directory's list and facets, the discussions index and the home's feed too
    for path, name in (
        ("/alfa/", "home-activity"),
        ("/alfa/discussions/", "discussion-categories"),
        ("/alfa/directory/", "directory-results"),
    ):
        assert status(ana.get(path, headers=EN), name) == "miss"
        assert status(ana.get(path, headers=EN), name) == "hit"
    space.thread("Nova tema o medu", "Med.")
    home = ana.get("/alfa/", headers=EN)
    assert status(home, "home-activity") == "miss" and "Nova tema o medu" in html(home)


def test_a_moderators_posts_list_is_never_served_to_a_member(space, as_user):  # noqa: F811
    thread = space.thread("Pravila", "Pišite pristojno.")
    url = f"/alfa/discussions/t/{thread}"
    moderator, ana = as_user(space.moderator.email), as_user(space.ana.email)
    seen = html(moderator.get(url, headers=EN))
    assert f"/alfa/discussions/posts/{post_id(space.app, space, thread, 1)}/moderate" in seen
    member = ana.get(url, headers=EN)
    assert status(member, "thread-posts") == "miss"
    assert "/moderate" not in html(member)
    assert ">Moderate<" not in html(member)
    # and the other way round: a member's list first, then the moderator's
    other = space.thread("Druga tema", "Tekst.")
    url = f"/alfa/discussions/t/{other}"
    assert ">Moderate<" not in html(ana.get(url, headers=EN))
    for_moderator = moderator.get(url, headers=EN)
    assert status(for_moderator, "thread-posts") == "miss"
    assert ">Moderate<" in html(for_moderator)


def test_own_post_controls_are_never_shown_to_another_member(space, as_user):  # noqa: F811
    thread = space.thread("Moja tema", "Anin post.", author=space.ana)
    space.reply(thread, "Bojanov odgovor.", space.bojan)
    ana_post = post_id(space.app, space, thread, 1)
    bojan_post = post_id(space.app, space, thread, 2)
    url = f"/alfa/discussions/t/{thread}"
    ana, bojan, cveta = (as_user(p.email) for p in (space.ana, space.bojan, space.cveta))
    ana_page = ana.get(url, headers=EN)
    assert status(ana_page, "thread-posts") == "miss"
    assert edit_links(html(ana_page)) == {f"/alfa/discussions/posts/{ana_post}/edit"}
    assert report_links(html(ana_page)) == {f"/alfa/discussions/posts/{bojan_post}/report"}
    bojan_page = bojan.get(url, headers=EN)
    assert status(bojan_page, "thread-posts") == "hit"  # the same kept list...
    assert edit_links(html(bojan_page)) == {f"/alfa/discussions/posts/{bojan_post}/edit"}
    assert report_links(html(bojan_page)) == {f"/alfa/discussions/posts/{ana_post}/report"}
    cveta_page = cveta.get(url, headers=EN)
    assert status(cveta_page, "thread-posts") == "hit"
    assert edit_links(html(cveta_page)) == set()  # ...with nobody else's controls
    assert len(report_links(html(cveta_page))) == 2
    # the delete forms carry each person's own token, and no token is kept
    for client, page in ((ana, ana_page), (bojan, bojan_page)):
        assert {secret(token) for token in TOKEN.findall(html(page))} == {secret(client.token())}
    for text in kept().values():
        assert set(TOKEN.findall(text)) <= {fragments.PLACEHOLDER}
        assert f"/alfa/discussions/posts/{ana_post}/edit" not in text


def test_the_follow_state_in_a_kept_thread_head_is_each_member_s_own(space, as_user):  # noqa: F811
    """The thread's head and tools are kept with its posts; whether the viewer follows the
    thread is a slot."""
    thread = space.thread("Praćena tema", "Uvod.", author=space.cveta)
    url = f"/alfa/discussions/t/{thread}"
    ana, bojan = as_user(space.ana.email), as_user(space.bojan.email)
    follows = ana.post(f"/alfa/discussions/t/{thread}/follow", data={"following": "1"})
    assert follows.status_code in (200, 303), follows.status_code
    ana_page = ana.get(url, headers=EN)
    assert "You follow this discussion" in html(ana_page)
    bojan_page = bojan.get(url, headers=EN)
    assert status(bojan_page, "thread-posts") == "hit"  # the head Ana's page drew...
    assert "You follow this discussion" not in html(bojan_page)  # ...without her state
    assert 'name="following" value="1"' in html(bojan_page)
    assert "<h1>Praćena tema</h1>" in html(bojan_page)
    for key, text in kept().items():
        if ":thread-posts:" in key:
            assert "You follow" not in text and 'name="following"' not in text


def test_a_hidden_posts_text_is_shown_to_its_author_only(space, as_user):  # noqa: F811
    from solidarna.extensions import db

    thread = space.thread("Tema", "Uvod.", author=space.bojan)
    space.reply(thread, "Tajni tekst koji je sakriven.", space.ana)
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        post = db.session.get(Post, post_id(space.app, space, thread, 2))
        moderation_services.moderate_post(post, "hide", space.moderator, "Van teme")
        db.session.commit()
    url = f"/alfa/discussions/t/{thread}"
    bojan, ana = as_user(space.bojan.email), as_user(space.ana.email)
    assert "Tajni tekst" not in html(bojan.get(url, headers=EN))
    author = ana.get(url, headers=EN)
    assert status(author, "thread-posts") == "hit"
    assert "Tajni tekst koji je sakriven." in html(author)
    assert "Tajni tekst" in html(as_user(space.moderator.email).get(url, headers=EN))
    # kept: the members' list (Bojan's, served to Ana) and the moderators' list; only the
    # moderators' has the text
    texts = [text for key, text in kept().items() if ":thread-posts:" in key]
    assert len(texts) == 2 and sum("Tajni tekst" in text for text in texts) == 1


def test_spaces_and_languages_are_kept_apart(app, db, space, make_tenant, as_user):  # noqa: F811
    beta = make_tenant("beta", members={space.ana: "member"})
    with tenant_context(beta.id):
        from solidarna.discussions import services as ds
        from solidarna.discussions.models import Category

        category = Category(name="Beta pitanja", visibility="public", position=1)
        db.session.add(category)
        db.session.flush()
        with app.test_request_context():
            ds.create_thread("Beta tema", "Samo u beti.", space.ana, category=category)
        db.session.commit()
    ana = as_user(space.ana.email)
    alfa_page = ana.get("/alfa/discussions/", headers=EN)
    beta_page = ana.get("/beta/discussions/", headers=EN)
    assert status(alfa_page, "discussion-categories") == "miss"
    assert status(beta_page, "discussion-categories") == "miss"
    assert "Beta pitanja" in html(beta_page) and "Beta pitanja" not in html(alfa_page)
    assert "Pitanja" in html(alfa_page)
    latin = ana.get("/alfa/discussions/", headers={"Accept-Language": "sr-Latn"})
    cyrillic = ana.get("/alfa/discussions/", headers={"Accept-Language": "sr-Cyrl"})
    assert status(latin, "discussion-categories") == "miss"
    assert status(cyrillic, "discussion-categories") == "miss"
    assert "Pitanja" in html(latin) and "Питања" in html(cyrillic)
    assert status(ana.get("/alfa/discussions/", headers=EN), "discussion-categories") == "hit"


@pytest.mark.parametrize("setting", ["PAGE_CACHE", "FRAGMENT_CACHE"])
def test_switched_off_nothing_is_kept(app, space, as_user, setting):  # noqa: F811
    app.config[setting] = False
    thread = space.thread("Tema", "Tekst.")
    ana = as_user(space.ana.email)
    for _ in range(2):
        page = ana.get(f"/alfa/discussions/t/{thread}", headers=EN)
        assert status(page, "thread-posts") == "off" and "Tekst." in html(page)
        assert edit_links(html(page))  # the slots are filled all the same
    assert kept() == {}


def test_a_fragment_carrying_the_real_token_is_refused(app, space):  # noqa: F811
    from flask_wtf.csrf import generate_csrf

    from solidarna.tenants.models import Tenant

    with app.test_request_context("/alfa/"), tenant_context(space.tenant.id):
        from solidarna.extensions import db

        g.tenant = db.session.get(Tenant, space.tenant.id)
        with pytest.raises(fragments.FragmentLeak):
            fragments.cached_fragment("leaky", caller=lambda: f"<input value={generate_csrf()}>")
        # the template global gives a placeholder inside, the request's own token outside
        shown = fragments.cached_fragment("tidy", caller=lambda: f"[{fragments.csrf_token()}]")
        assert str(shown) == f"[{generate_csrf()}]"
        (text,) = [text for key, text in kept().items() if ":tidy:" in key]
        assert text == f"[{fragments.PLACEHOLDER}]" and generate_csrf() not in text


def test_the_level_comes_from_the_predicates(space, as_user):  # noqa: F811
    """Visitor, member, moderator, owner, outsider: five different levels."""
    levels = set()
    visitor = Client(space.app)
    for client in (visitor, *(as_user(p.email) for p in (space.ana, space.moderator,
                                                         space.owner, space.outsider))):  # fmt: skip
        before = set(kept())
        client.get("/alfa/discussions/", headers={"Accept-Language": "sr-Cyrl"})
        new = {key for key in set(kept()) - before if ":discussion-categories:" in key}
        if client is not visitor:
            assert len(new) == 1, new
            levels.add(new.pop().split(":")[-2])
    assert len(levels) == 4


def test_a_kept_form_carries_each_requests_own_token(db, make_user, make_tenant, as_user):  # noqa: F811
    """The set-up form of an empty discussions index, kept for the admins' level."""
    first, second = make_user(email="prva@example.org"), make_user(email="druga@example.org")
    make_tenant("nova", members={first: "owner", second: "owner"})
    clients = [as_user("prva@example.org"), as_user("druga@example.org")]
    pages = [client.get("/nova/discussions/", headers=EN) for client in clients]
    assert [status(page, "discussion-categories") for page in pages] == ["miss", "hit"]
    for client, page in zip(clients, pages, strict=True):
        tokens = {secret(token) for token in TOKEN.findall(html(page))}
        assert tokens == {secret(client.token())}
    (text,) = [text for key, text in kept().items() if ":discussion-categories:" in key]
    assert set(TOKEN.findall(text)) == {fragments.PLACEHOLDER}
    token = TOKEN.findall(html(pages[1]))[-1]
    done = clients[1].raw.post("/nova/discussions/categories/set-up", data={"csrf_token": token})
    assert done.status_code == 303
    assert "/nova/discussions/c/" in html(clients[0].get("/nova/discussions/", headers=EN))


def test_an_entry_shown_to_its_representative_is_not_kept_for_other_members(
    app,
    make_space,  # noqa: F811
    entry,  # noqa: F811
):
    from solidarna.accounts.models import User
    from solidarna.directory.organizations import services as org_services

    with make_space("owner", "rep", "member"):
        entry("Zadruga Rasinski med")
        waiting = entry("Zadruga na čekanju", moderation="pending")
        org_services.add_representative(waiting, User.by_email("rep@example.org"), status="active")
    rep, member = Client(app), Client(app)
    rep.login("rep@example.org")
    member.login("member@example.org")
    mine = rep.get("/rasina/directory/", headers=EN)
    theirs = member.get("/rasina/directory/", headers=EN)
    assert status(mine, "directory-results") == status(theirs, "directory-results") == "miss"
    assert "Zadruga na čekanju" in html(mine) and "Zadruga na čekanju" not in html(theirs)
    assert "Zadruga Rasinski med" in html(theirs)
    assert status(member.get("/rasina/directory/", headers=EN), "directory-results") == "hit"
