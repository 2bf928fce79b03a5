"""Text search on an index, on both databases, for every capability with a searchable list.

A capability registers its table once (`register(Model.__table__)`): the table has `id`,
`tenant_id` and a folded text column (`search_text`, written by the model from its fields
with core/script.fold). `matching(Model.__table__, q)` gives the WHERE conditions for the
search words; every word must match:

- a word of 3 characters or more matches anywhere in the text (a substring, as `LIKE
  '%word%'` did before the index);
- a word of 1 or 2 characters matches the beginning of a word of the text (at its start or
  after a space): a substring of one or two letters is in nearly every entry, and no index
  serves it.

**SQLite** (3.34+, for the trigram tokenizer): an FTS5 table `<table>_search` with
`tokenize='trigram'` holds the text of every row, kept in step by SQL triggers on the source
table (migration 0012; `flask search reindex` rebuilds tables, triggers and rows). Its rowid
is `tenant_id * 2**32 + id`, so one space's rows are one rowid range: a search reads only the
index entries of the current space (`rowid BETWEEN`, which FTS5 uses together with MATCH),
and another space's text can never match. The indexed text is the folded text with its
spaces doubled and two in front, so that "the beginning of a word" is the 3-character
substring `"  " + word` and even a one-letter word is served by the trigrams. Without the
trigram tokenizer (an older SQLite) the search falls back to LIKE on the source table,
logged once.

**PostgreSQL**: LIKE on the folded text, served by a GIN trigram index on (tenant_id,
search_text) (btree_gin and pg_trgm, migration 0012). The column keeps no planner
statistics, so the planner takes the index for common words too instead of reading the
whole space through the tenant index.

The FTS table is not a tenant table (no model maps it): its rows are reached only through
`matching()`, which always bounds the rowids to the current tenant, inside a condition on
the (tenant-filtered) source table. It is built with SQLAlchemy Core (`table()`, `match()`);
the DDL lives in the migration and in core/database.py (`create_search_index`).
"""

from __future__ import annotations

import logging
import re
import sqlite3
from dataclasses import dataclass

import click
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import Integer, Table, delete, insert, or_, select

from solidarna.core.script import fold
from solidarna.core.tenancy import cross_tenant, current_tenant_id
from solidarna.extensions import db

log = logging.getLogger(__name__)

MAX_TERMS = 8
#: a word shorter than this matches the beginning of a word of the text
SUBSTRING_MIN = 3
#: rowid of an FTS row: tenant_id * ROWID_SPAN + id
ROWID_SPAN = 1 << 32
TRIGRAM_SQLITE = (3, 34, 0)


@dataclass(frozen=True)
class SearchIndex:
    """A searchable table: its name and the folded text column."""

    table: str
    column: str = "search_text"

    @property
    def name(self) -> str:
        """The FTS5 table (SQLite)."""
        return f"{self.table}_search"

    def fts(self):
        """The FTS5 table as SQLAlchemy Core sees it (not a tenant table: no model)."""
        return sa.table(self.name, sa.column("rowid", Integer), sa.column("folded"))


#: table name -> index, filled by the capabilities' models
INDEXES: dict[str, SearchIndex] = {}


def register(table: Table, column: str = "search_text") -> SearchIndex:
    index = SearchIndex(table.name, column)
    INDEXES[table.name] = index
    return index


def terms(q: str) -> list[str]:
    """The search words, folded (script, case and diacritics), at most MAX_TERMS. (A NUL is
    refused with the request, core/security.py; here it is dropped all the same.)"""
    return [t for t in re.split(r"\s+", fold(q.replace("\x00", ""))) if t][:MAX_TERMS]


