"""`flask backup` and `flask restore`: one archive with the database and what matters in
`instance/`, and a manifest to check a restore against.

The archive is a gzipped tar, `solidarna-backup-<UTC time>.tar.gz`, holding

    manifest.json        format, version, time, database kind, schema revision, rows per table
    database.sqlite3     SQLite: a copy made with the online backup API (safe while the app runs)
    database.pgdump      PostgreSQL: `pg_dump --format=custom`, from the same snapshot as the counts
    instance/secret_key  the development secret key, when there is one
    instance/uploads/    uploaded files, when there are any

Nothing else from `instance/` goes in: not the live SQLite file (the copy above is the
database), nor job queues, caches or import previews, which are rebuilt or expire.

`flask restore ARCHIVE` puts the database back into an empty database (it refuses one that has
tables unless `--force`), copies the instance files back, and compares the row count of every
table with the manifest.
"""

from __future__ import annotations

import json
import logging
import os
import shlex
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.engine import URL, Connection, Engine

log = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
#: what of instance/ goes into a backup (everything else there is rebuilt, expires, or is the
#: live database itself)
INSTANCE_ITEMS = ("secret_key", "uploads")


class BackupError(click.ClickException):
    """A backup or restore that cannot go on; the message says why and what to do."""


def table_counts(conn: Connection) -> dict[str, int]:
    """Rows in every table of the database (every tenant's, deliberately)."""
    conn = conn.execution_options(all_tenants=True)
    names = sorted(sa.inspect(conn).get_table_names())
    return {
        name: conn.scalar(sa.select(sa.func.count()).select_from(sa.table(name))) for name in names
    }


def _schema_revision(counts: dict[str, int], conn: Connection) -> str | None:
    if "alembic_version" not in counts:
        return None
    table = sa.table("alembic_version", sa.column("version_num"))
    return conn.execution_options(all_tenants=True).scalar(sa.select(table.c.version_num))


def app_version() -> str:
    try:
        return metadata.version("solidarna")
    except metadata.PackageNotFoundError:
        return "unknown"


def _kind(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(f"cannot back up or restore the SQLite database {database!r}")
    return Path(database)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found on PATH; install the PostgreSQL client tools "
            f"(same major version as the server or newer, e.g. apt install postgresql-client)"
        )
    return path


def _pg_arguments(url: URL) -> tuple[list[str], dict[str, str]]:
    """libpq arguments for the database at `url` (the password goes in the environment, not
    on the command line where `ps` shows it)."""
    args = []
    if url.host:
        args += ["--host", url.host]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    # A conninfo string as --dbname carries the URL's other libpq settings (sslmode, ...).
    conninfo = {"dbname": url.database or "", **{k: str(v) for k, v in url.query.items()}}
    args += ["--dbname", " ".join(f"{k}={_conninfo_value(v)}" for k, v in conninfo.items())]
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _conninfo_value(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        shown = " ".join(shlex.quote(part) for part in command)
        raise BackupError(
            f"{Path(command[0]).name} failed (exit {result.returncode}): {shown}\n"
            + result.stderr.strip()
        )


def _dump_database(engine: Engine, target: Path) -> tuple[dict[str, int], str | None]:
    """Copy the database to `target`; the row counts and schema revision of that very copy."""
    if _kind(engine) == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine))
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        copied = sa.create_engine(f"sqlite:///{target}", poolclass=sa.pool.NullPool)
        try:
            with copied.connect() as conn:
                counts = table_counts(conn)
                return counts, _schema_revision(counts, conn)
        finally:
            copied.dispose()
    pg_dump = _tool("pg_dump")
    args, env = _pg_arguments(engine.url)
    # Counts and dump see the same snapshot: writes made meanwhile are in neither.
    conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with conn, conn.begin():
        snapshot = conn.scalar(sa.select(sa.func.pg_export_snapshot()))
        counts = table_counts(conn)
        revision = _schema_revision(counts, conn)
        dump = [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(target)]
        _run([*dump, *args], env)
    return counts, revision


