"""The whole-page cache for visitors (DESIGN §9; docs/architecture.md "Page cache").

A capability declares which of its GET pages a visitor may be served from the cache
(`Capability(cacheable=("directory.index", ...))`); `register_capability` wraps those views
with `cached_view`. For a visitor (no logged-in account, no pending flashed message) the page
is looked up in the shared cache (`extensions.cache`: Redis in production) under

    the space (id and creation time) + its change marker + the release
    + locale (language and script) + the htmx variant + path and sorted query

and served from there; otherwise the view renders it and a 200 that set no cookie and changed
nothing in the session is kept. Every answer carries an ETag; `If-None-Match` gets a 304.

**The change marker** is `tenants.content_version`, a counter in the space's own row, raised
in the same transaction as any write in the space: a flush of a row that has a `tenant_id`
(every `TenantScoped` model, the audit log), a change of the `Tenant` row, an UPDATE / DELETE
/ INSERT statement on such a table through the session, and — for every space at once —
a change of what a space's pages show of an account (its name). A hit reads it as one plain
row (`_answer_early`, before the space's ORM object would be loaded), so every process and
server reads the same marker, and a write is visible on the next request everywhere, whatever
cache backend (a process's own SimpleCache or a shared Redis) holds the pages.
Models whose rows no visitor's page shows (notifications, jobs, uploads waiting for an
import, thread subscriptions) say `pagecache_exempt = True`.

**Per visitor**: the CSRF token (the header's language switch, `hx-headers`) is the one part
of a visitor's page that is theirs; it is stored as a placeholder and the visitor's own token
is put in when the page is served, so no token is ever shared and the forms work without
JavaScript. The ETag then includes a digest of the session's token secret.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from itertools import chain
from pathlib import Path
from typing import NamedTuple

from flask import Flask, Response, current_app, g, has_request_context, request, session
from flask.globals import request_ctx
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, event, func, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from solidarna.core.models import Base
from solidarna.core.tenancy import current_tenant_id

log = logging.getLogger(__name__)
request_log = logging.getLogger("solidarna.request")

#: session.info key: the tenant ids whose marker this transaction raises (ALL: every space)
MARKS = "solidarna.pagecache.marks"
ALL = "*"
#: execution option of the marker's own UPDATE, so it does not count as a write
_BUMP = "pagecache_bump"
#: what stands for the visitor's CSRF token in a stored page (NUL never appears in a page:
#: requests carrying one are refused, core/security.py)
PLACEHOLDER = b"\x00csrf-token\x00"
KEY_PREFIX = "page"
#: account columns that a space's pages show (authors, members, mentions)
USER_SHOWN = ("name", "email", "active")
#: longer query strings are served without the cache (nobody bookmarks them; no key flood)
MAX_QUERY = 512
STATUS_HEADER = "X-Page-Cache"


# --- declaring cacheable pages -----------------------------------------------------------------


def tenant_marker() -> tuple | None:
    """The current space, and what changes when anything in it does."""
    tenant = g.get("tenant")
    if tenant is None:
        return None
    created = tenant.created_at.timestamp() if tenant.created_at else 0
    return ("t", tenant.id, f"{created:.6f}", tenant.content_version or 0)


@functools.cache
def _platform_statement():
    tenants = Base.metadata.tables["tenants"]
    return select(func.count(), func.max(tenants.c.id), func.max(tenants.c.updated_at))


def platform_state(read) -> tuple:
    """For platform pages that list spaces (the platform home): changes when a space is
    created, changed (name, kind, visibility, status) or deleted. One statement, read by
    `read` (a `FrontMarker`'s)."""
    return ("platform", *read(_platform_statement(), {})[0])


def platform_marker() -> tuple:
    return platform_state(_session_rows)


def cache_pages(app: Flask, endpoints, marker: Callable[[], tuple | None] = tenant_marker):
    """Serve the views of `endpoints` to visitors from the page cache (see the module doc).
    `marker()` names the state the page shows; None means: not cacheable this time."""
    for endpoint in endpoints:
        view = app.view_functions.get(endpoint)
        if view is None:
            raise KeyError(f"cacheable endpoint {endpoint!r} is not a registered view")
        if getattr(view, "pagecache_marker", None) is None:
            app.view_functions[endpoint] = cached_view(view, marker)


class FrontMarker:
    """A page's change marker that the front door (`FrontDoor`) reads as well as the view's
    wrapper, so that a capability with a marker of its own (the clock, the spaces it shares
    with) gets its visitors' hits answered before Flask too. `state(read, slug)` answers
    (state, the space's default locale or None), or None (not cacheable this time), in an
    application context with no request: `slug` is the URL's space (None on a platform
    page), and `read(statement, params)` the statement's rows, through the session in the
    view and through the kept connection (core/database.KeptConnection) in the front door.
    So its statements are Core selects built once (module level or `functools.cache`) with
    bound parameters, outside the tenancy hooks (`all_tenants`: the kept connection has
    none), each naming the space it reads itself (`table.c.tenant_id == tenants.c.id`).

    `prefetch()`, if given, answers (statement, params) of a `space_state_statement` whose
    extra columns the space's own statement of a logged-in person's request reads in its row
    (tenants/routing.py `_pull_tenant`): `state`'s read of that statement is then answered
    from that row (`prefetched`), one statement less per page. Until the request commits: a
    commit forgets it, and the next read asks the database."""

    def __init__(self, state: Callable, prefetch: Callable[[], tuple] | None = None):
        self.state = state
        self.prefetch = prefetch
        functools.update_wrapper(self, state)

    def __call__(self) -> tuple | None:
        tenant = g.get("tenant")  # in the view; before the space is loaded, from the URL
        slug = tenant.slug if tenant is not None else None
        if tenant is None and has_request_context():
            slug = (request.view_args or {}).get("tenant_slug")
        found = self.state(_view_rows, slug)
        if found is None:
            return None
        state, default_locale = found
        if tenant is None and default_locale:
            # what tenants/routing.py sets: the locale falls back to the space's language
            g.tenant_default_locale = default_locale
        return state


PREFETCHED = "pagecache_prefetched"


@functools.cache
def _row_class(statement):
    """The row type of `statement`'s rows, its columns by name (made once per statement: the
    markers' statements are built once)."""
    from collections import namedtuple

    names = [str(column.key) for column in statement.selected_columns]
    return namedtuple("Row", names, rename=True)


def prefetched(statement, tenant, extra) -> None:
    """Keep, for this request, the row `statement` (a `FrontMarker`'s `prefetch`) would answer:
    the space's state columns of `tenant` and the `extra` columns read with it."""
    values = (tenant.id, tenant.created_at, tenant.content_version, tenant.default_locale, *extra)
    g.setdefault(PREFETCHED, {})[statement] = [_row_class(statement)(*values)]


def _view_rows(statement, params: dict) -> list:
    kept = g.get(PREFETCHED, {}).get(statement) if has_request_context() else None
    if kept is not None:
        return kept
    return _session_rows(statement, params)


def _session_rows(statement, params: dict) -> list:
    from solidarna.extensions import db

    return db.session.execute(statement, params).all()


def space_rows(read, slug: str | None):
    """The space's state row (id, created_at, content_version, default_locale) for a
    `FrontMarker`, or None for no such space: in a view of that space, the space already
    loaded for the request (no statement); else one indexed statement."""
    if not slug or len(slug) > 40:
        return None
    tenant = g.get("tenant") if has_request_context() else None
    if tenant is not None and tenant.slug == slug:
        return tenant
    rows = read(_state_statement(), {"slug": slug})
    return rows[0] if rows else None


def space_state_statement(*extra):
    """The space's state row by its slug (`:slug`) with `extra` columns in the same row (a
    `FrontMarker`'s one statement: scalar subqueries correlated on `space_table().c.id`,
    each over the space's own rows), built by the caller once."""
    tenants = space_table()
    return select(
        tenants.c.id, tenants.c.created_at, tenants.c.content_version, tenants.c.default_locale,
        *extra,
    ).where(tenants.c.slug == bindparam("slug"))  # fmt: skip


def space_table():
    return Base.metadata.tables["tenants"]


def space_state_counting(table, moments):
    """`space_state_statement` with how many of the space's rows of `table` meet each
    condition of `moments` (e.g. events begun by `:now`), summed into one figure: one
    statement, with one scan of the space's rows, for a marker that follows the clock.
    Between two writes in the space each condition's count only grows with the clock, so
    their sum changes exactly when one of them does (a write changes the space's marker
    anyway)."""
    from sqlalchemy import case

    tenants = space_table()
    passed = sum(
        (case((moment, 1), else_=0) for moment in moments[1:]), case((moments[0], 1), else_=0)
    )
    return space_state_statement(
        select(func.coalesce(func.sum(passed), 0))
        .where(table.c.tenant_id == tenants.c.id)
        .scalar_subquery()
    ).execution_options(all_tenants=True)


def is_cacheable(app: Flask, endpoint: str) -> bool:
    return getattr(app.view_functions.get(endpoint), "pagecache_marker", None) is not None


def skip() -> None:
    """Called by a view (or anything it renders): this answer is not to be kept."""
    g.pagecache_skip = True


def cached_view(view: Callable, marker: Callable[[], tuple | None]) -> Callable:
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not _eligible():
            return view(*args, **kwargs)
        state = marker()
        if state is None:
            return view(*args, **kwargs)
        key = _key(state)
        # looked up already by _answer_early (a miss), unless the state moved since
        entry = None if g.pop("pagecache_missed", None) == key else _get(key)
        if entry is not None:
            return _serve(entry, "hit")
        before = _session_snapshot()
        response = current_app.make_response(view(*args, **kwargs))
        entry = _entry(response, before)
        if entry is None:
            return response
        _set(key, entry)
        return _serve(entry, "miss")

    wrapper.pagecache_marker = marker
    return wrapper


# --- answering a hit early ------------------------------------------------------------------------


class EarlyAnswer(HTTPException):
    """A hit answered from the URL value preprocessor. It has a code, so that Flask hands it to
    the app's HTTPException handler (core/errors.py), which returns the response itself: with
    `abort(response)` (no code) Flask would wrap the exception as a WSGI app into a streamed
    response, which the compression after it leaves alone."""

    code = 200

    def __init__(self, response: Response):
        super().__init__(response=response)


def _answer_early(endpoint: str | None, values: dict | None) -> None:
    """An app-level URL value preprocessor (after the request id and the NUL check, before
    the space is loaded): a visitor's hit is answered here, by raising `EarlyAnswer`, so that
    neither the space's ORM object, nor the account, nor the guards are loaded for it; the
    after_request hooks (headers, the log line) and the session still run. Equivalent to the
    view's own lookup: a page is kept only if a visitor's request went through every guard at
    that very marker, and every guard reads the space's row (its marker) and the visitor
    (anonymous). Undecided cases go on to the view, whose wrapper looks again."""
    view = current_app.view_functions.get(endpoint or "")
    marker = getattr(view, "pagecache_marker", None)
    if marker is None or not _eligible_early():
        return
    if marker is tenant_marker:
        slug = (values or {}).get("tenant_slug")
        state = _tenant_state(slug) if slug else None
        if state is None:
            return  # no such space: the view answers (404)
    else:
        state = marker()
        if state is None:
            return  # not cacheable this time (e.g. no such space): the view answers
    entry = _get(_key(state))
    if entry is not None:
        raise EarlyAnswer(_serve(entry, "hit"))
    g.pagecache_missed = _key(state)


@functools.cache
def _state_statement():
    """Built once: its cache key (SQLAlchemy's and the tenancy walk's) is memoized on it."""
    tenants = Base.metadata.tables["tenants"]
    columns = (tenants.c.id, tenants.c.created_at, tenants.c.content_version)
    return select(*columns, tenants.c.default_locale).where(tenants.c.slug == bindparam("slug"))


def _tenant_state(slug: str) -> tuple | None:
    from solidarna.extensions import db

    if len(slug) > 40:
        return None
    # a plain row on the session's connection: no ORM object, one indexed statement
    row = db.session.execute(_state_statement(), {"slug": slug}).first()
    if row is None:
        return None
    # what tenants/routing.py would set: the locale falls back to the space's language
    g.tenant_default_locale = row.default_locale
    g.tenant_slug = slug
    return _state_of(row)


def tenant_state_of(row) -> tuple:
    """`tenant_marker`'s state from the space's state row (`space_rows`)."""
    return _state_of(row)


def _state_of(row) -> tuple:
    created = row.created_at.timestamp() if row.created_at else 0
    return ("t", row.id, f"{created:.6f}", row.content_version or 0)


def _eligible_early() -> bool:
    """A visitor, decided from the signed session and the cookies alone."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and len(request.query_string) <= MAX_QUERY
        and "_flashes" not in session
        and "_user_id" not in session
        and remember not in request.cookies
    )


# --- serving -----------------------------------------------------------------------------------


def enabled(app: Flask | None = None) -> bool:
    return bool((app or current_app).config.get("PAGE_CACHE"))


def _eligible() -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and len(request.query_string) <= MAX_QUERY
        and "_flashes" not in session
        and not current_user.is_authenticated
    )


HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request")


def htmx_bits(headers) -> str:
    return "".join("1" if headers.get(name) == "true" else "0" for name in HTMX_HEADERS)


def _key(state: tuple) -> str:
    from solidarna.core.i18n import current_locale

    return compose_key(
        current_app.config["PAGE_CACHE_RELEASE"],
        state,
        current_locale(),
        htmx_bits(request.headers),
        request,
    )


def address(req) -> tuple:
    """What names a page in a key: its path and its query sorted by name (a name's values
    keep their order): ?a=1&b=2 is ?b=2&a=1. Not the host: pages link by path only (no
    url_for(_external=True)), so every server and address of the platform may serve the
    same page."""
    return req.path, sorted(req.args.items(multi=True), key=lambda item: item[0])


def compose_key(release: str, state: tuple, locale: str, htmx: str, req) -> str:
    """The page's key; `req` is Flask's request or the front door's plain Werkzeug one."""
    where = repr((req.script_root, *address(req)))
    digest = hashlib.blake2b(where.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    scope = ".".join(str(part) for part in state)
    return f"{KEY_PREFIX}:{release}:{scope}:{locale}:{htmx}:{digest}"


def _get(key: str):
    from solidarna.extensions import cache

    try:
        entry = cache.get(key)
    except Exception:  # a cache is never a reason to fail the page
        log.warning("Cache not reachable; rendering %s", request.path, exc_info=True)
        return None
    return entry if isinstance(entry, tuple) and len(entry) == 4 else None


def _set(key: str, entry: tuple) -> None:
    from solidarna.extensions import cache

    try:
        cache.set(key, entry, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    except Exception:
        log.warning("Cache not reachable; not keeping %s", request.path, exc_info=True)


def _session_snapshot() -> dict:
    return {k: v for k, v in session.items() if k != _token_name()}


def _token_name() -> str:
    return current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")


def _entry(response: Response, session_before: dict) -> tuple | None:
    """What to keep of a freshly rendered answer, or None when it must not be kept: anything
    but a plain 200, a cookie, a change to the session (a login, a flashed message shown or
    left), an account that logged in meanwhile, or a view that said `skip()`."""
    if (
        response.status_code != 200
        or response.is_streamed
        or response.direct_passthrough
        or "Set-Cookie" in response.headers
        or g.get("pagecache_skip")
        or (request_ctx.flashes or [])
        or _session_snapshot() != session_before
        or current_user.is_authenticated
    ):
        return None
    body = response.get_data()
    token = g.get(_token_name())
    if token:
        body = body.replace(token.encode(), PLACEHOLDER)
    headers = [
        (name, value)
        for name, value in response.headers.items()
        if name.lower() not in ("content-length", "set-cookie", "etag")
    ]
    etag = hashlib.blake2b(body, digest_size=12).hexdigest()
    return (etag, headers, body, PLACEHOLDER in body)


def _serve(entry: tuple, status: str) -> Response:
    etag, headers, body, personal = entry
    if personal:
        token = generate_csrf()  # this visitor's, made (with their session) if they have none
        secret = str(session.get(_token_name(), ""))
        etag = f"{etag}-{hashlib.blake2b(secret.encode(), digest_size=6).hexdigest()}"
    if request.if_none_match.contains_weak(etag):
        response = Response(status=304)
    else:
        if personal:
            body = body.replace(PLACEHOLDER, token.encode())
        response = Response(body, status=200, headers=headers)
    response.set_etag(etag, weak=True)
    # the browser keeps it and asks again each time (If-None-Match); no shared cache may keep
    # it, it carries the visitor's token
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.update(("Cookie", "Accept-Language", "HX-Request"))
    response.headers[STATUS_HEADER] = status
    return response


# --- the front door: a hit answered before Flask ----------------------------------------------


#: the Vary of a kept page's answer (`_serve`), and of a compressed one
VARY = "Cookie, Accept-Language, HX-Request"
VARY_ENCODED = f"{VARY}, Accept-Encoding"
#: headers of the kept page that each hit sets itself
REPLACED = frozenset(
    ("etag", "vary", "cache-control", "content-length", "x-request-id", STATUS_HEADER.lower())
)
#: headers a 304 leaves out
BODY_HEADERS = frozenset(("content-type", "content-length", "content-encoding"))
STATUS_LINES = {status: f"{status} {HTTP_STATUS_CODES[status]}" for status in (200, 304)}


class _Prepared(NamedTuple):
    kept: list
    full: list
    not_modified: list
    compressible: bool


class FrontDoor:
    """WSGI middleware in front of the Flask application: a visitor's request for a
    cacheable space page whose kept page holds nothing of anyone (no CSRF token: visitors'
    pages carry none, templates/base.html) is answered here, without Flask's request
    context, session, hooks or view. What it does is what the Flask path does for such a
    hit, in the same order, and nothing else; anything it cannot decide alone (a session
    with an account or a flashed message, a remember cookie, a signature that does not
    check, an address that is not a cacheable page, a NUL, a long query, a miss, a kept
    page with a token in it) goes on to Flask, which answers, and keeps, as before:

    - a visitor: no remember cookie, no session cookie or one that names no account and
      holds no flashed message (checked with the session's own serializer);
    - the page: the URL map's endpoint, a view `cache_pages` wrapped with `tenant_marker`
      or with a capability's `FrontMarker`;
    - the space's marker: one indexed row through a connection kept per thread
      (core/database.KeptConnection), as `_answer_early` reads it through the session (a
      `FrontMarker`: its own statements, through the same connection);
    - the locale: `i18n.choose_locale` (the language cookie, the browser's, the space's);
    - the key: `compose_key`, the same as the view's; the entry: the shared cache;
    - the answer: the kept headers, the baseline security headers, the ETag and 304, the
      cache-control and Vary of `_serve`, `X-Request-ID`, compression as Flask-Compress
      would (brotli or gzip, as the client accepts; each page's compressed bytes kept per
      process, under its ETag), and the request's log line.
    """

    def __init__(self, app: Flask, wsgi_app) -> None:
        from solidarna.core.database import KeptConnection

        self.app = app
        self.wsgi_app = wsgi_app
        self.reader = KeptConnection(app)
        self._compressed: dict = {}
        self._headers: dict = {}

    def __call__(self, environ, start_response):
        try:
            answer = self._answer(environ)
        except Exception:  # never a reason to fail: the Flask path answers
            log.warning("The page cache's front door could not answer", exc_info=True)
            answer = None
        if answer is None:
            return self.wsgi_app(environ, start_response)
        status, headers, body = answer
        start_response(status, headers)
        return [body]

    def _answer(self, environ):
        import time

        from werkzeug.exceptions import HTTPException as RoutingException
        from werkzeug.wrappers import Request as PlainRequest

        app = self.app
        config = app.config
        if not config.get("PAGE_CACHE") or not config.get("PAGE_CACHE_FRONT_DOOR"):
            return None
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return None
        started = time.perf_counter()
        req = PlainRequest(environ)
        path = req.path
        if path.startswith(app.static_url_path + "/"):
            return None
        raw_query = req.query_string
        if len(raw_query) > MAX_QUERY or "\x00" in path or b"%00" in raw_query.lower():
            return None
        cookies = req.cookies
        if config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies:
            return None
        if not self._visitor(environ, cookies.get(config.get("SESSION_COOKIE_NAME", "session"))):
            return None
        try:
            rule, values = app.url_map.bind_to_environ(environ).match(return_rule=True)
        except RoutingException:
            return None
        view = app.view_functions.get(rule.endpoint)
        slug = values.get("tenant_slug")
        marker = getattr(view, "pagecache_marker", None)
        if marker is not tenant_marker and not isinstance(marker, FrontMarker):
            return None
        if marker is tenant_marker and not slug:
            return None
        if (slug and len(slug) > 40) or any("\x00" in str(value) for value in req.args.values()):
            return None
        if marker is tenant_marker:
            row = self.reader.first(_state_statement(), {"slug": slug})
            if row is None:
                return None
            state, default_locale = _state_of(row), row.default_locale
        else:
            with app.app_context():  # what a marker may ask of the app (its time zone)
                found = marker.state(self.reader.all, slug)
            if found is None:
                return None
            state, default_locale = found
        from solidarna.core.i18n import LOCALE_COOKIE, choose_locale

        locale = choose_locale(
            cookies.get(LOCALE_COOKIE),
            None,
            req.accept_languages,
            default_locale,
            config["BABEL_DEFAULT_LOCALE"],
        )
        key = compose_key(config["PAGE_CACHE_RELEASE"], state, locale, htmx_bits(req.headers), req)
        entry = self._entry(key)
        if entry is None or entry[3]:  # a miss, or a page with a token: Flask's path
            return None
        etag, _kept_headers, body, _personal = entry
        prepared = self._prepared(entry)
        not_modified = req.if_none_match.contains_weak(etag)
        rid = self._request_id(req)
        if not_modified:
            status = 304
            headers = [*prepared.not_modified, ("ETag", f'W/"{etag}"'),
                       ("Vary", VARY), ("X-Request-ID", rid)]  # fmt: skip
            body = b""
        else:
            status = 200
            encoding = self._encoding(req, prepared)
            headers = [*prepared.full, ("ETag", f'W/"{etag}"')]
            if encoding:
                body = self._compress(etag, encoding, body)
                headers += [("Content-Encoding", encoding), ("Vary", VARY_ENCODED)]
            else:
                headers.append(("Vary", VARY))
            headers += [("X-Request-ID", rid), ("Content-Length", str(len(body)))]
            if req.method == "HEAD":
                body = b""
        duration = (time.perf_counter() - started) * 1000
        request_log.info(
            "%s %s %s",
            req.method,
            path,
            status,
            extra={
                "request_id": rid,
                "tenant": slug,
                "route": rule.rule,
                "method": req.method,
                "path": path,
                "status": status,
                "duration_ms": f"{duration:.1f}",
            },
        )
        return STATUS_LINES[status], headers, body

    def _visitor(self, environ, cookie: str | None) -> bool:
        if not cookie:
            return True
        from itsdangerous import BadSignature

        from solidarna.core.security import DECODED_SESSION

        app = self.app
        serializer = app.session_interface.get_signing_serializer(app)
        if serializer is None:
            return False
        try:
            data = serializer.loads(
                cookie, max_age=int(app.permanent_session_lifetime.total_seconds())
            )
        except BadSignature:
            return False
        if not isinstance(data, dict):
            return False
        # a logged-in person's request goes on to Flask, which opens the session from this
        environ[DECODED_SESSION] = (cookie, data)
        return "_user_id" not in data and "_flashes" not in data

    def _entry(self, key: str):
        from solidarna.extensions import cache

        try:
            entry = self.app.extensions["cache"][cache].get(key)
        except Exception:
            log.warning("Cache not reachable; the front door passes", exc_info=True)
            return None
        return entry if isinstance(entry, tuple) and len(entry) == 4 else None

    def _prepared(self, entry: tuple) -> _Prepared:
        """The headers of a kept page's hits but those of each request (ETag, Vary,
        X-Request-ID, the length and encoding), made once per page and process: the kept
        headers, the baseline security headers the page did not set itself, the
        cache-control and the status header of `_serve`; without the body's headers for a
        304. Whether the page may be compressed is decided here too."""
        etag, kept_headers, body, _personal = entry
        found = self._headers.get(
            etag
        )  # the body's digest: the same page, unless its headers differ
        if found is not None and found.kept == kept_headers:
            return found
        from solidarna.core.security import baseline_headers

        config = self.app.config
        own = {name.lower() for name, _value in kept_headers}
        full = [(name, value) for name, value in kept_headers if name.lower() not in REPLACED]
        full += [
            (name, value)
            for name, value in baseline_headers(config).items()
            if name.lower() not in own
        ]
        full += [("Cache-Control", "private, no-cache"), (STATUS_HEADER, "hit")]
        not_modified = [(name, value) for name, value in full if name.lower() not in BODY_HEADERS]
        mimetype = (
            next((value for name, value in kept_headers if name.lower() == "content-type"), "")
            .split(";")[0]
            .strip()
        )
        compressible = bool(
            config.get("COMPRESS_HTML")
            and "content-encoding" not in own
            and mimetype in config.get("COMPRESS_MIMETYPES", ())
            and len(body) >= int(config.get("COMPRESS_MIN_SIZE", 500))
        )
        prepared = _Prepared(kept_headers, full, not_modified, compressible)
        if len(self._headers) >= 256:  # a bounded, per-process memory
            self._headers.clear()
        self._headers[etag] = prepared
        return prepared

    def _encoding(self, req, prepared: _Prepared) -> str | None:
        """Brotli or gzip, as the client accepts (Flask-Compress's order), for a page that
        may be compressed."""
        if not prepared.compressible:
            return None
        accepted = req.accept_encodings
        for name in self.app.config.get("COMPRESS_ALGORITHM", ("br", "gzip")):
            if name in ("br", "gzip") and accepted[name] > 0:
                return name
        return None

    def _compress(self, etag: str, encoding: str, body: bytes) -> bytes:
        kept = self._compressed.get((etag, encoding))
        if kept is not None:
            return kept
        config = self.app.config
        if encoding == "br":
            import brotli

            data = brotli.compress(
                body,
                mode=brotli.MODE_TEXT,
                quality=int(config.get("COMPRESS_BR_LEVEL", 4)),
            )
        else:
            import gzip

            data = gzip.compress(body, compresslevel=int(config.get("COMPRESS_LEVEL", 6)))
        if len(self._compressed) >= 256:  # a bounded, per-process memory
            self._compressed.clear()
        self._compressed[(etag, encoding)] = data
        return data

    @staticmethod
    def _request_id(req) -> str:
        import secrets

        from solidarna.core.logging import SANE_REQUEST_ID

        incoming = req.headers.get("X-Request-ID", "")
        return incoming if SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)


# --- the change marker -------------------------------------------------------------------------


def _marks(session_: Session) -> set:
    return session_.info.setdefault(MARKS, set())


def _exempt(obj) -> bool:
    return bool(getattr(type(obj), "pagecache_exempt", False))


def _tenant_of(obj):
    """The tenant id of a written row: None for a platform row (an audit entry of an account,
    tenant_id NULL), ALL when it cannot be told without a query (an expired deleted row
    outside any space)."""
    loaded = inspect(obj).dict
    if "tenant_id" in loaded:
        return loaded["tenant_id"]
    value = current_tenant_id()
    return value if value is not None else ALL


@event.listens_for(Session, "after_flush")
def _note_flushed_rows(session_: Session, flush_context) -> None:
    marks = _marks(session_)
    for obj in chain(session_.new, session_.dirty, session_.deleted):
        table = getattr(obj, "__tablename__", None)
        if table == "tenants":
            if obj not in session_.new and session_.is_modified(obj, include_collections=False):
                marks.add(obj.id)
            continue
        if table == "users":
            state = inspect(obj)
            shown = any(state.attrs[name].history.has_changes() for name in USER_SHOWN)
            if obj not in session_.new and (obj in session_.deleted or shown):
                marks.add(ALL)
            continue
        if _exempt(obj) or "tenant_id" not in inspect(type(obj)).columns:
            continue
        if obj in session_.dirty and not session_.is_modified(obj, include_collections=False):
            continue
        tenant_id = _tenant_of(obj)
        if tenant_id is not None:
            marks.add(tenant_id)


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    if state.execution_options.get(_BUMP):
        return
    table = getattr(state.statement, "table", None)
    columns = getattr(table, "c", None)
    if columns is None:
        return
    mapper = state.bind_mapper
    if mapper is not None and getattr(mapper.class_, "pagecache_exempt", False):
        return
    if table.name in ("tenants", "users"):
        _marks(state.session).add(ALL)
    elif "tenant_id" in columns:
        tenant_id = current_tenant_id()
        _marks(state.session).add(tenant_id if tenant_id is not None else ALL)


@event.listens_for(Session, "after_commit")
def _forget_prefetched(session_: Session) -> None:
    """A commit may have raised the space's marker: what was read with the space is read
    again (`prefetched`)."""
    if has_request_context():
        g.pop(PREFETCHED, None)


@event.listens_for(Session, "before_commit")
def _raise_markers(session_: Session) -> None:
    """In the committing transaction: raise the marker of every space written in."""
    if session_.new or session_.dirty or session_.deleted:
        session_.flush()
    marks = session_.info.pop(MARKS, None)
    if not marks:
        return
    tenants = Base.metadata.tables["tenants"]
    statement = update(tenants).values(
        content_version=tenants.c.content_version + 1,
        updated_at=tenants.c.updated_at,  # not a change of the space itself (platform_marker)
    )
    if ALL not in marks:
        statement = statement.where(tenants.c.id.in_(sorted(marks)))
    session_.execute(statement, execution_options={_BUMP: True, "all_tenants": True})


# --- set up --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def release(root: Path) -> str:
    """What tells one deployment's pages from another's: the code, templates and catalogs
    (names, sizes and times), so pages drawn by an older release are not served by a new
    one."""
    digest = hashlib.blake2b(digest_size=6)
    for folder in ("platform/solidarna", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".mo"):
                stat = path.stat()
                digest.update(
                    f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode()
                )
    return digest.hexdigest()


def configuration(config) -> str:
    """A digest of the settings a page may depend on (MAP_TILE_URL ...): a server started
    with other settings does not serve the pages drawn under the old ones. Secrets and
    addresses with credentials are left out."""
    digest = hashlib.blake2b(digest_size=6)
    for name in sorted(config):
        value = config[name]
        if any(word in name for word in ("SECRET", "PASSWORD", "DSN", "PAGE_CACHE_RELEASE")):
            continue
        if isinstance(value, str) and "@" in value and "://" in value:
            continue
        if value is None or isinstance(value, str | int | float | bool):
            digest.update(f"{name}={value!r};".encode())
    return digest.hexdigest()


def init_app(app: Flask, root: Path) -> None:
    """The release in every key: PAGE_CACHE_RELEASE when set (say, the deployed commit),
    else a digest of the code, templates, catalogs and settings at start-up. Hits are answered
    by `_answer_early`, registered after the request id and the NUL check (core/logging.py,
    core/security.py: their init_app runs first)."""
    if not app.config.get("PAGE_CACHE_RELEASE"):
        app.config["PAGE_CACHE_RELEASE"] = f"{release(root)}{configuration(app.config)}"
    app.url_value_preprocessor(_answer_early)
    # in front of the application, inside the static files (WhiteNoise answers those first)
    static = app.wsgi_app
    inner = getattr(static, "application", None)
    if inner is not None and hasattr(static, "files"):
        static.application = FrontDoor(app, inner)
    else:
        app.wsgi_app = FrontDoor(app, static)


def marker_of(tenant) -> int:
    """The space's change marker as the database has it now (tests, diagnostics)."""
    from solidarna.extensions import db

    tenants = Base.metadata.tables["tenants"]
    return db.session.execute(
        select(tenants.c.content_version).where(tenants.c.id == tenant.id)
    ).scalar_one()


__all__ = [
    "cache_pages",
    "cached_view",
    "enabled",
    "is_cacheable",
    "FrontMarker",
    "marker_of",
    "platform_marker",
    "prefetched",
    "space_rows",
    "space_state_counting",
    "space_state_statement",
    "space_table",
    "tenant_state_of",
    "skip",
    "tenant_marker",
]
