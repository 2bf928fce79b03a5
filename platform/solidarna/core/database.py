"""Database set-up: URL resolution, SQLite pragmas, the ids routes accept, the pool's ping of
idle connections, reads without a transaction on PostgreSQL, telling a database that cannot
serve now (down, busy, read-only) from a bug, and the health probe."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from flask import Flask
from sqlalchemy import event, exc, text
from sqlalchemy.engine import Engine


def normalise_url(url: str) -> str:
    """Accept the postgres:// URLs hosting providers hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def init_app(app: Flask) -> None:
    from solidarna.core import urls
    from solidarna.extensions import db

    urls.init_app(app)  # before any blueprint: <int:...> ids are ones the database can hold
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'solidarna.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(url)
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            # sqlite3's timeout is SQLite's busy timeout: how long a write waits for a lock
            "connect_args": {"timeout": float(app.config.get("SQLITE_BUSY_TIMEOUT", 3))},
        }
    elif url.startswith("postgres"):
        # A statement waiting for another transaction's lock gives up (SQLSTATE 55P03: the
        # "busy" page) instead of holding the person until the server's worker timeout.
        lock_ms = int(float(app.config.get("DATABASE_LOCK_TIMEOUT", 5)) * 1000)
        options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
        connect_args = dict(options.get("connect_args", {}))
        connect_args["options"] = f"{connect_args.get('options', '')} -c lock_timeout={lock_ms}"
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}
    app.url_value_preprocessor(_reads_without_transaction)
    # the pool pings a connection only when it has been idle (below), not on every checkout
    options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    ping = options.get("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "pool_pre_ping": False}
    db.init_app(app)
    with app.app_context():
        if ping:
            ping_when_idle(db.engine, float(app.config.get("DATABASE_PING_AFTER", 1)))
        if app.testing:
            guard_page_writes(db.engine)


#: where the pool notes when a connection was last given back (or opened)
_USED = "solidarna_used"


def ping_when_idle(engine: Engine, after: float) -> None:
    """SQLAlchemy's `pool_pre_ping` asks the database on every checkout whether the connection
    still works: a round trip per request on PostgreSQL. Here the pool asks only when the
    connection has been idle for `after` seconds (DATABASE_PING_AFTER) — a server restarted
    or a connection cut by a firewall while idle is found before a request uses it; a
    connection given back a moment ago is not asked again. A failed ping makes the pool
    open a fresh connection (`DisconnectionError`, up to three tries); a server that went
    down within `after` seconds of a connection's last use fails that one statement, and the
    pool drops every older connection with it (the "unreachable" page, core/errors.py)."""
    import time

    dialect = engine.dialect

    def note(dbapi_connection, record) -> None:
        record.info[_USED] = time.monotonic()

    def check(dbapi_connection, record, proxy) -> None:
        used = record.info.get(_USED)
        if used is not None and time.monotonic() - used < after:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except Exception as error:  # whatever the driver raises: a connection not to use
            raise exc.DisconnectionError("the connection did not answer a ping") from error

    event.listen(engine, "connect", note)
    event.listen(engine, "checkin", note)
    event.listen(engine, "checkout", check)


def _reads_without_transaction(endpoint, values) -> None:
    """A cacheable page (core/pagecache.py `cache_pages`: the capability contract's read
    pages) read on PostgreSQL runs its statements in autocommit mode: no BEGIN before the
    first and no ROLLBACK after the last, two round trips fewer per request. Its reads see
    what they would in a transaction — PostgreSQL's READ COMMITTED gives every statement its
    own snapshot either way. Such a page writes at most one statement (a thread marking its
    notices read), which commits by itself; tests fail a page that writes more
    (`guard_page_writes`, on both databases). Runs first among the URL processors, before
    the space is read (tenants/routing.py)."""
    from flask import current_app, g, request

    from solidarna.core.pagecache import is_cacheable
    from solidarna.extensions import db

    if request.method not in ("GET", "HEAD") or not is_cacheable(current_app, endpoint):
        return
    g.page_read = True
    session = db.session()
    if session.get_bind().dialect.name != "postgresql" or session.in_transaction():
        return
    session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


_WRITES = ("INSERT", "UPDATE", "DELETE", "MERGE")


class PageWrites(AssertionError):
    """A cacheable page (read without a transaction on PostgreSQL) wrote more than one
    statement: those would not be one atomic change."""


def guard_page_writes(engine: Engine) -> None:
    """Under TESTING: a cacheable page's request that issues a second data-changing statement
    fails (`PageWrites`), on either database, so that no such page relies on a transaction
    it does not have on PostgreSQL (`_reads_without_transaction`)."""
    from flask import g, has_request_context

    def before(conn, cursor, statement, parameters, context, executemany) -> None:
        if not has_request_context() or not g.get("page_read"):
            return
        if not statement.lstrip()[:6].upper().startswith(_WRITES):
            return
        g.page_writes = g.get("page_writes", 0) + 1
        if g.page_writes > 1:
            raise PageWrites(f"a cacheable page wrote a second statement: {statement[:120]}")

    event.listen(engine, "before_cursor_execute", before)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers and enforced foreign keys (the busy timeout is the driver's
    `timeout`, from SQLITE_BUSY_TIMEOUT)."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


# --- a database that cannot serve now -----------------------------------------------------------

BUSY, READ_ONLY, UNREACHABLE = "busy", "read-only", "unreachable"
_SQLITE_MESSAGES = {
    "database is locked": BUSY,
    "database table is locked": BUSY,
    "readonly database": READ_ONLY,
    "unable to open database": UNREACHABLE,
    "disk i/o error": UNREACHABLE,
    "database or disk is full": UNREACHABLE,
}
# PostgreSQL SQLSTATEs: a read-only transaction (a standby, default_transaction_read_only),
# serialization failures and deadlocks (class 40), a lock not granted, a statement timeout.
_POSTGRES_STATES = {"25006": READ_ONLY, "55P03": BUSY, "57014": BUSY}


def unavailability(error: BaseException) -> str | None:
    """Why the database cannot serve right now ("busy", "read-only", "unreachable"), or None
    when `error` is something else (a bug, which stays a 500)."""
    if isinstance(error, exc.TimeoutError):  # every pooled connection in use
        return BUSY
    if not isinstance(error, exc.DBAPIError):
        return None
    original = error.orig
    if isinstance(original, sqlite3.Error):
        message = str(original).lower()
        # "no such table" and the like are bugs, not an unavailable database
        return next((why for text_, why in _SQLITE_MESSAGES.items() if text_ in message), None)
    state = getattr(original, "sqlstate", None) or ""
    if state in _POSTGRES_STATES:
        return _POSTGRES_STATES[state]
    if state.startswith("40"):
        return BUSY
    if error.connection_invalidated or isinstance(error, exc.OperationalError):
        return UNREACHABLE  # refused, reset, the server shutting down, too many clients
    return None


#: A write that changes nothing but needs the right to write (SQLite takes the write lock,
#: PostgreSQL refuses it in a read-only transaction); always rolled back.
WRITE_PROBE = text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0")


def database_problem() -> str | None:
    """The health probe: None when the database answers a read and would accept a write, else
    the reason ("unreachable", "read-only", "busy", "error"). It uses a connection of its own
    and discards it after a failure, so it recovers by itself when the database is back."""
    from solidarna.extensions import db

    for attempt in (1, 2):
        try:
            with db.engine.connect() as conn:
                try:
                    conn.execute(text("SELECT 1"))
                    conn.rollback()
                    conn.execute(WRITE_PROBE)
                    conn.rollback()
                except exc.DBAPIError:
                    conn.invalidate()  # a read-only session setting is kept per connection
                    raise
        except exc.DBAPIError as error:
            # a kept connection the server had closed (a restart, a failover, within
            # DATABASE_PING_AFTER of its last use: `ping_when_idle`) says nothing of the
            # database now: the pool has dropped it, a fresh one answers
            if attempt == 1 and error.connection_invalidated:
                continue
            return unavailability(error) or "error"
        except Exception as error:  # any failure means "not healthy"; the kind is the reason
            return unavailability(error) or "error"
        return None
    return None


def database_answers() -> bool:
    return database_problem() is None


def for_dialect(dialect_name: str):
    """Alembic's include_object: leave out schema objects that exist only on another database
    (an index declared with `.ddl_if(dialect="postgresql")` is not expected on SQLite) and the
    search index's FTS5 tables (SQLite), which no model declares."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        if type_ == "table" and reflected and compare_to is None and is_search_index_table(name):
            return False
        condition = getattr(obj, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect_name)

    return include_object


# --- the search index's tables (SQLite FTS5; core/search_index.py) ------------------------------

#: what FTS5 keeps beside a virtual table <name>: its shadow tables <name>_<suffix>
FTS_SHADOW_SUFFIXES = ("data", "idx", "content", "docsize", "config")


def search_index_ddl(name: str, source: str, column: str) -> list[str]:
    """The FTS5 table `name` over `source`.`column` and the triggers that keep it in step:
    rowid = tenant_id * 2**32 + id, the text with its spaces doubled and two in front (see
    core/search_index.py). Migration 0012 holds a frozen copy of the same statements."""
    rowid = "{row}.tenant_id * 4294967296 + {row}.id"
    text_ = "'  ' || replace(coalesce({row}." + column + ", ''), ' ', '  ')"
    insert = (
        f"INSERT INTO {name}(rowid, folded) VALUES "
        f"({rowid.format(row='new')}, {text_.format(row='new')});"
    )
    remove = f"DELETE FROM {name} WHERE rowid = {rowid.format(row='old')};"
    # ids and tenant ids past the range would share rowids: refuse them (never met in practice)
    guard = (
        "SELECT RAISE(ABORT, 'id outside the search index range') "
        "WHERE new.id NOT BETWEEN 0 AND 4294967295 OR new.tenant_id NOT BETWEEN 0 AND 2147483647;"
    )
    return [
        f"DROP TRIGGER IF EXISTS {name}_insert",
        f"DROP TRIGGER IF EXISTS {name}_update",
        f"DROP TRIGGER IF EXISTS {name}_delete",
        f"DROP TABLE IF EXISTS {name}",
        f"CREATE VIRTUAL TABLE {name} USING fts5(folded, tokenize='trigram', detail='full')",
        f"CREATE TRIGGER {name}_insert AFTER INSERT ON {source} BEGIN {guard} {insert} END",
        f"CREATE TRIGGER {name}_update AFTER UPDATE OF id, tenant_id, {column} ON {source} "
        f"BEGIN {guard} {remove} {insert} END",
        f"CREATE TRIGGER {name}_delete AFTER DELETE ON {source} BEGIN {remove} END",
    ]


def create_search_index(connection, name: str, source: str, column: str) -> None:
    """(Re)create the FTS5 table `name` and its triggers, empty (SQLite). Run opted out of
    tenancy: the DDL names the tenant table it watches."""
    for statement in search_index_ddl(name, source, column):
        connection.execute(text(statement))


def is_search_index_table(name: str) -> bool:
    """An FTS5 table of core/search_index.py or one of its shadow tables: made by the
    migrations' raw DDL, not by a model, so Alembic's comparison leaves them out."""
    from solidarna.core.search_index import INDEXES

    names = {index.name for index in INDEXES.values()}
    return name in names or any(
        name == f"{fts}_{suffix}" for fts in names for suffix in FTS_SHADOW_SUFFIXES
    )


class KeptConnection:
    """One DBAPI connection per thread (and process), kept open in autocommit mode, for the few
    plain reads made before Flask's request begins (the page cache's front door reads a
    space's change marker: core/pagecache.py). It skips the pool's checkout and its idle ping
    on every request, and SQLAlchemy's execution: the statement is compiled once per statement
    to the driver's SQL and its columns' result processors, and run on the driver's cursor
    (psycopg prepares it on the server after a few runs). In-process, a marker read took
    ~75 µs of the client's CPU through `Connection.execute` and ~25 µs this way (PostgreSQL
    15, psycopg 3.3; docs/benchmarks.md). A statement that fails drops the connection, and
    the next one opens a new one. Under TESTING (many applications, each with its own
    database) nothing is kept: each read checks a connection out of the pool and back."""

    def __init__(self, app: Flask, keep: bool | None = None) -> None:
        import threading

        self.app = app
        self.keep = (not app.testing) if keep is None else keep
        self._local = threading.local()
        self._engine = None
        self._compiled: dict = {}
        #: statements run (they bypass the engine's events, so the tests count them here)
        self.statements_run = 0
        self._left: list = []  # connections of a parent process: never closed from a child

    @property
    def engine(self):
        if self._engine is None:
            from solidarna.extensions import db

            with self.app.app_context():
                self._engine = db.engine
        return self._engine

    def _compile(self, statement):
        """(SQL, parameter order or None, bind processors, the statement's own values, result
        processors, row class) for
        `statement`, kept by its identity: statements are built once (a statement built per
        call would be compiled, and kept, per call)."""
        from collections import namedtuple

        kept = self._compiled.get(id(statement))
        if kept is not None and kept[0] is statement:
            return kept[1]
        dialect = self.engine.dialect
        compiled = statement.compile(dialect=dialect)
        order = tuple(compiled.positiontup) if compiled.positional else None
        # as SQLAlchemy's execution does: each parameter through its type's bind processor
        # (SQLite's timestamps are compared as the text SQLAlchemy stores them as)
        binders = {
            name: processor
            for bind, name in compiled.bind_names.items()
            if (processor := bind.type._cached_bind_processor(dialect)) is not None
        }
        # as SQLAlchemy's own result does: the dialect's processor of each column's type (a
        # TypeDecorator's with its impl's: SQLite's text timestamps become datetimes)
        processors = tuple(
            column.type._cached_result_processor(dialect, None)
            for column in statement.selected_columns
        )
        # an unnamed column (an aggregate) is reached by position; rename=True names it _N
        row = namedtuple(
            "KeptRow", [str(column.key) for column in statement.selected_columns], rename=True
        )
        # the statement's own values (literals, bound parameters given a value when built);
        # the caller's parameters are laid over them
        plan = (str(compiled), order, binders, compiled.params, processors, row)
        self._compiled[id(statement)] = (statement, plan)
        return plan

    def _run(self, dbapi_connection, statement, params: dict, every: bool = False):
        sql, order, binders, values, processors, row_class = self._compile(statement)
        params = {**values, **params} if values else params
        if binders:
            params = {k: (binders[k](v) if k in binders else v) for k, v in params.items()}
        self.statements_run += 1
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(sql, tuple(params[name] for name in order) if order else params)
            rows = cursor.fetchall() if every else [cursor.fetchone()]
        finally:
            cursor.close()
        found = [
            row_class(*(p(v) if p else v for p, v in zip(processors, row, strict=True)))
            for row in rows
            if row is not None
        ]
        return found if every else (found[0] if found else None)

    def first(self, statement, params: dict):
        """The statement's first row (or None), its columns by name as the statement's."""
        return self._on_connection(statement, params, False)

    def all(self, statement, params: dict) -> list:
        """The statement's rows, as `first` gives one."""
        return self._on_connection(statement, params, True)

    def _on_connection(self, statement, params: dict, every: bool):
        import os

        if not self.keep:
            raw = self.engine.raw_connection()
            try:
                return self._run(raw.dbapi_connection, statement, params, every)
            finally:
                raw.close()  # back to the pool, which rolls it back (reset on return)
        local = self._local
        connection = getattr(local, "connection", None)
        if connection is not None and local.pid != os.getpid():
            self._left.append(connection)  # the parent's: closing it would end the parent's
            connection = None
        if connection is None:
            connection = self.engine.raw_connection()
            # out of the pool for good: it is this thread's, in autocommit mode, and must never
            # be handed to a session that expects a transaction
            connection.detach()
            if self.engine.dialect.name == "postgresql":
                connection.dbapi_connection.autocommit = True
            local.connection, local.pid = connection, os.getpid()
        try:
            return self._run(connection.dbapi_connection, statement, params, every)
        except Exception:
            local.connection = None
            with contextlib.suppress(Exception):
                connection.invalidate()
            raise

    def close(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()
