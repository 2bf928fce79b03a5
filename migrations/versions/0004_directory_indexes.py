"""directory indexes: covering indexes for the directory list, its facets and the overview

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 22:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_organizations_tenant_updated", ["tenant_id", "updated_at"], unique=False
        )
        batch_op.create_index(
            "ix_organizations_tenant_moderation_facets",
            [
                "tenant_id",
                "moderation",
                "actor_type",
                "se_status",
                "legal_form",
                "municipality",
                "district_iso",
            ],
            unique=False,
        )

    with op.batch_alter_table("organization_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_organization_tags_tenant_facet_value")
        batch_op.create_index(
            "ix_organization_tags_tenant_facet_value_org",
            ["tenant_id", "facet", "value", "organization_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("organization_tags", schema=None) as batch_op:
        batch_op.drop_index("ix_organization_tags_tenant_facet_value_org")
        batch_op.create_index(
            "ix_organization_tags_tenant_facet_value", ["tenant_id", "facet", "value"], unique=False
        )

    with op.batch_alter_table("organizations", schema=None) as batch_op:
        batch_op.drop_index("ix_organizations_tenant_moderation_facets")
        batch_op.drop_index("ix_organizations_tenant_updated")
