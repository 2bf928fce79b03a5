"""Events of a space (tenant-scoped): trainings, workshops, info sessions, study visits and
fairs, each with one or more sessions (stored in UTC, typed and shown in Europe/Belgrade), a
place with a map point or an online link, who may apply and the application's questions
(core/questions.py); the applications (for oneself or for an organization one represents,
through core/representation.py), the office's reviews, the attendance per session and the
certificates of attendance."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.extensions import db

STATUSES = {
    "draft": _l("Draft"),
    "published": _l("Published"),
    "cancelled": _l("Cancelled"),
}
ELIGIBILITY = {
    "anyone": _l("Anyone with an account"),
    "members": _l("Members of the space"),
    "representatives": _l("Representatives of organizations of the chosen actor types"),
}
APPLICATION_STATUSES = {
    "pending": _l("Waiting for a decision"),
    "accepted": _l("Accepted"),
    "confirmed": _l("Confirmed"),
    "waitlisted": _l("On the waiting list"),
    "declined": _l("Declined"),
    "cancelled": _l("Cancelled"),
}
#: the statuses that hold a seat
SEATED = ("accepted", "confirmed")
#: the statuses a person may still cancel from
CANCELLABLE = ("pending", "accepted", "confirmed", "waitlisted")


class Event(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_tenant_status_starts", "tenant_id", "status", "starts_at"),
        one_of("status", STATUSES),
        one_of("eligibility", ELIGIBILITY),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    #: a code of the space's event types (`[taxonomies] event_types`, events/kit.py)
    kind: Mapped[str] = mapped_column(String(40))
    #: markdown, rendered through core/markdown.py when shown
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="draft")
    place: Mapped[str] = mapped_column(String(300), default="")
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    online_url: Mapped[str] = mapped_column(String(500), default="")
    #: seats (accepted and confirmed applications); None: no limit
    capacity: Mapped[int | None]
    eligibility: Mapped[str] = mapped_column(String(16), default="anyone")
    #: actor types (directory codes) whose representatives may apply ("representatives")
    actor_types: Mapped[list] = mapped_column(JSON, default=list)
    #: the application's questions, as core/questions.py reads them (code, kind, label, help,
    #: required, settings, condition), in order
    questions: Mapped[list] = mapped_column(JSON, default=list)
    #: the review rubric: [{"code", "label"}], each scored 1-5
    criteria: Mapped[list] = mapped_column(JSON, default=list)
    deadline: Mapped[datetime | None]
    #: when the deadline job (or the first late applicant) closed the applications
    applications_closed_at: Mapped[datetime | None]
    #: None: free; otherwise the fee in dinars
    fee: Mapped[int | None]
    accessibility: Mapped[str] = mapped_column(Text, default="")
    #: the follow-up survey's address (a research survey of the space, or any https link)
    survey_url: Mapped[str] = mapped_column(String(500), default="")
    #: the first session's start and the last one's end, kept by the services for lists
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: kept by the services so lists never count rows
    application_count: Mapped[int] = mapped_column(default=0)
    seated_count: Mapped[int] = mapped_column(default=0)
    waitlist_count: Mapped[int] = mapped_column(default=0)

    sessions: Mapped[list[EventSession]] = relationship(
        order_by="EventSession.starts_at", cascade="all, delete-orphan", back_populates="event"
    )

    @property
    def point(self) -> tuple[float, float] | None:
        if self.latitude is None or self.longitude is None:
            return None
        return self.latitude, self.longitude

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(0, self.capacity - self.seated_count)

    @property
    def is_full(self) -> bool:
        return self.capacity is not None and self.seated_count >= self.capacity


class EventSession(TenantScoped, db.Model):
    """One session of an event (a training of three days has three)."""

    __tablename__ = "event_sessions"
    __table_args__ = (Index("ix_event_sessions_tenant_starts", "tenant_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]

    event: Mapped[Event] = relationship(back_populates="sessions")


class EventApplication(TenantScoped, db.Model):
    """A person's application to an event, for themselves or on behalf of an organization they
    represent (both kept); one per person and event."""

    __tablename__ = "event_applications"
    __table_args__ = (
        UniqueConstraint("tenant_id", "event_id", "user_id"),
        UniqueConstraint("tenant_id", "checkin_code"),
        Index("ix_event_applications_event_status", "tenant_id", "event_id", "status", "id"),
        Index("ix_event_applications_user", "tenant_id", "user_id"),
        one_of("status", APPLICATION_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    #: {question code: answer in core/questions.py's normal form}
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    #: the office's message with its decision (mailed)
    message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    #: when the application went on the waiting list: the first in line moves up first
    waitlisted_at: Mapped[datetime | None]
    #: the short code the participant shows at the door (unique in the space)
    checkin_code: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: sessions attended, kept by the services
    attended_count: Mapped[int] = mapped_column(default=0)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    event: Mapped[Event] = relationship(foreign_keys=[event_id])


class ApplicationReview(TenantScoped, db.Model):
    """One reviewer's scores (1-5 per criterion of the rubric) and comment on an application."""

    __tablename__ = "event_application_reviews"
    __table_args__ = (UniqueConstraint("tenant_id", "application_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("event_applications.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scores: Mapped[dict] = mapped_column(JSON, default=dict)
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reviewer: Mapped[User | None] = relationship(lazy="joined")


class Attendance(TenantScoped, db.Model):
    """A participant present at one session (checked in by their code or marked by the
    office); once per session."""

    __tablename__ = "event_attendance"
    __table_args__ = (UniqueConstraint("tenant_id", "session_id", "application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("event_sessions.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("event_applications.id", ondelete="CASCADE"), index=True
    )
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
