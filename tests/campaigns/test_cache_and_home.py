"""The page cache of campaign pages follows the spaces a campaign is shared with: a visitor
of the partner space sees a signature made in the owner space, and the end of a partnership,
at once; the space's home shows its active platforms."""

from __future__ import annotations

import pytest

from solidarna.core import pagecache
from tests.campaigns.conftest import client_of, english


@pytest.fixture(autouse=True)
def page_cache_on(app):
    app.config["PAGE_CACHE"] = True


def test_a_partner_space_s_cached_page_follows_the_owner_s_changes(world):
    cid = world.campaign(title="Rezervisane javne nabavke")
    pid = world.partner_with(cid)
    visitor = english(world.app)
    path = f"/krusevac/campaigns/{cid}"
    assert visitor.get(path).status_code == 200
    second = visitor.get(path)
    assert second.headers.get(pagecache.STATUS_HEADER) == "hit"
    assert "Zadruga Beograd" not in second.get_data(as_text=True)
    # a signature in the owner space raises the owner's marker, which the partner's page follows
    rep = client_of(world.app, "owner_rep@example.org")
    assert rep.post(f"/korse/campaigns/{cid}/sign",
                    {"organization_id": world.orgs["korse"]}).status_code == 303  # fmt: skip
    fresh = english(world.app).get(path)
    assert fresh.headers.get(pagecache.STATUS_HEADER) != "hit"
    assert "Zadruga Beograd" in fresh.get_data(as_text=True)
    listing = english(world.app).get("/krusevac/campaigns/")
    assert "Rezervisane javne nabavke" in listing.get_data(as_text=True)
    # the end of the partnership: the cached list and page are not served again
    admin = client_of(world.app, "owner_admin@example.org")
    assert admin.post(f"/korse/campaigns/{cid}/partners/{pid}/end", {}).status_code == 303
    assert english(world.app).get(path).status_code == 404
    after = english(world.app).get("/krusevac/campaigns/").get_data(as_text=True)
    assert "Rezervisane javne nabavke" not in after


def test_the_home_shows_the_space_s_active_platforms(world):
    world.campaign(title="Rezervisane javne nabavke", status="active")
    world.campaign(title="U pripremi", status="preparing")
    html = english(world.app).get("/korse/").get_data(as_text=True)
    assert "Rezervisane javne nabavke" in html and "U pripremi" not in html
    assert "Active advocacy platforms" in html


def test_a_shared_campaign_s_page_is_answered_at_the_front_door(world):
    """Its marker (views/common.partner_marker, a pagecache.FrontMarker) is read before Flask:
    the space's row with its partnerships on the kept connection (one statement), nothing
    through SQLAlchemy, the Flask path's page; a signature in the owner space moves it there
    too."""
    from solidarna.extensions import db
    from tests.conftest import statements
    from tests.core.test_pagecache_front_door import flask_path_hit, front

    app = world.app
    app.config["PAGE_CACHE_FRONT_DOOR"] = True
    cid = world.campaign(title="Rezervisane javne nabavke")
    world.partner_with(cid)
    visitor = english(app)
    path = f"/krusevac/campaigns/{cid}"
    assert visitor.get(path).headers.get(pagecache.STATUS_HEADER) == "miss"
    by_flask = flask_path_hit(app, visitor, path, headers={})
    reads = front(app).reader.statements_run
    with statements(db.engine) as seen:
        at_door = visitor.get(path)
    assert at_door.headers.get(pagecache.STATUS_HEADER) == by_flask.headers.get(
        pagecache.STATUS_HEADER) == "hit"  # fmt: skip
    assert seen == [] and front(app).reader.statements_run == reads + 1
    assert at_door.get_data() == by_flask.get_data()
    rep = client_of(app, "owner_rep@example.org")
    assert rep.post(f"/korse/campaigns/{cid}/sign",
                    {"organization_id": world.orgs["korse"]}).status_code == 303  # fmt: skip
    fresh = visitor.get(path)
    assert fresh.headers.get(pagecache.STATUS_HEADER) == "miss"
    assert "Zadruga Beograd" in fresh.get_data(as_text=True)
