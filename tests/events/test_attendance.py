"""Attendance and certificates: the participant's code and QR code, check-in by code at a
session (a used or forged code refused), marking by name, the certificate of attendance as a
printable page and a DOCX with a verification link and QR code that anyone opens (200 for a
real one, 404 for a forged one or another space's), and the follow-up survey link after the
event."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from docx import Document

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.events.models import Event, EventApplication
from solidarna.extensions import db
from tests.conftest import field_error, parse
from tests.events.helpers import ahead, make_event


def _accepted(world, event_id, email, user):
    client = world.client(email)
    assert client.post(f"/alfa/events/{event_id}/apply").status_code == 303
    db.session.expire_all()
    with tenant_context(world.space.id):
        application = db.session.scalar(
            db.select(EventApplication).where(EventApplication.user_id == user.id,
                                              EventApplication.event_id == event_id)
        )  # fmt: skip
    office = world.client("office@example.org")
    path = f"/alfa/events/manage/{event_id}/applications/{application.id}/decide"
    assert office.post(path, {"decision": "accept"}).status_code == 303
    return client, application


def test_check_in_by_code_refuses_used_and_forged_codes(world):
    event_id = make_event(world.space.id, world.admin, capacity=None,
                          sessions=[(ahead(5), ahead(5, 16)), (ahead(6), ahead(6, 16))])  # fmt: skip
    member, application = _accepted(world, event_id, "member@example.org", world.member)
    mine = member.get(f"/alfa/events/{event_id}/mine").get_data(True)
    assert application.checkin_code in mine and "<svg" in mine
    office = world.client("office@example.org")
    # opened from the participant's QR code: the code is filled in
    opened = office.get(
        f"/alfa/events/manage/{event_id}/attendance?code={application.checkin_code}"
    )
    assert parse(opened).select_one("#code")["value"] == application.checkin_code
    with tenant_context(world.space.id):
        sessions = [s.id for s in db.session.get(Event, event_id).sessions]
    post = f"/alfa/events/manage/{event_id}/checkin"
    forged = office.post(post, {"session_id": sessions[0], "code": "ZZZZZZ"})
    assert forged.status_code == 422 and "not valid" in field_error(forged.get_data(True), "code")
    ok = office.post(post, {"session_id": sessions[0], "code": application.checkin_code.lower()})
    assert ok.status_code == 303
    used = office.post(post, {"session_id": sessions[0], "code": application.checkin_code})
    assert used.status_code == 409 and "already used" in used.get_data(True)
    # the second session takes the same code once more
    assert office.post(post, {"session_id": sessions[1], "code": application.checkin_code}).status_code == 303  # fmt: skip
    # a pending (not accepted) applicant's code is refused
    second = world.client("second@example.org")
    assert second.post(f"/alfa/events/{event_id}/apply").status_code == 303
    with tenant_context(world.space.id):
        pending = db.session.scalar(db.select(EventApplication.checkin_code).where(
            EventApplication.user_id == world.second.id))  # fmt: skip
    assert office.post(post, {"session_id": sessions[0], "code": pending}).status_code == 422
    # a member cannot check anyone in
    assert member.post(post, {"session_id": sessions[0], "code": "ABCDEF"}).status_code == 403
    page = office.get(f"/alfa/events/manage/{event_id}/attendance?session={sessions[0]}")
    assert "Present: 1 of 1" in page.get_data(True)


def test_certificate_page_docx_and_verification(world):
    event_id = make_event(world.space.id, world.admin, survey_url="/alfa/research/")
    member, application = _accepted(world, event_id, "member@example.org", world.member)
    office = world.client("office@example.org")
    with tenant_context(world.space.id):
        session_id = db.session.get(Event, event_id).sessions[0].id
    assert "Your certificate" not in member.get(f"/alfa/events/{event_id}/mine").get_data(True)
    mark = office.post(f"/alfa/events/manage/{event_id}/attendance/{application.id}",
                       {"session_id": session_id})  # fmt: skip
    assert mark.status_code == 303
    # the event took place
    with tenant_context(world.space.id):
        event = db.session.get(Event, event_id)
        for s in event.sessions:
            s.starts_at, s.ends_at = utcnow() - timedelta(days=2), utcnow() - timedelta(days=2, hours=-4)  # fmt: skip
        event.starts_at, event.ends_at = event.sessions[0].starts_at, event.sessions[0].ends_at
        db.session.commit()
    mine = member.get(f"/alfa/events/{event_id}/mine").get_data(True)
    assert "/alfa/research/" in mine and "follow-up survey" in mine
    link = parse(mine).find("a", string=re.compile("certificate of attendance"))["href"]
    visitor = world.client()
    page = visitor.get(link)
    assert page.status_code == 200
    html = page.get_data(True)
    assert "Mira Članica" in html and "Genuine" in html and "<svg" in html
    assert "Obuka za socijalna preduzeća" in html
    docx = visitor.get(link + "/certificate.docx")
    assert docx.status_code == 200 and docx.mimetype.endswith("wordprocessingml.document")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.data)).paragraphs)
    assert "Mira Članica" in text and "Certificate of attendance" in text and link in text
    # forged, tampered, and another space's: 404
    token = link.rsplit("/", 1)[1]
    assert visitor.get(link[:-3] + "abc").status_code == 404
    # a signature's last base64 character may carry unused bits: change one inside it
    forged = token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:]
    assert visitor.get(f"/alfa/events/certificates/{forged}").status_code == 404
    assert visitor.get(f"/beta/events/certificates/{token}").status_code == 404
    assert visitor.get("/alfa/events/certificates/nevazeci").status_code == 404


def test_the_attendance_list_finds_a_participant_by_name(world):
    event_id = make_event(world.space.id, world.admin, capacity=None)
    _accepted(world, event_id, "member@example.org", world.member)
    _accepted(world, event_id, "second@example.org", world.second)
    office = world.client("office@example.org")
    base = f"/alfa/events/manage/{event_id}/attendance"
    found = office.get(base + "?q=mira").get_data(True)
    assert "Mira Članica" in found and "Sava Drugi" not in found
    assert "Present: 0 of 2" in found
    assert "Sava Drugi" in office.get(base).get_data(True)
    assert office.get(base + "?q=%25&page=99").status_code == 200


def test_the_name_search_folds_both_scripts(world, make_user):
    """On a phone at the door one types Latin: "Jovana" finds "Јована Јовић", and a name
    written in Latin is found by typing Cyrillic; case and diacritics do not matter."""
    jovana = make_user(email="jovana@example.org", name="Јована Јовић", locale="en")
    djordje = make_user(email="djordje@example.org", name="Đorđe Šćekić", locale="en")
    event_id = make_event(world.space.id, world.admin, capacity=None)
    _accepted(world, event_id, "jovana@example.org", jovana)
    _accepted(world, event_id, "djordje@example.org", djordje)
    _accepted(world, event_id, "member@example.org", world.member)
    office = world.client("office@example.org")
    base = f"/alfa/events/manage/{event_id}/attendance?q="
    for typed, found, not_found in (
        ("Jovana", "Јована Јовић", "Đorđe Šćekić"),
        ("jovic", "Јована Јовић", "Mira Članica"),
        ("Ђорђе", "Đorđe Šćekić", "Јована Јовић"),
        ("djordje scekic", "Đorđe Šćekić", "Mira Članica"),
        ("МИРА", "Mira Članica", "Јована Јовић"),
    ):
        page = office.get(base + typed)
        assert page.status_code == 200, typed
        text = page.get_data(True)
        assert found in text and not_found not in text, typed
        assert "Present: 0 of 3" in text
