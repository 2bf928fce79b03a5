"""The page shell of logged-in people's pages (core/fragments.py `shell_page`): a whole page
kept per viewer level with its personal slots open. Served to another person of the same
level it is the very page that person gets with the caches off; other levels, flashed
messages, drafted replies and htmx requests never come from it; no token, address or name
of the person who drew it is kept."""

from __future__ import annotations

import re

import pytest

from solidarna.core import fragments, notifications
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import cache
from tests.conftest import Client
from tests.core.test_fragments import EN, TOKEN, html, post_id, status
from tests.directory.conftest import entry, make_space  # noqa: F401 - fixtures
from tests.discussions.conftest import as_user, space  # noqa: F401 - fixtures


@pytest.fixture(autouse=True)
def caches_on(app):
    app.config["PAGE_CACHE"] = True
    app.config["FRAGMENT_CACHE"] = True


def shells() -> dict[str, str]:
    backend = cache.cache  # SimpleCache in the tests
    return {
        key: backend.get(key)
        for key in backend._cache
        if key.startswith(f"{fragments.KEY_PREFIX}:") and f":{fragments.SHELL}." in key
    }


def same_page(text: str) -> str:
    """A page with its signed tokens put aside (each is signed with the time of signing)."""
    return TOKEN.sub('name="csrf_token" value="-"', re.sub(r'"X-CSRFToken": "[^"]+"', "", text))


@pytest.fixture
def member(as_user):  # noqa: F811
    """A logged-in client whose login message has been shown (a page with a flashed message
    is never a shell's)."""

    def login(email):
        client = as_user(email)
        client.get("/alfa/discussions/", headers=EN)
        return client

    return login


def uncached(app, client, url):
    app.config["FRAGMENT_CACHE"] = False
    try:
        return client.get(url, headers=EN)
    finally:
        app.config["FRAGMENT_CACHE"] = True


