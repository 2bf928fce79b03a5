"""people who follow an object of a space, whatever its type: follows (core/following.py),
for campaigns (followers from the owner space or a partner space) and proposals, whose
followers move over from proposal_followers (copied, then that table dropped; the downgrade
copies them back)

Revision ID: 0026
Revises: 0029
Create Date: 2026-12-01 23:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026"
down_revision = "0029"
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
    op.execute(
        "INSERT INTO follows (subject_type, subject_id, user_id, origin_tenant_id, created_at, "
        "tenant_id) SELECT 'proposal', proposal_id, user_id, tenant_id, created_at, tenant_id "
        "FROM proposal_followers ORDER BY id"
    )
    with op.batch_alter_table("proposal_followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_followers_user_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_followers_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_proposal_followers_proposal_id"))
    op.drop_table("proposal_followers")


def _proposal_followers():
    """The table as 0021 made it."""
    op.create_table(
        "proposal_followers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_followers_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_proposal_followers_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_proposal_followers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_followers")),
        sa.UniqueConstraint(
            "tenant_id",
            "proposal_id",
            "user_id",
            name=op.f("uq_proposal_followers_tenant_id_proposal_id_user_id"),
        ),
    )
    with op.batch_alter_table("proposal_followers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_followers_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_followers_tenant_id"), ["tenant_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_proposal_followers_user_id"), ["user_id"], unique=False
        )


def downgrade():
    _proposal_followers()
    op.execute(
        "INSERT INTO proposal_followers (proposal_id, user_id, created_at, tenant_id) "
        "SELECT subject_id, user_id, created_at, tenant_id FROM follows "
        "WHERE subject_type = 'proposal' "
        "AND subject_id IN (SELECT id FROM proposals) ORDER BY id"
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_tenant_id"))
        batch_op.drop_index("ix_follows_user")
    op.drop_table("follows")
