"""When the database is busy, down or read-only, a person gets a localized 503 page with
Retry-After, a form they sent comes back with their text (and sends it again), and /health
says what is wrong and recovers by itself. Real faults: SQLite write-locked by a second
connection, PostgreSQL refusing connections (a closed port; a database that stops accepting
connections) and read-only databases (SQLite opened read-only, PostgreSQL's
default_transaction_read_only on a throwaway database)."""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.datastructures import MultiDict

from solidarna import create_app
from solidarna.core.database import unavailability
from solidarna.core.tenancy import tenant_context
from solidarna.discussions.models import Category
from solidarna.discussions.services import create_thread
from tests.conftest import EN, Client, free_port, one, parse, text_of

REPLY = "Moj odgovor od tri pasusa, koji ne sme da se izgubi.\n\nDrugi pasus."


def on(db, dialect: str) -> None:
    if db.engine.dialect.name != dialect:
        pytest.skip(f"needs the suite on {dialect} (CI runs it on both databases)")


@pytest.fixture
def thread(db, make_user, make_tenant):
    """A space with a member who is logged in, on a thread's page, about to reply."""
    ana = make_user(email="ana@example.org", name="Ana Anić")
    tenant = make_tenant("alfa", members={ana: "member"})
    with tenant_context(tenant.id):
        category = Category(name="Pitanja", visibility="public", position=1)
        db.session.add(category)
        db.session.flush()
        thread, _post = create_thread("Tema", "Prva poruka.", ana, category=category, notify=False)
        db.session.commit()
        return f"/alfa/discussions/t/{thread.id}"


def logged_in(app) -> Client:
    client = Client(app)
    client.login("ana@example.org")
    return client


def assert_unavailable_with_text(response, action: str) -> None:
    """A 503 page saying the service is unavailable, with Retry-After, whose form sends the
    reply again to the same address with a fresh token."""
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    assert int(response.headers["Retry-After"]) > 0
    page = parse(response)
    assert "Temporarily unavailable" in text_of(one(page, "h1"))
    form = one(page, "form.resubmit")
    assert form["action"] == action and form["method"] == "post"
    assert one(form, 'textarea[name="body"]').get_text() == REPLY
    assert one(form, 'input[name="csrf_token"]')["value"]
    assert not page.select(".account-nav")  # nobody loaded: the database is not asked


def resubmitted(response) -> list[tuple[str, str]]:
    form = one(parse(response), "form.resubmit")
    return [
        (field["name"], field.get_text() if field.name == "textarea" else field.get("value", ""))
        for field in form.select("[name]")
    ]


# --- SQLite ------------------------------------------------------------------------------------


