"""Shared fixtures: a real database (SQLite file, or PostgreSQL with TEST_DATABASE_URL),
a fresh app per test, a test client that handles CSRF like a browser, user factories, and
helpers to read pages as parsed HTML.

Under pytest-xdist (`make test` runs `-n auto`) every worker is a session of its own: its own
temporary SQLite file (per-worker basetemp), its own PostgreSQL database (the name gets the
worker id as a suffix) and its own live-server ports."""

from __future__ import annotations

import contextvars
import functools
import os
import re
import socket
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup, Tag
from sqlalchemy import event
from sqlalchemy.engine import make_url

from solidarna import create_app
from solidarna.core.database import normalise_url

PASSWORD = "correct horse battery"
#: ask for pages in English: assertions then read the source strings
EN = {"Accept-Language": "en"}
#: CI sets these: a missing database or browser then fails the run instead of skipping
REQUIRE_POSTGRES = os.environ.get("REQUIRE_POSTGRES") == "1"
REQUIRE_BROWSER = os.environ.get("REQUIRE_BROWSER") == "1"
REQUIRE_REDIS = os.environ.get("REQUIRE_REDIS") == "1"
#: the Redis the shared-limit tests use (on loopback; keys under a per-run prefix, never flushed)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
CHROMIUM = Path("/usr/bin/chromium")
#: "gw0", "gw1", ... in a pytest-xdist worker; empty in a plain run and in xdist's controller
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def required_but_missing(reason: str):
    """Stop the run with exit code 3 (REQUIRE_*=1). In an xdist worker pytest.exit() would
    crash the worker and bury the reason in an INTERNALERROR, so there the tests that need
    the missing piece fail with the reason instead (the run fails all the same)."""
    if XDIST_WORKER:
        pytest.fail(reason, pytrace=False)
    pytest.exit(reason, returncode=3)


def pytest_sessionstart(session):
    """With REQUIRE_POSTGRES=1 or REQUIRE_BROWSER=1, look for what is required before any
    test runs (under xdist: in the controller, before the workers start), so a missing piece
    stops the run at once with its reason."""
    if XDIST_WORKER:
        return
    if REQUIRE_POSTGRES:
        url = os.environ.get("TEST_DATABASE_URL")
        if not url:
            pytest.exit("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set", returncode=3)
        admin = sa.create_engine(make_url(normalise_url(url)).set(database="postgres"))
        try:
            with admin.connect():
                pass
        except sa.exc.OperationalError as error:
            pytest.exit(f"PostgreSQL required but not reachable: {error}", returncode=3)
        finally:
            admin.dispose()
    if REQUIRE_REDIS and (problem := _redis_problem()):
        pytest.exit(f"Redis required but not reachable at {TEST_REDIS_URL}: {problem}", 3)
    if REQUIRE_BROWSER:
        if not CHROMIUM.exists():
            pytest.exit(f"REQUIRE_BROWSER=1 but Chromium not found at {CHROMIUM}", returncode=3)
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError as error:
            pytest.exit(f"REQUIRE_BROWSER=1 but Playwright cannot be imported ({error})", 3)


def _redis_problem() -> str | None:
    """Why the test Redis cannot be used, or None when it answers PING."""
    import redis

    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as error:
        return str(error) or type(error).__name__
    finally:
        client.close()
    return None


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A real Redis on loopback. Skipped (with the reason) when it does not answer, unless
    REQUIRE_REDIS=1 (CI), which fails instead. Tests keep their keys under a prefix of their
    own (`redis_prefix`) and delete only those: other runs share this Redis."""
    problem = _redis_problem()
    if problem:
        if REQUIRE_REDIS:
            required_but_missing(f"Redis required but not reachable at {TEST_REDIS_URL}: {problem}")
        pytest.skip(
            f"Redis is not reachable at {TEST_REDIS_URL} ({problem}); set REQUIRE_REDIS=1 to fail instead"
        )
    return TEST_REDIS_URL


@pytest.fixture
def redis_prefix(redis_url):
    """A key prefix unique to this test; its keys are deleted afterwards (never a flush)."""
    import uuid

    import redis

    prefix = f"solidarna-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=500))
    if keys:
        client.delete(*keys)
    client.close()


#: tests that must share one pytest-xdist worker, run there in order: the route matrices' last
#: test reports what the others covered (module state); the browser tests share one Chromium.
XDIST_GROUPS = {"tests/test_route_matrix.py": "route matrices", "tests/e2e/": "browser"}


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """With -n (and no other --dist chosen), hand tests out one at a time like --dist load,
    except XDIST_GROUPS, each one unit of work. (pytest-xdist's xdist_group marks do not take
    with pytest 9.2: xdist 3.8 rewrites item._nodeid, which pytest 9 no longer reads.)"""
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Grouped(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return next((g for p, g in XDIST_GROUPS.items() if nodeid.startswith(p)), nodeid)

    return Grouped(config, log)


def _test_database_name(name: str) -> str:
    """Each xdist worker gets a database of its own: TEST_DATABASE_URL's name + "_gw0"..."""
    return f"{name}_{XDIST_WORKER}" if XDIST_WORKER else name


