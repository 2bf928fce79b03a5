"""Organizations (the SSE actors of the ecosystem map), their tags, representatives and change
history. All tenant-scoped."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import search_index
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, one_of_each, utcnow
from solidarna.core.script import fold
from solidarna.directory.taxonomy import (
    LEGAL_FORMS,
    MODERATION,
    ORG_STATUSES,
    PRIVATE_FIELDS,
    REPRESENTATIVE_STATUSES,
    REVISION_ACTIONS,
    SE_STATUSES,
    SOURCES,
    SUGGESTION_SOURCES,
    SUGGESTION_STATUSES,
    TAG_FACETS,
    TURNOVER_BANDS,
)
from solidarna.extensions import db


class Organization(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "organizations"
    __table_args__ = (
        Index("ix_organizations_tenant_moderation_name", "tenant_id", "moderation", "sort_name"),
        # PostgreSQL: the text search (LIKE on the folded text) on a trigram index of the space
        # (migration 0012; btree_gin for tenant_id); SQLite: an FTS5 table (core/search_index)
        Index(
            "ix_organizations_tenant_search_trgm",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        # covers the facet counts and the ecosystem overview's matrix (migration 0004)
        Index(
            "ix_organizations_tenant_moderation_facets",
            "tenant_id",
            "moderation",
            "actor_type",
            "se_status",
            "legal_form",
            "municipality",
            "district_iso",
        ),
        Index("ix_organizations_tenant_municipality", "tenant_id", "municipality"),
        # the directory's change marker: search.directory_version (migration 0004)
        Index("ix_organizations_tenant_updated", "tenant_id", "updated_at"),
        Index("ix_organizations_tenant_actor_type", "tenant_id", "actor_type"),
        Index("ix_organizations_tenant_pib", "tenant_id", "pib"),
        Index("ix_organizations_tenant_mb", "tenant_id", "mb"),
        # actor_type is not checked: a kit may add types (taxonomy.actor_types)
        one_of("legal_form", LEGAL_FORMS),
        one_of("se_status", SE_STATUSES),
        one_of("turnover_band", TURNOVER_BANDS),
        one_of("status", ORG_STATUSES),
        one_of("moderation", MODERATION),
        one_of("source", SOURCES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    legal_name: Mapped[str | None] = mapped_column(String(300))
    legal_form: Mapped[str] = mapped_column(String(30))
    #: the role in the ecosystem (taxonomy.ACTOR_TYPES or the kit's extra types)
    actor_type: Mapped[str] = mapped_column(String(40))
    #: social-enterprise status at APR: registered / in_progress / planned / no
    se_status: Mapped[str] = mapped_column(String(20), default="no")
    #: tax identification number, 9 digits, validated with python-stdnum
    pib: Mapped[str | None] = mapped_column(String(9))
    #: registration number (matični broj), 8 digits
    mb: Mapped[str | None] = mapped_column(String(8))
    founding_year: Mapped[int | None]
    #: canonical Latin name from core/geography, and its district
    municipality: Mapped[str] = mapped_column(String(80))
    district_iso: Mapped[str] = mapped_column(String(6))
    address: Mapped[str | None] = mapped_column(String(300))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    employees_total: Mapped[int | None]
    employees_women: Mapped[int | None]
    employees_vulnerable: Mapped[int | None]
    volunteers: Mapped[int | None]
    turnover_band: Mapped[str | None] = mapped_column(String(20))
    mission: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    contact_email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    #: active / inactive / planning
    status: Mapped[str] = mapped_column(String(20), default="active")
    #: {field: public|members|admins} for the fields in taxonomy.PRIVATE_FIELDS
    field_visibility: Mapped[dict] = mapped_column(JSON, default=dict)

    #: pending / verified / rejected / archived
    moderation: Mapped[str] = mapped_column(String(20), default="pending")
    moderation_note: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: self_reported / imported / office, and e.g. the imported file's name
    source: Mapped[str] = mapped_column(String(20), default="self_reported")
    source_detail: Mapped[str] = mapped_column(String(300), default="")
    last_confirmed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    #: folded name for sorting and search across scripts and diacritics
    sort_name: Mapped[str] = mapped_column(String(200), default="")
    #: folded name, legal name, municipality, mission and description: the search haystack
    search_text: Mapped[str] = mapped_column(Text, default="")

    tags: Mapped[list[OrganizationTag]] = relationship(
        back_populates="organization", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.name!r}>"

    def visibility_of(self, field: str) -> str:
        return (self.field_visibility or {}).get(field, PRIVATE_FIELDS.get(field, "public"))

    def tag_values(self, facet: str) -> list[str]:
        return sorted(t.value for t in self.tags if t.facet == facet)

    def set_tags(self, facet: str, values: list[str]) -> None:
        wanted = set(values or [])
        for tag in [t for t in self.tags if t.facet == facet and t.value not in wanted]:
            self.tags.remove(tag)
        have = {t.value for t in self.tags if t.facet == facet}
        for value in sorted(wanted - have):
            self.tags.append(OrganizationTag(facet=facet, value=value, tenant_id=self.tenant_id))

    def refresh_search(self) -> None:
        self.sort_name = fold(self.name)[:200]
        self.search_text = " ".join(
            fold(part)
            for part in (
                self.name,
                self.legal_name,
                self.municipality,
                self.mission,
                self.description,
                self.pib,
                self.mb,
            )
            if part
        )

    @property
    def is_public(self) -> bool:
        return self.moderation == "verified"

    @property
    def slug(self) -> str:
        """The readable part of the profile's address: the folded name, words joined by -."""
        return "-".join(fold(self.name).replace("/", " ").split())[:60] or "org"

    @property
    def url(self) -> str:
        """The profile's address in the current space (with the readable name)."""
        return url_for("directory.profile", organization_id=self.id, name=self.slug)


