"""The daily digest, the `flask notifications digest` command, delivery over real SMTP, and
the unsubscribe link of a real mail, used without logging in."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest

from solidarna.core import digests
from solidarna.core import notifications as n
from solidarna.core.models import utcnow
from tests.conftest import EN, Client, declare_notification_kinds


@pytest.fixture(autouse=True)
def _kinds(app):
    declare_notification_kinds(
        app, {"tests.reply": "New reply", "tests.mention": "You were mentioned"}
    )


def configure_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


def say(recipients, tenant, subject_id, kind="tests.reply", title=None):
    return n.notify(
        recipients,
        kind=kind,
        title=title or f"Tema {subject_id}",
        url=f"/{tenant.slug}/discussions/t/{subject_id}",
        subject_type="thread",
        subject_id=subject_id,
        tenant_id=tenant.id,
    )


def rows_of(db, user):
    return db.session.scalars(
        db.select(n.Notification)
        .where(n.Notification.user_id == user.id)
        .order_by(n.Notification.id)
    ).all()


def test_digest_groups_by_space_marks_sent_and_is_not_sent_twice(
    db, make_user, make_tenant, outbox
):
    alfa = make_tenant("alfa", name="Prostor Alfa", short_name="Alfa")
    beta = make_tenant("beta", name="Mreža Beta")
    daily = make_user(name="Dana", locale="en")
    immediate = make_user()
    n.set_email_mode(daily, "daily")
    db.session.commit()
    say([daily], alfa, 1)
    say([daily], alfa, 1)  # same thread: one line, "2 new"
    say([daily], beta, 2, kind="tests.mention", title="Budžet za 2027.")
    (already_read,) = say([daily], alfa, 3, title="Pročitana tema")
    say([immediate], alfa, 1)
    db.session.commit()
    n.mark_read(daily, already_read)
    db.session.commit()
    before = len(outbox())

    assert digests.send_digests() == 1
    db.session.commit()
    (digest,) = outbox(daily.email)
    assert len(outbox()) == before + 1
    assert digest.subject == "3 new notifications · Alfa, Mreža Beta"
    body = digest.body_text
    assert body.index("Alfa") < body.index("Tema 1 (2 new)") < body.index("Mreža Beta")
    assert body.index("Mreža Beta") < body.index("You were mentioned: Budžet za 2027.")
    assert "Pročitana tema" not in body  # read on the site already: not mailed
    assert "http://localhost/notifications/" in body
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in digest.headers
    assert [r.email_status for r in rows_of(db, daily)] == ["sent", "sent", "sent", "skipped"]
    assert db.session.get(n.NotificationSettings, daily.id).digest_sent_at is not None

    # A second run finds nothing new and sends nothing.
    assert digests.send_digests(now=utcnow() + timedelta(days=1)) == 0
    db.session.commit()
    assert len(outbox(daily.email)) == 1


def test_digest_leaves_notifications_newer_than_its_cut_off(db, make_user, make_tenant, outbox):
    alfa = make_tenant("alfa")
    daily = make_user()
    n.set_email_mode(daily, "daily")
    say([daily], alfa, 1)
    db.session.commit()
    assert digests.send_digests(now=utcnow() - timedelta(hours=1)) == 0
    assert digests.send_digests() == 1


def test_cli_digest_queues_and_delivers_over_real_smtp(
    app, db, make_user, make_tenant, outbox, smtp_server, runner
):
    alfa = make_tenant("alfa", short_name="Alfa")
    daily = make_user(locale="en")
    n.set_email_mode(daily, "daily")
    say([daily], alfa, 1)
    db.session.commit()

    result = runner.invoke(args=["notifications", "digest", "--no-send"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digest mail(s)" in result.output
    assert "sent" not in result.output
    assert [m.status for m in outbox()] == ["pending"]

    configure_smtp(app, smtp_server)
    smtp_server.messages.clear()
    say([daily], alfa, 2)
    db.session.commit()
    result = runner.invoke(args=["notifications", "digest"])
    assert result.exit_code == 0, result.output
    assert "queued 1 digest mail(s)" in result.output
    assert "sent 2, to retry 0, failed 0" in result.output  # both digests delivered now
    assert len(smtp_server.messages) == 2
    envelope = smtp_server.messages[-1]
    assert envelope.rcpt_tos == [daily.email]
    received = message_from_bytes(envelope.content, policy=policy.default)
    assert received["Subject"] == "1 new notification · Alfa"
    assert received["List-Unsubscribe"].startswith("<http://localhost/notifications/unsubscribe/")
    assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "Tema 2" in received.get_body(("plain",)).get_content()
    assert {m.status for m in outbox()} == {"sent"}

    result = runner.invoke(args=["notifications", "digest"])
    assert "queued 0 digest mail(s)" in result.output
    assert len(smtp_server.messages) == 2


def unsubscribe_path(message) -> str:
    match = re.search(r"http://localhost(/notifications/unsubscribe/\S+)", message.body_text)
    assert match, message.body_text
    assert f"List-Unsubscribe: <http://localhost{match.group(1)}>" in message.headers
    return match.group(1)


def mode_of(db, user) -> str:
    db.session.expire_all()
    return n.email_mode(user)


def test_unsubscribe_link_from_a_real_mail_works_without_login(
    app, db, make_user, make_tenant, outbox
):
    alfa = make_tenant("alfa")
    bora = make_user(email="bora@example.org")
    say([bora], alfa, 1)
    db.session.commit()
    path = unsubscribe_path(outbox()[0])
    visitor = Client(app)
    english = EN

    page = visitor.get(path, headers=english)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "You are unsubscribed" in html and "b…@example.org" in html
    assert "bora@example.org" not in html
    assert mode_of(db, bora) == "never"
    # No more mail, but the notifications still arrive on the site.
    say([bora], alfa, 2)
    db.session.commit()
    assert len(outbox(bora.email)) == 1 and n.unread_count(bora) == 2

    # Undo (a form with CSRF protection like any other).
    assert visitor.post(f"{path}/undo", csrf=False).status_code == 400
    assert mode_of(db, bora) == "never"
    response = visitor.post(f"{path}/undo", headers=english)
    assert response.status_code == 303
    assert mode_of(db, bora) == "immediate"
    assert "You will receive notification mail again." in visitor.get(
        "/", headers=english
    ).get_data(as_text=True)


def test_one_click_post_needs_no_csrf_token(app, db, make_user, make_tenant, outbox):
    """RFC 8058: the mail client POSTs List-Unsubscribe=One-Click, without cookies or token."""
    alfa = make_tenant("alfa")
    bora = make_user()
    say([bora], alfa, 1)
    db.session.commit()
    path = unsubscribe_path(outbox()[0])
    response = Client(app).raw.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert mode_of(db, bora) == "never"


def test_bad_unsubscribe_tokens_answer_400_with_a_message(app, db, make_user):
    visitor = Client(app)
    bora = make_user()
    other_salt = n._serializer().dumps({"uid": bora.id})[:-3] + "abc"
    for token in ("garbage", other_salt, "a" * 300):
        for response in (
            visitor.get(f"/notifications/unsubscribe/{token}", headers=EN),
            visitor.raw.post(f"/notifications/unsubscribe/{token}"),
            visitor.post(f"/notifications/unsubscribe/{token}/undo"),
        ):
            assert response.status_code == 400, token
    html = visitor.get("/notifications/unsubscribe/garbage", headers=EN)
    assert "This unsubscribe link is not valid." in html.get_data(as_text=True)
    assert mode_of(db, bora) == "immediate"


def test_two_digest_runs_at_once_do_not_mail_twice(app, db, make_user, make_tenant, outbox):
    if db.engine.dialect.name != "postgresql":
        import pytest

        pytest.skip("SQLite serialises writers; the row locks are PostgreSQL's")
    alfa = make_tenant("alfa")
    daily = make_user()
    n.set_email_mode(daily, "daily")
    db.session.commit()
    say([daily], alfa, 1)
    db.session.commit()
    assert digests.send_digests() == 1  # the first run holds the rows, not committed yet
    with app.app_context():  # a second run, in its own session and transaction
        assert digests.send_digests() == 0
        db.session.rollback()
    db.session.commit()
    assert len([m for m in outbox() if m.to_address == daily.email]) == 1


def test_purge_deletes_only_old_read_notifications(app, db, make_user, make_tenant):
    alfa = make_tenant("alfa")
    person = make_user()
    old_read, old_unread, new_read = (say([person], alfa, i)[0] for i in (1, 2, 3))
    db.session.commit()
    long_ago = utcnow() - timedelta(days=400)
    old_read.created_at = old_unread.created_at = long_ago
    old_read.read_at = new_read.read_at = utcnow()
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["notifications", "purge", "--days", "365"])
    assert result.exit_code == 0 and "deleted 1" in result.output
    db.session.expire_all()
    assert [r.subject_id for r in rows_of(db, person)] == [2, 3]