def escape_like(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


_warned = False


def uses_fts(dialect_name: str) -> bool:
    """Whether searches go through the FTS5 tables: SQLite with the trigram tokenizer."""
    global _warned
    if dialect_name != "sqlite":
        return False
    if sqlite3.sqlite_version_info >= TRIGRAM_SQLITE:
        return True
    if not _warned:
        _warned = True
        log.warning(
            "SQLite %s has no FTS5 trigram tokenizer (3.34+): text search scans with LIKE",
            sqlite3.sqlite_version,
        )
    return False


def fts_query(words: list[str]) -> str:
    """An FTS5 query: each word a quoted phrase (quotes doubled), all required. A short word
    is looked for after the two spaces that begin every word of the indexed text."""
    phrases = [word if len(word) >= SUBSTRING_MIN else "  " + word for word in words]
    return " AND ".join('"' + phrase.replace('"', '""') + '"' for phrase in phrases)


def indexed_text(folded: str | None) -> str:
    """What the FTS table holds for a folded text (the triggers compute the same in SQL)."""
    return "  " + (folded or "").replace(" ", "  ")


def matching(table: Table, q: str) -> list:
    """WHERE conditions on `table` (a registered one) for the search words; [] without words."""
    words = terms(q)
    if not words:
        return []
    index = INDEXES[table.name]
    if uses_fts(db.engine.dialect.name):
        fts = index.fts()
        hits = select(fts.c.rowid % ROWID_SPAN).where(fts.c.folded.match(fts_query(words)))
        tenant_id = current_tenant_id()
        if tenant_id is not None:
            start = tenant_id * ROWID_SPAN
            hits = hits.where(fts.c.rowid.between(start, start + ROWID_SPAN - 1))
        return [table.c.id.in_(hits)]
    column = table.c[index.column]
    conditions = []
    for word in words:
        pattern = escape_like(word)
        if len(word) >= SUBSTRING_MIN:
            conditions.append(column.like(f"%{pattern}%", escape="\\"))
        else:
            conditions.append(
                or_(
                    column.like(f"{pattern}%", escape="\\"),
                    column.like(f"% {pattern}%", escape="\\"),
                )
            )
    return conditions


# --- rebuilding -----------------------------------------------------------------------------------


def reindex(names: list[str] | None = None) -> dict[str, int]:
    """Rebuild the FTS tables (SQLite): the virtual table and its triggers are created again
    (what a table rebuild by a later migration drops), then filled from the source tables.
    {table: rows indexed}. On PostgreSQL the index is the database's own: nothing to do."""
    from solidarna.core.database import create_search_index

    if not uses_fts(db.engine.dialect.name):
        return {}
    done = {}
    for name in names or sorted(INDEXES):
        index = INDEXES[name]
        source = db.metadata.tables[name]
        fts = index.fts()
        with cross_tenant():  # every space's rows, deliberately
            create_search_index(db.session.connection(), index.name, name, index.column)
            db.session.execute(delete(fts))
            folded = sa.func.coalesce(source.c[index.column], "", type_=sa.String)
            rows = select(
                source.c.tenant_id * ROWID_SPAN + source.c.id,
                sa.literal("  ", sa.String).concat(sa.func.replace(folded, " ", "  ")),
            )
            db.session.execute(insert(fts).from_select(["rowid", "folded"], rows))
            done[name] = db.session.scalar(select(sa.func.count()).select_from(fts))
    db.session.commit()
    return done


def init_app(app: Flask) -> None:
    @app.cli.group("search")
    def search_cli() -> None:
        """The text search index."""

    @search_cli.command("reindex")
    @click.argument("tables", nargs=-1)
    def reindex_command(tables: tuple[str, ...]) -> None:
        """Rebuild the search index of TABLES (default: every searchable table)."""
        unknown = sorted(set(tables) - set(INDEXES))
        if unknown:
            raise click.BadParameter(
                f"not searchable: {', '.join(unknown)} (known: {', '.join(sorted(INDEXES))})"
            )
        done = reindex(list(tables) or None)
        if not done:
            click.echo("nothing to rebuild: this database's search index keeps itself")
        for name, count in done.items():
            click.echo(f"{name}: {count} row(s) indexed")
