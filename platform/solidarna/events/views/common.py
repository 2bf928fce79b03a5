"""What every page of events does first: load the event (404 when it is not this space's or
the viewer may not see it, so a draft looks like none) and answer a refused change."""

from __future__ import annotations

from flask import abort

from solidarna.core.errors import error_page
from solidarna.core.permissions import current_person
from solidarna.events.models import Event, EventApplication, EventSession
from solidarna.events.permissions import can_view_event
from solidarna.events.services import EventError
from solidarna.extensions import db


def load_event(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None or not can_view_event(current_person(), event):
        abort(404)
    return event


def load_application(event: Event, event_application_id: int) -> EventApplication:
    application = db.session.get(EventApplication, event_application_id)
    if application is None or application.event_id != event.id:
        abort(404)
    return application


def load_session(event: Event, session_id) -> EventSession | None:
    try:
        wanted = int(session_id)
    except (TypeError, ValueError):
        return None
    return next((s for s in event.sessions if s.id == wanted), None)


def show_error(form, error: EventError, fallback: str):
    """A refusal that belongs to a field goes on the form (422, what was typed kept); one that
    is not possible now (409) or not permitted (403) gets its page with the reason."""
    if form is None or (error.status in (403, 404) and not error.field):
        return error_page(error.status, detail=str(error))
    if error.status == 409 and not error.field:
        return error_page(409, detail=str(error))
    target = getattr(form, error.field or fallback, None) or getattr(form, fallback, None)
    if target is None:
        return error_page(error.status, detail=str(error))
    target.errors = [*target.errors, str(error)]
    return None
