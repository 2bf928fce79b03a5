"""Applications: applying with the questions read by core/questions.py (errors next to each,
what was typed kept), for oneself or for an organization one represents; applying twice, after
the deadline or to a full event answered clearly (the waiting list offered); the office's
rubric review and decisions (mailed, audit-logged); confirming and cancelling, a freed seat
moving the first on the waiting list up by itself (mailed); the deadline job closing
applications once; and nobody but the applicant and the office opening an application."""

from __future__ import annotations

import re
from datetime import timedelta

from solidarna.core.audit import AuditEntry
from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Representative
from solidarna.events import services
from solidarna.events.models import Event, EventApplication
from solidarna.extensions import db
from tests.conftest import field_error, parse, verified_organization
from tests.events.helpers import get_event, make_event

QUESTIONS = [
    {"code": "forma", "kind": "single", "label": "Pravna forma", "required": True, "help": "",
     "settings": {"options": [{"value": "coop", "label": "Zadruga"},
                              {"value": "assoc", "label": "Udruženje"}]}, "condition": None},
    {"code": "clanovi", "kind": "number", "label": "Broj zadrugara", "required": True, "help": "",
     "settings": {"integer": True, "min": 1},
     "condition": {"question": "forma", "op": "equals", "value": "coop"}},
]  # fmt: skip


def _with_questions(world, **fields) -> int:
    event_id = make_event(world.space.id, world.admin, **fields)
    with tenant_context(world.space.id):
        db.session.get(Event, event_id).questions = QUESTIONS
        db.session.commit()
    return event_id


def _application(world, event_id, user) -> EventApplication:
    db.session.expire_all()
    with tenant_context(world.space.id):
        return db.session.scalar(
            db.select(EventApplication).where(EventApplication.event_id == event_id,
                                              EventApplication.user_id == user.id)
        )  # fmt: skip


def _apply(client, event_id, **data):
    return client.post(f"/alfa/events/{event_id}/apply", data)


def test_applying_reads_the_questions_and_keeps_what_was_typed(world, outbox):
    event_id = _with_questions(world)
    member = world.client("member@example.org")
    page = member.get(f"/alfa/events/{event_id}/apply")
    assert page.status_code == 200 and "Pravna forma" in page.get_data(True)
    missing = _apply(member, event_id)
    assert missing.status_code == 422
    assert "needs an answer" in field_error(missing.get_data(True), "q-forma")
    # the condition shows the number only for cooperatives; a bad number is answered there
    bad = _apply(member, event_id, q_forma="coop", q_clanovi="pet")
    assert bad.status_code == 422 and "Write a number" in bad.get_data(True)
    assert 'value="pet"' in bad.get_data(True)
    ok = _apply(member, event_id, q_forma="assoc", q_clanovi="pet")  # hidden: not counted
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"/events/{event_id}/mine")
    application = _application(world, event_id, world.member)
    assert application.status == "pending" and application.answers == {
        "forma": {"choice": "assoc", "other": ""}
    }
    assert re.fullmatch(r"[2-9A-HJ-NP-Z]{6}", application.checkin_code)
    assert get_event(world.space.id, event_id).application_count == 1
    assert outbox(to="office@example.org"), "the office hears of a new application"
    # twice: a clear message, no second row
    again = member.get(f"/alfa/events/{event_id}/apply", follow_redirects=True)
    assert "already applied" in again.get_data(True)
    assert _apply(member, event_id, q_forma="assoc").status_code == 303
    with tenant_context(world.space.id):
        assert db.session.scalar(db.select(db.func.count()).select_from(EventApplication)) == 1


def test_the_office_reviews_decides_and_the_waiting_list_moves_up(world, outbox):
    event_id = make_event(world.space.id, world.admin, capacity=1)
    office = world.client("office@example.org")
    first, second = world.client("member@example.org"), world.client("second@example.org")
    assert _apply(first, event_id).status_code == 303
    app_one = _application(world, event_id, world.member)
    base = f"/alfa/events/manage/{event_id}/applications/{app_one.id}"
    # the rubric: 1-5 per criterion, a bad score answered next to it
    refused = office.post(base + "/review", {"score_motivation": "9", "comment": "Dobro."})
    assert refused.status_code == 422 and "Score from 1 to 5" in refused.get_data(True)
    assert "Dobro." in refused.get_data(True)
    assert office.post(base + "/review", {"score_motivation": "4", "comment": "Dobro."}).status_code == 303  # fmt: skip
    assert "4.0" in office.get(base).get_data(True)
    accepted = office.post(base + "/decide", {"decision": "accept", "message": "Dobrodošli!"})
    assert accepted.status_code == 303
    assert any("Dobrodošli!" in m.body_text for m in outbox(to="member@example.org"))
    # full now: the second applicant is offered the waiting list
    full = _apply(second, event_id)
    assert full.status_code == 409 and "waiting list" in full.get_data(True)
    assert _apply(second, event_id, waitlist="y").status_code == 303
    app_two = _application(world, event_id, world.second)
    assert app_two.status == "waitlisted"
    # accepting beyond the seats is refused
    over = office.post(f"/alfa/events/manage/{event_id}/applications/{app_two.id}/decide",
                       {"decision": "accept"})  # fmt: skip
    assert over.status_code == 409 and "All seats are taken" in over.get_data(True)
    # the first confirms, then cancels: the second moves up by itself and is mailed
    assert first.post(f"/alfa/events/{event_id}/mine/confirm").status_code == 303
    assert _application(world, event_id, world.member).status == "confirmed"
    before = len(outbox(to="second@example.org"))
    assert first.post(f"/alfa/events/{event_id}/mine/cancel").status_code == 303
    assert _application(world, event_id, world.member).status == "cancelled"
    assert _application(world, event_id, world.second).status == "accepted"
    assert len(outbox(to="second@example.org")) == before + 1
    event = get_event(world.space.id, event_id)
    assert (event.seated_count, event.waitlist_count) == (1, 0)
    with tenant_context(world.space.id):
        actions = set(db.session.scalars(db.select(AuditEntry.action)))
    assert {"event.application_reviewed", "event.application_decided",
            "event.application_promoted", "event.application_cancelled"} <= actions  # fmt: skip


