"""the page cache's change marker: tenants.content_version

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 15:00:00

A counter in each space's row, raised in the same transaction as every write in the space
(core/pagecache.py), so that every process and server serving a cached page knows at once
that the space has changed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('content_version', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('content_version')
