"""The survey list and a survey's landing page are kept for visitors (core/pagecache.py) under
a marker that also follows the clock (research/contributions.surveys_marker): a survey that
opens, or closes, by its dates shows so on the next request without a write in the space; a
change in the space is seen at once; the front door answers the hits."""

from __future__ import annotations

from datetime import timedelta

from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.research import permissions
from tests.conftest import statements
from tests.core.test_pagecache_front_door import flask_path_hit, front
from tests.core.test_pagecache_front_markers import front_door_on, status  # noqa: F401 - a fixture
from tests.research.test_ranswer import client_of, english, space  # noqa: F401 - fixture


def test_survey_pages_are_kept_until_a_change_or_a_survey_opens_by_its_date(space, monkeypatch):  # noqa: F811
    sid = space.survey(
        opens_at=utcnow() + timedelta(days=3), closes_at=utcnow() + timedelta(days=9)
    )
    visitor = english(space.app)
    paths = ("/alfa/research/", f"/alfa/research/{sid}/")
    for path in paths:
        assert status(visitor.get(path)) == "miss", path
        by_flask = flask_path_hit(space.app, visitor, path, headers={})
        reads = front(space.app).reader.statements_run
        with statements(db.engine) as seen:
            kept = visitor.get(path)
        # at the front door: one statement (the space's row with its surveys' moments),
        # nothing through SQLAlchemy, the Flask path's page
        assert status(by_flask) == status(kept) == "hit", path
        assert seen == [] and front(space.app).reader.statements_run == reads + 1, path
        assert kept.get_data() == by_flask.get_data(), path
        assert "Open for answers" not in kept.get_data(as_text=True), path
    # four days on, without a write: the survey opened, both pages say so
    later = utcnow() + timedelta(days=4)
    monkeypatch.setattr(permissions, "utcnow", lambda: later)
    for path in paths:
        moved = visitor.get(path)
        assert status(moved) == "miss", path
        assert "Open for answers" in moved.get_data(as_text=True), path
    # ten days on: closed by its date
    monkeypatch.setattr(permissions, "utcnow", lambda: utcnow() + timedelta(days=10))
    closed = visitor.get(f"/alfa/research/{sid}/")
    assert status(closed) == "miss"
    assert "does not take answers now" in closed.get_data(as_text=True)


def test_a_change_is_seen_at_once_and_members_never_get_the_visitors_page(space):  # noqa: F811
    sid = space.survey()
    visitor = english(space.app)
    visitor.get("/alfa/research/")
    assert status(visitor.get("/alfa/research/")) == "hit"
    other = space.survey(title="Druga anketa")
    fresh = visitor.get("/alfa/research/")
    assert status(fresh) == "miss" and "Druga anketa" in fresh.get_data(as_text=True)
    admin = client_of(space.app, "admin@example.org")
    page = admin.get(f"/alfa/research/{sid}/")
    assert status(page) is None and "Manage the survey" in page.get_data(as_text=True)
    assert "Manage the survey" not in visitor.get(f"/alfa/research/{other}/").get_data(True)
    # another space's survey is not found here
    foreign = space.survey(tenant=space.other)
    assert visitor.get(f"/alfa/research/{foreign}/").status_code == 404


def test_the_survey_list_is_a_members_page_shell_that_follows_the_clock(space, monkeypatch):  # noqa: F811
    """A member's survey list is a page shell under the surveys' marker: another member's
    repeat reads no survey; a survey opening by its date is on the next request; an admin's
    list (drafts) is another level's."""
    from solidarna.core import fragments
    from tests.core.test_fragments import EN, html
    from tests.core.test_fragments import status as drawn

    app = space.app
    app.config["FRAGMENT_CACHE"] = True
    space.survey(title="Anketa od ponedeljka", opens_at=utcnow() + timedelta(days=2))
    space.survey(title="Radna verzija", status="draft")
    mira, rade = client_of(app, "member@example.org"), client_of(app, "rep@example.org")
    for client in (mira, rade):
        client.get("/alfa/", headers=EN)  # the login message shown
    first = mira.get("/alfa/research/", headers=EN)
    assert drawn(first, fragments.SHELL) == "miss" and "Radna verzija" not in html(first)
    with statements(db.engine) as seen:
        served = rade.get("/alfa/research/", headers=EN)
    assert drawn(served, fragments.SHELL) == "hit" and "Rade Rep" in html(served)
    assert "Anketa od ponedeljka" in html(served) and "Open for answers" not in html(served)
    assert not [s for s in seen if "FROM surveys" in s and "sum(" not in s], seen
    later = utcnow() + timedelta(days=3)
    monkeypatch.setattr(permissions, "utcnow", lambda: later)
    opened = rade.get("/alfa/research/", headers=EN)
    assert drawn(opened, fragments.SHELL) == "miss" and "Open for answers" in html(opened)
    admin = client_of(app, "admin@example.org")
    admin.get("/alfa/", headers=EN)
    assert "Radna verzija" in html(admin.get("/alfa/research/", headers=EN))