def test_sqlite_write_locked_answers_503_with_the_reply_and_try_again_sends_it(app, db, thread):
    on(db, "sqlite")
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the real error handling, not the test's
    client = logged_in(app)
    page = client.get(thread)
    token = one(parse(page), 'form[action$="/reply"] input[name="csrf_token"]')["value"]
    holder = sqlite3.connect(make_url(db.engine.url).database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long transaction holds the write lock
    try:
        started = time.monotonic()
        response = client.raw.post(
            f"{thread}/reply", data={"body": REPLY, "page": "1", "csrf_token": token}, headers=EN
        )
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert_unavailable_with_text(response, f"{thread}/reply")
    assert "busy" in response.get_data(as_text=True)
    busy_timeout = app.config["SQLITE_BUSY_TIMEOUT"]
    assert busy_timeout <= waited < busy_timeout + 5  # a few seconds, not 15
    # The lock is gone: "Try again" sends the same fields, and the reply is saved.
    again = client.raw.post(f"{thread}/reply", data=MultiDict(resubmitted(response)))
    assert again.status_code == 303
    assert REPLY.split("\n")[0] in client.get(again.headers["Location"]).get_data(as_text=True)


def test_sqlite_read_only_database_health_503_then_200_and_writes_answer_503(app, db):
    on(db, "sqlite")
    path = make_url(db.engine.url).database
    read_only = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true",
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    health = read_only.test_client().get("/health")
    assert health.status_code == 503
    assert health.json == {"status": "unavailable", "database": "read-only"}
    assert health.headers["Retry-After"]
    # a form that writes: the person's address comes back, their password does not
    response = Client(read_only).post(
        "/auth/register",
        data={
            "name": "Nova Osoba",
            "email": "nova@example.org",
            "password": "tajna lozinka 12345",
            "password_confirm": "tajna lozinka 12345",
        },
        headers=EN,
    )
    assert response.status_code == 503, response.get_data(as_text=True)[:500]
    body = response.get_data(as_text=True)
    assert "accepts no changes" in body
    assert "nova@example.org" in body and "tajna lozinka" not in body
    with read_only.app_context():
        from solidarna.extensions import db as ro_db

        ro_db.engine.dispose()
    assert Client(app).get("/health").status_code == 200  # the same file, writable again


# --- PostgreSQL ----------------------------------------------------------------------------------


def test_postgresql_refusing_connections_answers_503_with_the_reply(app, db, thread):
    """The server is gone (a closed port: the connection is really refused) while a person
    who is logged in sends a reply: a 503 page with their text, not "Internal Server Error"."""
    on(db, "postgresql")
    client = logged_in(app)
    page = client.get(thread)
    token = one(parse(page), 'form[action$="/reply"] input[name="csrf_token"]')["value"]
    down = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"postgresql://postgres@127.0.0.1:{free_port()}/gone",
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    visitor = down.test_client()
    visitor.set_cookie("session", client.raw.get_cookie("session").value, domain="localhost")
    response = visitor.post(
        f"{thread}/reply", data={"body": REPLY, "page": "1", "csrf_token": token}, headers=EN
    )
    assert_unavailable_with_text(response, f"{thread}/reply")
    assert "cannot be reached" in response.get_data(as_text=True)
    home = down.test_client().get("/")  # a page, in the default language (Serbian)
    assert home.status_code == 503 and home.headers["Retry-After"]
    assert one(parse(home), "html")["lang"] == "sr-Latn"


def test_postgresql_row_locked_answers_503_with_the_reply(app, db, thread):
    """Another transaction holds the thread's row (a long report, a stuck admin session): the
    reply waits DATABASE_LOCK_TIMEOUT, not until the server kills the worker, then the person
    gets the busy page with their text."""
    on(db, "postgresql")
    import psycopg

    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = logged_in(app)
    page = client.get(thread)
    token = one(parse(page), 'form[action$="/reply"] input[name="csrf_token"]')["value"]
    thread_id = int(thread.rsplit("/", 1)[1])
    url = make_url(db.engine.url).set(drivername="postgresql")
    with psycopg.connect(url.render_as_string(hide_password=False)) as holder:
        holder.execute("SELECT 1 FROM discussion_threads WHERE id = %s FOR UPDATE", [thread_id])
        started = time.monotonic()
        response = client.raw.post(
            f"{thread}/reply", data={"body": REPLY, "page": "1", "csrf_token": token}, headers=EN
        )
        waited = time.monotonic() - started
        holder.rollback()
    assert_unavailable_with_text(response, f"{thread}/reply")
    assert "busy" in response.get_data(as_text=True)
    lock_timeout = app.config["DATABASE_LOCK_TIMEOUT"]
    assert lock_timeout <= waited < lock_timeout + 5


@pytest.fixture
def throwaway(db):
    """A PostgreSQL database of its own (this suite's name + "_fault"), with only what the
    health probe writes to, and an app that uses it."""
    on(db, "postgresql")
    url = make_url(db.engine.url)
    name = f"{url.database}_fault"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    target = url.set(database=name)
    setup = sa.create_engine(target)
    with setup.begin() as conn:
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY)"))
    setup.dispose()
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": target.render_as_string(hide_password=False),
        }
    )

    def sql(statement: str) -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(statement.format(db=f'"{name}"', name=f"'{name}'")))

    def drop_connections() -> None:  # as a failover or a restart does
        sql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = {name}")

    yield app, sql, drop_connections, target
    with app.app_context():
        from solidarna.extensions import db as fault_db

        fault_db.engine.dispose()
    sql("ALTER DATABASE {db} WITH ALLOW_CONNECTIONS true")
    sql("DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    admin.dispose()


def test_postgresql_read_only_database_health_503_then_200(throwaway):
    app, sql, drop_connections, target = throwaway
    client = app.test_client()
    assert client.get("/health").json == {"status": "ok", "database": "ok"}
    sql("ALTER DATABASE {db} SET default_transaction_read_only = on")
    drop_connections()
    health = client.get("/health")
    assert health.status_code == 503
    assert health.json == {"status": "unavailable", "database": "read-only"}
    sql("ALTER DATABASE {db} RESET default_transaction_read_only")
    assert client.get("/health").status_code == 200  # by itself: no restart, no dispose


def test_postgresql_read_only_write_is_unavailable_not_a_bug(throwaway):
    """A write refused by a read-only PostgreSQL (SQLSTATE 25006, an InternalError to the
    driver) is "read-only", so a person gets the 503 page, not a 500."""
    _app, sql, _drop, target = throwaway
    sql("ALTER DATABASE {db} SET default_transaction_read_only = on")
    engine = sa.create_engine(target)
    try:
        with pytest.raises(sa.exc.DBAPIError) as refused, engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO alembic_version VALUES ('x')"))
    finally:
        engine.dispose()
    assert unavailability(refused.value) == "read-only"


def test_postgresql_stopped_accepting_connections_health_503_then_200(throwaway):
    app, sql, drop_connections, _target = throwaway
    client = app.test_client()
    assert client.get("/health").status_code == 200
    sql("ALTER DATABASE {db} WITH ALLOW_CONNECTIONS false")
    drop_connections()
    health = client.get("/health")
    assert health.status_code == 503
    assert health.json["database"] == "unreachable"
    sql("ALTER DATABASE {db} WITH ALLOW_CONNECTIONS true")
    assert client.get("/health").status_code == 200
