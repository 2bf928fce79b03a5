"""A tie between two organizations of the directory."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core.models import TenantScoped, one_of, utcnow
from solidarna.directory.organizations.models import Organization
from solidarna.directory.taxonomy import RELATION_KINDS
from solidarna.extensions import db


class Relationship(TenantScoped, db.Model):
    """A tie between two organizations: partner, member of, supplier, funder."""

    __tablename__ = "organization_relationships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "source_id", "target_id", "kind"),
        one_of("kind", RELATION_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    target_id: Mapped[int] = mapped_column(
        ForeignKey("organizations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    source: Mapped[Organization] = relationship(foreign_keys=[source_id])
    target: Mapped[Organization] = relationship(foreign_keys=[target_id])

    @property
    def audit_label(self) -> str:
        """How the audit log names a relationship: "Source → Target"."""
        return f"{self.source.name} → {self.target.name}"