def _postgres_url() -> str | None:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if REQUIRE_POSTGRES:
            required_but_missing("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        return None
    target = make_url(normalise_url(url))
    target = target.set(database=_test_database_name(target.database))
    url = target.render_as_string(hide_password=False)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": target.database}
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    except sa.exc.OperationalError as error:
        if REQUIRE_POSTGRES:
            required_but_missing(f"PostgreSQL required but not reachable: {error}")
        print(
            f"\nPostgreSQL at TEST_DATABASE_URL is not reachable; testing on SQLite instead ({error})"
        )
        return None
    finally:
        admin.dispose()
    return url


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    workers = " (one per xdist worker)" if config.getoption("numprocesses", None) else ""
    db = (
        f"PostgreSQL ({make_url(normalise_url(url)).database}{'_gw*' if workers else ''})"
        if url
        else "SQLite (temporary file)"
    )
    return [f"solidarna: database {db}{workers}"]


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = _postgres_url()
    if url:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _schema(database_url):
    """Build the schema once per session through the migrations themselves."""
    from flask_migrate import upgrade

    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url})
    with app.app_context():
        upgrade()
        from solidarna.extensions import db

        db.engine.dispose()
    return database_url


def _wipe(db) -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    with db.engine.begin() as conn:
        conn.execution_options(all_tenants=True)  # every space's rows, deliberately
        if conn.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture(scope="session")
def static_build(tmp_path_factory) -> Path:
    """static/ built once per session (`flask assets build`: hashed names, .gz and .br) into
    a folder of its own; `app_overrides` returning {"STATIC_BUILD_DIR": ...} serves it."""
    from solidarna import ROOT
    from solidarna.core.assets import build

    target = tmp_path_factory.mktemp("static-build")
    build(ROOT / "static", target)
    return target


@pytest.fixture
def app_overrides() -> dict:
    """Settings a test module adds to the app's (override this fixture there)."""
    return {}


@pytest.fixture
def app(_schema, tmp_path, app_overrides):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": _schema,
            "PUBLIC_BASE_URL": "http://localhost",
            **app_overrides,
        }
    )
    app.instance_path = str(tmp_path)
    from solidarna.extensions import db

    with app.app_context():
        yield app
        db.session.remove()
        _wipe(db)
        db.engine.dispose()


@pytest.fixture
def db(app):
    from solidarna.extensions import db

    return db


class _Isolated:
    """Runs each request in a fresh contextvars context, so it gets its own app context
    (and `g`, session and locale) like a real request, not the test's app context."""

    def __init__(self, client):
        self._client = client

    def __getattr__(self, name):
        attr = getattr(self._client, name)
        if name in {"get", "post", "put", "patch", "delete", "open", "head", "options"}:
            return lambda *a, **kw: contextvars.Context().run(attr, *a, **kw)
        return attr


class Client:
    """A test client that carries the CSRF token the way the browser does."""

    def __init__(self, app):
        self.app = app
        self.raw = _Isolated(app.test_client())

    def get(self, url, **kwargs):
        return self.raw.get(url, **kwargs)

    def token(self) -> str:
        # a logged-in person's pages carry it (the log-out form); a visitor's do not (they
        # are the same for every visitor: core/pagecache.py), the login form does
        for page in ("/", "/auth/login"):
            html = self.raw.get(page).get_data(as_text=True)
            match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
            if match:
                return match.group(1)
        raise AssertionError("no CSRF token on the home page nor on the login page")

    def post(self, url, data=None, *, csrf=True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token())
        return self.raw.post(url, data=data, **kwargs)

    def login(self, email, password=PASSWORD):
        response = self.post("/auth/login", {"email": email, "password": password})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        return response

    def logout(self):
        return self.post("/auth/logout")


