"""Cancelling an event: everyone who still had an application (waiting, accepted, confirmed,
on the waiting list) is mailed through the outbox, each in their own language, and nobody
who had already cancelled or was declined; the cancellation is audit-logged; the event's
page says it is cancelled and applying answers a clear 409."""

from __future__ import annotations

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.events.models import EventApplication
from solidarna.extensions import db
from tests.events.helpers import make_event


def _status_of(world, event_id, user, status):
    with tenant_context(world.space.id):
        row = db.session.scalar(db.select(EventApplication).where(
            EventApplication.event_id == event_id, EventApplication.user_id == user.id))  # fmt: skip
        row.status = status
        db.session.commit()


def test_cancelling_mails_the_applicants_in_their_language_and_closes_applying(
    world, outbox, make_user
):
    cyrillic = make_user(email="cyr@example.org", name="Ћирило Читалац", locale="sr_Cyrl")
    declined = make_user(email="declined@example.org", name="Dejan Odbijeni", locale="en")
    late = make_user(email="late@example.org", name="Lena Kasna", locale="en")
    event_id = make_event(world.space.id, world.admin, capacity=None)
    people = {"member@example.org": "accepted", "second@example.org": "confirmed",
              "third@example.org": "waitlisted", "cyr@example.org": "pending",
              "declined@example.org": "declined", "outsider@example.org": "cancelled"}  # fmt: skip
    users = {"member@example.org": world.member, "second@example.org": world.second,
             "third@example.org": world.third, "cyr@example.org": cyrillic,
             "declined@example.org": declined, "outsider@example.org": world.outsider}  # fmt: skip
    for email, status in people.items():
        assert world.client(email).post(f"/alfa/events/{event_id}/apply").status_code == 303
        _status_of(world, event_id, users[email], status)
    before = {email: len(outbox(to=email)) for email in people}
    office = world.client("office@example.org")
    done = office.post(f"/alfa/events/manage/{event_id}/status", {"status": "cancelled"})
    assert done.status_code == 303
    told = {email: outbox(to=email)[before[email] :] for email in people}
    for email in ("member@example.org", "second@example.org", "third@example.org"):
        assert len(told[email]) == 1, email
        assert "The event is cancelled" in told[email][0].body_text
        assert "Obuka za socijalna preduzeća" in told[email][0].subject
    # the Cyrillic reader's mail is in Cyrillic (the title and the greeting)
    assert len(told["cyr@example.org"]) == 1
    assert "Обука за социјална предузећа" in told["cyr@example.org"][0].subject
    assert "Ћирило" in told["cyr@example.org"][0].body_text
    assert "Hello" not in told["cyr@example.org"][0].body_text
    # a declined or withdrawn application is not told again
    assert told["declined@example.org"] == [] and told["outsider@example.org"] == []
    with tenant_context(world.space.id):
        entry = db.session.scalar(
            db.select(AuditEntry).where(AuditEntry.action == "event.cancellation_mailed")
        )
    assert entry is not None and entry.details.get("count") == 4
    # the page says so, and applying is refused with a clear message
    page = world.client().get(f"/alfa/events/{event_id}/").get_data(True)
    assert "This event is cancelled." in page
    newcomer = world.client()
    newcomer.login(late.email)
    refused = newcomer.get(f"/alfa/events/{event_id}/apply")
    assert refused.status_code == 409 and "cancelled" in refused.get_data(True)
    refused = newcomer.post(f"/alfa/events/{event_id}/apply")
    assert refused.status_code == 409 and "it takes no applications" in refused.get_data(True)
