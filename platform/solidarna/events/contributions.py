"""What events offer the platform through core registries: events as subjects (so an event
links to its follow-up survey through core/links.py without importing research), the space
home's figure and its upcoming events (in the home's activity, soonest first), and the page
cache's marker of the events' public pages."""

from __future__ import annotations

import functools

from flask import g, url_for
from flask_login import current_user
from sqlalchemy import bindparam, func, select

from solidarna.core.activity import ActivityItem
from solidarna.core.i18n import format_moment, local_zone
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.pagecache import FrontMarker
from solidarna.core.registry import Figure
from solidarna.core.subjects import Subject, SubjectType
from solidarna.events.models import Event
from solidarna.events.permissions import can_manage_events
from solidarna.extensions import db

#: an event's follow-up survey (core/links.py): event -> survey, one at most
FOLLOW_UP = "follow_up_survey"
#: how many upcoming events the space's home shows
ON_THE_HOME = 3


def resolve_events(ids: list[int]) -> dict[int, Subject]:
    query = select(Event.id, Event.title).where(Event.id.in_(ids))
    if not can_manage_events(current_user, g.get("tenant")):
        query = query.where(Event.status != "draft")
    return {
        eid: Subject("event", eid, title, url_for("events.detail", event_id=eid))
        for eid, title in db.session.execute(query)
    }


EVENT_SUBJECT = SubjectType("event", _l("Event"), resolve_events)


def _upcoming():
    return (Event.status == "published", Event.starts_at > utcnow())


def event_figures(tenant) -> list[Figure]:
    count = db.session.scalar(select(func.count(Event.id)).where(*_upcoming()))
    return [Figure(str(_l("Upcoming events")), count or 0, url_for("events.index"))]


def upcoming_events(tenant, limit: int) -> list[ActivityItem]:
    """The soonest published events not yet begun (at most three), in the feed when they were
    last changed (published), their start in the excerpt. They leave the home when they begin: the deadline job closes their applications then,
    a write that changes the space's marker (services.close_if_late)."""
    rows = db.session.scalars(
        select(Event).where(*_upcoming()).order_by(Event.starts_at, Event.id)
        .limit(min(limit, ON_THE_HOME))
    ).all()  # fmt: skip
    return [
        ActivityItem(
            when=event.updated_at, label=str(_l("Upcoming event")), title=event.title,
            url=url_for("events.detail", event_id=event.id),
            excerpt=" · ".join(part for part in (format_moment(event.starts_at, "short"),
                                                 event.place or "") if part),
        )
        for event in rows
    ]  # fmt: skip


@functools.cache
def _moments_statement():
    """The space's state and how many of its events' deadlines, beginnings and ends have
    passed by `:now` (one figure), in one row: built once (a `FrontMarker`'s statement)."""
    from solidarna.core import pagecache

    events = Event.__table__
    now = bindparam("now", type_=events.c.starts_at.type)
    moments = (events.c.deadline <= now, events.c.starts_at <= now, events.c.ends_at < now)
    return pagecache.space_state_counting(events, moments)


def _events_state(read, slug):
    """The page cache's marker of the events' public pages (core/pagecache.py): the space's
    state, today's date (the month view marks today), and how many of the space's events
    are past their deadline, have begun and have ended by now, so an event moves from
    "ahead" to "past", and its page stops offering to apply, without a write in the space.
    Read by the front door as well as the view (`pagecache.FrontMarker`): one statement (the
    space's row, and one sum over its events on their tenant index)."""
    from solidarna.core import pagecache

    if not slug or len(slug) > 40:
        return None
    now = utcnow()
    rows = read(_moments_statement(), {"slug": slug, "now": now})
    if not rows:
        return None
    row = rows[0]
    day = now.astimezone(local_zone()).date().isoformat()
    state = pagecache.tenant_state_of(row)
    passed = tuple(int(n or 0) for n in row[4:])
    return ("events", *state[1:], day, *passed), row.default_locale


def _events_prefetch():
    """The marker's statement and its clock, read with the space in a logged-in person's
    request (`FrontMarker.prefetch`)."""
    return _moments_statement(), {"now": utcnow()}


events_marker = FrontMarker(_events_state, prefetch=_events_prefetch)
