"""The events' public pages (the list, the month view, an event's page) are served to
visitors from the page cache (core/pagecache.py) under a marker that follows the space and
the clock: a change is seen on the next request, an event that ended leaves "ahead" without
a write, and a visitor never gets a member's or the office's page (nor they a visitor's).
The space's home shows the upcoming events and their number, at a cost that does not grow
with them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from solidarna.core import pagecache
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.events import calendar, contributions
from solidarna.events.models import Event
from solidarna.extensions import cache, db
from tests.conftest import statements
from tests.events.helpers import ahead, make_event


@pytest.fixture(autouse=True)
def caches_on(app):
    app.config["PAGE_CACHE"] = True
    cache.clear()
    yield
    app.config["PAGE_CACHE"] = False


def status(response) -> str | None:
    return response.headers.get(pagecache.STATUS_HEADER)


def stored_pages() -> list[bytes]:
    backend = cache.cache
    keys = [key for key in backend._cache if key.startswith(f"{pagecache.KEY_PREFIX}:")]
    return [kept[2] for kept in map(backend.get, keys) if kept]


def test_visitors_event_pages_are_kept_until_a_change_or_the_clock_moves(world, monkeypatch):
    event_id = make_event(world.space.id, world.admin, sessions=[(ahead(1), ahead(1, 16))])
    month = ahead(1).strftime("%Y-%m")
    paths = ("/alfa/events/", f"/alfa/events/?view=month&month={month}",
             f"/alfa/events/{event_id}/")  # fmt: skip
    for path in paths:
        assert status(world.client().get(path)) == "miss", path
        second = world.client().get(path)
        assert status(second) == "hit", path
        assert "Obuka za socijalna preduzeća" in second.get_data(True), path
    # a change of the event is seen on the next request
    with tenant_context(world.space.id):
        db.session.get(Event, event_id).title = "Obuka za zadruge"
        db.session.commit()
    for path in paths:
        fresh = world.client().get(path)
        assert status(fresh) == "miss", path
        assert "Obuka za zadruge" in fresh.get_data(True), path
    assert status(world.client().get("/alfa/events/")) == "hit"
    # two days later, without any write: the event is past, no longer ahead
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(contributions, "utcnow", lambda: later)
    monkeypatch.setattr(calendar, "utcnow", lambda: later)
    moved = world.client().get("/alfa/events/")
    assert status(moved) == "miss"
    assert "Obuka za zadruge" not in moved.get_data(True)
    assert "Obuka za zadruge" in world.client().get("/alfa/events/?when=past").get_data(True)


def test_a_visitor_never_gets_a_member_s_or_the_office_s_event_page(world):
    event_id = make_event(world.space.id, world.admin)
    path = f"/alfa/events/{event_id}/"
    office, member = world.client("office@example.org"), world.client("member@example.org")
    assert member.post(f"/alfa/events/{event_id}/apply").status_code == 303
    # the office's and the applicant's pages first: nothing of theirs is kept
    own = office.get(path)
    assert status(own) is None and "Manage the event" in own.get_data(True)
    mine = member.get(path)
    assert status(mine) is None and "Open your application" in mine.get_data(True)
    assert status(world.client().get(path)) == "miss"
    visitor = world.client().get(path)
    assert status(visitor) == "hit"
    seen = visitor.get_data(True)
    assert "Manage the event" not in seen and "Open your application" not in seen
    assert "Log in to apply" in seen and "Log out" not in seen
    # and theirs again after the visitor's is kept: never the visitor's
    assert "Manage the event" in office.get(path).get_data(True)
    assert "Open your application" in member.get(path).get_data(True)
    for body in stored_pages():
        assert b"Manage the event" not in body and b"Log out" not in body
        assert b"Open your application" not in body


def _figure(page: str) -> int:
    return int(re.search(r"<dt>Upcoming events</dt><dd>([\d.,]+)</dd>", page).group(1))


def test_the_home_shows_the_upcoming_events_at_a_bounded_cost(world, app):
    app.config["PAGE_CACHE"] = False
    make_event(world.space.id, world.admin, title="Info sesija o zadrugama",
               sessions=[(ahead(2), ahead(2, 12))])  # fmt: skip
    make_event(world.space.id, world.admin, status="draft", title="Nacrt radionice")
    make_event(world.space.id, world.admin, status="cancelled", title="Otkazani sajam")
    visitor = world.client()
    page = visitor.get("/alfa/").get_data(True)
    assert "Info sesija o zadrugama" in page and "Upcoming event" in page
    assert "Nacrt radionice" not in page and "Otkazani sajam" not in page
    assert _figure(page) == 1
    visitor.get("/alfa/")
    with statements(db.engine) as few:
        assert visitor.get("/alfa/").status_code == 200
    for n in range(12):
        make_event(world.space.id, world.admin, title=f"Radionica {n}",
                   sessions=[(ahead(3 + n), ahead(3 + n, 12))])  # fmt: skip
    visitor.get("/alfa/")
    with statements(db.engine) as many:
        page = visitor.get("/alfa/").get_data(True)
    assert len(many) == len(few), (len(few), len(many))
    assert _figure(page) == 13
    # the soonest three
    shown = [name for name in ("Info sesija o zadrugama", "Radionica 0", "Radionica 1",
                               "Radionica 2") if name in page]  # fmt: skip
    assert shown == ["Info sesija o zadrugama", "Radionica 0", "Radionica 1"]


def test_the_deadline_job_closes_a_begun_event_so_the_kept_home_lets_it_go(world, app, monkeypatch):
    from solidarna.events import services

    event_id = make_event(world.space.id, world.admin, title="Info sesija o zadrugama",
                          sessions=[(ahead(1), ahead(1, 12))])  # fmt: skip
    assert "Info sesija o zadrugama" in world.client().get("/alfa/").get_data(True)
    assert status(world.client().get("/alfa/")) == "hit"
    later = ahead(1, 11)  # an hour after the event began, whatever the time of day now
    with app.test_request_context():
        assert services.close_deadlines(now=later) == 1
        db.session.commit()
        assert services.close_deadlines(now=later) == 0
    with tenant_context(world.space.id):
        assert db.session.get(Event, event_id).applications_closed_at is not None
    # the write raised the space's marker: the home is drawn again, without the event
    monkeypatch.setattr(contributions, "utcnow", lambda: later)
    home = world.client().get("/alfa/")
    assert status(home) == "miss" and "Info sesija o zadrugama" not in home.get_data(True)
