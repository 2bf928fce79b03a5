"""Local community resources."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core import search_index
from solidarna.core.models import TenantScoped, TimestampMixin, one_of
from solidarna.core.script import fold
from solidarna.directory.organizations.models import Organization
from solidarna.directory.taxonomy import AVAILABILITY, RESOURCE_KINDS
from solidarna.extensions import db


class Resource(TenantScoped, TimestampMixin, db.Model):
    """A resource of the local community: premises, land, equipment, funding, services, expertise."""

    __tablename__ = "resources"
    __table_args__ = (
        Index("ix_resources_tenant_kind", "tenant_id", "kind"),
        # the text search: PostgreSQL's trigram index (migration 0012); SQLite's FTS5 table
        Index(
            "ix_resources_tenant_search_trgm",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        one_of("kind", RESOURCE_KINDS),
        one_of("availability", AVAILABILITY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    #: owned by an organization in the directory, or by a named institution
    owner_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    owner_name: Mapped[str] = mapped_column(String(200), default="")
    municipality: Mapped[str] = mapped_column(String(80))
    district_iso: Mapped[str] = mapped_column(String(6))
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    availability: Mapped[str] = mapped_column(String(20), default="available")
    conditions: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(300), default="")
    valid_until: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    search_text: Mapped[str] = mapped_column(Text, default="")

    owner_organization: Mapped[Organization | None] = relationship(lazy="joined")

    def refresh_search(self) -> None:
        self.search_text = " ".join(
            fold(p) for p in (self.title, self.owner_name, self.municipality, self.description) if p
        )

    @property
    def owner_label(self) -> str:
        return self.owner_organization.name if self.owner_organization else self.owner_name


search_index.register(Resource.__table__)
