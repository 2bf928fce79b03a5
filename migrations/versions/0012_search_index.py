"""text search on an index on both databases

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:10:00

The folded text (`search_text`) of organizations, resources and practices, indexed
(core/search_index.py):

- SQLite 3.34+: an FTS5 table `<table>_search` (trigram tokenizer) per table, rowid
  tenant_id * 2**32 + id, text with its spaces doubled and two in front, kept in step by
  triggers on the table, filled here from the rows already there. An older SQLite has no
  trigram tokenizer: nothing is created and the search keeps scanning with LIKE (logged).
- PostgreSQL: a GIN trigram index on (tenant_id, search_text) (extensions pg_trgm and
  btree_gin, shipped with PostgreSQL) replaces 0007's index on search_text alone, and the
  column keeps no planner statistics (target 0; the ALTER TYPE to the same type drops those
  gathered before), so the planner takes the index for common words too.

A statement here is a frozen copy of core/database.py's search_index_ddl, which
`flask search reindex` runs (and which also recreates triggers a table rebuild dropped).
"""
import logging
import sqlite3

from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")
TABLES = ("organizations", "resources", "practices")


def _sqlite_ddl(name, source, column="search_text"):
    rowid = "{row}.tenant_id * 4294967296 + {row}.id"
    text_ = "'  ' || replace(coalesce({row}.%s, ''), ' ', '  ')" % column
    insert = (
        f"INSERT INTO {name}(rowid, folded) VALUES "
        f"({rowid.format(row='new')}, {text_.format(row='new')});"
    )
    remove = f"DELETE FROM {name} WHERE rowid = {rowid.format(row='old')};"
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
        f"INSERT INTO {name}(rowid, folded) SELECT tenant_id * 4294967296 + id, "
        f"'  ' || replace(coalesce({column}, ''), ' ', '  ') FROM {source}",
    ]


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        if sqlite3.sqlite_version_info < (3, 34, 0):
            log.warning(
                "SQLite %s has no FTS5 trigram tokenizer: no search index "
                "(searches scan with LIKE)", sqlite3.sqlite_version,
            )
            return
        for table in TABLES:
            for statement in _sqlite_ddl(f"{table}_search", table):
                op.execute(statement)
    elif dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gin")
        op.drop_index("ix_organizations_search_trgm", table_name="organizations")
        for table in TABLES:
            op.create_index(
                f"ix_{table}_tenant_search_trgm",
                table,
                ["tenant_id", "search_text"],
                postgresql_using="gin",
                postgresql_ops={"search_text": "gin_trgm_ops"},
            )
            op.execute(f"ALTER TABLE {table} ALTER COLUMN search_text SET STATISTICS 0")
            op.execute(f"ALTER TABLE {table} ALTER COLUMN search_text TYPE text")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in TABLES:
            name = f"{table}_search"
            for suffix in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {name}_{suffix}")
            op.execute(f"DROP TABLE IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in TABLES:
            op.execute(f"ALTER TABLE {table} ALTER COLUMN search_text SET STATISTICS -1")
            op.drop_index(f"ix_{table}_tenant_search_trgm", table_name=table)
        op.create_index(
            "ix_organizations_search_trgm",
            "organizations",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
