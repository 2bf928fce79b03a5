"""Advocacy platforms ("zagovaračke platforme", tenant-scoped, owned by one space): a campaign
with its goal, ordered demands (each optionally naming a proposal of the owner space through
core/subjects.py), the institutions it targets and its status; the organizations that sign it
(one signature per organization, also from partner spaces: the row belongs to the owner space
and records the space it came from), individual supporters counted apart, and the timeline of
its actions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core import search_index
from solidarna.core.following import Follow
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.core.script import fold
from solidarna.extensions import db

STATUSES = {
    "preparing": _l("In preparation"),
    "open": _l("Open for signatures"),
    "active": _l("Active"),
    "won": _l("Won"),
    "partly_won": _l("Partly won"),
    "closed": _l("Closed"),
}
#: statuses in which organizations sign and withdraw
SIGNING = ("open", "active")
ACTION_KINDS = {
    "letter": _l("Letter sent"),
    "meeting": _l("Meeting with officials"),
    "consultation": _l("Public consultation answered"),
    "media": _l("Media coverage"),
    "result": _l("Result"),
}


class Campaign(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "campaigns"
    __table_args__ = (
        Index("ix_campaigns_tenant_status", "tenant_id", "status"),
        Index(
            "ix_campaigns_tenant_search_trgm",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        one_of("status", STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: markdown
    goal: Mapped[str] = mapped_column(Text, default="")
    #: the institutions the campaign addresses, as typed (a list of names)
    institutions: Mapped[list] = mapped_column(JSON, default=list)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(12), default="preparing")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept by the services, so lists never count rows
    signature_count: Mapped[int] = mapped_column(default=0)
    supporter_count: Mapped[int] = mapped_column(default=0)
    search_text: Mapped[str] = mapped_column(Text, default="")

    demands: Mapped[list[CampaignDemand]] = relationship(
        order_by="CampaignDemand.position", cascade="all, delete-orphan", lazy="selectin"
    )

    def refresh_search(self) -> None:
        parts = [self.title, self.goal, *self.institutions, *(d.text for d in self.demands)]
        self.search_text = " ".join(fold(p) for p in parts if p)

    @property
    def accepts_signatures(self) -> bool:
        return self.status in SIGNING


search_index.register(Campaign.__table__)


class CampaignDemand(TenantScoped, db.Model):
    """One demand, in order; `proposal_id` names a proposal of the owner space (resolved
    through core/subjects.py, never an import of proposals)."""

    __tablename__ = "campaign_demands"
    __table_args__ = (
        Index("ix_campaign_demands_campaign", "tenant_id", "campaign_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(String(1000))
    proposal_id: Mapped[int | None]


class CampaignSignature(TenantScoped, db.Model):
    """An organization's signature, given by its representative. The organization's name, place,
    actor type and legal form are kept as they were when it signed: the row may come from a
    partner space, whose directory the owner space cannot read."""

    __tablename__ = "campaign_signatures"
    __table_args__ = (
        UniqueConstraint("tenant_id", "campaign_id", "organization_id"),
        Index("ix_campaign_signatures_campaign", "tenant_id", "campaign_id", "signed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    #: the directory entry (of the origin space); kept as a plain id, the name stays
    organization_id: Mapped[int]
    organization_name: Mapped[str] = mapped_column(String(200))
    municipality: Mapped[str] = mapped_column(String(100), default="")
    actor_type: Mapped[str] = mapped_column(String(40), default="")
    actor_type_label: Mapped[str] = mapped_column(String(120), default="")
    legal_form_label: Mapped[str] = mapped_column(String(120), default="")
    #: the space the signature came from (the owner's own, or a partner space)
    origin_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the representative who signed: shown to the owner's admins only
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignSupporter(TenantScoped, db.Model):
    """A person's individual support, counted apart from the organizations."""

    __tablename__ = "campaign_supporters"
    __table_args__ = (UniqueConstraint("tenant_id", "campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    origin_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignAction(TenantScoped, TimestampMixin, db.Model):
    """An entry of the public timeline: what was done (a letter, a meeting, ...) or what the
    institution did (a result), on a day, with a note and a link to the evidence."""

    __tablename__ = "campaign_actions"
    __table_args__ = (
        Index("ix_campaign_actions_campaign", "tenant_id", "campaign_id", "happened_on"),
        one_of("kind", ACTION_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(14))
    happened_on: Mapped[date]
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class CampaignComment(TenantScoped, db.Model):
    """A comment on the campaign by a member of the owner space or of a partner space. The row
    belongs to the owner space and records the space it came from; the owner's admins hide
    (and show again) a comment. The body is markdown, shown through core/markdown.py."""

    __tablename__ = "campaign_comments"
    __table_args__ = (
        Index("ix_campaign_comments_campaign", "tenant_id", "campaign_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    origin_tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the name as it was when the comment was written (the author may be of a partner space)
    author_name: Mapped[str] = mapped_column(String(200), default="")
    body: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(default=False)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


#: what `core.tenancy.shared_subject("campaign", id)` opens: the campaign and its own rows
#: (of the shared tables, only the campaign's: its followers, core/following.py)
SHARED_CHILDREN = {
    Follow: ("subject_id", {"subject_type": "campaign"}),
    CampaignDemand: "campaign_id",
    CampaignSignature: "campaign_id",
    CampaignSupporter: "campaign_id",
    CampaignAction: "campaign_id",
    CampaignComment: "campaign_id",
}
