"""Proposals of legal and financial measures, their structured text (a tree of parts), their
versions, timeline, endorsements by organizations and support by members; the institutions a
space addresses. All tenant-scoped."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import search_index
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.core.script import fold
from solidarna.extensions import db

KINDS = {
    "law": _l("Law"),
    "amendment": _l("Amendment to a law"),
    "bylaw": _l("Bylaw"),
    "local_decision": _l("Local government decision"),
    "subsidy": _l("Financial measure: subsidy"),
    "tax_relief": _l("Financial measure: tax relief"),
    "grant_programme": _l("Financial measure: grant programme"),
    "reserved_procurement": _l("Financial measure: reserved public procurement"),
    "guarantee_fund": _l("Financial measure: guarantee fund"),
    "strategy": _l("Strategic document"),
    "other": _l("Other"),
}
LEVELS = {
    "national": _l("National"),
    "provincial": _l("Provincial"),
    "local": _l("Local"),
}
#: the named states of a proposal, in the order of its road (proposals/permissions.py holds
#: the moves between them)
STATES = {
    "draft": _l("Draft"),
    "consultation": _l("In consultation"),
    "endorsement": _l("Gathering endorsements"),
    "adopted": _l("Adopted as the space's position"),
    "submitted": _l("Submitted"),
    "public_consultation": _l("In public consultation"),
    "government_procedure": _l("In government procedure"),
    "in_assembly": _l("In the assembly"),
    "adopted_by_institution": _l("Adopted by the institution"),
    "partly_adopted": _l("Partly adopted"),
    "rejected": _l("Rejected"),
    "no_answer": _l("No answer"),
    "implemented": _l("Implemented"),
    "archived": _l("Archived"),
}
#: states in which the authors may still change the text (from endorsement on, organizations
#: sign a fixed text)
EDITABLE_STATES = ("draft", "consultation")
#: states in which organizations endorse and members support
ENDORSING_STATES = ("endorsement", "adopted")
SUPPORT_STATES = ("consultation", "endorsement", "adopted")
PART_KINDS = {
    "chapter": _l("Chapter"),
    "article": _l("Article"),
    "paragraph": _l("Paragraph"),
    "point": _l("Point"),
}
#: what a part may hang under (None: the top of the text)
PART_PARENTS = {
    "chapter": (None,),
    "article": (None, "chapter"),
    "paragraph": ("article",),
    "point": ("paragraph", "article"),
}
ENDORSEMENT_KINDS = {"support": _l("Supports"), "cosponsor": _l("Co-sponsors")}
#: the fixed sections every proposal has, in the order of the document
SECTIONS = {
    "summary": _l("Summary"),
    "problem": _l("The problem"),
    "measure": _l("Proposed measure"),
    "legal_basis": _l("Legal basis"),
    "memorandum": _l("Explanatory memorandum"),
    "impact": _l("Expected impact"),
    "references": _l("References"),
}
FISCAL_FIELDS = ("fiscal_cost", "fiscal_source", "fiscal_budget_line", "fiscal_period")
BENEFICIARY_FIELDS = ("beneficiary_groups", "beneficiary_actor_types")


class Institution(TenantScoped, TimestampMixin, db.Model):
    """An institution the space addresses (a ministry, the assembly, a city council), kept by
    the space's admins."""

    __tablename__ = "proposal_institutions"
    __table_args__ = (UniqueConstraint("tenant_id", "name"), one_of("level", LEVELS))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(12), default="local")


