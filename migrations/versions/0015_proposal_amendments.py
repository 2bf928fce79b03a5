"""proposals: amendments during consultation and co-authors

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 16:30:00

proposal_amendments: a member's change to one part or section of a given version (new text,
deletion, or a new part after one), numbered per proposal when opened, with its decision.
proposal_authors: co-authors invited by the lead (invited / accepted / declined / left /
removed) and the organization an author acts on behalf of.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_amendments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('part_code', sa.String(length=12), nullable=True),
    sa.Column('section', sa.String(length=20), nullable=True),
    sa.Column('part_kind', sa.String(length=12), nullable=False),
    sa.Column('base_label', sa.String(length=60), nullable=False),
    sa.Column('base_version', sa.Integer(), nullable=False),
    sa.Column('base_heading', sa.String(length=300), nullable=False),
    sa.Column('base_body', sa.Text(), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('applied_version', sa.Integer(), nullable=True),
    sa.Column('promoted_to_id', sa.Integer(), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('change', 'delete', 'insert_after')", name=op.f('ck_proposal_amendments_kind')),
    sa.CheckConstraint("section IN ('impact', 'legal_basis', 'measure', 'memorandum', 'problem', 'references', 'summary')", name=op.f('ck_proposal_amendments_section')),
    sa.CheckConstraint("state IN ('accepted', 'draft', 'open', 'promoted', 'rejected', 'withdrawn')", name=op.f('ck_proposal_amendments_state')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_proposal_amendments_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_proposal_amendments_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['promoted_to_id'], ['proposals.id'], name=op.f('fk_proposal_amendments_promoted_to_id_proposals'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_amendments_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_proposal_amendments_tenant_id_tenants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_amendments')),
    sa.UniqueConstraint('tenant_id', 'proposal_id', 'number', name=op.f('uq_proposal_amendments_tenant_id_proposal_id_number'))
    )
    with op.batch_alter_table('proposal_amendments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_amendments_tenant_id'), ['tenant_id'], unique=False)
        batch_op.create_index('ix_proposal_amendments_tenant_proposal', ['tenant_id', 'proposal_id', 'state'], unique=False)

    op.create_table('proposal_authors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('organization_name', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("state IN ('accepted', 'declined', 'invited', 'lead', 'left', 'removed')", name=op.f('ck_proposal_authors_state')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_proposal_authors_invited_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_proposal_authors_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposals.id'], name=op.f('fk_proposal_authors_proposal_id_proposals'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['tenants.id'], name=op.f('fk_proposal_authors_tenant_id_tenants'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_proposal_authors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_authors')),
    sa.UniqueConstraint('tenant_id', 'proposal_id', 'user_id', name=op.f('uq_proposal_authors_tenant_id_proposal_id_user_id'))
    )
    with op.batch_alter_table('proposal_authors', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_authors_tenant_user', ['tenant_id', 'user_id', 'state'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_authors_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_authors_tenant_id'), ['tenant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proposal_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_authors_tenant_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_authors_proposal_id'))
        batch_op.drop_index('ix_proposal_authors_tenant_user')

    op.drop_table('proposal_authors')
    with op.batch_alter_table('proposal_amendments', schema=None) as batch_op:
        batch_op.drop_index('ix_proposal_amendments_tenant_proposal')
        batch_op.drop_index(batch_op.f('ix_proposal_amendments_tenant_id'))

    op.drop_table('proposal_amendments')
