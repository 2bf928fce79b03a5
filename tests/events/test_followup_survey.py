"""The follow-up survey is a link to one of the space's surveys (core/links.py), never to
another space's: the office chooses it, after the event the accepted participants see it on
their application page (others do not), and the office mails it to them, each once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from solidarna.core import links
from solidarna.core.audit import AuditEntry
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.events import followup
from solidarna.events.models import Event, EventApplication
from solidarna.events.services import EventError
from solidarna.extensions import db
from solidarna.research.models import Survey
from tests.conftest import field_error
from tests.events.helpers import make_event


def _survey(tenant_id, title, status="open") -> int:
    with tenant_context(tenant_id):
        survey = Survey(title=title, status=status)
        db.session.add(survey)
        db.session.commit()
        return survey.id


def _seat(world, event_id, user, status):
    with tenant_context(world.space.id):
        row = db.session.scalar(db.select(EventApplication).where(
            EventApplication.event_id == event_id, EventApplication.user_id == user.id))  # fmt: skip
        row.status = status
        db.session.commit()


def _end(world, event_id):
    """The event took place (its session moved into the past)."""
    with tenant_context(world.space.id):
        event = db.session.get(Event, event_id)
        past = utcnow() - timedelta(days=2)
        event.sessions[0].starts_at, event.sessions[0].ends_at = past, past + timedelta(hours=6)
        event.starts_at, event.ends_at = past, past + timedelta(hours=6)
        db.session.commit()


def test_the_office_links_a_survey_and_participants_get_it_after_the_event(world, outbox):
    ours = _survey(world.space.id, "Kako je bilo na obuci")
    theirs = _survey(world.other.id, "Anketa drugog prostora")
    event_id = make_event(world.space.id, world.admin, capacity=None)
    for client, user, status in (("member@example.org", world.member, "confirmed"),
                                 ("second@example.org", world.second, "accepted"),
                                 ("third@example.org", world.third, "declined")):  # fmt: skip
        assert world.client(client).post(f"/alfa/events/{event_id}/apply").status_code == 303
        _seat(world, event_id, user, status)
    office = world.client("office@example.org")
    page = office.get(f"/alfa/events/manage/{event_id}/survey")
    assert page.status_code == 200
    assert "Kako je bilo na obuci" in page.get_data(True)
    assert "Anketa drugog prostora" not in page.get_data(True)
    # another space's survey is not offered, and typed in anyway it is refused, nothing kept
    refused = office.post(f"/alfa/events/manage/{event_id}/survey", {"survey_id": str(theirs)})
    assert refused.status_code == 422 and field_error(refused.get_data(True), "survey_id")
    with tenant_context(world.space.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(links.Link)) == 0
    chosen = office.post(f"/alfa/events/manage/{event_id}/survey", {"survey_id": str(ours)})
    assert chosen.status_code == 303
    with tenant_context(world.space.id):
        link = db.session.scalar(db.select(links.Link))
        assert (link.from_type, link.from_id, link.relation, link.to_type, link.to_id) == (
            "event",
            event_id,
            "follow_up_survey",
            "survey",
            ours,
        )
        assert db.session.scalar(
            db.select(AuditEntry.id).where(AuditEntry.action == "event.survey_linked")
        )
    # before the event: not shown, not mailed
    member = world.client("member@example.org")
    assert f"/alfa/research/{ours}/" not in member.get(f"/alfa/events/{event_id}/mine").get_data(
        True
    )
    assert office.post(f"/alfa/events/manage/{event_id}/survey/mail").status_code == 409
    _end(world, event_id)
    for email in ("member@example.org", "second@example.org"):
        mine = world.client(email).get(f"/alfa/events/{event_id}/mine").get_data(True)
        assert f'href="/alfa/research/{ours}/"' in mine and "follow-up survey" in mine, email
    declined = world.client("third@example.org").get(f"/alfa/events/{event_id}/mine")
    assert f"/alfa/research/{ours}/" not in declined.get_data(True)
    # mailed to the accepted participants, each once
    before = {e: len(outbox(to=e)) for e in ("member@example.org", "second@example.org",
                                              "third@example.org")}  # fmt: skip
    assert office.post(f"/alfa/events/manage/{event_id}/survey/mail").status_code == 303
    assert office.post(f"/alfa/events/manage/{event_id}/survey/mail").status_code == 303
    after = {e: outbox(to=e)[before[e] :] for e in before}
    assert len(after["member@example.org"]) == 1 and len(after["second@example.org"]) == 1
    assert after["third@example.org"] == []
    assert "Kako je bilo na obuci" in after["member@example.org"][0].body_text
    # choosing none removes the link
    assert (
        office.post(f"/alfa/events/manage/{event_id}/survey", {"survey_id": ""}).status_code == 303
    )
    with tenant_context(world.space.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(links.Link)) == 0


def test_another_space_s_survey_can_never_be_linked(world, app):
    theirs = _survey(world.other.id, "Anketa drugog prostora")
    event_id = make_event(world.space.id, world.admin)
    with app.test_request_context("/alfa/"), tenant_context(world.space.id):
        from flask import g
        from flask_login import login_user

        from solidarna.tenants.models import Tenant

        g.tenant = db.session.get(Tenant, world.space.id)
        login_user(world.admin)
        event = db.session.get(Event, event_id)
        with pytest.raises(EventError) as refused:
            followup.choose(event, theirs, world.admin)
        assert refused.value.status == 404
        with pytest.raises(links.LinkError):
            links.add("follow_up_survey", event_id, theirs, world.admin)
        assert followup.survey_of(event) is None
