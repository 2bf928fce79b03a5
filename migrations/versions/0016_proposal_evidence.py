"""figures a proposal cites from the ecosystem map: proposal_evidence

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:20:00

Each row: which figure provider (core/evidence.py) and item, its label, value and date; the
version it was frozen into when the proposal was submitted (proposals/evidence.py).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('frozen_version', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_proposal_evidence_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_evidence_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_proposal_evidence_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_evidence'))
    )
    with op.batch_alter_table('proposal_evidence', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_evidence_tenant_proposal', ['tenant_id', 'proposal_id', 'position'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_evidence_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_evidence_tenant_id'))
        batch_op.drop_index('ix_proposal_evidence_tenant_proposal')

    op.drop_table('proposal_evidence')
