"""Events' work: creating and changing an event and its sessions (typed in Europe/Belgrade,
stored in UTC), its application questions (core/questions.py), applying, reviewing and
deciding, confirming and cancelling (a cancelled seat goes to the first on the waiting list,
who is mailed), closing applications at the deadline (a periodic job), checking in by a
participant's code and the certificates' signed verification tokens.

Every refusal is an EventError with the message to show, the field it is about (if any) and
the status to answer with (422 next to a field, 409 for what is not possible now)."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select

from solidarna.core import audit, jobs, notifications, questions, representation
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.tenancy import cross_tenant, tenant_context
from solidarna.core.urls import tenant_path
from solidarna.events.models import (
    CANCELLABLE,
    SEATED,
    ApplicationReview,
    Attendance,
    Event,
    EventApplication,
    EventSession,
)
from solidarna.events.permissions import applications_open, eligible_organizations, may_apply
from solidarna.extensions import db
from solidarna.tenants.models import Tenant

FIELDS = (
    "title", "kind", "description", "place", "latitude", "longitude", "online_url",
    "capacity", "eligibility", "actor_types", "deadline", "fee", "accessibility", "survey_url",
)  # fmt: skip
MAX_SESSIONS = 10
MAX_QUESTIONS = 30
#: check-in codes: no 0/O, 1/I/L, so a code read aloud or off a phone is not mistaken
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
CERTIFICATE_SALT = "solidarna.events.certificate"

NOTIFICATION_KINDS = {
    "events.decision": _l("Decision on your application"),
    "events.promoted": _l("A seat for you at an event"),
    "events.application": _l("New application to an event"),
    "events.cancelled": _l("An event is cancelled"),
    "events.survey": _l("The follow-up survey of an event"),
}
#: the applications the office's cancellation of an event is mailed to
TOLD_OF_CANCELLATION = ("pending", "accepted", "confirmed", "waitlisted")


CANCELLED_MESSAGE = _l("This event is cancelled: it takes no applications.")


class EventError(Exception):
    def __init__(self, message, field: str = "", status: int = 422):
        super().__init__(message)
        self.message = message
        self.field = field
        self.status = status

    def __str__(self) -> str:
        return str(self.message)


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


# --- the event ------------------------------------------------------------------------------


def check(data: dict, sessions: list[tuple[datetime, datetime]], event: Event | None) -> None:
    """Sessions each end after they start, new ones lie ahead; a place or a link; the deadline
    comes before the first session."""
    now = utcnow()
    if not sessions:
        raise EventError(_l("An event needs at least one session."), "sessions")
    if len(sessions) > MAX_SESSIONS:
        raise EventError(_l("An event has at most %(count)d sessions.", count=MAX_SESSIONS),
                         "sessions")  # fmt: skip
    known = {(_aware(s.starts_at), _aware(s.ends_at)) for s in (event.sessions if event else [])}
    for number, (starts, ends) in enumerate(sessions, start=1):
        if ends <= starts:
            raise EventError(_l("Session %(number)d ends before it starts.", number=number),
                             "sessions")  # fmt: skip
        if (starts, ends) not in known and starts < now:
            raise EventError(
                _l("Session %(number)d: a new session is scheduled ahead; this time has passed.",
                   number=number), "sessions",
            )  # fmt: skip
    if not data.get("place") and not data.get("online_url"):
        raise EventError(_l("Give a place, an online link or both."), "place")
    first = min(starts for starts, _ends in sessions)
    if data.get("deadline") is not None and data["deadline"] > first:
        raise EventError(_l("The deadline for applications comes before the first session."),
                         "deadline_day")  # fmt: skip
    if data.get("capacity") is not None and data["capacity"] < 1:
        raise EventError(_l("The number of seats is at least 1 (leave it empty for no limit)."),
                         "capacity")  # fmt: skip


def _set_sessions(event: Event, sessions: list[tuple[datetime, datetime]]) -> bool:
    wanted = sorted(sessions)
    current = sorted((_aware(s.starts_at), _aware(s.ends_at)) for s in event.sessions)
    if wanted == current:
        return False
    keep = {(_aware(s.starts_at), _aware(s.ends_at)): s for s in event.sessions}
    event.sessions = [
        keep.get((starts, ends)) or EventSession(starts_at=starts, ends_at=ends)
        for starts, ends in wanted
    ]
    event.starts_at = wanted[0][0]
    event.ends_at = max(ends for _starts, ends in wanted)
    return True


def create(data: dict, sessions: list, by, criteria: list | None = None) -> Event:
    check(data, sessions, None)
    event = Event(created_by_id=getattr(by, "id", None), status="draft", criteria=criteria or [],
                  questions=[])  # fmt: skip
    for name in FIELDS:
        setattr(event, name, data.get(name))
    _set_sessions(event, sessions)
    db.session.add(event)
    db.session.flush()
    audit.record("event.created", target=event, actor=by)
    return event


def change(event: Event, data: dict, sessions: list, by=None) -> list[str]:
    if event.status == "cancelled":
        raise EventError(_l("A cancelled event is not changed any more."), status=409)
    check(data, sessions, event)
    changed = [name for name in FIELDS if getattr(event, name) != data.get(name)]
    for name in changed:
        setattr(event, name, data.get(name))
    if _set_sessions(event, sessions):
        changed.append("sessions")
    if (
        "deadline" in changed
        and event.applications_closed_at
        and (event.deadline is None or _aware(event.deadline) > utcnow())
    ):
        event.applications_closed_at = None  # a later deadline opens them again
    if changed:
        audit.record("event.changed", target=event, actor=by, fields=changed)
    if "capacity" in changed:
        promote(event)  # more seats: the waiting list moves up
    return changed


def move(event: Event, status: str, by=None) -> None:
    allowed = {"draft": ("published",), "published": ("cancelled", "draft"), "cancelled": ()}
    if status not in allowed.get(event.status, ()):
        raise EventError(_l("The event cannot move to that state."), status=409)
    if status == "draft" and event.application_count:
        raise EventError(_l("An event with applications goes back to draft no more; cancel it "
                            "instead."), status=409)  # fmt: skip
    audit.record("event.status_changed", target=event, actor=by, old=event.status, new=status)
    event.status = status
    if status == "cancelled":
        _tell_of_cancellation(event, by)


def _tell_of_cancellation(event: Event, by) -> int:
    """Mail everyone who still had an application (waiting, accepted, confirmed or on the
    waiting list) that the event is cancelled, each in their own language; audit-logged with
    how many were told."""
    rows = list(
        db.session.scalars(
            select(EventApplication).where(
                EventApplication.event_id == event.id,
                EventApplication.status.in_(TOLD_OF_CANCELLATION),
            )
        )
    )
    tell_applicants(rows, "events.cancelled", event.title,
                    _l("The event is cancelled. We are sorry for the inconvenience."), by,
                    subject=("event_cancelled", event.id))  # fmt: skip
    audit.record("event.cancellation_mailed", target=event, actor=by, count=len(rows))
    return len(rows)


def add_question(event: Event, data: dict, by=None) -> dict:
    """A question of the application (checked by core/questions.py like a survey's)."""
    rows = list(event.questions or [])
    if len(rows) >= MAX_QUESTIONS:
        raise EventError(_l("An application has at most %(count)d questions.",
                            count=MAX_QUESTIONS), "label")  # fmt: skip
    taken = {q["code"] for q in rows}
    code = data.get("code") or ""
    if not code:
        from solidarna.core.questions import suggest_code

        code = suggest_code(data["label"], taken)
    if not questions.CODE.match(code):
        raise EventError(_l("A code is lowercase letters, digits and _, starting with a letter."),
                         "code")  # fmt: skip
    if code in taken:
        raise EventError(_l("Another question has this code."), "code")
    row = {**data, "code": code}
    problems = questions.condition_problems([*rows, row])
    if problems:
        raise EventError(problems[0].message, "condition_question")
    event.questions = [*rows, row]
    audit.record("event.questions_changed", target=event, actor=by, added=code)
    return row


def remove_question(event: Event, number: int, by=None) -> None:
    rows = list(event.questions or [])
    if not 1 <= number <= len(rows):
        raise EventError(_l("There is no such question."), status=404)
    removed = rows.pop(number - 1)
    if questions.condition_problems(rows):
        raise EventError(_l("Another question depends on this one: remove that one first."),
                         status=409)  # fmt: skip
    event.questions = rows
    audit.record("event.questions_changed", target=event, actor=by, removed=removed["code"])


# --- applying -------------------------------------------------------------------------------


def application_of(event: Event, user) -> EventApplication | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(EventApplication).where(
            EventApplication.event_id == event.id, EventApplication.user_id == user.id
        )
    )


