"""News of one space (tenant-scoped): announcements, calls (with a deadline), success stories
and explainers of social and solidarity economy concepts. A post is a draft until an admin
publishes it (`published_at`); its body is markdown (core/markdown.py), its image a
`StoredFile` (core/storage.py, use "news_images")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of
from solidarna.core.storage import StoredFile
from solidarna.extensions import db

KINDS = {
    "announcement": _l("Announcement"),
    "call": _l("Call"),
    "success_story": _l("Success story"),
    "explainer": _l("Explainer"),
}
#: the plural of each kind, for the list's filter
KIND_PLURALS = {
    "announcement": _l("Announcements"),
    "call": _l("Calls"),
    "success_story": _l("Success stories"),
    "explainer": _l("Explainers"),
}
STATUSES = {"draft": _l("Draft"), "published": _l("Published")}
MAX_TAGS = 10
TAG_LENGTH = 40


class NewsPost(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "news_posts"
    __table_args__ = (
        Index("ix_news_posts_tenant_status_published", "tenant_id", "status", "published_at"),
        one_of("kind", KINDS),
        one_of("status", STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    #: one or two plain sentences: the list, the feed and the shared link's description
    summary: Mapped[str] = mapped_column(String(500), default="")
    #: markdown
    body: Mapped[str] = mapped_column(Text, default="")
    #: a call's last day (calls only); past it the call is shown as closed
    deadline: Mapped[date | None]
    #: short words, lower case as typed, in order
    tags: Mapped[list] = mapped_column(JSON, default=list)
    #: the tags as ",tag,tag," so a filter is one LIKE (the same on SQLite and PostgreSQL)
    tag_text: Mapped[str] = mapped_column(String(700), default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    published_at: Mapped[datetime | None]
    image_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    #: what the image shows, for those who cannot see it
    image_alt: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the key of the kit text it was started from ([[starter.news_posts]]), if any
    kit_key: Mapped[str | None] = mapped_column(String(60))

    image: Mapped[StoredFile | None] = relationship(lazy="joined")
    author = relationship("User", lazy="joined")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    def is_closed(self, today: date) -> bool:
        """A call past its deadline."""
        return self.kind == "call" and self.deadline is not None and self.deadline < today
