"""Tenants (spaces) and memberships."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core.i18n import LOCALES
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.extensions import db

KINDS = {
    "municipality": _l("Municipality or city"),
    "district_office": _l("District office"),
    "coalition": _l("Coalition"),
    "network": _l("Network"),
}
VISIBILITIES = {"public": _l("Public"), "members": _l("Members only")}
TENANT_STATUSES = {"active": _l("Active"), "suspended": _l("Suspended")}
ROLE_LABELS = {
    "owner": _l("Owner"),
    "admin": _l("Administrator"),
    "moderator": _l("Moderator"),
    "member": _l("Member"),
}
MEMBERSHIP_STATUSES = {
    "pending": _l("Pending"),
    "active": _l("Active"),
    "suspended": _l("Suspended"),
}

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])$")
RESERVED_SLUGS = frozenset({
    "auth", "admin", "static", "api", "onboarding", "health", "language", "login", "logout",
    "register", "account", "accounts", "settings", "help", "about", "docs", "assets", "media",
    "uploads", "files", "public", "www", "mail", "tenants", "new", "search", "map", "robots.txt",
    "favicon.ico", "sitemap.xml", "news", "well-known", "solidarna", "invitations", "notifications",
})  # fmt: skip


def slug_problem(slug: str):
    """Why a slug cannot be used (a lazy string, shown in the reader's language), or None
    (existence is checked by the caller)."""
    if not SLUG_PATTERN.match(slug or ""):
        return _l(
            "Use 2 to 40 lowercase letters a-z, digits and hyphens, "
            "starting and ending with a letter or digit."
        )
    if slug in RESERVED_SLUGS:
        return _l("This address is reserved by the platform.")
    return None


class Tenant(TimestampMixin, db.Model):
    __tablename__ = "tenants"
    __table_args__ = (
        one_of("kind", KINDS),
        one_of("visibility", VISIBILITIES),
        one_of("status", TENANT_STATUSES),
        one_of("default_locale", LOCALES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the URL segment: /<slug>/
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text, default="")
    #: optional English versions, shown in the English interface (core.i18n.localized)
    name_en: Mapped[str | None] = mapped_column(String(200))
    short_name_en: Mapped[str | None] = mapped_column(String(60))
    description_en: Mapped[str | None] = mapped_column(Text)
    #: ISO 3166-2:RS district code (RS-19) or "RS" for national scope
    region: Mapped[str] = mapped_column(String(10), default="RS")
    #: names of the municipalities covered (empty: the whole region)
    municipalities: Mapped[list] = mapped_column(JSON, default=list)
    default_locale: Mapped[str] = mapped_column(String(10), default="sr_Latn")
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    modules: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(10), default="active")
    #: one accent colour from the kit, #rrggbb
    accent_color: Mapped[str] = mapped_column(String(7), default="#0b6e4f")
    contact_email: Mapped[str | None] = mapped_column(String(320))
    website: Mapped[str | None] = mapped_column(String(300))
    #: the kit's taxonomies: actor_types, working_group_themes, ...
    taxonomies: Mapped[dict] = mapped_column(JSON, default=dict)
    #: starter content from the kit (e.g. a survey questionnaire), kept for export
    starter: Mapped[dict] = mapped_column(JSON, default=dict)
    suspended_at: Mapped[datetime | None]
    #: the change marker of the page cache (core/pagecache.py): raised in the same
    #: transaction as every write in the space, never set by hand
    content_version: Mapped[int] = mapped_column(server_default="0")
    #: the space's logo, a StoredFile of use "logo" (tenants/settings.py). No foreign key:
    #: stored_files already points at tenants, and a key back would make a cycle (drop order,
    #: and Citus allows no key from the reference table `tenants` to a distributed one);
    #: tenants/settings.py is its only writer and removes the file with it
    logo_id: Mapped[int | None]
    #: the guided start's items the owners dismissed (tenants/start.py)
    start_dismissed: Mapped[list] = mapped_column(JSON, server_default="[]")
    #: the space contributes its public figures and directory entries to the national
    #: overview (/overview/, tenants/national.py); off until an owner turns it on
    in_national_overview: Mapped[bool] = mapped_column(server_default=false())

    # No `memberships` relationship: loaded under a tenant it would silently hold only the
    # current space's rows. Ask for them: db.select(Membership) inside tenant_context().

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class Membership(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "user_id"),
        one_of("role", ROLE_LABELS),
        one_of("status", MEMBERSHIP_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10), default="member")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: what the applicant wrote when asking to join (organization, role)
    message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")

    @property
    def audit_label(self) -> str:
        """How the audit log names a membership: the member's name."""
        return self.user.name if self.user is not None else ""

    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Membership t{self.tenant_id} u{self.user_id} {self.role}/{self.status}>"

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def decide(self, by: User, status: str) -> None:
        self.status = status
        self.decided_by_id = by.id
        self.decided_at = utcnow()


class Invitation(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "invitations"
    __table_args__ = (one_of("role", ROLE_LABELS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(10), default="member")
    note: Mapped[str] = mapped_column(Text, default="")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


PARTNERSHIP_STATUSES = {
    "invited": _l("Invited"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "ended": _l("Ended"),
}


class Partnership(TimestampMixin, db.Model):
    """Partner spaces (DESIGN §12): the owner space shares one of its objects (a subject type
    and id, e.g. a campaign) with another space. Not tenant-scoped, like `Tenant`: it belongs
    to two spaces at once, and is read only through `tenants/partnerships.py`, whose every
    query names the current space as owner or partner. What the partner may then do with the
    object goes through `core.tenancy.shared_subject()`, which asks `is_accepted` here."""

    __tablename__ = "partnerships"
    __table_args__ = (
        UniqueConstraint(
            "owner_tenant_id",
            "partner_tenant_id",
            "subject_type",
            "subject_id",
            name="uq_partnerships_owner_partner_subject",
        ),  # fmt: skip
        Index("ix_partnerships_partner_status", "partner_tenant_id", "status"),
        Index("ix_partnerships_owner_subject", "owner_tenant_id", "subject_type", "subject_id"),
        one_of("status", PARTNERSHIP_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    partner_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int]
    #: the object's title when the invitation was sent: the partner's admins read it before
    #: they may open the object
    subject_title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(10), default="invited")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]

    owner: Mapped[Tenant] = relationship(foreign_keys=[owner_tenant_id], lazy="joined")
    partner: Mapped[Tenant] = relationship(foreign_keys=[partner_tenant_id], lazy="joined")

    @property
    def audit_label(self) -> str:
        return self.subject_title

    def __repr__(self) -> str:
        return (
            f"<Partnership {self.subject_type} {self.subject_id} "
            f"t{self.owner_tenant_id}->t{self.partner_tenant_id} {self.status}>"
        )