def test_another_member_gets_from_the_shell_the_page_drawn_for_them(app, space, member):  # noqa: F811
    """Ana draws the shell; Bojan (the same level, another name, his own post, following the
    thread he replied to, an unread notice) gets from it exactly the page drawn for him with
    the caches off."""
    thread = space.thread("Zajednička tema", "Anin uvod.", author=space.ana)
    space.reply(thread, "Bojanov odgovor.", space.bojan)
    url = f"/alfa/discussions/t/{thread}"
    ana, bojan = member(space.ana.email), member(space.bojan.email)
    assert ana.post(f"{url}/follow", data={"following": "0"}).status_code in (200, 303)
    ana.get("/alfa/discussions/", headers=EN)  # its message shown
    with app.test_request_context(), tenant_context(space.tenant.id):
        notifications.notify(
            [space.bojan], kind="mention", title="Pomenuti ste", url="/alfa/discussions/"
        )
        from solidarna.extensions import db

        db.session.commit()
    first = ana.get(url, headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "You follow this discussion" not in html(first)
    served = bojan.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    drawn = uncached(app, bojan, url)
    assert status(drawn, fragments.SHELL) is None
    assert same_page(html(served)) == same_page(html(drawn))
    page = html(served)
    assert "Bojan Bojić" in page and "You follow this discussion" in page
    assert 'class="bell-count" aria-hidden="true">1<' in page  # his own unread notice
    assert 'class="bell-count"' not in html(first)
    bojan_post = post_id(app, space, thread, 2)
    assert f"/alfa/discussions/posts/{bojan_post}/edit" in page
    assert f"/alfa/discussions/posts/{post_id(app, space, thread, 1)}/edit" not in page
    # what is kept has neither person's token, address nor name in the header
    for text in shells().values():
        assert set(TOKEN.findall(text)) <= {fragments.PLACEHOLDER}
        assert "ana@example.org" not in text and "bojan@example.org" not in text
        assert "Ana Anić</a></li>" not in text and "You follow" not in text


def test_a_moderators_shell_is_never_a_members(space, member):  # noqa: F811
    thread = space.thread("Tema", "Uvod.", author=space.ana)
    url = f"/alfa/discussions/t/{thread}"
    bojan, moderator = member(space.bojan.email), member(space.moderator.email)
    assert status(bojan.get(url, headers=EN), fragments.SHELL) == "miss"
    for_moderator = moderator.get(url, headers=EN)
    assert status(for_moderator, fragments.SHELL) == "miss"  # another level, another shell
    assert "Moderate the discussion" in html(for_moderator)
    again = bojan.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert "Moderate the discussion" not in html(again)
    assert len(shells()) == 2


def test_a_visitor_never_gets_a_shell(space, member, client):  # noqa: F811
    thread = space.thread("Javna tema", "Uvod.", author=space.ana)
    url = f"/alfa/discussions/t/{thread}"
    member_page = html(member(space.ana.email).get(url, headers=EN))
    assert "Log out" in member_page
    visitor = client.get(url, headers=EN)
    assert status(visitor, fragments.SHELL) is None
    assert "Log out" not in html(visitor) and "Ana Anić</a></li>" not in html(visitor)


def test_a_page_with_a_flashed_message_a_draft_or_for_htmx_is_not_a_shells(space, member):  # noqa: F811
    thread = space.thread("Tema", "Uvod.", author=space.ana)
    url = f"/alfa/discussions/t/{thread}"
    ana, bojan = member(space.ana.email), member(space.bojan.email)
    with ana.raw.session_transaction() as session:
        session["_flashes"] = [("success", "Anina poruka samo za nju.")]
    flashed = ana.get(url, headers=EN)
    assert "Anina poruka samo za nju." in html(flashed)
    assert status(flashed, fragments.SHELL) is None
    assert not shells()
    quoted = bojan.get(f"{url}?quote=1", headers=EN)
    assert status(quoted, fragments.SHELL) is None and "Anin" not in str(shells())
    fragment = bojan.get(url, headers={**EN, "HX-Request": "true"})
    assert status(fragment, fragments.SHELL) is None
    later = bojan.get(url, headers=EN)
    assert status(later, fragments.SHELL) == "miss"
    assert "Anina poruka" not in html(later)


def test_a_write_is_on_the_next_page_from_the_shell(space, member):  # noqa: F811
    thread = space.thread("Tema", "Uvod.", author=space.ana)
    url = f"/alfa/discussions/t/{thread}"
    bojan = member(space.bojan.email)
    assert status(bojan.get(url, headers=EN), fragments.SHELL) == "miss"
    assert status(bojan.get(url, headers=EN), fragments.SHELL) == "hit"
    space.reply(thread, "Novi odgovor posle čuvanja.", space.cveta)
    after = bojan.get(url, headers=EN)
    assert status(after, fragments.SHELL) == "miss"
    assert "Novi odgovor posle čuvanja." in html(after)


def test_the_directory_shell_is_per_entries_represented(app, make_space, entry):  # noqa: F811
    """A representative sees their own entry under review; another member's shell never
    carries it, and theirs is never served to another member."""
    from solidarna.accounts.models import User
    from solidarna.directory.organizations import services as org_services

    with make_space("owner", "rep", "member"):
        entry("Zadruga Rasinski med")
        waiting = entry("Zadruga na čekanju", moderation="pending")
        org_services.add_representative(waiting, User.by_email("rep@example.org"), status="active")
    rep, other = Client(app), Client(app)
    for client, email in ((rep, "rep@example.org"), (other, "member@example.org")):
        client.login(email)
        client.get("/rasina/discussions/", headers=EN)  # the login message shown
    url = "/rasina/directory/"
    by_other = other.get(url, headers=EN)
    assert status(by_other, fragments.SHELL) == "miss"
    assert "Zadruga na čekanju" not in html(by_other)
    by_rep = rep.get(url, headers=EN)
    assert status(by_rep, fragments.SHELL) == "miss"  # their own entries: their own shell
    assert "Zadruga na čekanju" in html(by_rep)
    again = other.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert "Zadruga na čekanju" not in html(again) and "Zadruga Rasinski med" in html(again)
    filtered = rep.get(f"{url}?q=zadruga", headers=EN)
    assert status(filtered, fragments.SHELL) == "miss"  # another address, another shell
    assert "Zadruga na čekanju" in html(filtered)


def test_the_discussions_index_shell_fills_each_persons_own_discussions(space, member, db, entry):  # noqa: F811
    """The discussions about directory entries are each person's (their own entries under
    review included): a slot of the level's shell, filled from their own kept fragment."""
    from tests.core.test_member_layout import ana_discusses_her_entry_under_review

    ana_discusses_her_entry_under_review(space, db, entry)
    ana, bojan = member(space.ana.email), member(space.bojan.email)
    url = "/alfa/discussions/"
    for_ana = ana.get(url, headers=EN)
    assert status(for_ana, fragments.SHELL) == "miss"  # `member`'s pages had a message
    assert "Tema o bagremu" in html(for_ana)
    for_bojan = bojan.get(url, headers=EN)
    assert status(for_bojan, fragments.SHELL) == "hit"
    assert "Tema o bagremu" not in html(for_bojan)
    for text in shells().values():
        assert "Tema o bagremu" not in text


def test_the_home_shell_is_per_standing_and_its_figures_each_persons(space, member, db):  # noqa: F811
    """The home's head says where the viewer stands (asked to join, member, its role): a
    shell per standing; a pending applicant never gets the members' one."""
    from solidarna.tenants.models import Membership

    with space.app.test_request_context(), tenant_context(space.tenant.id):
        db.session.add(Membership(user_id=space.outsider.id, role="member", status="pending"))
        db.session.commit()
    ana, bojan, waiting = (member(p.email) for p in (space.ana, space.bojan, space.outsider))
    assert status(ana.get("/alfa/", headers=EN), fragments.SHELL) == "miss"
    for_bojan = bojan.get("/alfa/", headers=EN)
    assert status(for_bojan, fragments.SHELL) == "hit"
    assert "You are a member" in html(for_bojan) and 'class="figures"' in html(for_bojan)
    assert same_page(html(for_bojan)) == same_page(html(uncached(space.app, bojan, "/alfa/")))
    for_waiting = waiting.get("/alfa/", headers=EN)
    assert status(for_waiting, fragments.SHELL) == "miss"
    assert "waiting for a decision" in html(for_waiting)
    assert "You are a member" not in html(for_waiting)
    for text in shells().values():
        assert 'class="figures"' not in text  # each person's, filled per request


@pytest.mark.parametrize("shown", ["token", "address", "message"])
def test_a_shell_with_the_persons_token_address_or_message_is_not_kept(
    app,
    db,
    space,  # noqa: F811
    monkeypatch,
    shown,
):
    """The person's real CSRF token (a form's `hidden_tag()`) raises in tests; their e-mail
    address or a flashed message shown on the page make it drawn, not kept."""
    from flask import g, get_flashed_messages
    from flask.globals import request_ctx
    from flask_login import login_user
    from flask_wtf.csrf import generate_csrf
    from jinja2 import ChoiceLoader, DictLoader

    from solidarna.accounts.models import User
    from solidarna.tenants.models import Tenant

    page = "<p>{{ shown() }}</p>{% for m in get_flashed_messages() %}{{ m }}{% endfor %}"
    loader = ChoiceLoader([DictLoader({"test/shell.html": page}), app.jinja_env.loader])
    monkeypatch.setattr(app.jinja_env, "loader", loader)
    shows = {"token": generate_csrf, "address": lambda: "ana@example.org", "message": str}
    with app.test_request_context("/alfa/"), tenant_context(space.tenant.id):
        g.tenant = db.session.get(Tenant, space.tenant.id)
        login_user(db.session.get(User, space.ana.id))
        get_flashed_messages()  # the login's own, if any
        if shown == "message":  # a message the page took and shows, as base.html does
            request_ctx.flashes = [("message", "Poruka samo za Anu.")]
        context = {"shown": shows[shown]}
        if shown == "token":
            with pytest.raises(fragments.FragmentLeak):
                fragments.shell_page("test/shell.html", (), None, context)
        else:
            assert fragments.shell_page("test/shell.html", (), None, context) is not None
            assert dict(g.fragments)[fragments.SHELL] == "drawn"
    assert not shells()


def test_a_shell_is_named_by_its_address_as_a_visitors_page_is(space, member):  # noqa: F811
    """The query sorted by name (one shell for either order); a query longer than the page
    cache takes is drawn, never kept (no key flood)."""
    bojan = member(space.bojan.email)
    url = "/alfa/discussions/t/{}"
    thread = space.thread("Tema", "Uvod.", author=space.ana)
    first = bojan.get(f"{url.format(thread)}?page=1&x=2", headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    again = bojan.get(f"{url.format(thread)}?x=2&page=1", headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    long = bojan.get(f"{url.format(thread)}?x={'a' * 600}", headers=EN)
    assert long.status_code == 200 and status(long, fragments.SHELL) is None
    assert len(shells()) == 1
