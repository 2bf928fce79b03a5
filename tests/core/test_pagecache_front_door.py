"""The page cache's front door (core/pagecache.FrontDoor): a visitor's hit answered before
Flask, the same answer the Flask path gives, and everything it cannot decide alone handed to
Flask."""

from __future__ import annotations

import gzip
import logging

import brotli
import pytest

from solidarna.core import pagecache
from tests.conftest import Client, statements
from tests.core.test_pagecache import EN, html, rasina, status  # noqa: F401 - fixture
from tests.directory.conftest import entry, make_space  # noqa: F401 - fixtures

PAGE = "/rasina/directory/"


@pytest.fixture(autouse=True)
def page_cache_on(app):
    app.config["PAGE_CACHE"] = True
    app.config["PAGE_CACHE_FRONT_DOOR"] = True


def front(app) -> pagecache.FrontDoor:
    wsgi = app.wsgi_app
    door = wsgi if isinstance(wsgi, pagecache.FrontDoor) else wsgi.application
    assert isinstance(door, pagecache.FrontDoor)
    return door


def flask_path_hit(app, client, path=PAGE, headers=EN):
    app.config["PAGE_CACHE_FRONT_DOOR"] = False
    try:
        return client.get(path, headers=headers)
    finally:
        app.config["PAGE_CACHE_FRONT_DOOR"] = True


def test_a_hit_at_the_front_door_is_the_flask_path_s_hit(app, client, rasina, db, caplog):  # noqa: F811
    assert status(client.get(PAGE, headers=EN)) == "miss"
    by_flask = flask_path_hit(app, client)
    reads = front(app).reader.statements_run
    with statements(db.engine) as seen, caplog.at_level(logging.INFO, "solidarna.request"):
        at_door = client.get(PAGE, headers=EN)
    assert status(by_flask) == status(at_door) == "hit"
    assert html(at_door) == html(by_flask)
    # the space's marker, on the driver's cursor (no SQLAlchemy execution), nothing else
    assert seen == [] and front(app).reader.statements_run == reads + 1
    for name in (
        "Content-Type",
        "ETag",
        "Cache-Control",
        "Content-Security-Policy",
        "X-Content-Type-Options",
        "X-Frame-Options",
        "Referrer-Policy",
    ):
        assert at_door.headers[name] == by_flask.headers[name], name
    assert {v.lower() for v in at_door.vary} >= {"cookie", "accept-language", "hx-request"}
    assert len(at_door.headers["X-Request-ID"]) == 32
    assert "Set-Cookie" not in at_door.headers
    (line,) = [r for r in caplog.records if r.name == "solidarna.request"]
    assert line.getMessage() == f"GET {PAGE} 200"
    assert (line.tenant, line.route, line.status) == ("rasina", "/<tenant_slug>/directory/", 200)
    # a request id the proxy sent is kept
    traced = client.get(PAGE, headers={**EN, "X-Request-ID": "proxy-42"})
    assert traced.headers["X-Request-ID"] == "proxy-42"