class Proposal(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "proposals"
    __table_args__ = (
        Index("ix_proposals_tenant_state_activity", "tenant_id", "state", "last_activity_at"),
        # the text search: PostgreSQL's trigram index; SQLite's FTS5 table (core/search_index)
        Index(
            "ix_proposals_tenant_search_trgm",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        one_of("kind", KINDS),
        one_of("level", LEVELS),
        one_of("state", STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))
    level: Mapped[str] = mapped_column(String(12))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_institutions.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(30), default="draft")
    lead_author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # the fixed sections (markdown, rendered through core/markdown.py when shown)
    summary: Mapped[str] = mapped_column(Text, default="")
    problem: Mapped[str] = mapped_column(Text, default="")
    measure: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    memorandum: Mapped[str] = mapped_column(Text, default="")
    impact: Mapped[str] = mapped_column(Text, default="")
    references: Mapped[str] = mapped_column(Text, default="")
    #: who benefits: codes of the directory's vulnerable groups and actor types
    beneficiary_groups: Mapped[list] = mapped_column(JSON, default=list)
    beneficiary_actor_types: Mapped[list] = mapped_column(JSON, default=list)
    #: estimated cost in RSD (whole dinars)
    fiscal_cost: Mapped[int | None] = mapped_column(BigInteger)
    fiscal_source: Mapped[str] = mapped_column(String(300), default="")
    fiscal_budget_line: Mapped[str] = mapped_column(String(200), default="")
    fiscal_period: Mapped[str] = mapped_column(String(100), default="")
    # the road: dates and references each move records
    consultation_ends: Mapped[date | None]
    endorsement_ends: Mapped[date | None]
    submitted_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_institutions.id", ondelete="SET NULL")
    )
    submitted_on: Mapped[date | None]
    reference_number: Mapped[str] = mapped_column(String(100), default="")
    #: the official gazette reference of an adoption, e.g. "Sl. glasnik RS 14/2022"
    gazette_reference: Mapped[str] = mapped_column(String(200), default="")
    #: counters kept by the services, so lists never count rows
    version_count: Mapped[int] = mapped_column(default=0)
    endorsement_count: Mapped[int] = mapped_column(default=0)
    support_count: Mapped[int] = mapped_column(default=0)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: folded title, summary and tags: the search haystack (across scripts)
    search_text: Mapped[str] = mapped_column(Text, default="")

    institution: Mapped[Institution | None] = relationship(
        foreign_keys=[institution_id], lazy="joined"
    )
    submitted_to: Mapped[Institution | None] = relationship(foreign_keys=[submitted_to_id])
    lead_author: Mapped[User | None] = relationship(lazy="joined")
    tags: Mapped[list[ProposalTag]] = relationship(
        back_populates="proposal", cascade="all, delete-orphan", lazy="selectin",
        order_by="ProposalTag.value",
    )  # fmt: skip

    @property
    def tag_values(self) -> list[str]:
        return [t.value for t in self.tags]

    def set_tags(self, values: list[str]) -> None:
        wanted = {v for v in values if v}
        for tag in [t for t in self.tags if t.value not in wanted]:
            self.tags.remove(tag)
        have = {t.value for t in self.tags}
        for value in sorted(wanted - have):
            self.tags.append(ProposalTag(value=value, tenant_id=self.tenant_id))

    def refresh_search(self) -> None:
        parts = (self.title, self.summary, " ".join(self.tag_values))
        self.search_text = " ".join(fold(p) for p in parts if p)


search_index.register(Proposal.__table__)


class ProposalTag(TenantScoped, db.Model):
    __tablename__ = "proposal_tags"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "value"),
        Index("ix_proposal_tags_tenant_value", "tenant_id", "value", "proposal_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    value: Mapped[str] = mapped_column(String(60))

    proposal: Mapped[Proposal] = relationship(back_populates="tags")


class ProposalPart(TenantScoped, db.Model):
    """One part of the text: a chapter, article, paragraph or point. Its number is computed
    from its place in the tree (services.numbered), never stored."""

    __tablename__ = "proposal_parts"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "code"),
        Index("ix_proposal_parts_tree", "tenant_id", "proposal_id", "parent_id", "position"),
        one_of("kind", PART_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    #: the part's stable id within the proposal: versions and diffs match parts by it
    code: Mapped[str] = mapped_column(String(12))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposal_parts.id", ondelete="CASCADE")
    )
    #: order among its siblings (0, 1, 2 ...; rewritten on insert, move and delete)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(12))
    heading: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")


class ProposalVersion(TenantScoped, db.Model):
    """A saved state of the whole proposal: metadata, sections and the parts tree."""

    __tablename__ = "proposal_versions"
    __table_args__ = (UniqueConstraint("tenant_id", "proposal_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    message: Mapped[str] = mapped_column(String(200), default="")
    #: {"meta": {...}, "sections": {...}, "parts": [{code, parent, kind, heading, body}]}
    snapshot: Mapped[dict] = mapped_column(JSON, default=dict)

    author: Mapped[User | None] = relationship(lazy="joined")


class ProposalEvent(TenantScoped, db.Model):
    """An entry of the public timeline: a move to another state, with its date, note and
    evidence link."""

    __tablename__ = "proposal_events"
    __table_args__ = (
        Index("ix_proposal_events_tenant_proposal", "tenant_id", "proposal_id", "happened_on"),
        one_of("state", STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    #: the day it happened (typed by people: a local date)
    happened_on: Mapped[date]
    #: the state the proposal entered
    state: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str] = mapped_column(String(30), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Endorsement(TenantScoped, db.Model):
    """An organization of the directory endorses a proposal, through a representative."""

    __tablename__ = "proposal_endorsements"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "organization_id"),
        one_of("kind", ENDORSEMENT_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    #: the name when it endorsed (kept if the entry is later deleted)
    organization_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default="support")
    comment: Mapped[str] = mapped_column(Text, default="")
    #: the representative who acted (shown to admins only)
    acted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    acted_by: Mapped[User | None] = relationship()


class MemberSupport(TenantScoped, db.Model):
    """A member's own support, counted apart from the organizations'."""

    __tablename__ = "proposal_supports"
    __table_args__ = (UniqueConstraint("tenant_id", "proposal_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
