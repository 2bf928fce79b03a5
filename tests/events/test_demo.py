"""The demo's events: two past trainings in Kruševac with attendance and certificates, an
upcoming info session with applications, a workshop in KoRSE; the pages the issue names answer
(the calendar, an .ics that parses, a certificate's verification: 200 real, 404 forged)."""

from __future__ import annotations

from icalendar import Calendar

from solidarna.core.tenancy import tenant_context
from solidarna.events import services
from solidarna.events.models import Event, EventApplication
from solidarna.extensions import db
from solidarna.tenants.models import Tenant
from tests.conftest import Client


def test_demo_events_load_once_and_answer(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "4 new events" in first.output
    assert "0 new events" in runner.invoke(args=["demo", "load"]).output
    krusevac = db.session.scalar(db.select(Tenant).where(Tenant.slug == "krusevac"))
    db.session.expire_all()
    with tenant_context(krusevac.id):
        events = {e.title: e for e in db.session.scalars(db.select(Event))}
        info = events["Info sesija: javni poziv za socijalna preduzeća 2027"]
        statuses = sorted(db.session.scalars(db.select(EventApplication.status).where(
            EventApplication.event_id == info.id)))  # fmt: skip
        training = events["Obuka: pokretanje socijalnog preduzeća"]
        certified = [a for a in db.session.scalars(db.select(EventApplication).where(
            EventApplication.event_id == training.id)) if services.has_certificate(a)]  # fmt: skip
        token = services.certificate_token(certified[0])
        past = [e for e in events.values() if e.kind == "training"]
    assert statuses == ["accepted", "confirmed", "pending", "waitlisted"]
    assert len(certified) == 3 and len(past) == 2
    visitor = Client(app)
    assert visitor.get("/krusevac/events/").status_code == 200
    assert "Obuka: pokretanje" in visitor.get("/krusevac/events/?when=past").get_data(True)
    assert visitor.get("/krusevac/events/?view=month").status_code == 200
    feed = visitor.get("/krusevac/events/calendar.ics")
    assert len(Calendar.from_ical(feed.data).walk("VEVENT")) >= 6
    assert visitor.get(f"/krusevac/events/certificates/{token}").status_code == 200
    forged = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    assert visitor.get(f"/krusevac/events/certificates/{forged}").status_code == 404
    assert "Radionica" in visitor.get("/korse/events/").get_data(True)
