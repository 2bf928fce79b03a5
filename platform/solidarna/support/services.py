"""Support cases: asking, working a case (status, advisor, priority, due day, notes,
messages, barriers) and erasing. Every change adds its audit entry; the caller commits.

Mail goes through core/notifications.notify (the outbox): the office's message to the
requester carries the signed reply link (support/tokens.py); the requester's message goes to
the case's advisor, or to every advisor while none is assigned."""

from __future__ import annotations

from datetime import date

from flask import has_request_context
from sqlalchemy import delete, select

from solidarna.core import audit, notifications, storage
from solidarna.core.evidence import today
from solidarna.core.i18n import local_zone
from solidarna.core.models import utcnow
from solidarna.core.urls import tenant_path
from solidarna.extensions import db
from solidarna.support.models import (
    TRANSITIONS,
    SupportCase,
    SupportCaseBarrier,
    SupportMessage,
    SupportNote,
)
from solidarna.tenants.models import Membership, Tenant

ATTACHMENTS = "documents"
ADVISOR_ROLES = ("admin", "owner")


class TransitionError(ValueError):
    """A status the case cannot move to from where it is."""


def month_of(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%Y-%m")


def advisors() -> list:
    """The space's advisors (its active admins and owners), by name."""
    rows = db.session.scalars(
        select(Membership).where(Membership.status == "active",
                                 Membership.role.in_(ADVISOR_ROLES))
    ).all()  # fmt: skip
    return sorted((m.user for m in rows), key=lambda u: (u.name or "").lower())


def _slug(case: SupportCase) -> str:
    return db.session.get(Tenant, case.tenant_id).slug


def _case_url(case: SupportCase) -> str:
    """The case's page (built without the request's space: the demo loads every space from one
    request, jobs have none)."""
    return tenant_path("support.case", _slug(case), case_id=case.id)


def create(data: dict, requester, organization=None) -> SupportCase:
    """A new request (`organization`: the OrganizationCard the requester asks for)."""
    now = utcnow()
    case = SupportCase(
        requester_id=requester.id,
        organization_id=getattr(organization, "id", None),
        organization_name=getattr(organization, "name", "") or "",
        category=data["category"],
        description=data["description"],
        municipality=data["municipality"],
        contact_method=data["contact_method"],
        phone=data.get("phone") or "",
        month=month_of(now),
        status="new",
        created_at=now,
    )
    db.session.add(case)
    db.session.flush()
    audit.record("support.requested", target=case, actor=requester)
    if has_request_context():
        notifications.notify(
            advisors(), kind="support.request", title=f"#{case.id}", url=_case_url(case),
            excerpt=case.description, actor=requester,
        )  # fmt: skip
    return case


def move(case: SupportCase, status: str, actor) -> None:
    if status == case.status:
        return
    if status not in TRANSITIONS.get(case.status, ()):
        raise TransitionError(status)
    old = case.status
    case.status = status
    if status == "resolved":
        case.resolved_at = utcnow()
    elif status == "in_progress" and old in ("resolved", "closed"):
        case.resolved_at = None
    audit.record("support.status_changed", target=case, actor=actor, old=old, new=status)


def manage(case: SupportCase, data: dict, actor) -> bool:
    """Status, advisor, priority and due day from the office's form; True if anything
    changed. Raises TransitionError before changing anything for a refused status."""
    if data["status"] != case.status and data["status"] not in TRANSITIONS[case.status]:
        raise TransitionError(data["status"])
    changed = False
    if data["status"] != case.status:
        move(case, data["status"], actor)
        changed = True
    advisor_id = data.get("advisor_id")
    if advisor_id != case.advisor_id:
        case.advisor_id = advisor_id
        advisor = db.session.get(notifications.user_model(), advisor_id) if advisor_id else None
        audit.record("support.assigned", target=case, actor=actor,
                     advisor=advisor.name if advisor else "—")  # fmt: skip
        if advisor is not None and has_request_context():
            notifications.notify(
                [advisor], kind="support.assigned", title=f"#{case.id}", url=_case_url(case),
                actor=actor,
            )  # fmt: skip
        changed = True
    if (data["priority"], data.get("due_on")) != (case.priority, case.due_on):
        case.priority = data["priority"]
        case.due_on = data.get("due_on")
        audit.record("support.changed", target=case, actor=actor)
        changed = True
    return changed


def add_note(case: SupportCase, body: str, actor) -> SupportNote:
    note = SupportNote(case_id=case.id, author_id=actor.id, body=body)
    db.session.add(note)
    audit.record("support.note_added", target=case, actor=actor)
    return note


def post_message(case: SupportCase, body: str, actor, *, from_requester: bool,
                 checked: storage.Checked | None = None) -> SupportMessage:  # fmt: skip
    """A message (and its attachment). The requester's answer to a case waiting for them
    moves it back in progress, and reopens a resolved one; the other side is mailed."""
    stored = storage.store(checked, ATTACHMENTS, actor) if checked is not None else None
    message = SupportMessage(
        case_id=case.id, author_id=actor.id, from_requester=from_requester, body=body,
        file_id=stored.id if stored else None,
    )  # fmt: skip
    db.session.add(message)
    db.session.flush()
    audit.record("support.message_sent", target=case, actor=actor)
    if from_requester and case.status in ("waiting", "resolved"):
        move(case, "in_progress", actor)
    if not has_request_context():
        return message
    if from_requester:
        advisor = db.session.get(notifications.user_model(), case.advisor_id) if (
            case.advisor_id) else None  # fmt: skip
        notifications.notify(
            [advisor] if advisor else advisors(), kind="support.reply", title=f"#{case.id}",
            url=_case_url(case), excerpt=body, actor=actor,
        )  # fmt: skip
    elif case.requester_id:
        from solidarna.support.tokens import reply_token

        requester = db.session.get(notifications.user_model(), case.requester_id)
        notifications.notify(
            [requester], kind="support.message", title=f"#{case.id}", url=_case_url(case),
            excerpt=body, actor=actor, mail_template="mail/support/message.txt",
            mail_context={"reply_link": notifications.absolute_url(
                "support.reply", tenant_slug=_slug(case), support_token=reply_token(case))},
        )  # fmt: skip
    return message


def set_barriers(case: SupportCase, codes: list[str], actor) -> bool:
    current = set(db.session.scalars(
        select(SupportCaseBarrier.code).where(SupportCaseBarrier.case_id == case.id)))  # fmt: skip
    wanted = set(codes)
    if wanted == current:
        return False
    if current - wanted:
        db.session.execute(
            delete(SupportCaseBarrier).where(SupportCaseBarrier.case_id == case.id,
                                             SupportCaseBarrier.code.in_(current - wanted))
        )  # fmt: skip
    db.session.add_all(
        SupportCaseBarrier(case_id=case.id, code=c) for c in sorted(wanted - current)
    )
    audit.record("support.barriers_tagged", target=case, actor=actor,
                 codes=", ".join(sorted(wanted)) or "—")  # fmt: skip
    return True


def barrier_codes(case: SupportCase) -> list[str]:
    return list(db.session.scalars(
        select(SupportCaseBarrier.code).where(SupportCaseBarrier.case_id == case.id)
        .order_by(SupportCaseBarrier.code)))  # fmt: skip


def erase(case: SupportCase, actor) -> None:
    """The requester's wish: the description, the contact, the organization, the messages,
    their attachments and the notes are gone; category, municipality, month, status and
    barriers stay for the anonymized counts."""
    for message in db.session.scalars(
        select(SupportMessage).where(SupportMessage.case_id == case.id)
    ):
        if message.file_id:
            record = db.session.get(storage.StoredFile, message.file_id)
            message.file_id = None
            db.session.flush()
            if record is not None:
                storage.delete_file(record)
    db.session.execute(delete(SupportMessage).where(SupportMessage.case_id == case.id))
    db.session.execute(delete(SupportNote).where(SupportNote.case_id == case.id))
    case.description = ""
    case.phone = ""
    case.organization_id = None
    case.organization_name = ""
    case.requester_id = None
    case.erased_at = utcnow()
    if case.is_open:
        case.status = "closed"
    audit.record("support.erased", target=case, actor=actor)


def is_overdue(case: SupportCase, day: date | None = None) -> bool:
    return case.is_overdue(day or today())
