"""The events' pages render with the same number of SQL statements whatever the number of
applications (DESIGN §9: no N+1): 3 and 60 applications, most accepted and checked in at the
first session, a few reviewed; bench/events.py measures the same pages at 2,000."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from solidarna.accounts.models import User
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.events.models import ApplicationReview, Attendance, Event, EventApplication
from solidarna.extensions import db
from tests.conftest import statements
from tests.events.helpers import ahead, make_event

#: SQL statements per page, at most (bench/events.py asserts the same at 2,000 applications)
CEILING = 25


@pytest.fixture(autouse=True)
def no_page_cache(app):
    app.config["PAGE_CACHE"] = False


def fill(tenant_id: int, event_id: int, count: int, start: int) -> None:
    """`count` applicants: four in five accepted and present at the first session, the rest
    waiting; every tenth reviewed."""
    now = utcnow()
    db.session.execute(insert(User), [
        {"email": f"ucesnik{start + n}@example.org", "name": f"Učesnik {start + n}",
         "password_hash": "x", "email_verified_at": now} for n in range(count)
    ])  # fmt: skip
    ids = list(db.session.scalars(select(User.id).where(User.email.like("ucesnik%"))
                                  .order_by(User.id)))[-count:]  # fmt: skip
    with tenant_context(tenant_id):
        event = db.session.get(Event, event_id)
        session_id = event.sessions[0].id
        rows = [{"tenant_id": tenant_id, "event_id": event_id, "user_id": uid, "answers": {},
                 "status": "accepted" if n % 5 else "pending", "checkin_code": f"B{event_id}X{n}",
                 "created_at": now, "attended_count": 1 if n % 5 else 0, "message": "",
                 "organization_name": ""} for n, uid in enumerate(ids)]  # fmt: skip
        db.session.execute(insert(EventApplication), rows)
        applications = list(db.session.scalars(
            select(EventApplication.id, ).where(EventApplication.event_id == event_id)
            .order_by(EventApplication.id)))[-count:]  # fmt: skip
        db.session.execute(insert(Attendance), [
            {"tenant_id": tenant_id, "session_id": session_id, "application_id": a,
             "checked_in_at": now} for n, a in enumerate(applications) if n % 5
        ])  # fmt: skip
        db.session.execute(insert(ApplicationReview), [
            {"tenant_id": tenant_id, "application_id": a, "reviewer_id": ids[0],
             "scores": {"motivation": 4}, "comment": "Dobro.", "created_at": now}
            for n, a in enumerate(applications) if n % 10 == 0
        ])  # fmt: skip
        event.application_count += count
        event.seated_count += sum(1 for n in range(count) if n % 5)
        db.session.commit()


def pages(event_id: int, application_id: int) -> list[str]:
    return [
        "/alfa/events/", "/alfa/events/?view=month", "/alfa/events/calendar.ics",
        f"/alfa/events/{event_id}/", f"/alfa/events/{event_id}/event.ics",
        f"/alfa/events/manage/{event_id}/applications",
        f"/alfa/events/manage/{event_id}/applications?status=accepted",
        f"/alfa/events/manage/{event_id}/applications/{application_id}",
        f"/alfa/events/manage/{event_id}/attendance",
    ]  # fmt: skip


def _count(client, path) -> int:
    with statements(db.engine) as seen:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(seen)


def test_event_pages_statements_do_not_grow_with_applications(world):
    small = make_event(world.space.id, world.admin, capacity=None,
                       sessions=[(ahead(3), ahead(3, 12)), (ahead(4), ahead(4, 12))])  # fmt: skip
    large = make_event(world.space.id, world.admin, capacity=None,
                       sessions=[(ahead(3), ahead(3, 12)), (ahead(4), ahead(4, 12))])  # fmt: skip
    fill(world.space.id, small, 3, 0)
    fill(world.space.id, large, 60, 100)
    with tenant_context(world.space.id):
        first = {e: db.session.scalar(select(EventApplication.id).where(
            EventApplication.event_id == e).order_by(EventApplication.id)) for e in (small, large)}  # fmt: skip
    office = world.client("office@example.org")
    for small_path, large_path in zip(pages(small, first[small]), pages(large, first[large]),
                                      strict=True):  # fmt: skip
        _count(office, small_path)  # warm (the space's first page loads what it keeps)
        at_small, at_large = _count(office, small_path), _count(office, large_path)
        assert at_small == at_large, (large_path, at_small, at_large)
        assert at_large <= CEILING, (large_path, at_large)


def test_the_list_does_not_ask_per_event(world):
    """The list shows each event's number of sessions: loaded with the page, not per event."""
    office = world.client("office@example.org")
    for _ in range(3):
        make_event(world.space.id, world.admin, capacity=None,
                   sessions=[(ahead(3), ahead(3, 12)), (ahead(4), ahead(4, 12))])  # fmt: skip
    _count(office, "/alfa/events/")
    at_three = _count(office, "/alfa/events/")
    for _ in range(12):
        make_event(world.space.id, world.admin, capacity=None,
                   sessions=[(ahead(5), ahead(5, 12)), (ahead(6), ahead(6, 12))])  # fmt: skip
    at_fifteen = _count(office, "/alfa/events/")
    assert at_three == at_fifteen, (at_three, at_fifteen)