def read_answers(event: Event, form) -> tuple[dict, dict, dict]:
    """(answers, typed, errors) of the application's questions from a submitted form; only
    the questions shown (display conditions) count."""
    rows = event.questions or []
    reads = {q["code"]: questions.read(q, form) for q in rows}
    values = {code: r.value for code, r in reads.items() if r.value is not None}
    shown = questions.visible(rows, values)
    answers = {code: value for code, value in values.items() if code in shown}
    typed = {code: r.typed for code, r in reads.items()}
    errors = {code: r.error for code, r in reads.items() if r.error and code in shown}
    return answers, typed, errors


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        taken = db.session.scalar(
            select(EventApplication.id).where(EventApplication.checkin_code == code)
        )
        if taken is None:
            return code


def close_if_late(event: Event, now=None) -> bool:
    """Close the applications of an event past its deadline, or whose first session began
    (once). A write, so the pages kept for visitors (the space's home, the event's page)
    stop offering it the moment the deadline job sees it."""
    now = now or utcnow()
    if event.applications_closed_at:
        return False
    if event.deadline is not None and now >= _aware(event.deadline):
        event.applications_closed_at = now
        audit.record("event.applications_closed", target=event, actor=None)
        return True
    if event.starts_at is not None and now >= _aware(event.starts_at):
        event.applications_closed_at = now
        audit.record("event.began", target=event, actor=None)
        return True
    return False


