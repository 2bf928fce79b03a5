"""proposed changes of an existing directory entry (e.g. a survey respondent's), waiting in
the office's queue: organization_suggestions

Revision ID: 0030
Revises: 0026
Create Date: 2026-12-02 00:15:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0030"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organization_suggestions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("source_detail", sa.String(length=300), nullable=False),
        sa.Column("suggested_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("source IN ('survey')", name=op.f("ck_organization_suggestions_source")),
        sa.CheckConstraint(
            "status IN ('accepted', 'pending', 'rejected')",
            name=op.f("ck_organization_suggestions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_organization_suggestions_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_organization_suggestions_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["suggested_by_id"],
            ["users.id"],
            name=op.f("fk_organization_suggestions_suggested_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_organization_suggestions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_suggestions")),
    )
    with op.batch_alter_table("organization_suggestions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_organization_suggestions_organization_id"),
            ["organization_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_organization_suggestions_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            "ix_organization_suggestions_tenant_status",
            ["tenant_id", "status", "created_at"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("organization_suggestions", schema=None) as batch_op:
        batch_op.drop_index("ix_organization_suggestions_tenant_status")
        batch_op.drop_index(batch_op.f("ix_organization_suggestions_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_organization_suggestions_organization_id"))
    op.drop_table("organization_suggestions")
