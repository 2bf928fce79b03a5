"""members who follow a proposal's road: proposal_followers

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 19:40:00

Each row: a member who hears of every move of that proposal (proposals/following.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021'
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_followers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_followers_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_proposal_followers_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_followers_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_followers')),
    sa.UniqueConstraint('tenant_id', 'proposal_id', 'user_id', name=op.f('uq_proposal_followers_tenant_id_proposal_id_user_id')),
    )
    with op.batch_alter_table('proposal_followers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_followers_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_followers_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_followers_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_followers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_followers_user_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_followers_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_followers_proposal_id'))

    op.drop_table('proposal_followers')
