"""The notification pages: list, open, mark read (plain and htmx), the bell, settings."""

from __future__ import annotations

import pytest

from solidarna.core import notifications as n
from tests.conftest import Client, declare_notification_kinds, statements


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
    html = logged_in(app, bora).get("/notifications/").get_data(as_text=True)
    assert html.index("Novija tema") < html.index("Starija tema")
    assert html.count('<span class="badge badge-info">Unread</span>') == 1
    assert html.index("Unread</span>") < html.index("Novija tema")
    assert "New reply" in html and "Prostor Alfa" in html and "From Ana Anić" in html
    assert "1 unread notification" in html
    assert "<time datetime=" in html


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
    assert 'href="/notifications/?page=2"' in first
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
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<div id="notification-results">')
    assert "1 unread notification" in html
    assert (
        f"/notifications/{second.id}/read" in html and f"/notifications/{first.id}/read" not in html
    )
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
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert (
        "Notifications, 2 unread" in html
        and '<span class="bell-count" aria-hidden="true">2</span>' in html
    )
    assert response.headers["Cache-Control"] == "no-store"
    page = client.get("/").get_data(as_text=True)
    assert 'id="notification-bell" hx-get="/notifications/bell"' in page
    assert 'hx-trigger="notifications-changed from:body"' in page
    assert "Notifications, 2 unread" in page
    n.mark_read(bora)
    db.session.commit()
    html = client.get("/notifications/bell").get_data(as_text=True)
    assert "Notifications, none unread" in html and "bell-count" not in html
    assert "notification-bell" not in Client(app).get("/").get_data(as_text=True)


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
    assert "<legend>Send me notifications by e-mail</legend>" in html
    assert html.count(" checked ") == 1 and 'checked id="email_mode-0"' in html  # immediate
    assert "Once a day, as a summary" in html and "At most one mail a day" in html
    response = client.post("/notifications/settings", {"email_mode": "daily"})
    assert response.status_code == 303
    assert n.email_mode(bora) == "daily"
    html = client.get("/notifications/settings").get_data(as_text=True)
    assert "Your notification settings are saved." in html
    assert html.count(" checked ") == 1 and 'checked id="email_mode-1"' in html  # daily


def test_settings_bad_input_answers_422(app, db, make_user):
    bora = make_user(locale="en")
    client = logged_in(app, bora)
    for data, message in (
        ({"email_mode": "hourly"}, "Choose one of the offered options."),
        ({}, "Choose how often we may write to you."),
    ):
        response = client.post("/notifications/settings", data)
        assert response.status_code == 422
        html = response.get_data(as_text=True)
        assert message in html and 'aria-describedby="email_mode-error"' in html
    assert n.email_mode(bora) == "immediate"
    assert (
        client.post("/notifications/settings", {"email_mode": "never"}, csrf=False).status_code
        == 400
    )
