"""comments on an advocacy platform by members of the owner and of partner spaces:
campaign_comments (the owner space's rows, each recording the space it came from)

Revision ID: 0024
Revises: 0021
Create Date: 2026-12-01 20:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0024"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("origin_tenant_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_campaign_comments_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_comments_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["users.id"],
            name=op.f("fk_campaign_comments_hidden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["origin_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_campaign_comments_origin_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_campaign_comments_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_comments")),
    )
    with op.batch_alter_table("campaign_comments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_campaign_comments_campaign",
            ["tenant_id", "campaign_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_comments_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("campaign_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_comments_tenant_id"))
        batch_op.drop_index("ix_campaign_comments_campaign")
    op.drop_table("campaign_comments")
