"""The public calendar: the list of what is ahead and past, the month laid out in weeks (no
JavaScript, days in Belgrade), drafts shown to nobody but the office, and the iCalendar feeds
of the space and of one event, which parse and carry every session."""

from __future__ import annotations

from icalendar import Calendar

from solidarna.core.i18n import local_parts
from tests.conftest import parse
from tests.events.helpers import ahead, get_event, make_event


def test_list_and_month_views_show_published_events_only(world):
    shown = make_event(world.space.id, world.admin, title="Info sesija o zadrugama",
                       sessions=[(ahead(3), ahead(3, 12))])  # fmt: skip
    make_event(world.space.id, world.admin, title="Skriveni nacrt", status="draft")
    make_event(world.other.id, world.other_admin, title="Događaj druge opštine")
    visitor = world.client()
    listing = visitor.get("/alfa/events/").get_data(True)
    assert "Info sesija o zadrugama" in listing
    assert "Skriveni nacrt" not in listing and "Događaj druge opštine" not in listing
    day = local_parts(get_event(world.space.id, shown).starts_at)[0]
    month = visitor.get(f"/alfa/events/?view=month&month={day:%Y-%m}")
    assert month.status_code == 200
    cells = parse(month).select("table.month td")
    assert len(cells) % 7 == 0
    cell = next(c for c in cells if "Info sesija o zadrugama" in c.get_text())
    assert cell.select_one(".day-number").get_text() == str(day.day)
    assert "Skriveni nacrt" not in month.get_data(True)
    # a bad month falls back to this one, never a 500
    assert visitor.get("/alfa/events/?view=month&month=2026-13").status_code == 200
    assert "Skriveni nacrt" in world.client("office@example.org").get("/alfa/events/").get_data(True)  # fmt: skip


def test_ics_feeds_parse_and_carry_every_session(world):
    event_id = make_event(world.space.id, world.admin, title="Studijska poseta",
                          sessions=[(ahead(4), ahead(4, 15)), (ahead(5), ahead(5, 15))])  # fmt: skip
    make_event(world.space.id, world.admin, title="Skriveni nacrt", status="draft")
    visitor = world.client()
    feed = visitor.get("/alfa/events/calendar.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    calendar = Calendar.from_ical(feed.data)
    events = list(calendar.walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == ["Studijska poseta", "Studijska poseta"]
    assert len({str(e["uid"]) for e in events}) == 2
    one = visitor.get(f"/alfa/events/{event_id}/event.ics")
    assert one.status_code == 200 and "attachment" in one.headers["Content-Disposition"]
    parsed = Calendar.from_ical(one.data).walk("VEVENT")
    event = get_event(world.space.id, event_id)
    assert parsed[0].decoded("dtstart") == event.sessions[0].starts_at
    assert "Kancelarija" in str(parsed[0]["location"])