def test_304_head_and_compression_at_the_front_door(app, client, rasina):  # noqa: F811
    plain = client.get(PAGE, headers=EN)
    plain = client.get(PAGE, headers=EN)
    assert status(plain) == "hit"
    etag = plain.headers["ETag"]
    again = client.get(PAGE, headers={**EN, "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and status(again) == "hit"
    head = client.raw.head(PAGE, headers=EN)
    assert head.status_code == 200 and head.get_data() == b""
    assert int(head.headers["Content-Length"]) == len(plain.get_data())
    squeezed = client.get(PAGE, headers={**EN, "Accept-Encoding": "br"})
    assert squeezed.headers["Content-Encoding"] == "br"
    assert "accept-encoding" in {v.lower() for v in squeezed.vary}
    assert brotli.decompress(squeezed.get_data()) == plain.get_data()
    zipped = client.get(PAGE, headers={**EN, "Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert int(zipped.headers["Content-Length"]) == len(zipped.get_data())


def test_the_front_door_leaves_to_flask_what_it_cannot_decide(app, client, rasina):  # noqa: F811
    client.get(PAGE, headers=EN)  # kept
    door = front(app)
    calls = []
    inner = door.wsgi_app

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return inner(environ, start_response)

    door.wsgi_app = counted
    try:
        assert status(client.get(PAGE, headers=EN)) == "hit" and calls == []
        # a remember cookie, a session cookie that does not check, a long query, a miss,
        # a page that is not cacheable, a POST: Flask answers
        client.raw.set_cookie("remember_token", "1|abc")
        client.get(PAGE, headers=EN)
        client.raw.delete_cookie("remember_token")
        client.raw.set_cookie("session", "forged.value.sig")
        assert client.get(PAGE, headers=EN).status_code == 200
        client.raw.delete_cookie("session")
        client.get(PAGE + "?q=" + "x" * 600, headers=EN)
        client.get(PAGE + "?q=med", headers=EN)
        client.get("/auth/login", headers=EN)
        client.raw.post("/language", data={"locale": "en", "next": PAGE})
        assert len(calls) == 6
    finally:
        door.wsgi_app = inner


def test_a_member_and_a_flashed_message_go_to_flask(app, client, rasina, make_user):  # noqa: F811
    client.get(PAGE, headers=EN)  # kept for visitors
    # a visitor sent to log in gets the message on the next page: not a hit
    assert client.get("/rasina/admin/members", headers=EN).status_code == 302
    flashed = client.get(PAGE, headers=EN)
    assert status(flashed) is None and "Please log in to see this page." in html(flashed)
    make_user("reader@example.org")
    member = Client(app)
    member.login("reader@example.org")
    page = member.get(PAGE, headers=EN)
    assert status(page) != "hit" and "Log out" in html(page)


def test_flask_opens_the_session_the_front_door_decoded(app, client, rasina, make_user):  # noqa: F811
    """A logged-in person's cookie is checked once: Flask opens the session from what the
    front door decoded, and only for that very cookie."""
    from solidarna.core.security import DECODED_SESSION

    make_user("reader@example.org")
    member = Client(app)
    member.login("reader@example.org")
    member.get(PAGE, headers=EN)
    interface = app.session_interface
    serializer = interface.get_signing_serializer(app)
    checked = []
    original = type(serializer).loads

    def counting(self, *args, **kwargs):
        checked.append(1)
        return original(self, *args, **kwargs)

    type(serializer).loads = counting
    try:
        page = member.get(PAGE, headers=EN)
    finally:
        type(serializer).loads = original
    assert "Log out" in html(page)
    assert len(checked) == 1  # by the front door; Flask used what it decoded
    app.config["PAGE_CACHE_FRONT_DOOR"] = False
    try:
        type(serializer).loads = counting
        assert "Log out" in html(member.get(PAGE, headers=EN))
    finally:
        type(serializer).loads = original
        app.config["PAGE_CACHE_FRONT_DOOR"] = True
    assert len(checked) == 2  # without it, Flask checks the cookie itself
    # an environ naming another cookie than the request's is not used
    with app.test_request_context("/", headers={"Cookie": "session=other"}) as ctx:
        ctx.request.environ[DECODED_SESSION] = ("forged", {"_user_id": "1.1"})
        assert "_user_id" not in interface.open_session(app, ctx.request)


def test_a_write_is_seen_at_the_front_door_at_once(app, client, rasina, db, entry):  # noqa: F811
    client.get(PAGE, headers=EN)
    assert status(client.get(PAGE, headers=EN)) == "hit"
    from solidarna.core.tenancy import tenant_context

    with tenant_context(rasina.id):
        entry("Nova zadruga Kruševac")
        db.session.commit()
    fresh = client.get(PAGE, headers=EN)
    assert status(fresh) == "miss" and "Nova zadruga Kruševac" in html(fresh)


def test_languages_are_kept_apart_at_the_front_door(app, client, rasina):  # noqa: F811
    for headers in (EN, {"Accept-Language": "sr-Cyrl"}, {}):
        client.get(PAGE, headers=headers)
    english = client.get(PAGE, headers=EN)
    cyrillic = client.get(PAGE, headers={"Accept-Language": "sr-Cyrl"})
    latin = client.get(PAGE)
    assert {status(english), status(cyrillic), status(latin)} == {"hit"}
    assert 'lang="en"' in html(english) and 'lang="sr-Cyrl"' in html(cyrillic)
    assert 'lang="sr-Latn"' in html(latin)
    client.raw.set_cookie("lang", "en")
    chosen = client.get(PAGE, headers={"Accept-Language": "sr-Cyrl"})
    assert status(chosen) == "hit" and 'lang="en"' in html(chosen)


def test_a_kept_connection_survives_and_is_replaced_after_a_failure(app, db, rasina):  # noqa: F811
    from solidarna.core.database import KeptConnection

    reader = KeptConnection(app, keep=True)
    statement = pagecache._state_statement()
    try:
        row = reader.first(statement, {"slug": "rasina"})
        assert row.id == rasina.id
        # the same values (a timestamp as a datetime on SQLite too) as the session's read, so
        # the front door's key is the Flask path's
        by_session = db.session.execute(statement, {"slug": "rasina"}).one()
        assert tuple(row) == tuple(by_session)
        assert pagecache._state_of(row) == pagecache._state_of(by_session)
        kept = reader._local.connection
        if reader.engine.dialect.name == "postgresql":  # no transaction left open between reads
            assert kept.dbapi_connection.autocommit is True
        assert reader.first(statement, {"slug": "rasina"}).id == rasina.id
        assert reader._local.connection is kept
        kept.dbapi_connection.close()  # as if the server had closed it
        with pytest.raises(reader.engine.dialect.loaded_dbapi.Error):
            reader.first(statement, {"slug": "rasina"})
        assert reader._local.connection is None
        assert reader.first(statement, {"slug": "rasina"}).id == rasina.id
    finally:
        reader.close()