def apply(event: Event, user, answers: dict, organization_id: int | None = None,
          waitlist: bool = False) -> EventApplication:  # fmt: skip
    """A new application; a full event takes it on the waiting list only when the person
    asked for that (`waitlist`), else says it is full."""
    if event.status == "cancelled":
        raise EventError(CANCELLED_MESSAGE, status=409)
    if close_if_late(event):
        db.session.commit()
    if not applications_open(event):
        raise EventError(_l("Applications to this event are closed."), status=409)
    if not may_apply(user, event):
        raise EventError(_l("This event is not open to you."), status=403)
    if application_of(event, user) is not None:
        raise EventError(_l("You have already applied to this event."), status=409)
    name = ""
    if organization_id is not None:
        cards = {card.id: card for card in eligible_organizations(user, event)}
        if organization_id not in cards or not representation.may_act_for(user, organization_id):
            raise EventError(_l("You do not represent this organization here."),
                             "organization_id")  # fmt: skip
        name = cards[organization_id].name
    elif event.eligibility == "representatives":
        raise EventError(_l("Apply on behalf of an organization you represent."),
                         "organization_id")  # fmt: skip
    status = "pending"
    if event.is_full:
        if not waitlist:
            raise EventError(
                _l("The event is full. You may apply for the waiting list: you move up when a "
                   "seat is freed."), "waitlist", status=409,
            )  # fmt: skip
        status = "waitlisted"
    application = EventApplication(
        event_id=event.id, user_id=user.id, organization_id=organization_id,
        organization_name=name, answers=answers, status=status, checkin_code=_new_code(),
        waitlisted_at=utcnow() if status == "waitlisted" else None,
    )  # fmt: skip
    db.session.add(application)
    event.application_count += 1
    if status == "waitlisted":
        event.waitlist_count += 1
    db.session.flush()
    _tell_office(event, application, user)
    return application


def _office(event: Event) -> list:
    from solidarna.accounts.models import User
    from solidarna.tenants.models import Membership

    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.status == "active", Membership.role.in_(("owner", "admin")))
        )
    )


def _path(endpoint: str, event_or_id, **values) -> str:
    """A path in the event's space, with or without a request (the demo, the deadline job)."""
    event = event_or_id if isinstance(event_or_id, Event) else db.session.get(Event, event_or_id)
    return tenant_path(endpoint, db.session.get(Tenant, event.tenant_id).slug, **values)


def _tell_office(event: Event, application: EventApplication, user) -> None:
    notifications.notify(
        _office(event), kind="events.application", title=f"{user.name} · {event.title}",
        url=_path("event_admin.application", event, event_id=event.id,
                  event_application_id=application.id),
        actor=user, subject_type="event", subject_id=event.id,
    )  # fmt: skip


def _tell_applicant(application: EventApplication, kind: str, title: str, excerpt,
                    by=None) -> None:  # fmt: skip
    """Notify the applicant about their application (mailed by their settings; while a mail
    about it is unread, no other is sent), the excerpt in their own language."""
    tell_applicants([application], kind, title, excerpt, by,
                    subject=("event_application", application.id))  # fmt: skip


def tell_applicants(applications, kind: str, title: str, excerpt, by=None, *,
                    subject: tuple[str, int], url: str | None = None) -> int:  # fmt: skip
    """Notify the applicants of one event (mailed by their settings), a lazy `excerpt`
    written in each one's own language: one `notify` per language, whatever their number.
    `subject` groups the mails (core/notifications.py). Returns how many were notified."""
    rows = list(applications)
    if not rows:
        return 0
    tenant = db.session.get(Tenant, rows[0].tenant_id)
    url = url or _path("event_applications.mine", rows[0].event_id, event_id=rows[0].event_id)
    return notifications.notify_each_language(
        [application.user for application in rows], excerpt, tenant=tenant, kind=kind,
        title=title, actor=by, url=url, subject_type=subject[0], subject_id=subject[1],
    )  # fmt: skip


