"""Database set-up: URL resolution, SQLite pragmas, and the health probe."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event, text
from sqlalchemy.engine import Engine


def normalise_url(url: str) -> str:
    """Accept the postgres:// URLs hosting providers hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def init_app(app: Flask) -> None:
    from solidarna.extensions import db

    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'solidarna.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_url(url)
    if url.startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {}),
            "connect_args": {"timeout": 15},
        }
    db.init_app(app)


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL for concurrent readers, enforced foreign keys, and a busy timeout."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


def database_answers() -> bool:
    from solidarna.extensions import db

    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not healthy"
        db.session.rollback()
        return False


def for_dialect(dialect_name: str):
    """Alembic's include_object: leave out schema objects that exist only on another database
    (an index declared with `.ddl_if(dialect="postgresql")` is not expected on SQLite)."""

    def include_object(obj, name, type_, reflected, compare_to) -> bool:
        condition = getattr(obj, "_ddl_if", None)
        return condition is None or condition.dialect in (None, dialect_name)

    return include_object
