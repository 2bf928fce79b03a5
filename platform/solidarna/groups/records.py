"""What a meeting leaves behind (tenant-scoped): its minutes (markdown), who attended and the
organization each represented (from their membership, a real relation), the group's
decisions, numbered per group and year ("Decision 3/2026"), and its tasks (what, who — a
member of the group —, by when, done); and the reminders already sent, so each goes once."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.extensions import db
from solidarna.groups.models import GroupMeeting


class MeetingMinutes(TenantScoped, TimestampMixin, db.Model):
    """The minutes of a meeting that took place: one text per meeting, changed by the
    coordinators and secretaries; `published_at` is when the members were first told."""

    __tablename__ = "group_meeting_minutes"
    __table_args__ = (UniqueConstraint("tenant_id", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("group_meetings.id", ondelete="CASCADE"))
    #: markdown, rendered through core/markdown.py
    body: Mapped[str] = mapped_column(Text, default="")
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]

    written_by: Mapped[User | None] = relationship(lazy="joined")


class MeetingAttendance(TenantScoped, db.Model):
    """A member who attended a meeting, and the organization they represented there (their
    membership's, copied when attendance is taken; the name kept if the entry goes)."""

    __tablename__ = "group_meeting_attendance"
    __table_args__ = (
        UniqueConstraint("tenant_id", "meeting_id", "user_id"),
        Index("ix_group_meeting_attendance_meeting", "tenant_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("group_meetings.id", ondelete="CASCADE"))
    membership_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_memberships.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class GroupDecision(TenantScoped, db.Model):
    """A decision of the group, taken at a meeting: numbered from 1 in each calendar year of
    the group (Belgrade time), so "3/2026" names it for good, and so does its address."""

    __tablename__ = "group_decisions"
    __table_args__ = (
        UniqueConstraint("tenant_id", "group_id", "year", "number"),
        Index("ix_group_decisions_meeting", "tenant_id", "meeting_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("group_meetings.id", ondelete="CASCADE"))
    year: Mapped[int]
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    #: markdown, rendered through core/markdown.py
    body: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when its text was last changed (who: the audit log)
    changed_at: Mapped[datetime | None]
    #: a withdrawn decision stays, numbered and shown as withdrawn (its number is never
    #: given again): when, by whom and why
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawal_reason: Mapped[str] = mapped_column(String(500), default="")

    meeting: Mapped[GroupMeeting] = relationship(lazy="joined")
    withdrawn_by: Mapped[User | None] = relationship(foreign_keys=[withdrawn_by_id], lazy="joined")

    @property
    def label(self) -> str:
        return f"{self.number}/{self.year}"

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


class GroupTask(TenantScoped, db.Model):
    """Work a meeting gave a member: what, who, by when; done or not (and when, by whom)."""

    __tablename__ = "group_tasks"
    __table_args__ = (
        Index("ix_group_tasks_group_open", "tenant_id", "group_id", "done_at"),
        Index("ix_group_tasks_assignee", "tenant_id", "assignee_id", "done_at"),
        Index("ix_group_tasks_due", "tenant_id", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("working_groups.id", ondelete="CASCADE"))
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("group_meetings.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    due_on: Mapped[date]
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id], lazy="joined")

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_on < today


REMINDER_KINDS = {
    "meeting": _l("Meeting tomorrow"),
    "task_due": _l("Task due tomorrow"),
    "task_overdue": _l("Task overdue"),
}


class GroupReminder(TenantScoped, db.Model):
    """A reminder that went out: one per kind, object and person (the unique constraint makes a
    second run of the job, or two workers at once, send nothing more)."""

    __tablename__ = "group_reminders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "kind", "object_id", "user_id"),
        one_of("kind", REMINDER_KINDS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    #: the meeting's or the task's id
    object_id: Mapped[int]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