search_index.register(Organization.__table__)


class OrganizationTag(TenantScoped, db.Model):
    """One value of a multi-valued field (KD section, activity of general interest,
    vulnerable group), so facets count on an index."""

    __tablename__ = "organization_tags"
    __table_args__ = (
        UniqueConstraint("tenant_id", "organization_id", "facet", "value"),
        # covers the tag facet counts without a table lookup (migration 0004)
        Index(
            "ix_organization_tags_tenant_facet_value_org",
            "tenant_id",
            "facet",
            "value",
            "organization_id",
        ),
        one_of("facet", TAG_FACETS),
        one_of_each("facet", "value", TAG_FACETS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    facet: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(String(40))

    organization: Mapped[Organization] = relationship(back_populates="tags")


class Representative(TenantScoped, TimestampMixin, db.Model):
    """A user who keeps an organization's profile; `pending` until an admin accepts."""

    __tablename__ = "representatives"
    __table_args__ = (
        UniqueConstraint("tenant_id", "organization_id", "user_id"),
        one_of("status", REPRESENTATIVE_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: why the user says they represent the organization (claims)
    message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    organization: Mapped[Organization] = relationship()


class OrganizationRevision(TenantScoped, db.Model):
    """The change history of an entry: who changed what, when."""

    __tablename__ = "organization_revisions"
    __table_args__ = (
        Index("ix_organization_revisions_tenant_org", "tenant_id", "organization_id", "id"),
        one_of("action", REVISION_ACTIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: created, updated, verified, rejected, archived, restored, imported, confirmed
    action: Mapped[str] = mapped_column(String(20))
    #: {field: [old, new]}
    changes: Mapped[dict] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User | None] = relationship(lazy="joined")


class OrganizationSuggestion(TenantScoped, db.Model):
    """A proposed change of an existing entry (e.g. from a survey's respondent): the proposed
    values of the fields that differed, waiting in the office's queue until it accepts them
    (all or some, through the entry's update, so the history records them) or rejects them."""

    __tablename__ = "organization_suggestions"
    __table_args__ = (
        Index("ix_organization_suggestions_tenant_status", "tenant_id", "status", "created_at"),
        one_of("source", SUGGESTION_SOURCES),
        one_of("status", SUGGESTION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    #: {field: proposed value} of survey_feed.SUGGESTED_FIELDS
    fields: Mapped[dict] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(20), default="survey")
    #: e.g. the survey's title and id
    source_detail: Mapped[str] = mapped_column(String(300), default="")
    suggested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(Text, default="")

    organization: Mapped[Organization] = relationship()
    suggested_by: Mapped[User | None] = relationship(foreign_keys=[suggested_by_id])