@pytest.fixture
def client(app) -> Client:
    return Client(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@functools.cache
def _password_hash() -> str:
    from solidarna.accounts.models import password_hasher

    return password_hasher.hash(PASSWORD)


@pytest.fixture
def make_user(db):
    from solidarna.accounts.models import User
    from solidarna.core.models import utcnow

    counter = iter(range(1, 10_000))

    def make(email=None, name=None, password=PASSWORD, verified=True, **fields):
        n = next(counter)
        user = User(email=email or f"user{n}@example.org", name=name or f"Test User {n}", **fields)
        if password == PASSWORD:
            user.password_hash = _password_hash()  # argon2 is slow on purpose; hash once
        else:
            user.set_password(password)
        if verified:
            user.email_verified_at = utcnow()
        db.session.add(user)
        db.session.commit()
        return user

    return make


@pytest.fixture
def outbox(db):
    """Messages queued in the outbox, newest last."""
    from solidarna.core.mail import OutboxMessage

    def messages(to=None):
        query = db.select(OutboxMessage).order_by(OutboxMessage.id)
        if to:
            query = query.where(OutboxMessage.to_address == to)
        return db.session.scalars(query).all()

    return messages


def parse(source) -> BeautifulSoup:
    """A page (a response, or its text) parsed, to assert on elements and attributes rather
    than on how the markup happens to be spelled."""
    if not isinstance(source, str):
        source = source.get_data(as_text=True)
    return BeautifulSoup(source, "html.parser")


def one(source, selector: str) -> Tag:
    """The single element matching a CSS selector; fails naming the selector otherwise."""
    found = (source if isinstance(source, Tag) else parse(source)).select(selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}"
    return found[0]


def text_of(element: Tag) -> str:
    """An element's text with whitespace collapsed, as a reader sees it."""
    return " ".join(element.get_text().split())


def definitions(source) -> dict[str, str]:
    """The page's definition lists (key figures): {term: description}, texts collapsed."""
    page = source if isinstance(source, Tag) else parse(source)
    return {text_of(dt): text_of(dt.find_next_sibling("dd")) for dt in page.select("dl dt")}


def nav_links(source) -> dict[str, str]:
    """The header's main navigation: {link text: href}."""
    return {text_of(a): a["href"] for a in one(source, "header nav.main-nav").select("a")}


def current_nav(source) -> list[str]:
    """The main navigation's links marked as the current page (aria-current="page")."""
    return [text_of(a) for a in one(source, "header nav.main-nav").select('a[aria-current="page"]')]


def field_error(source, field_id: str) -> str:
    """The error message shown for a form field (templates/macros/forms.html), after checking
    that the field points screen readers at it (aria-describedby)."""
    page = source if isinstance(source, Tag) else parse(source)
    error = one(page, f"#{field_id}-error")
    one(page, f'[aria-describedby~="{field_id}-error"]')
    return text_of(error)


def link_in(body: str) -> str:
    """The first http link in a mail body, as a path."""
    match = re.search(r"http://localhost(/\S+)", body)
    assert match, body
    return match.group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd), collecting what it receives."""
    from aiosmtpd.controller import Controller

    class Collect:
        def __init__(self):
            self.messages = []
            self.refuse = False

        async def handle_DATA(self, server, session, envelope):
            if self.refuse:
                return "451 Try again later"
            self.messages.append(envelope)
            return "250 OK"

    handler = Collect()
    handler.port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    yield handler
    controller.stop()


ARTIFACTS = Path(
    os.environ.get("TEST_ARTIFACTS", Path(tempfile.gettempdir()) / "solidarna-test-artifacts")
)


@pytest.fixture
def make_tenant(db):
    """Create a tenant (and optionally members: {user: role})."""
    from solidarna.core.capabilities import module_labels
    from solidarna.core.tenancy import tenant_context
    from solidarna.tenants.models import Membership, Tenant

    def make(slug="alfa", visibility="public", members=None, **fields):
        fields.setdefault("name", f"Prostor {slug}")
        fields.setdefault("kind", "municipality")
        fields.setdefault("modules", list(module_labels()))
        fields.setdefault("municipalities", [])
        tenant = Tenant(slug=slug, visibility=visibility, **fields)
        db.session.add(tenant)
        db.session.commit()
        with tenant_context(tenant.id):
            for user, role in (members or {}).items():
                status = "pending" if role == "pending" else "active"
                db.session.add(
                    Membership(
                        user_id=user.id,
                        role="member" if role == "pending" else role,
                        status=status,
                        message="Molim za članstvo u prostoru.",
                    )
                )
            db.session.commit()
        return tenant

    return make


@contextmanager
def statements(engine):
    """Collect every SQL statement sent to the database while the block runs."""
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def declare_notification_kinds(app, kinds: dict) -> None:
    """Declare test-only notification kinds the way a capability does (idempotent)."""
    from solidarna.core.capabilities import Capability, register_capability, registry

    missing = {k: v for k, v in kinds.items() if k not in registry(app).notification_kinds()}
    if missing:
        name = "tests:" + ",".join(sorted(missing))
        register_capability(app, Capability(name=name, label=name, notification_kinds=missing))


def verified_organization(name, actor_type, municipality):
    """A verified directory entry entered by the office (inside a tenant context): the
    organization a representative acts for in the proposals' and groups' tests."""
    from solidarna.directory.organizations.services import create_organization

    return create_organization(
        {"name": name, "legal_form": "cooperative" if actor_type == "cooperative" else "association",
         "actor_type": actor_type, "municipality": municipality},
        {}, None, source="office", moderation="verified",
    )  # fmt: skip
