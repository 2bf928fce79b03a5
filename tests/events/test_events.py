"""Events, the office's side: creating one with several sessions typed in Belgrade time and
stored in UTC, every bad input answered next to its field (4xx, what was typed kept), the map
point in Serbia, publishing, the application questions through core/questions.py, and another
space's event answering 404. Everyone reads English."""

from __future__ import annotations

import re
from datetime import date, timedelta

from solidarna.core.audit import AuditEntry
from solidarna.core.i18n import local_parts
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from tests.conftest import field_error, parse
from tests.events.helpers import get_event, make_event


def _form(day: date, **extra) -> dict:
    data = {
        "title": "Obuka: pokretanje socijalnog preduzeća", "kind": "training",
        "description": "Program u **tri** dela.",
        "sessions-0-day": day.isoformat(), "sessions-0-starts": "10:00", "sessions-0-ends": "16:00",
        "sessions-1-day": (day + timedelta(days=1)).isoformat(), "sessions-1-starts": "09:30",
        "sessions-1-ends": "13:00",
        "place": "Kancelarija, Vidovdanska 12, Kruševac", "latitude": "43.58",
        "longitude": "21.33", "capacity": "20", "eligibility": "anyone",
        "deadline_day": (day - timedelta(days=2)).isoformat(), "deadline_time": "",
        "fee": "", "accessibility": "Ulaz bez stepenica.", "survey_url": "",
    }  # fmt: skip
    data.update(extra)
    return data


def test_the_office_creates_an_event_with_two_sessions_in_belgrade_time(world):
    client = world.client("office@example.org")
    page = client.get("/alfa/events/manage/new")
    assert page.status_code == 200
    assert parse(page).select_one("label[for=sessions-0-day]")
    day = date.today() + timedelta(days=30)
    response = client.post("/alfa/events/manage/new", _form(day))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    event_id = int(re.search(r"/manage/(\d+)/questions", response.headers["Location"])[1])
    event = get_event(world.space.id, event_id)
    assert event.status == "draft" and event.capacity == 20 and event.fee is None
    assert [local_parts(s.starts_at) for s in event.sessions][0][0] == day
    first = event.sessions[0]
    # stored in UTC: 10:00 in Belgrade is 08:00 or 09:00 UTC
    assert first.starts_at.hour in (8, 9) and local_parts(first.starts_at)[1].hour == 10
    assert local_parts(event.deadline)[1].strftime("%H:%M") == "23:59"
    assert (event.latitude, event.longitude) == (43.58, 21.33)
    with tenant_context(world.space.id):
        assert (
            db.session.scalar(
                db.select(AuditEntry.action).where(
                    AuditEntry.target_id == event_id, AuditEntry.target_type == "events"
                )
            )
            == "event.created"
        )
    # a draft: the office sees it, a member does not
    assert client.get(f"/alfa/events/{event_id}/").status_code == 200
    assert world.client("member@example.org").get(f"/alfa/events/{event_id}/").status_code == 404
    published = client.post(f"/alfa/events/manage/{event_id}/status", {"status": "published"})
    assert published.status_code == 303
    html = world.client("member@example.org").get(f"/alfa/events/{event_id}/").get_data(True)
    assert "Obuka: pokretanje" in html and "<strong>tri</strong>" in html
    assert "Apply" in html and "Add to my calendar" in html


