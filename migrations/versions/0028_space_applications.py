"""applications for a space (platform-level, like users): space_applications; the guided
start's dismissed items: tenants.start_dismissed

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-01 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "space_applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("institution_name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("pib", sa.String(length=9), nullable=False),
        sa.Column("mb", sa.String(length=8), nullable=True),
        sa.Column("municipalities", sa.JSON(), nullable=False),
        sa.Column("kit", sa.String(length=60), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("default_locale", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("admin_message", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "default_locale IN ('en', 'sr_Cyrl', 'sr_Latn')",
            name=op.f("ck_space_applications_default_locale"),
        ),
        sa.CheckConstraint(
            "kind IN ('city', 'coalition', 'development_agency', 'district_office', "
            "'municipality', 'other')",
            name=op.f("ck_space_applications_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('approved', 'declined', 'more_info', 'submitted')",
            name=op.f("ck_space_applications_status"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_id"],
            ["users.id"],
            name=op.f("fk_space_applications_applicant_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_space_applications_decided_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_space_applications_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_applications")),
    )
    with op.batch_alter_table("space_applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_space_applications_applicant_id"), ["applicant_id"], unique=False
        )
        batch_op.create_index(
            "ix_space_applications_status_created", ["status", "created_at"], unique=False
        )
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("start_dismissed", sa.JSON(), server_default="[]", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("start_dismissed")
    with op.batch_alter_table("space_applications", schema=None) as batch_op:
        batch_op.drop_index("ix_space_applications_status_created")
        batch_op.drop_index(batch_op.f("ix_space_applications_applicant_id"))
    op.drop_table("space_applications")