# --- the office's review and decisions --------------------------------------------------------


def review(application: EventApplication, rubric: list[dict], scores: dict, comment: str,
           by) -> ApplicationReview:  # fmt: skip
    """One reviewer's scores (1-5 for each criterion of the rubric) and comment; a second
    review by the same person replaces the first."""
    codes = [c["code"] for c in rubric]
    clean = {}
    for code in codes:
        value = scores.get(code)
        if value is None:
            continue
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise EventError(_l("Score each criterion from 1 to 5."), f"score_{code}")
        clean[code] = value
    if not clean and not comment:
        raise EventError(_l("Give at least one score or a comment."), "comment")
    row = db.session.scalar(
        select(ApplicationReview).where(
            ApplicationReview.application_id == application.id,
            ApplicationReview.reviewer_id == by.id,
        )
    )
    if row is None:
        row = ApplicationReview(application_id=application.id, reviewer_id=by.id)
        db.session.add(row)
    row.scores, row.comment, row.created_at = clean, comment, utcnow()
    audit.record("event.application_reviewed", target=application.event, actor=by,
                 person=application.user.name)  # fmt: skip
    return row


DECISIONS = {"accept": "accepted", "waitlist": "waitlisted", "decline": "declined"}


def _leave(event: Event, status: str) -> None:
    if status in SEATED:
        event.seated_count = max(0, event.seated_count - 1)
    if status == "waitlisted":
        event.waitlist_count = max(0, event.waitlist_count - 1)


def _enter(event: Event, application: EventApplication, status: str) -> None:
    if status in SEATED:
        event.seated_count += 1
    if status == "waitlisted":
        event.waitlist_count += 1
        application.waitlisted_at = utcnow()
    application.status = status


def decide(application: EventApplication, decision: str, message: str, by) -> None:
    """Accept, put on the waiting list or decline, with a message mailed to the person."""
    if decision not in DECISIONS:
        raise EventError(_l("Choose to accept, to put on the waiting list or to decline."),
                         "decision")  # fmt: skip
    event = application.event
    new = DECISIONS[decision]
    if event.status == "cancelled":
        raise EventError(_l("The event is cancelled."), status=409)
    if application.status == "cancelled":
        raise EventError(_l("The person cancelled this application."), status=409)
    if new == application.status or (new == "accepted" and application.status == "confirmed"):
        raise EventError(_l("The application already has this decision."), status=409)
    if new == "accepted" and application.status not in SEATED and event.is_full:
        raise EventError(
            _l("All seats are taken: put the person on the waiting list, or add seats first."),
            "decision", status=409,
        )  # fmt: skip
    _leave(event, application.status)
    _enter(event, application, new)
    application.message = message
    application.decided_by_id, application.decided_at = by.id, utcnow()
    audit.record("event.application_decided", target=event, actor=by,
                 person=application.user.name, new=new)  # fmt: skip
    _tell_applicant(application, "events.decision", event.title,
                    message or _status_sentence(new), by)  # fmt: skip
    if new not in SEATED:
        promote(event)


def _status_sentence(status: str):
    return {
        "accepted": _l("Your application is accepted. Please confirm that you are coming."),
        "waitlisted": _l("Your application is on the waiting list."),
        "declined": _l("Your application is declined."),
    }[status]


def confirm(application: EventApplication) -> None:
    if application.status != "accepted":
        raise EventError(_l("Only an accepted application is confirmed."), status=409)
    application.status = "confirmed"


def cancel(application: EventApplication, by) -> None:
    """The person withdraws (or the office cancels for them); a freed seat goes to the first on
    the waiting list."""
    if application.status not in CANCELLABLE:
        raise EventError(_l("This application cannot be cancelled any more."), status=409)
    event = application.event
    freed = application.status in SEATED
    _leave(event, application.status)
    application.status = "cancelled"
    audit.record("event.application_cancelled", target=event, actor=by,
                 person=application.user.name)  # fmt: skip
    if freed:
        promote(event)