def test_bad_input_is_answered_next_to_the_field_and_kept(world):
    client = world.client("office@example.org")
    day = date.today() + timedelta(days=30)
    cases = [
        ({"sessions-0-ends": "09:00"}, "sessions", "ends before it starts"),
        ({"sessions-0-day": (date.today() - timedelta(days=3)).isoformat(),
          "sessions-1-day": (date.today() - timedelta(days=2)).isoformat(),
          "deadline_day": ""}, "sessions", "this time has passed"),
        ({"deadline_day": (day + timedelta(days=5)).isoformat()}, "deadline_day",
         "comes before the first session"),
        ({"latitude": "48.2"}, "latitude", "between 41.8 and 46.2"),
        ({"longitude": ""}, "longitude", "both latitude and longitude"),
        ({"capacity": "0"}, "capacity", "at least 1"),
        ({"place": "", "online_url": ""}, "place", "a place, an online link"),
        ({"online_url": "zoom"}, "online_url", "https://"),
        ({"sessions-0-starts": ""}, "sessions-0-starts", "the day, the start and the end"),
        ({"kind": "nepostojeci"}, "kind", ""),
        ({"title": ""}, "title", ""),
    ]  # fmt: skip
    for changes, field, message in cases:
        response = client.post("/alfa/events/manage/new", _form(day, **changes))
        assert 400 <= response.status_code < 500, (changes, response.status_code)
        html = response.get_data(as_text=True)
        if field == "sessions":
            assert message in html, (changes, html[:3000])
        else:
            assert message in field_error(html, field), (changes, field_error(html, field))
        assert "Program u **tri** dela." in html  # what was typed is kept
    with tenant_context(world.space.id):
        from solidarna.events.models import Event

        assert db.session.scalar(db.select(db.func.count()).select_from(Event)) == 0


def test_editing_keeps_past_sessions_and_refuses_a_new_past_one(world):
    event_id = make_event(world.space.id, world.admin)
    client = world.client("office@example.org")
    page = client.get(f"/alfa/events/manage/{event_id}/edit")
    doc = parse(page)
    assert doc.select_one("#sessions-0-day")["value"]
    data = {i["name"]: i.get("value", "") for i in doc.select("form input") if i.get("name")}
    data.update({"title": "Nov naslov obuke", "kind": "training", "eligibility": "anyone",
                 "description": "Opis."})  # fmt: skip
    assert client.post(f"/alfa/events/manage/{event_id}/edit", data).status_code == 303
    assert get_event(world.space.id, event_id).title == "Nov naslov obuke"
    past = (date.today() - timedelta(days=1)).isoformat()
    data.update({"sessions-1-day": past, "sessions-1-starts": "10:00", "sessions-1-ends": "11:00"})
    refused = client.post(f"/alfa/events/manage/{event_id}/edit", data)
    assert refused.status_code == 422 and "this time has passed" in refused.get_data(True)


def test_application_questions_use_the_one_engine(world):
    event_id = make_event(world.space.id, world.admin)
    client = world.client("office@example.org")
    assert client.get(f"/alfa/events/manage/{event_id}/questions?kind=single").status_code == 200
    bad = client.post(f"/alfa/events/manage/{event_id}/questions",
                      {"kind": "single", "label": "Pravna forma", "options": "coop | Zadruga"})  # fmt: skip
    assert bad.status_code == 422 and "at least two options" in bad.get_data(True)
    ok = client.post(f"/alfa/events/manage/{event_id}/questions",
                     {"kind": "single", "label": "Pravna forma", "code": "forma", "required": "y",
                      "options": "coop | Zadruga\nassoc | Udruženje"})  # fmt: skip
    assert ok.status_code == 303
    cond = client.post(f"/alfa/events/manage/{event_id}/questions",
                       {"kind": "short_text", "label": "Ime zadruge", "code": "zadruga",
                        "condition_question": "forma", "condition_op": "equals",
                        "condition_value": "nema"})  # fmt: skip
    assert cond.status_code == 422 and "never be answered" in cond.get_data(True)
    event = get_event(world.space.id, event_id)
    assert [q["code"] for q in event.questions] == ["forma"]
    assert event.questions[0]["settings"]["options"][1] == {"value": "assoc", "label": "Udruženje"}
    member = world.client("member@example.org")
    assert member.get(f"/alfa/events/manage/{event_id}/questions").status_code == 403


def test_another_space_s_event_answers_404(world):
    event_id = make_event(world.other.id, world.other_admin)
    client = world.client("office@example.org")
    for path in (f"/alfa/events/{event_id}/", f"/alfa/events/manage/{event_id}/edit",
                 f"/alfa/events/{event_id}/event.ics", f"/alfa/events/{event_id}/apply"):  # fmt: skip
        assert client.get(path).status_code == 404, path
    assert world.client("beta@example.org").get(f"/beta/events/{event_id}/").status_code == 200
