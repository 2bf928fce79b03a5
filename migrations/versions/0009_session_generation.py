"""session generation: raising users.session_generation revokes every session of an account

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:40:00

The session identity (and the remember-me cookie) becomes "<id>.<generation>": logout,
a password change or reset, "log out everywhere" and a suspension raise the number, and every
cookie carrying the old one is anonymous on its next request. Sessions issued before this
migration carried a password fingerprint instead and end once (people log in again).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('session_generation', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
