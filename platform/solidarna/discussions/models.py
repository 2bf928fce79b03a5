"""Categories, threads, posts, their revisions, reports and subscriptions (all per tenant)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.extensions import db

CATEGORY_VISIBILITIES = {
    "public": _l("Everyone who can see the space"),
    "members": _l("Members only"),
    "admins": _l("Administrators only"),
}
REPORT_REASONS = {
    "spam": _l("Spam or advertising"),
    "abuse": _l("Insulting, hateful or threatening"),
    "personal_data": _l("Reveals personal data"),
    "off_topic": _l("Off topic"),
    "other": _l("Something else"),
}
#: how a moderator dealt with a report; "" while it is open
REPORT_RESOLUTIONS = ("", "hidden", "dismissed", "deleted")
#: posts per page of a thread; a post's page is (number - 1) // POSTS_PER_PAGE + 1
POSTS_PER_PAGE = 20
THREADS_PER_PAGE = 25


class Category(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "discussion_categories"
    __table_args__ = (one_of("visibility", CATEGORY_VISIBILITIES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    #: optional English versions, shown in the English interface (core.i18n.localized)
    name_en: Mapped[str | None] = mapped_column(String(120))
    description_en: Mapped[str | None] = mapped_column(Text)
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    position: Mapped[int] = mapped_column(default=0)
    #: kept by the services so that lists never count rows
    thread_count: Mapped[int] = mapped_column(default=0)
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime | None]


class Thread(TenantScoped, TimestampMixin, db.Model):
    """A conversation, either in a category or attached to another object (subject)."""

    __tablename__ = "discussion_threads"
    __table_args__ = (
        # covering: a category page is read from the index alone (see reading.category_threads)
        Index(
            "ix_discussion_threads_listing",
            "category_id",
            "pinned",
            "last_post_at",
            "id",
            "deleted_at",
            "tenant_id",
        ),  # fmt: skip
        Index("ix_discussion_threads_subject", "tenant_id", "subject_type", "subject_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_categories.id", ondelete="SET NULL")
    )
    #: what the thread is about when it hangs on an object ("organization", 12)
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: posts ever written (deleted ones keep their number); the next post gets post_count + 1
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    deleted_at: Mapped[datetime | None]

    category: Mapped[Category | None] = relationship(lazy="joined", innerjoin=False)
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    last_author: Mapped[User | None] = relationship(foreign_keys=[last_author_id], lazy="joined")

    @property
    def reply_count(self) -> int:
        return max(self.post_count - 1, 0)

    @property
    def pages(self) -> int:
        return max((self.post_count - 1) // POSTS_PER_PAGE + 1, 1)


class Post(TenantScoped, db.Model):
    __tablename__ = "discussion_posts"
    __table_args__ = (
        UniqueConstraint("thread_id", "number"),
        Index("ix_discussion_posts_recent", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    #: 1, 2, 3 … within the thread: the permalink is .../t/<thread>#post-<number>
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    #: the body rendered and sanitized when it was saved
    body_html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None]
    edit_count: Mapped[int] = mapped_column(default=0)
    hidden_at: Mapped[datetime | None]
    #: why it is hidden: the moderator's reason, or that reports reached the threshold
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: open (not yet dismissed) reports
    open_reports: Mapped[int] = mapped_column(default=0)

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    thread: Mapped[Thread] = relationship()

    @property
    def audit_label(self) -> str:
        """How the audit log names a post: its discussion (the number is a detail)."""
        return self.thread.title if self.thread is not None else ""

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(TenantScoped, db.Model):
    """An earlier version of a post, kept when it is edited (moderators read them)."""

    __tablename__ = "discussion_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    #: when this version was written (the post's creation or its previous edit)
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    edited_by: Mapped[User | None] = relationship(lazy="joined")


class Report(TenantScoped, db.Model):
    __tablename__ = "discussion_reports"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),
        one_of("reason", REPORT_REASONS),
        one_of("resolution", REPORT_RESOLUTIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True
    )
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: set when a moderator dealt with it
    resolved_at: Mapped[datetime | None] = mapped_column(index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolution: Mapped[str] = mapped_column(String(20), default="")

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id], lazy="joined")


class Subscription(TenantScoped, db.Model):
    """Who follows a thread. `following` False remembers an explicit unfollow, so that posting
    again does not follow the thread behind the person's back."""

    __tablename__ = "discussion_subscriptions"
    #: only its follower sees it (core/pagecache.py)
    pagecache_exempt = True
    __table_args__ = (UniqueConstraint("thread_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("discussion_threads.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    following: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
