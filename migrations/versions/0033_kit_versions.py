"""versioned kits: the published versions (kit_versions) and the kit each space came from
(space_kits)

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-02 04:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "kit_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["published_by_id"], ["users.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug", "version", name="uq_kit_versions_slug_version"),
    )
    op.create_index("ix_kit_versions_slug", "kit_versions", ["slug"])
    op.create_table(
        "space_kits",
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("kit_slug", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base", sa.JSON(), nullable=False),
        sa.Column("declined", sa.JSON(), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("tenant_id"),
    )
    op.create_index("ix_space_kits_kit_slug", "space_kits", ["kit_slug"])


def downgrade():
    op.drop_index("ix_space_kits_kit_slug", table_name="space_kits")
    op.drop_table("space_kits")
    op.drop_index("ix_kit_versions_slug", table_name="kit_versions")
    op.drop_table("kit_versions")