def backup(output: str | Path) -> Path:
    """Write a backup archive into the directory `output` (or to the file `output` if it
    ends in .tar.gz); its path."""
    from solidarna.extensions import db

    engine = db.engine
    kind = _kind(engine)
    created = datetime.now(UTC).replace(microsecond=0)
    output = Path(output)
    if output.name.endswith(".tar.gz"):
        archive = output
    else:
        archive = output / f"solidarna-backup-{created:%Y%m%dT%H%M%SZ}.tar.gz"
    archive.parent.mkdir(parents=True, exist_ok=True)
    instance = Path(current_app.instance_path)
    with tempfile.TemporaryDirectory(prefix="solidarna-backup-") as work:
        database_file = Path(work) / DATABASE_FILES[kind]
        counts, revision = _dump_database(engine, database_file)
        files = [
            f"instance/{path.relative_to(instance)}"
            for item in INSTANCE_ITEMS
            if (instance / item).exists()
            for path in sorted([instance / item, *(instance / item).rglob("*")])
            if path.is_file()
        ]
        manifest = {
            "format": FORMAT,
            "application": "solidarna",
            "version": app_version(),
            "created_at": created.isoformat().replace("+00:00", "Z"),
            "database": kind,
            "database_file": database_file.name,
            "schema_revision": revision,
            "tables": counts,
            "files": files,
        }
        (Path(work) / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = archive.with_name(archive.name + ".partial")
        # The archive holds the secret key and everyone's data: readable by its owner only.
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
            tar.add(database_file, arcname=database_file.name)
            for name in files:
                tar.add(instance / name.removeprefix("instance/"), arcname=name)
        partial.replace(archive)
    return archive


def _has_tables(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return sorted(sa.inspect(conn).get_table_names())


def restore(archive: str | Path, force: bool = False) -> dict:
    """Restore `archive` into the configured database; the manifest."""
    from solidarna.extensions import db

    engine = db.engine
    kind = _kind(engine)
    with tempfile.TemporaryDirectory(prefix="solidarna-restore-") as work:
        try:
            with tarfile.open(archive, "r:gz") as tar:
                tar.extractall(work, filter="data")
            manifest = json.loads((Path(work) / MANIFEST).read_text())
        except (OSError, tarfile.TarError, ValueError, KeyError) as error:
            raise BackupError(f"{archive} is not a readable backup archive: {error}") from None
        if manifest.get("format") != FORMAT or manifest.get("application") != "solidarna":
            raise BackupError(f"{archive} is not a Solidarna backup of format {FORMAT}")
        if manifest["database"] != kind:
            raise BackupError(
                f"the archive holds a {manifest['database']} database but the configured "
                f"database is {kind}; restore it into a {manifest['database']} database"
            )
        existing = _has_tables(engine)
        if existing and not force:
            raise BackupError(
                f"the target database is not empty ({len(existing)} tables, e.g. "
                f"{', '.join(existing[:3])}); restore into an empty database, or pass --force "
                f"to replace what is there"
            )
        database_file = Path(work) / manifest["database_file"]
        engine.dispose()  # no pooled connection of ours in the way
        if kind == "sqlite":
            target = _sqlite_path(engine)
            target.parent.mkdir(parents=True, exist_ok=True)
            source = sqlite3.connect(database_file)
            destination = sqlite3.connect(target)
            try:
                source.backup(destination)  # replaces the whole target, pages and all
            finally:
                destination.close()
                source.close()
        else:
            pg_restore = _tool("pg_restore")
            args, env = _pg_arguments(engine.url)
            # --clean --if-exists: no errors on an empty database (plain --clean fails on every
            # object it cannot drop); --no-owner: objects belong to the user restoring;
            # one transaction: a failure leaves the database as it was.
            _run(
                [
                    pg_restore, "--no-owner", "--no-privileges", "--clean", "--if-exists",
                    "--single-transaction", "--exit-on-error", *args, str(database_file),
                ],
                env,
            )  # fmt: skip
        instance = Path(current_app.instance_path)
        for name in manifest["files"]:
            source_file = Path(work) / name
            destination = instance / name.removeprefix("instance/")
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source_file, destination)
            if destination.name == "secret_key":
                destination.chmod(0o600)
    with engine.connect() as conn:
        counts = table_counts(conn)
    wrong = {
        name: (expected, counts.get(name))
        for name, expected in manifest["tables"].items()
        if counts.get(name) != expected
    }
    if wrong:
        details = ", ".join(f"{n}: {got} rows, expected {want}" for n, (want, got) in wrong.items())
        raise BackupError(f"restored, but the row counts differ from the manifest: {details}")
    _forget_cached_pages()
    return manifest


def _forget_cached_pages() -> None:
    """The restored spaces' change markers (core/pagecache.py) are the archive's: counting
    up from there again would meet pages kept before the restore under the same markers."""
    from solidarna.extensions import cache

    try:
        cache.clear()
    except Exception:  # a cache that does not answer keeps nothing worth clearing
        log.warning("Cache not reachable; not cleared after the restore", exc_info=True)


def init_app(app: Flask) -> None:
    @app.cli.command("backup")
    @click.option(
        "--output",
        "-o",
        default=".",
        show_default=True,
        type=click.Path(),
        help="Directory for the archive, or the archive's file name (ending in .tar.gz).",
    )
    def backup_command(output: str) -> None:
        """Back up the database and instance files into one archive."""
        archive = backup(output)
        manifest = json.loads(_read_manifest(archive))
        click.echo(
            f"Wrote {archive}: {manifest['database']} database, {len(manifest['tables'])} "
            f"tables, {sum(manifest['tables'].values())} rows, {len(manifest['files'])} files"
        )

    @app.cli.command("restore")
    @click.argument("archive", type=click.Path(exists=True, dir_okay=False))
    @click.option("--force", is_flag=True, help="Replace a database that already has tables.")
    def restore_command(archive: str, force: bool) -> None:
        """Restore a `flask backup` archive into an empty database and check the row counts."""
        manifest = restore(archive, force=force)
        click.echo(
            f"Restored {archive} (made {manifest['created_at']}, schema "
            f"{manifest['schema_revision']}): {len(manifest['tables'])} tables, "
            f"{sum(manifest['tables'].values())} rows, row counts match the manifest; "
            f"{len(manifest['files'])} instance files. Run `flask db upgrade` if this code is newer."
        )


def _read_manifest(archive: Path) -> str:
    with tarfile.open(archive, "r:gz") as tar:
        member = tar.extractfile(MANIFEST)
        assert member is not None
        return member.read().decode()
