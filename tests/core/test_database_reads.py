"""How requests use the database connection (core/database.py): a cacheable page is read on
PostgreSQL without a transaction (no BEGIN, no ROLLBACK), such a page may write one statement
at most, and the pool pings a connection only after it has been idle — a connection that died
meanwhile is replaced before a request uses it."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, text

from solidarna.core import database
from solidarna.core.database import PageWrites
from solidarna.core.pagecache import cache_pages
from tests.conftest import Client
from tests.core.test_database_faults import on, thread  # noqa: F401 - the fixture


def autocommit_of_statements(db, client, url: str) -> list[bool]:
    """Whether each statement of the request ran on a connection in autocommit mode."""
    seen: list[bool] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        seen.append(bool(getattr(conn.connection.dbapi_connection, "autocommit", False)))

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    assert response.status_code == 200, response.status_code
    return seen


def test_a_member_s_cacheable_page_is_read_without_a_transaction_on_postgresql(app, db, thread):  # noqa: F811
    on(db, "postgresql")
    client = Client(app)
    client.login("ana@example.org")
    on_page = autocommit_of_statements(db, client, thread)
    assert on_page and all(on_page)
    # a page that is not a cacheable read keeps its transaction
    on_settings = autocommit_of_statements(db, client, "/auth/profile")
    assert on_settings and not any(on_settings)


def test_a_cacheable_page_that_writes_twice_fails_under_testing(app, db, make_tenant):
    make_tenant("alfa")

    def writes_twice(tenant_slug):
        db.session.execute(text("UPDATE tenants SET updated_at = updated_at WHERE 1 = 0"))
        db.session.execute(text("UPDATE tenants SET updated_at = updated_at WHERE 1 = 0"))
        return "two writes"

    def writes_once(tenant_slug):
        db.session.execute(text("UPDATE tenants SET updated_at = updated_at WHERE 1 = 0"))
        return "one write"

    app.add_url_rule("/<tenant_slug>/test-two-writes", "test_two_writes", writes_twice)
    app.add_url_rule("/<tenant_slug>/test-one-write", "test_one_write", writes_once)
    cache_pages(app, ["test_two_writes", "test_one_write"])
    client = app.test_client()
    assert client.get("/alfa/test-one-write").status_code == 200
    with pytest.raises(PageWrites):
        client.get("/alfa/test-two-writes")


def test_the_pool_pings_a_connection_only_after_it_was_idle(app, db, monkeypatch):
    pings = []
    real = db.engine.dialect.do_ping
    monkeypatch.setattr(db.engine.dialect, "do_ping", lambda c: pings.append(1) or real(c))
    db.session.remove()
    with db.engine.connect() as conn:  # a fresh or just given-back connection: not asked
        conn.execute(text("SELECT 1"))
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert pings == []
    # idle for longer than DATABASE_PING_AFTER: asked first
    for record in list(db.engine.pool._pool.queue):
        record.info[database._USED] = time.monotonic() - 3600
    with db.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    assert pings == [1]


def test_a_connection_that_died_while_idle_is_replaced_before_a_request_uses_it(app, db, thread):  # noqa: F811
    on(db, "postgresql")
    client = Client(app)
    assert client.get(thread).status_code == 200
    db.session.remove()
    pool = db.engine.pool
    assert pool.checkedin() >= 1
    with db.engine.connect() as conn:
        pids = [
            row[0]
            for row in conn.execute(
                text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND usename = current_user"
                    " AND backend_type = 'client backend'"
                )
            )
        ]
        # the kept connections are cut, as by a server restart or a firewall, while idle
        for pid in pids:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    for record in list(pool._pool.queue):
        record.info[database._USED] = time.monotonic() - 3600
    for _ in range(pool.size() + 1):
        assert client.get(thread).status_code == 200
