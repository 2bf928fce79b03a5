"""news of a space: news_posts (announcements, calls with a deadline, success stories,
explainers; drafts and published posts, an image in stored_files)

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-01 23:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "news_posts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("tag_text", sa.String(length=700), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("image_id", sa.Integer(), nullable=True),
        sa.Column("image_alt", sa.String(length=300), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kit_key", sa.String(length=60), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('announcement', 'call', 'explainer', 'success_story')",
            name=op.f("ck_news_posts_kind"),
        ),
        sa.CheckConstraint("status IN ('draft', 'published')", name=op.f("ck_news_posts_status")),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_news_posts_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["image_id"],
            ["stored_files.id"],
            name=op.f("fk_news_posts_image_id_stored_files"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_news_posts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_news_posts")),
    )
    with op.batch_alter_table("news_posts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_news_posts_tenant_status_published",
            ["tenant_id", "status", "published_at"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_news_posts_tenant_id"), ["tenant_id"], unique=False)


def downgrade():
    with op.batch_alter_table("news_posts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_news_posts_tenant_id"))
        batch_op.drop_index("ix_news_posts_tenant_status_published")
    op.drop_table("news_posts")
