"""Pages whose marker is a capability's own (core/pagecache.FrontMarker: the clock, the spaces
a campaign is shared with, the national overview's spaces) are answered at the front door
too: the same page as the Flask path's hit, with the marker's statements on the kept
connection and none through SQLAlchemy, and a miss there as soon as the marker moves."""

from __future__ import annotations

from datetime import timedelta

import pytest

from solidarna.core import pagecache
from solidarna.core.models import utcnow
from solidarna.events import calendar, contributions
from solidarna.extensions import cache
from tests.conftest import statements
from tests.core.test_pagecache_front_door import flask_path_hit, front
from tests.events.helpers import (
    ahead,
    make_event,
    world,  # noqa: F401 - fixture
)

EN = {"Accept-Language": "en"}


@pytest.fixture(autouse=True)
def front_door_on(app):
    app.config["PAGE_CACHE"] = True
    app.config["PAGE_CACHE_FRONT_DOOR"] = True
    cache.clear()
    yield
    app.config["PAGE_CACHE"] = False


def status(response) -> str | None:
    return response.headers.get(pagecache.STATUS_HEADER)


def at_the_door(app, client, path: str, marker_reads: int):
    """The page's hit at the front door: no statement through SQLAlchemy, `marker_reads` on
    the kept connection, and the Flask path's page."""
    assert status(client.get(path, headers=EN)) == "miss", path
    by_flask = flask_path_hit(app, client, path)
    assert status(by_flask) == "hit", path
    from solidarna.extensions import db

    reads = front(app).reader.statements_run
    with statements(db.engine) as seen:
        answer = client.get(path, headers=EN)
    assert status(answer) == "hit", path
    assert seen == [], path
    assert front(app).reader.statements_run == reads + marker_reads, path
    assert answer.get_data() == by_flask.get_data(), path
    return answer


def test_the_events_pages_are_answered_at_the_door_until_the_clock_moves(world, app, monkeypatch):  # noqa: F811
    event_id = make_event(world.space.id, world.admin, title="Obuka za zadruge",
                          sessions=[(ahead(1), ahead(1, 16))])  # fmt: skip
    paths = ("/alfa/events/", "/alfa/events/?view=month", f"/alfa/events/{event_id}/")
    client = world.client()
    for path in paths:
        page = at_the_door(app, client, path, marker_reads=1)  # the space with its events' moments
        assert "Obuka za zadruge" in page.get_data(as_text=True)
    # two days on, without a write: the door's marker moved with the clock
    later = utcnow() + timedelta(days=2)
    monkeypatch.setattr(contributions, "utcnow", lambda: later)
    monkeypatch.setattr(calendar, "utcnow", lambda: later)
    moved = client.get("/alfa/events/", headers=EN)
    assert status(moved) == "miss"
    assert "Obuka za zadruge" not in moved.get_data(as_text=True)
    assert status(client.get("/alfa/events/", headers=EN)) == "hit"


def test_the_news_pages_are_answered_at_the_door_until_the_next_day(
    app, make_user, make_tenant, monkeypatch
):
    from solidarna.core.tenancy import tenant_context
    from solidarna.extensions import db
    from solidarna.news import services
    from solidarna.news.models import NewsPost
    from tests.conftest import Client

    admin = make_user(email="admin@example.org")
    space = make_tenant("alfa", members={admin: "admin"})
    with tenant_context(space.id):
        post = NewsPost(tenant_id=space.id, kind="announcement", title="Otvorena kancelarija",
                        summary="Utorkom.", body="**Dobro došli.**", status="published",
                        published_at=utcnow(), author_id=admin.id)  # fmt: skip
        db.session.add(post)
        db.session.commit()
        post_id = post.id
    client = Client(app)
    for path in ("/alfa/news/", f"/alfa/news/{post_id}"):
        page = at_the_door(app, client, path, marker_reads=1)
        assert "Otvorena kancelarija" in page.get_data(as_text=True)
    tomorrow = services.today() + timedelta(days=1)
    monkeypatch.setattr(services, "today", lambda: tomorrow)
    assert status(client.get("/alfa/news/", headers=EN)) == "miss"


def test_the_national_overview_is_answered_at_the_door(app, make_user, make_tenant):
    from solidarna.extensions import db
    from tests.conftest import Client

    space = make_tenant("alfa")
    space.in_national_overview = True
    db.session.commit()
    client = Client(app)
    at_the_door(app, client, "/overview/", marker_reads=1)
    # a write in a taking-part space moves the overview's marker
    space.name = "Alfa, preimenovana"
    db.session.commit()
    assert status(client.get("/overview/", headers=EN)) == "miss"
