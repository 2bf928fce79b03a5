"""The notification pages: list, open, mark read (plain and htmx), the bell, settings."""

from __future__ import annotations

import pytest

from solidarna.core import notifications as n
from tests.conftest import (
    Client,
    declare_notification_kinds,
    field_error,
    one,
    parse,
    statements,
    text_of,
)


@pytest.fixture(autouse=True)
def _kinds(app):
    declare_notification_kinds(app, {"tests.reply": "New reply"})


HTMX = {"HX-Request": "true"}


def say(recipients, tenant=None, subject_id=1, title=None, actor=None):
    return n.notify(
        recipients,
        kind="tests.reply",
        title=title or f"Tema {subject_id}",
        url=f"/alfa/discussions/t/{subject_id}",
        excerpt="Kratak odlomak poruke.",
        actor=actor,
        subject_type="thread",
        subject_id=subject_id,
        tenant_id=tenant.id if tenant else None,
    )


def logged_in(app, user) -> Client:
    client = Client(app)
    client.login(user.email)
    return client


def test_visitors_are_sent_to_log_in(client):
    for path in ("/notifications/", "/notifications/settings", "/notifications/1"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    # The bell's refresh answers "nothing to swap", never a login page inside the header.
    assert client.get("/notifications/bell").status_code == 204


def test_list_newest_first_with_unread_marked_in_words(app, db, make_user, make_tenant):
    alfa = make_tenant("alfa", name="Prostor Alfa")
    ana = make_user(name="Ana Anić")
    bora = make_user(locale="en")
    (old,) = say([bora], alfa, 1, title="Starija tema", actor=ana)
    say([bora], alfa, 2, title="Novija tema", actor=ana)
    db.session.commit()
    n.mark_read(bora, old)
    db.session.commit()
    page = parse(logged_in(app, bora).get("/notifications/"))
    items = page.select("ol.notification-list > li.notification")
    assert [text_of(li.h2) for li in items] == ["Novija tema", "Starija tema"]  # newest first
    assert [text_of(b) for li in items for b in li.select(".badge")] == ["Unread"]  # the newer
    assert "is-unread" in items[0]["class"] and "is-unread" not in items[1]["class"]
    newer = items[0]
    assert text_of(one(newer, ".notification-kind")) == "New reply"
    assert text_of(one(newer, ".notification-space")) == "Prostor Alfa"
    assert text_of(one(newer, ".notification-actor")) == "From Ana Anić"
    assert one(newer, "time")["datetime"].startswith("20")
    assert text_of(one(page, '.notification-summary [role="status"]')) == "1 unread notification"


def test_unread_only_filter_and_empty_states(app, db, make_user):
    bora = make_user(locale="en")
    client = logged_in(app, bora)
    empty = client.get("/notifications/").get_data(as_text=True)
    assert "No notifications yet." in empty and "it appears here" in empty
    (read,) = say([bora], title="Pročitana")
    say([bora], subject_id=2, title="Nepročitana")
    db.session.commit()
    n.mark_read(bora, read)
    db.session.commit()
    html = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "Nepročitana" in html and "Pročitana<" not in html
    n.mark_read(bora)
    db.session.commit()
    html = client.get("/notifications/?unread=1").get_data(as_text=True)
    assert "No unread notifications." in html


def test_pagination(app, db, make_user):
    bora = make_user(locale="en")
    for number in range(25):
        n.notify([bora], kind="tests.reply", title=f"Obaveštenje {number:02}", url="/")
    db.session.commit()
    client = logged_in(app, bora)
    first = client.get("/notifications/").get_data(as_text=True)
    assert "Obaveštenje 24" in first and "Obaveštenje 04" not in first
    assert parse(first).select('a[href="/notifications/?page=2"]')
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert "Obaveštenje 04" in second and "Obaveštenje 24" not in second
    assert client.get("/notifications/?page=abc").status_code == 200


def test_opening_marks_read_and_redirects_and_others_get_404(app, db, make_user):
    bora, vesna = make_user(), make_user()
    (row,) = say([bora], subject_id=7)
    db.session.commit()
    response = logged_in(app, vesna).get(f"/notifications/{row.id}")
    assert response.status_code == 404
    db.session.expire_all()
    assert row.read_at is None
    response = logged_in(app, bora).get(f"/notifications/{row.id}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/alfa/discussions/t/7"
    db.session.expire_all()
    assert row.read_at is not None
    assert logged_in(app, bora).get("/notifications/999999").status_code == 404


def test_mark_read_plain_form_redirects_back(app, db, make_user):
    bora = make_user()
    (row,) = say([bora])
    db.session.commit()
    client = logged_in(app, bora)
    response = client.post(f"/notifications/{row.id}/read", {"unread": "1"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/notifications/?unread=1"
    assert n.unread_count(bora) == 0
    response = client.post(f"/notifications/{row.id}/read", {"next": "https://evil.example/"})
    assert response.headers["Location"] == "/notifications/"


def test_mark_read_with_htmx_returns_the_list_and_triggers_the_bell(app, db, make_user):
    bora = make_user(locale="en")
    first, second = say([bora], subject_id=1)[0], say([bora], subject_id=2)[0]
    db.session.commit()
    client = logged_in(app, bora)
    response = client.post(f"/notifications/{first.id}/read", headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Trigger"] == "notifications-changed"
    fragment = parse(response)
    (results,) = [child for child in fragment.contents if getattr(child, "name", None)]
    assert results.name == "div" and results["id"] == "notification-results"  # what is swapped
    assert "1 unread notification" in text_of(results)
    forms = [form["action"] for form in results.select("li.notification form")]
    assert forms == [f"/notifications/{second.id}/read"]  # the first is read now
    response = client.post("/notifications/read-all", headers=HTMX)
    assert response.headers["HX-Trigger"] == "notifications-changed"
    assert "You have read everything." in response.get_data(as_text=True)
    assert n.unread_count(bora) == 0


def test_read_all_plain_and_other_users_untouched(app, db, make_user):
    bora, vesna = make_user(), make_user()
    say([bora, vesna])
    say([bora], subject_id=2)
    db.session.commit()
    client = logged_in(app, bora)
    response = client.post("/notifications/read-all")
    assert response.status_code == 303 and response.headers["Location"] == "/notifications/"
    assert n.unread_count(bora) == 0 and n.unread_count(vesna) == 1
    vesnas = db.session.scalars(
        db.select(n.Notification.id).where(n.Notification.user_id == vesna.id)
    ).one()
    assert client.post(f"/notifications/{vesnas}/read").status_code == 404
    assert n.unread_count(vesna) == 1


def test_bell_fragment_and_header(app, db, make_user):
    bora = make_user(locale="en")
    say([bora], subject_id=1)
    say([bora], subject_id=2)
    db.session.commit()
    client = logged_in(app, bora)
    response = client.get("/notifications/bell", headers=HTMX)
    assert response.status_code == 200 and parse(response).find("html") is None
    bell = one(response, "a.bell")
    assert text_of(one(bell, ".visually-hidden")) == "Notifications, 2 unread"
    count = one(bell, ".bell-count")
    assert text_of(count) == "2" and count["aria-hidden"] == "true"
    assert response.headers["Cache-Control"] == "no-store"
    header = one(client.get("/"), "header #notification-bell")
    assert header["hx-get"] == "/notifications/bell"
    assert header["hx-trigger"] == "notifications-changed from:body"
    assert "Notifications, 2 unread" in text_of(header)
    n.mark_read(bora)
    db.session.commit()
    bell = one(client.get("/notifications/bell"), "a.bell")
    assert text_of(bell) == "Notifications, none unread" and not bell.select(".bell-count")
    visitor = parse(Client(app).get("/"))
    assert visitor.find(id="notification-bell") is None and visitor.select("header nav")


def test_header_count_costs_one_query_and_none_for_visitors(app, db, make_user):
    bora = make_user()
    say([bora])
    db.session.commit()
    member, visitor = logged_in(app, bora), Client(app)
    for client, expected in ((member, 1), (visitor, 0)):
        client.get("/notifications/settings")  # warm up
        with statements(db.engine) as seen:
            client.get("/")
        assert sum("FROM notifications" in s for s in seen) == expected, seen


def test_settings_change_mode_with_confirmation(app, db, make_user):
    bora = make_user(locale="en")
    client = logged_in(app, bora)
    html = client.get("/notifications/settings").get_data(as_text=True)
    assert text_of(one(html, "fieldset legend")) == "Send me notifications by e-mail"
    assert [r["id"] for r in parse(html).select("input[checked]")] == ["email_mode-0"]  # immediate
    assert "Once a day, as a summary" in html and "At most one mail a day" in html
    response = client.post("/notifications/settings", {"email_mode": "daily"})
    assert response.status_code == 303
    assert n.email_mode(bora) == "daily"
    html = client.get("/notifications/settings").get_data(as_text=True)
    assert "Your notification settings are saved." in html
    assert [r["id"] for r in parse(html).select("input[checked]")] == ["email_mode-1"]  # daily


def test_settings_bad_input_answers_422(app, db, make_user):
    bora = make_user(locale="en")
    client = logged_in(app, bora)
    for data, message in (
        ({"email_mode": "hourly"}, "Choose one of the offered options."),
        ({}, "Choose how often we may write to you."),
    ):
        response = client.post("/notifications/settings", data)
        assert response.status_code == 422
        assert field_error(response, "email_mode") == message
    assert n.email_mode(bora) == "immediate"
    assert (
        client.post("/notifications/settings", {"email_mode": "never"}, csrf=False).status_code
        == 400
    )
