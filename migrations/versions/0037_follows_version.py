"""each account's follows version: users.follows_version

Raised when the account follows or stops following something (core/following.py), so what
it follows can be kept per version (core/fragments.py kept_value) instead of read on every
page.

Revision ID: 0037
Revises: 0034
Create Date: 2026-12-04 19:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0037"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("follows_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_column("follows_version")
