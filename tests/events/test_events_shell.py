"""The events' list and month view as page shells for logged-in people (events/views/browse.py
index, core/fragments.py `shell_page`): one per viewer level and address, under the marker
that follows the clock. Another member gets from it exactly the page drawn for them with the
caches off; the office's page (drafts, "New event") is another level's; a change, and an
event that ended without any write, are on the next request."""

from __future__ import annotations

from datetime import timedelta

from solidarna.core import fragments
from solidarna.core.models import utcnow
from solidarna.events import calendar, contributions
from tests.core.test_fragments import EN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture
from tests.events.helpers import ahead, make_event


def logged_in(world, email):
    client = world.client(email)
    client.get("/alfa/", headers=EN)  # the login message shown
    return client


def test_another_member_gets_from_the_events_shell_the_page_drawn_for_them(world, app):
    make_event(world.space.id, world.admin, title="Radionica o zadrugama",
               sessions=[(ahead(1), ahead(1, 16))])  # fmt: skip
    make_event(world.space.id, world.admin, status="draft", title="Nacrt sajma")
    mira, sava = logged_in(world, world.member.email), logged_in(world, world.second.email)
    month = ahead(1).strftime("%Y-%m")
    for path in ("/alfa/events/", f"/alfa/events/?view=month&month={month}"):
        first = mira.get(path, headers=EN)
        assert status(first, fragments.SHELL) == "miss", path
        served = sava.get(path, headers=EN)
        assert status(served, fragments.SHELL) == "hit", path
        page = html(served)
        assert "Radionica o zadrugama" in page and "Sava Drugi" in page, path
        assert "Mira Članica" not in page and "Nacrt sajma" not in page, path
        assert "New event" not in page, path
        assert same_page(page) == same_page(html(uncached(app, sava, path))), path
    for text in shells().values():
        assert "member@example.org" not in text and "Mira Članica" not in text
    office = logged_in(world, world.admin.email)
    own = office.get("/alfa/events/", headers=EN)
    assert status(own, fragments.SHELL) == "miss"  # another level, its own shell
    assert "New event" in html(own) and "Nacrt sajma" in html(own)
    assert "Nacrt sajma" not in html(sava.get("/alfa/events/", headers=EN))


def test_a_change_and_the_clock_are_on_the_members_next_request(world, monkeypatch):
    make_event(
        world.space.id, world.admin, title="Info sesija", sessions=[(ahead(1), ahead(1, 12))]
    )
    sava = logged_in(world, world.second.email)
    assert status(sava.get("/alfa/events/", headers=EN), fragments.SHELL) == "miss"
    assert status(sava.get("/alfa/events/", headers=EN), fragments.SHELL) == "hit"
    make_event(world.space.id, world.admin, title="Studijska poseta")
    fresh = sava.get("/alfa/events/", headers=EN)
    assert status(fresh, fragments.SHELL) == "miss" and "Studijska poseta" in html(fresh)
    # two days later, without any write: the info session is past, no longer ahead
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(contributions, "utcnow", lambda: later)
    monkeypatch.setattr(calendar, "utcnow", lambda: later)
    moved = sava.get("/alfa/events/", headers=EN)
    assert status(moved, fragments.SHELL) == "miss"
    assert "Info sesija" not in html(moved) and "Studijska poseta" in html(moved)


def test_an_event_s_page_is_a_shell_per_application_state(world, app):
    event_id = make_event(world.space.id, world.admin, title="Radionica o zadrugama",
                          online_url="https://meet.example.org/radionica")  # fmt: skip
    path = f"/alfa/events/{event_id}/"
    mira, sava = logged_in(world, world.member.email), logged_in(world, world.second.email)
    tara = logged_in(world, world.third.email)
    assert mira.post(f"{path}apply").status_code == 303
    mira.get(path, headers=EN)  # the application's message shown
    applied = mira.get(path, headers=EN)
    assert status(applied, fragments.SHELL) == "miss" and "Open your application" in html(applied)
    first = sava.get(path, headers=EN)
    assert status(first, fragments.SHELL) == "miss"  # no application: another shell
    served = tara.get(path, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Open your application" not in page and "Apply" in page and "Tara Treća" in page
    assert "meet.example.org" not in page
    assert same_page(page) == same_page(html(uncached(app, tara, path)))
    office = logged_in(world, world.admin.email)
    own = office.get(path, headers=EN)
    assert status(own, fragments.SHELL) == "miss" and "Manage the event" in html(own)
    assert "Manage the event" not in html(tara.get(path, headers=EN))


def test_a_repeat_reads_no_application_and_a_new_one_is_on_the_next_request(world, db):
    """The state of the person's application is kept per account and change of the space
    (core/fragments.py kept_value): a repeat reads none; applying is on the next request."""
    from tests.conftest import statements

    event_id = make_event(world.space.id, world.admin, title="Radionica o zadrugama")
    path = f"/alfa/events/{event_id}/"
    sava = logged_in(world, world.second.email)
    assert "Open your application" not in html(sava.get(path, headers=EN))
    with statements(db.engine) as seen:
        again = sava.get(path, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert not [s for s in seen if "event_applications" in s], seen
    assert sava.post(f"{path}apply").status_code == 303
    sava.get(path, headers=EN)  # the application's message shown
    assert "Open your application" in html(sava.get(path, headers=EN))


def test_a_member_s_page_reads_the_marker_with_the_space(world, app, monkeypatch):
    """The events' marker (the space's state and its events' moments passed) is read in the
    row of the space's own statement for a logged-in person (core/pagecache.py
    `FrontMarker.prefetch`, tenants/routing.py): a shell hit of the list is that one
    statement; the clock it was read with still moves the page, and a write in the request
    (a commit) makes the next read ask the database again."""
    from solidarna.core import pagecache
    from solidarna.extensions import db
    from tests.conftest import statements

    make_event(
        world.space.id, world.admin, title="Info sesija", sessions=[(ahead(1), ahead(1, 12))]
    )
    sava = logged_in(world, world.second.email)
    sava.get("/alfa/events/", headers=EN)
    with statements(db.engine) as seen:
        served = sava.get("/alfa/events/", headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    assert len(seen) == 1 and "FROM tenants" in seen[0] and "events" in seen[0], seen
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(contributions, "utcnow", lambda: later)
    monkeypatch.setattr(calendar, "utcnow", lambda: later)
    moved = sava.get("/alfa/events/", headers=EN)
    assert status(moved, fragments.SHELL) == "miss" and "Info sesija" not in html(moved)
    with app.test_request_context("/alfa/events/"):
        statement, _params = contributions.events_marker.prefetch()
        pagecache.prefetched(statement, world.space, (0,))
        assert pagecache._view_rows(statement, {})[0][4] == 0  # answered from the row
        db.session.commit()
        rows = pagecache._view_rows(statement, {"slug": "alfa", "now": later})
        assert rows[0][4] > 0  # from the database: the session started and ended