def test_the_deadline_closes_applications_once(world):
    event_id = make_event(world.space.id, world.admin)
    with tenant_context(world.space.id):
        db.session.get(Event, event_id).deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert services.close_deadlines() == 1
    db.session.commit()
    assert services.close_deadlines() == 0
    assert get_event(world.space.id, event_id).applications_closed_at is not None
    member = world.client("member@example.org")
    late = member.get(f"/alfa/events/{event_id}/apply")
    assert late.status_code == 409 and "closed" in late.get_data(True)
    assert "closed" in member.get(f"/alfa/events/{event_id}/").get_data(True)


def test_late_applications_are_closed_at_apply_time_without_the_job(world):
    event_id = make_event(world.space.id, world.admin)
    with tenant_context(world.space.id):
        db.session.get(Event, event_id).deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert _apply(world.client("member@example.org"), event_id).status_code == 409
    assert get_event(world.space.id, event_id).applications_closed_at is not None


def test_who_may_apply_and_who_may_open_an_application(world):
    event_id = make_event(world.space.id, world.admin, eligibility="members")
    outsider = world.client("outsider@example.org")
    assert outsider.get(f"/alfa/events/{event_id}/apply").status_code == 403
    assert world.client().get(f"/alfa/events/{event_id}/apply").status_code in (302, 303)
    member = world.client("member@example.org")
    assert _apply(member, event_id).status_code == 303
    application = _application(world, event_id, world.member)
    path = f"/alfa/events/manage/{event_id}/applications/{application.id}"
    assert world.client("second@example.org").get(path).status_code == 403
    assert world.client("second@example.org").get(
        f"/alfa/events/manage/{event_id}/applications").status_code == 403  # fmt: skip
    # another member's own page shows their own state only (none: back to the event)
    assert world.client("second@example.org").get(f"/alfa/events/{event_id}/mine").status_code == 303  # fmt: skip
    assert world.client("office@example.org").get(path).status_code == 200


def test_representatives_apply_for_their_organization(world):
    with tenant_context(world.space.id):
        org = verified_organization("Zadruga Rasinski med", "cooperative", "Kruševac")
        db.session.add(Representative(organization_id=org.id, user_id=world.member.id,
                                      status="active"))  # fmt: skip
        db.session.commit()
        org_id = org.id
    event_id = make_event(world.space.id, world.admin, eligibility="representatives",
                          actor_types=["cooperative"])  # fmt: skip
    assert world.client("second@example.org").get(f"/alfa/events/{event_id}/apply").status_code == 403  # fmt: skip
    member = world.client("member@example.org")
    assert "Zadruga Rasinski med" in member.get(f"/alfa/events/{event_id}/apply").get_data(True)
    assert _apply(member, event_id).status_code == 422
    assert _apply(member, event_id, organization_id="999999").status_code == 422
    assert _apply(member, event_id, organization_id=str(org_id)).status_code == 303
    application = _application(world, event_id, world.member)
    assert (application.organization_id, application.organization_name) == (
        org_id, "Zadruga Rasinski med")  # fmt: skip


def test_more_seats_move_the_waiting_list_up(world, outbox):
    event_id = make_event(world.space.id, world.admin, capacity=1)
    for email in ("member@example.org", "second@example.org"):
        assert _apply(world.client(email), event_id, waitlist="y").status_code == 303
    office = world.client("office@example.org")
    first = _application(world, event_id, world.member)
    office.post(f"/alfa/events/manage/{event_id}/applications/{first.id}/decide",
                {"decision": "accept"})  # fmt: skip
    # the second applied before the seat was taken: waiting for a decision; put on the list
    second = _application(world, event_id, world.second)
    office.post(f"/alfa/events/manage/{event_id}/applications/{second.id}/decide",
                {"decision": "waitlist"})  # fmt: skip
    assert _application(world, event_id, world.second).status == "waitlisted"
    page = parse(office.get(f"/alfa/events/manage/{event_id}/edit"))
    data = {i["name"]: i.get("value", "") for i in page.select("form input") if i.get("name")}
    data.update({"kind": "training", "eligibility": "anyone", "capacity": "2"})
    assert office.post(f"/alfa/events/manage/{event_id}/edit", data).status_code == 303
    assert _application(world, event_id, world.second).status == "accepted"
    assert outbox(to="second@example.org")
