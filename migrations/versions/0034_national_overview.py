"""spaces that contribute to the national overview: tenants.in_national_overview

Revision ID: 0034
Revises: 0036
Create Date: 2026-12-02 03:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0034"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenants") as batch:
        batch.add_column(
            sa.Column(
                "in_national_overview", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade():
    with op.batch_alter_table("tenants") as batch:
        batch.drop_column("in_national_overview")
