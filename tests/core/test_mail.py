from datetime import timedelta

from solidarna.core import mail
from solidarna.core.models import utcnow


def configure_smtp(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)


def test_queued_mail_is_part_of_the_transaction(db, outbox):
    mail.queue("ana@example.org", "Zdravo", "Telo poruke")
    db.session.rollback()
    assert outbox() == []
    mail.queue("ana@example.org", "Zdravo", "Telo poruke")
    db.session.commit()
    assert [m.status for m in outbox()] == ["pending"]


def test_send_delivers_over_real_smtp(app, db, outbox, smtp_server, runner):
    configure_smtp(app, smtp_server)
    smtp_server.messages.clear()
    mail.queue(
        "ana@example.org",
        "Potvrdite adresu",
        "Otvorite vezu: http://localhost/x",
        headers={"List-Unsubscribe": "<http://localhost/u>"},
    )
    db.session.commit()
    result = runner.invoke(args=["outbox", "send"])
    assert "sent 1" in result.output, result.output
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["ana@example.org"]
    content = envelope.content.decode()
    assert "Subject: Potvrdite adresu" in content
    assert "List-Unsubscribe: <http://localhost/u>" in content
    (message,) = outbox()
    assert message.status == "sent" and message.attempts == 1


def test_nothing_is_lost_when_smtp_is_down_and_retries_back_off(app, db, outbox, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=2)  # nothing listens
    mail.queue("ana@example.org", "Zdravo", "Telo")
    db.session.commit()
    start = utcnow()
    counts = mail.send_pending(now=start)
    assert counts == {"sent": 0, "retry": 1, "failed": 0}
    (message,) = outbox()
    assert message.status == "pending" and message.last_error
    assert message.next_attempt_at > start
    # Not due yet: nothing is tried.
    assert mail.send_pending(now=start + timedelta(seconds=10)) == {
        "sent": 0,
        "retry": 0,
        "failed": 0,
    }
    # SMTP is back: the message goes out on the next due run.
    configure_smtp(app, smtp_server)
    smtp_server.messages.clear()
    counts = mail.send_pending(now=start + timedelta(hours=1))
    assert counts["sent"] == 1
    assert len(smtp_server.messages) == 1


def test_temporary_smtp_refusal_is_retried(app, db, outbox, smtp_server):
    configure_smtp(app, smtp_server)
    smtp_server.refuse = True
    try:
        mail.queue("ana@example.org", "Zdravo", "Telo")
        db.session.commit()
        assert mail.send_pending()["retry"] == 1
    finally:
        smtp_server.refuse = False
    assert mail.send_pending(now=utcnow() + timedelta(hours=1))["sent"] == 1


def test_gives_up_after_max_attempts(app, db, outbox):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, MAIL_TIMEOUT=1, MAIL_MAX_ATTEMPTS=2)
    mail.queue("ana@example.org", "Zdravo", "Telo")
    db.session.commit()
    now = utcnow()
    mail.send_pending(now=now)
    assert mail.send_pending(now=now + timedelta(days=1))["failed"] == 1
    assert outbox()[0].status == "failed"


def test_backoff_grows_and_is_capped():
    assert mail.backoff(1) < mail.backoff(2) < mail.backoff(3)
    assert mail.backoff(30) == timedelta(seconds=mail.BACKOFF_MAX_SECONDS)


def test_console_mode_prints_the_message(app, db, outbox, capsys):
    app.config["MAIL_SERVER"] = ""
    mail.queue("ana@example.org", "Potvrdite", "http://localhost/auth/verify/abc")
    db.session.commit()
    assert mail.send_pending()["sent"] == 1
    assert "http://localhost/auth/verify/abc" in capsys.readouterr().err
