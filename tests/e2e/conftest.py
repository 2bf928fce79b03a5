"""Browser fixtures (DESIGN §8): the real app on a live server on 127.0.0.1, driven by Debian's
Chromium through Playwright. Without Chromium or Playwright these tests are skipped with a clear
reason, unless REQUIRE_BROWSER=1 (CI), where a missing browser stops the run instead."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from solidarna import create_app
from tests.conftest import (
    ARTIFACTS,
    CHROMIUM,
    PASSWORD,
    REQUIRE_BROWSER,
    _wipe,
    required_but_missing,
)

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Generous for a loaded CI machine; a healthy local run needs a fraction of it.
TIMEOUT_MS = 10_000
HERE = Path(__file__).resolve().parent
_REPORTS = pytest.StashKey[dict]()


def pytest_collection_modifyitems(items):
    # This hook sees the whole session's items, so mark only the ones in this folder.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so fixtures can tell, on teardown, that a test failed.
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


def _failed(node) -> bool:
    reports = node.stash.get(_REPORTS, {})
    return any(r.failed for r in reports.values())


# --- the live server ---------------------------------------------------------------------


@dataclass
class LiveServer:
    """The app served on 127.0.0.1. Reach the database through these helpers, each in a short
    app context, rather than the `db` fixture: a session left open there would hold locks that
    block the PostgreSQL TRUNCATE at teardown."""

    url: str
    app: Flask

    def outbox(self, to: str | None = None) -> list:
        """Messages queued in the outbox, oldest first (detached, read-only)."""
        from solidarna.core.mail import OutboxMessage
        from solidarna.extensions import db

        with self.app.app_context():
            query = db.select(OutboxMessage).order_by(OutboxMessage.id)
            if to:
                query = query.where(OutboxMessage.to_address == to)
            return db.session.scalars(query).all()

    def make_user(
        self, email: str, name: str, password: str = PASSWORD, verified: bool = True, **fields
    ):
        """A user created directly in the database, as an admin or an earlier visit would."""
        from solidarna.accounts.models import User
        from solidarna.core.models import utcnow
        from solidarna.extensions import db

        with self.app.app_context():
            user = User(email=email, name=name, **fields)
            user.set_password(password)
            if verified:
                user.email_verified_at = utcnow()
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user


@pytest.fixture
def live_server(_schema, tmp_path):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": _schema,
            "WTF_CSRF_SSL_STRICT": False,
            # No tile server: the machine has no internet, and pages stay first-party.
            "MAP_TILE_URL": "",
        }
    )
    app.instance_path = str(tmp_path)
    # Port 0: the system picks a free port while binding, so parallel workers never race
    # for one. The app reads PUBLIC_BASE_URL per request (mail links), so set it after.
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        from solidarna.extensions import db

        with app.app_context():
            db.session.remove()
            _wipe(db)
            db.engine.dispose()


# --- the browser -------------------------------------------------------------------------


def _unavailable(reason: str, remedy: str = "apt-get install -y chromium"):
    if REQUIRE_BROWSER:
        required_but_missing(f"REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(f"{reason}: browser tests skipped ({remedy})")


# Package scope rather than session: while sync Playwright runs, its event loop counts as
# running in the main thread, which would break asyncio.run() in tests outside this folder.
@pytest.fixture(scope="package")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import expect, sync_playwright
    except ImportError as error:
        _unavailable(f"Playwright cannot be imported ({error})", "make install-dev")

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
        except PlaywrightError as error:
            _unavailable(f"Chromium at {CHROMIUM} did not start ({error})")
        yield chromium
        chromium.close()


@dataclass
class BrowserLog:
    """What the pages of a test did that a user would not see but should never happen."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, url, type

    @property
    def foreign_requests(self) -> list[str]:
        return [
            url
            for _method, url, _type in self.requests
            if urlsplit(url).scheme in ("http", "https", "ws", "wss")
            and urlsplit(url).hostname != "127.0.0.1"
        ]

    def requests_to(self, method: str, path: str) -> list[str]:
        """Resource types ("document", "xhr", ...) of the requests made to a path."""
        return [
            kind for m, url, kind in self.requests if m == method and urlsplit(url).path == path
        ]

    def watch(self, context) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("request", lambda r: self.requests.append((r.method, r.url, r.resource_type)))

    def _console(self, message) -> None:
        # CSP violations reach the console as errors too, so this catches them as well.
        if message.type == "error":
            where = message.location.get("url", "")
            self.console_errors.append(f"{where}: {message.text}")


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@dataclass
class RequestLog:
    """Every request the watched browser contexts make, to tell whether any left the site
    (DESIGN: no third-party requests). Requests to another origin are recorded, then
    refused before they reach the network, so a test never waits on (or leaks to) a
    foreign host. Watching routes every request through Playwright, which turns the
    browser's HTTP cache off: what a page loads is what a first visit loads."""

    origin: str
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # method, url, type

    def same_origin(self, url: str) -> bool:
        parts, own = urlsplit(url), urlsplit(self.origin)
        if parts.scheme not in ("http", "https", "ws", "wss"):
            return True  # data:, blob:, about: never reach a network
        return (parts.scheme.replace("ws", "http"), parts.netloc) == (own.scheme, own.netloc)

    def watch(self, context) -> None:
        context.on("request", lambda r: self.requests.append((r.method, r.url, r.resource_type)))
        context.route(lambda url: not self.same_origin(url), lambda route: route.abort())

    @property
    def foreign(self) -> list[str]:
        return [url for _method, url, _type in self.requests if not self.same_origin(url)]

    def paths(self, kind: str | None = None) -> list[str]:
        """The paths requested (of one resource type: "script", "image", ...)."""
        return [urlsplit(u).path for _m, u, t in self.requests if kind in (None, t)]

    def assert_same_origin(self) -> None:
        assert self.requests, "no request was recorded: is the context watched?"
        assert self.foreign == [], f"requests that left {self.origin}: {self.foreign}"


@pytest.fixture
def request_log(live_server) -> RequestLog:
    """request_log.watch(context), then request_log.assert_same_origin()."""
    return RequestLog(origin=live_server.url)


@pytest.fixture
def new_context(browser, live_server, browser_log, request):
    """Make fresh browser contexts (separate cookies) pointed at the live server.

    Depends on live_server so contexts close before the server stops."""
    contexts = []

    def make(**options):
        options.setdefault("base_url", live_server.url)
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        browser_log.watch(context)
        contexts.append(context)
        return context

    yield make
    failed = _failed(request.node)
    for n, context in enumerate(contexts):
        if failed:
            _screenshots(request.node.nodeid, n, context)
        context.close()


def _screenshots(nodeid: str, n: int, context) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", nodeid)
    for m, page in enumerate(context.pages):
        path = ARTIFACTS / f"{stem}-{n}-{m}.png"
        try:
            page.screenshot(path=str(path), full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own failure
            print(f"no screenshot for {nodeid}: {error}")
        else:
            print(f"screenshot: {path}")


@pytest.fixture
def page(new_context):
    return new_context().new_page()
