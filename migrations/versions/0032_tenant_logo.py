"""a space's logo: tenants.logo_id (a stored file of use "logo"; no foreign key, see the model)

Revision ID: 0032
Revises: 0030
Create Date: 2026-12-02 03:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0032"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_id", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("tenants", schema=None) as batch_op:
        batch_op.drop_column("logo_id")
