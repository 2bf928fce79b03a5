"""`flask backup` / `flask restore`: backup -> a new, empty database -> restore -> the same rows
in every table, on the database the suite runs on (SQLite, or PostgreSQL with
TEST_DATABASE_URL: then pg_dump / pg_restore for real)."""

from __future__ import annotations

import json
import tarfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from solidarna import create_app
from solidarna.core.backup import table_counts


@contextmanager
def empty_database(database_url: str, tmp_path: Path, suffix: str):
    """A new database next to the suite's: an SQLite file, or a PostgreSQL database named
    after the suite's (solidarna_test_<name>..._<suffix>), dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}"
        return
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def counts_of(url: str) -> dict[str, int]:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return table_counts(conn)
    finally:
        engine.dispose()


@pytest.fixture
def filled(app, db, runner, make_user):
    """The demo data (every capability's tables), a user, and instance files."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    make_user(email="extra@example.org")
    instance = Path(app.instance_path)
    (instance / "secret_key").write_text("the-development-key")
    (instance / "uploads" / "7").mkdir(parents=True)
    (instance / "uploads" / "7" / "logo.png").write_bytes(b"\x89PNG not really")
    (instance / "imports").mkdir()
    (instance / "imports" / "preview.json").write_text("{}")  # expires: not backed up
    return app


def test_backup_then_restore_into_an_empty_database_gives_the_same_rows(
    filled, database_url, runner, tmp_path
):
    before = counts_of(database_url)
    assert sum(1 for n in before.values() if n) >= 10, before  # real data in many tables
    result = runner.invoke(args=["backup", "--output", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    (archive,) = (tmp_path / "backups").glob("solidarna-backup-*.tar.gz")
    assert archive.stat().st_mode & 0o077 == 0  # it holds the secret key
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    kind = make_url(database_url).get_backend_name()
    assert manifest["database"] == kind
    assert manifest["tables"] == before
    assert manifest["schema_revision"]
    assert {"instance/secret_key", "instance/uploads/7/logo.png"} <= names
    assert not any("imports" in n or n.endswith((".sqlite3-wal", "test.sqlite3")) for n in names)
    assert ("database.sqlite3" if kind == "sqlite" else "database.pgdump") in names

    with empty_database(database_url, tmp_path, "restore") as target:
        other = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": target})
        other.instance_path = str(tmp_path / "other-instance")
        # (a CLI runner runs in the app context already pushed, if any: push the other app's)
        with other.app_context():
            try:
                restored_into(other, archive, target, before, tmp_path)
            finally:
                from solidarna.extensions import db

                db.engine.dispose()


def restored_into(other, archive, target, before, tmp_path):
    restored = other.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, (restored.output, restored.exception)
    assert "row counts match the manifest" in restored.output
    assert counts_of(target) == before
    assert (tmp_path / "other-instance" / "secret_key").read_text() == "the-development-key"
    logo = tmp_path / "other-instance" / "uploads" / "7" / "logo.png"
    assert logo.read_bytes() == b"\x89PNG not really"

    # The restored database has tables now: a second restore refuses, unless --force.
    again = other.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code == 1
    assert "the target database is not empty" in again.output
    forced = other.test_cli_runner().invoke(args=["restore", "--force", str(archive)])
    assert forced.exit_code == 0, forced.output
    assert counts_of(target) == before


def test_restore_refuses_a_database_that_has_tables(make_user, runner, tmp_path):
    make_user()
    runner.invoke(args=["backup", "--output", str(tmp_path / "b.tar.gz")])
    result = runner.invoke(args=["restore", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 1
    assert "not empty" in result.output and "--force" in result.output


def test_restore_refuses_what_is_not_a_backup(app, runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not a tarball")
    result = runner.invoke(args=["restore", str(bogus)])
    assert result.exit_code == 1
    assert "not a readable backup archive" in result.output


@pytest.mark.postgres_only
def test_backup_says_clearly_when_pg_dump_is_missing(app, database_url, runner, monkeypatch):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL only (TEST_DATABASE_URL is not set)")
    monkeypatch.setenv("PATH", "/nonexistent")
    result = runner.invoke(args=["backup"])
    assert result.exit_code == 1
    assert "pg_dump was not found on PATH" in result.output
