"""Good practices and the organizations behind them."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core import search_index
from solidarna.core.models import TenantScoped, TimestampMixin
from solidarna.core.script import fold
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db


class PracticeOrganization(TenantScoped, db.Model):
    """Association of a good practice with the organizations behind it."""

    __tablename__ = "practice_organizations"
    __table_args__ = (UniqueConstraint("tenant_id", "practice_id", "organization_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    practice_id: Mapped[int] = mapped_column(
        ForeignKey("practices.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )


class Practice(TenantScoped, TimestampMixin, db.Model):
    """A good practice worth sharing, linked to the organizations behind it."""

    __tablename__ = "practices"
    __table_args__ = (
        # the text search: PostgreSQL's trigram index (migration 0012); SQLite's FTS5 table
        Index(
            "ix_practices_tenant_search_trgm",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    municipality: Mapped[str | None] = mapped_column(String(80))
    year: Mapped[int | None]
    #: KD section or theme codes, free list
    themes: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    search_text: Mapped[str] = mapped_column(Text, default="")

    organizations: Mapped[list[Organization]] = relationship(
        secondary="practice_organizations",
        viewonly=True,
        lazy="selectin",
        order_by="Organization.sort_name",
    )

    def refresh_search(self) -> None:
        self.search_text = " ".join(
            fold(p) for p in (self.title, self.summary, self.municipality, self.description) if p
        )


search_index.register(Practice.__table__)
