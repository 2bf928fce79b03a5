"""english content: optional English versions of a space's name, short name and description
and of a discussion category's name and description

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 15:00:00

Shown in the English interface when they are written (core.i18n.localized); the Serbian
columns stay what search and sorting use. All nullable: existing rows have no English text.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('short_name_en', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=True))

    with op.batch_alter_table('discussion_categories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_en', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('description_en', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('discussion_categories', schema=None) as batch_op:
        batch_op.drop_column('description_en')
        batch_op.drop_column('name_en')

    with op.batch_alter_table('tenants', schema=None) as batch_op:
        batch_op.drop_column('description_en')
        batch_op.drop_column('short_name_en')
        batch_op.drop_column('name_en')
