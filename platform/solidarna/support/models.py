"""Support requests to the office (tenant-scoped): a person (or a representative for an
organization) asks for help; the office works the request as a case.

A case moves through STATUSES along TRANSITIONS (a resolved or closed case may be reopened);
the office assigns an advisor, a priority and a due day, keeps private notes (never shown to
the requester) and writes messages with the requester (mailed both ways, with attachments).
Advisors tag a case with barrier codes (the kit's `support_barriers`): the recurring
barriers are the evidence the office brings to advocacy.

The columns the anonymized counts read (category, municipality, month, barriers, status) are
kept when a requester erases their request: `erase` empties everything personal."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, TimestampMixin, one_of, utcnow
from solidarna.extensions import db

STATUSES = {
    "new": _l("New"),
    "triaged": _l("Triaged"),
    "in_progress": _l("In progress"),
    "waiting": _l("Waiting for the requester"),
    "resolved": _l("Resolved"),
    "closed": _l("Closed"),
}
#: where a case may go from each status (resolved and closed: reopened to "in progress")
TRANSITIONS = {
    "new": ("triaged", "in_progress", "closed"),
    "triaged": ("in_progress", "waiting", "resolved", "closed"),
    "in_progress": ("waiting", "resolved", "closed"),
    "waiting": ("in_progress", "resolved", "closed"),
    "resolved": ("in_progress", "closed"),
    "closed": ("in_progress",),
}
OPEN_STATUSES = ("new", "triaged", "in_progress", "waiting")
PRIORITIES = {
    "low": _l("Low"),
    "normal": _l("Normal"),
    "high": _l("High"),
    "urgent": _l("Urgent"),
}
PRIORITY_RANK = {"urgent": 0, "high": 1, "normal": 2, "low": 3}
CONTACTS = {
    "email": _l("By e-mail"),
    "phone": _l("By phone"),
    "meeting": _l("In person, at the office"),
}


class SupportCase(TenantScoped, TimestampMixin, db.Model):
    __tablename__ = "support_cases"
    __table_args__ = (
        Index("ix_support_cases_tenant_status", "tenant_id", "status"),
        Index("ix_support_cases_tenant_requester", "tenant_id", "requester_id"),
        Index("ix_support_cases_tenant_month", "tenant_id", "month"),
        one_of("status", STATUSES),
        one_of("priority", PRIORITIES),
        one_of("contact_method", CONTACTS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: None once erased (or the account deleted)
    requester_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the organization the requester asked for (core/representation.py), by id and name
    organization_id: Mapped[int | None]
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    municipality: Mapped[str] = mapped_column(String(100))
    contact_method: Mapped[str] = mapped_column(String(10), default="email")
    phone: Mapped[str] = mapped_column(String(40), default="")
    #: YYYY-MM in Belgrade when the request came: what the anonymized counts group by
    month: Mapped[str] = mapped_column(String(7))
    status: Mapped[str] = mapped_column(String(12), default="new")
    priority: Mapped[str] = mapped_column(String(10), default="normal")
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]
    resolved_at: Mapped[datetime | None]
    #: the requester erased it: the personal content is gone, the counts stay
    erased_at: Mapped[datetime | None]

    requester = relationship("User", foreign_keys=[requester_id])
    advisor = relationship("User", foreign_keys=[advisor_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date) -> bool:
        return bool(self.is_open and self.due_on and self.due_on < today)


class SupportNote(TenantScoped, db.Model):
    """The office's private note on a case: never shown to the requester."""

    __tablename__ = "support_notes"
    __table_args__ = (Index("ix_support_notes_case", "tenant_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_cases.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")


class SupportMessage(TenantScoped, db.Model):
    """A message between the office and the requester, with an optional attachment."""

    __tablename__ = "support_messages"
    __table_args__ = (Index("ix_support_messages_case", "tenant_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_cases.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: written by the requester (else by the office)
    from_requester: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    file_id: Mapped[int | None] = mapped_column(ForeignKey("stored_files.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User")
    file = relationship("StoredFile")


class SupportCaseBarrier(TenantScoped, db.Model):
    """A barrier code (the kit's `support_barriers`) an advisor tagged the case with."""

    __tablename__ = "support_case_barriers"
    __table_args__ = (
        UniqueConstraint("tenant_id", "case_id", "code"),
        Index("ix_support_case_barriers_code", "tenant_id", "code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("support_cases.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))


def _audit_label(case: SupportCase) -> str:
    return f"#{case.id}"


SupportCase.audit_label = property(_audit_label)
