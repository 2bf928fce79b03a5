"""people who follow an object of a space, whatever its type: follows (core/following.py);
a campaign's followers first, from the owner space or a partner space

Revision ID: 0026
Revises: 0024
Create Date: 2026-12-01 23:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "follows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_type", sa.String(length=40), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("origin_tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["origin_tenant_id"],
            ["tenants.id"],
            name=op.f("fk_follows_origin_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_follows_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_follows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_follows")),
        sa.UniqueConstraint(
            "tenant_id",
            "subject_type",
            "subject_id",
            "user_id",
            name=op.f("uq_follows_tenant_id_subject_type_subject_id_user_id"),
        ),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index("ix_follows_user", ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_follows_tenant_id"), ["tenant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_tenant_id"))
        batch_op.drop_index("ix_follows_user")
    op.drop_table("follows")
