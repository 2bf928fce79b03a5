"""Working groups (tenant-scoped): a group on a theme of the space's kit, with a mandate and
goals, an end date (a task force ends), a visibility, a join policy and sub-groups one level
deep; and the people in it, each optionally representing an organization of the directory."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import search_index
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.core.script import fold
from solidarna.extensions import db

VISIBILITIES = {
    "public": _l("Public: everyone sees the group and its members"),
    "members": _l("Members of the space"),
    "private": _l("Private: only the group's members"),
}
#: short labels, for badges
VISIBILITY_BADGES = {
    "public": _l("Public"),
    "members": _l("For the space's members"),
    "private": _l("Private"),
}
JOIN_POLICIES = {
    "open": _l("Open: members of the space join at once"),
    "request": _l("On request: a coordinator approves"),
    "invitation": _l("By invitation of the coordinators"),
}
ROLES = {
    "coordinator": _l("Coordinator"),
    "secretary": _l("Secretary"),
    "member": _l("Member"),
    "observer": _l("Observer"),
}
STATUSES = {
    "invited": _l("Invited"),
    "pending": _l("Asked to join"),
    "active": _l("Active"),
    "left": _l("Left"),
    "declined": _l("Declined"),
}


class WorkingGroup(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "working_groups"
    __table_args__ = (
        Index("ix_working_groups_tenant_theme", "tenant_id", "theme"),
        Index(
            "ix_working_groups_tenant_search_trgm",
            "tenant_id",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
        one_of("visibility", VISIBILITIES),
        one_of("join_policy", JOIN_POLICIES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    #: a code of the space's themes (`[taxonomies] group_themes`, groups/kit.py)
    theme: Mapped[str] = mapped_column(String(40))
    #: markdown, rendered through core/markdown.py when shown
    mandate: Mapped[str] = mapped_column(Text, default="")
    goals: Mapped[str] = mapped_column(Text, default="")
    ends_on: Mapped[date | None]
    visibility: Mapped[str] = mapped_column(String(10), default="public")
    join_policy: Mapped[str] = mapped_column(String(12), default="request")
    #: one level deep: a sub-group's parent has no parent (services.check_parent)
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("working_groups.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: active members, kept by the services so lists never count rows
    member_count: Mapped[int] = mapped_column(default=0)
    #: folded name, mandate and goals: the search haystack (across scripts)
    search_text: Mapped[str] = mapped_column(Text, default="")

    parent: Mapped[WorkingGroup | None] = relationship(remote_side=[id], lazy="joined")

    def refresh_search(self) -> None:
        self.search_text = " ".join(fold(p) for p in (self.name, self.mandate, self.goals) if p)

    def has_ended(self, today: date) -> bool:
        return self.ends_on is not None and self.ends_on < today


search_index.register(WorkingGroup.__table__)


class GroupMembership(TenantScoped, db.Model):
    """A person in a group: one row per person and group, whose status moves (invited or
    pending -> active -> left; pending -> declined) and is kept when they leave."""

    __tablename__ = "group_memberships"
    __table_args__ = (
        UniqueConstraint("tenant_id", "group_id", "user_id"),
        Index("ix_group_memberships_group_status", "tenant_id", "group_id", "status"),
        Index("ix_group_memberships_user", "tenant_id", "user_id", "status"),
        one_of("role", ROLES),
        one_of("status", STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: the directory organization the person represents here (asked through
    #: core/representation.py when set), and its name then (kept if the entry goes)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(12), default="member")
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: a join request's or an invitation's few words
    message: Mapped[str] = mapped_column(String(500), default="")
    #: from and to: the days the person became active and left (local dates)
    active_from: Mapped[date | None]
    active_to: Mapped[date | None]
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    group: Mapped[WorkingGroup] = relationship(foreign_keys=[group_id])


RSVP_ANSWERS = {"yes": _l("Coming"), "maybe": _l("Maybe"), "no": _l("Not coming")}


class GroupMeeting(TenantScoped, TimestampMixin, db.Model):
    """A meeting of a group: when (stored in UTC, typed in Europe/Belgrade), where (a place,
    an online link or both) and its agenda (markdown)."""

    __tablename__ = "group_meetings"
    __table_args__ = (
        Index("ix_group_meetings_group_starts", "tenant_id", "group_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: answers, kept by the services so the group page never counts rows
    yes_count: Mapped[int] = mapped_column(default=0)
    maybe_count: Mapped[int] = mapped_column(default=0)
    no_count: Mapped[int] = mapped_column(default=0)


class MeetingRsvp(TenantScoped, db.Model):
    """A member's answer to a meeting: coming, maybe, not coming (one per person, changeable)."""

    __tablename__ = "group_meeting_rsvps"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "user_id"),
        one_of("answer", RSVP_ANSWERS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("group_meetings.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    answer: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
