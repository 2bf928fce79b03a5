"""organization search on a trigram index (PostgreSQL)

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 23:40:00

On PostgreSQL the directory's text search, LIKE '%term%' on the folded search text, uses a GIN
trigram index (extension pg_trgm, shipped with PostgreSQL). SQLite has no such index; there the
search scans the rows of one space, found through the tenant index.
"""
from alembic import op


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index(
        "ix_organizations_search_trgm",
        "organizations",
        ["search_text"],
        postgresql_using="gin",
        postgresql_ops={"search_text": "gin_trgm_ops"},
    )


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_organizations_search_trgm", table_name="organizations")