def promote(event: Event) -> list[EventApplication]:
    """Move the first on the waiting list up while there are free seats; each is mailed."""
    moved = []
    while not event.is_full and event.status == "published":
        first = db.session.scalar(
            select(EventApplication)
            .where(EventApplication.event_id == event.id, EventApplication.status == "waitlisted")
            .order_by(EventApplication.waitlisted_at, EventApplication.id)
            .limit(1)
        )
        if first is None:
            break
        _leave(event, "waitlisted")
        _enter(event, first, "accepted")
        first.decided_at = utcnow()
        audit.record("event.application_promoted", target=event, actor=None,
                     person=first.user.name)  # fmt: skip
        _tell_applicant(first, "events.promoted", event.title,
                        _l("A seat was freed and it is yours. Please confirm that you are "
                           "coming."))  # fmt: skip
        db.session.flush()
        moved.append(first)
    return moved


# --- deadlines ------------------------------------------------------------------------------


def close_deadlines(now=None) -> int:
    """Close the applications of every space's events past their deadline or begun; running it twice
    closes nothing the second time. The caller commits."""
    from solidarna.tenants.models import Tenant

    now = now or utcnow()
    with cross_tenant():  # deliberately every space's: a scheduled job, each then on its own
        rows = db.session.execute(
            select(Event.tenant_id, Event.id).where(
                Event.applications_closed_at.is_(None), Event.status == "published",
                or_(Event.deadline <= now, Event.starts_at <= now),
            )
        ).all()  # fmt: skip
        known = set(db.session.scalars(select(Tenant.id)))
    count = 0
    for tenant_id, event_id in rows:
        if tenant_id not in known:
            continue
        with tenant_context(tenant_id):
            event = db.session.get(Event, event_id)
            if event is not None and close_if_late(event, now):
                count += 1
            db.session.flush()
    return count


@jobs.periodic("events.close_deadlines", jobs.crontab(minute="*/5"))
def close_deadlines_job() -> None:
    close_deadlines()
    db.session.commit()


# --- attendance -----------------------------------------------------------------------------


def check_in(event: Event, session: EventSession, code: str, by) -> EventApplication:
    """Check a participant in at a session by the code they show; a code of no accepted
    application of this event, or one already used at this session, is refused."""
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if not code or len(code) > 12:
        raise EventError(_l("Type the participant's code."), "code")
    application = db.session.scalar(
        select(EventApplication).where(
            EventApplication.event_id == event.id, EventApplication.checkin_code == code
        )
    )
    if application is None or application.status not in SEATED:
        raise EventError(_l("This code is not valid for this event."), "code")
    return mark(application, session, by)


def mark(application: EventApplication, session: EventSession, by) -> EventApplication:
    if application.status not in SEATED:
        raise EventError(_l("Only accepted participants are checked in."), status=409)
    seen = db.session.scalar(
        select(Attendance.id).where(
            Attendance.session_id == session.id, Attendance.application_id == application.id
        )
    )
    if seen is not None:
        raise EventError(_l("This code was already used for this session."), "code", 409)
    db.session.add(Attendance(session_id=session.id, application_id=application.id,
                              checked_in_by_id=getattr(by, "id", None)))  # fmt: skip
    application.attended_count += 1
    audit.record("event.checked_in", target=application.event, actor=by,
                 person=application.user.name)  # fmt: skip
    return application


def attended(event: Event) -> dict[int, set[int]]:
    """{application id: {session ids}} of the event, in one statement."""
    found: dict[int, set[int]] = {}
    rows = db.session.execute(
        select(Attendance.application_id, Attendance.session_id)
        .join(EventSession, EventSession.id == Attendance.session_id)
        .where(EventSession.event_id == event.id)
    )
    for application_id, session_id in rows:
        found.setdefault(application_id, set()).add(session_id)
    return found


# --- certificates ---------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CERTIFICATE_SALT)


def has_certificate(application: EventApplication) -> bool:
    """A participant who attended at least one session has a certificate of attendance."""
    return application.status in SEATED and application.attended_count > 0


def certificate_token(application: EventApplication) -> str:
    return _serializer().dumps({"a": application.id, "t": application.tenant_id,
                                "c": application.checkin_code})  # fmt: skip


def read_certificate(token: str, tenant_id: int) -> EventApplication | None:
    """The application behind a certificate's token, if it is this space's and still earns a
    certificate; a forged or another space's token reads None."""
    if not token or len(token) > 300:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("t") != tenant_id or not isinstance(
        data.get("a"), int
    ):  # fmt: skip
        return None
    application = db.session.get(EventApplication, data["a"])
    if application is None or application.checkin_code != data.get("c"):
        return None
    return application if has_certificate(application) else None


def counts(event: Event) -> dict[str, int]:
    """{status: number} of the event's applications, in one statement."""
    return dict(
        db.session.execute(
            select(EventApplication.status, func.count())
            .where(EventApplication.event_id == event.id)
            .group_by(EventApplication.status)
        ).all()
    )
