"""The space's calendar of events: the sessions of a month laid out in weeks (Monday first,
days in Europe/Belgrade), the list of what is ahead (or past), and the iCalendar feeds
(core/documents.ics) of the space and of one event."""

from __future__ import annotations

import calendar as stdlib_calendar
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from solidarna.core import documents
from solidarna.core.i18n import local_parts, local_to_utc
from solidarna.core.models import utcnow
from solidarna.events.models import Event, EventSession
from solidarna.extensions import db

PER_PAGE = 20
#: the feed: what ended at most this long ago, and everything ahead
FEED_PAST = timedelta(days=90)
FEED_LIMIT = 500


@dataclass
class Day:
    day: date
    in_month: bool
    sessions: list = field(default_factory=list)


def _shown():
    return Event.status.in_(("published", "cancelled"))


def month_of(value: str | None, today: date) -> date:
    """`YYYY-MM` from the address (anything else: this month)."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        if 1900 < year < 3000 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def month(first: date, manager: bool = False) -> list[list[Day]]:
    """The weeks of a month, each day with its sessions (and their events), one statement."""
    weeks = stdlib_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = local_to_utc(weeks[0][0], time(0))
    end = local_to_utc(weeks[-1][-1] + timedelta(days=1), time(0))
    query = (
        select(EventSession)
        .join(EventSession.event)
        .options(contains_eager(EventSession.event))
        .where(EventSession.starts_at >= start, EventSession.starts_at < end)
        .order_by(EventSession.starts_at, EventSession.id)
    )
    if not manager:
        query = query.where(_shown())
    by_day: dict[date, list] = {}
    for session in db.session.scalars(query):
        by_day.setdefault(local_parts(session.starts_at)[0], []).append(session)
    return [[Day(d, d.month == first.month, by_day.get(d, [])) for d in week] for week in weeks]


def listed(past: bool, page: int, manager: bool = False) -> tuple[list[Event], int]:
    """Events ahead (soonest first) or past (latest first), a page at a time, and how many."""
    from sqlalchemy import func

    now = utcnow()
    where = [Event.ends_at < now] if past else [Event.ends_at >= now]
    if not manager:
        where.append(_shown())
    total = db.session.scalar(select(func.count()).select_from(Event).where(*where)) or 0
    order = (Event.starts_at.desc(), Event.id.desc()) if past else (Event.starts_at, Event.id)
    found = list(
        db.session.scalars(
            select(Event).where(*where).order_by(*order)
            .options(selectinload(Event.sessions))  # the list shows each one's sessions
            .limit(PER_PAGE).offset((page - 1) * PER_PAGE)
        )
    )  # fmt: skip
    return found, total


def _uid(session: EventSession, host: str) -> str:
    return f"event-{session.event_id}-session-{session.id}@{host}"


def calendar_events(sessions, host: str) -> list[documents.CalendarEvent]:
    found = []
    for session in sessions:
        event = session.event
        summary = event.title if event.status != "cancelled" else f"[X] {event.title}"
        location = ", ".join(p for p in (event.place, event.online_url) if p)
        found.append(
            documents.CalendarEvent(
                uid=_uid(session, host), summary=summary, starts_at=session.starts_at,
                ends_at=session.ends_at, location=location,
                url=url_for("events.detail", event_id=event.id, _external=True),
                description=event.description[:2000], stamp=event.updated_at,
            )
        )  # fmt: skip
    return found


def feed_sessions() -> list[EventSession]:
    since = utcnow() - FEED_PAST
    return list(
        db.session.scalars(
            select(EventSession).join(EventSession.event)
            .options(contains_eager(EventSession.event))
            .where(_shown(), EventSession.ends_at >= since)
            .order_by(EventSession.starts_at).limit(FEED_LIMIT)
        )
    )  # fmt: skip
