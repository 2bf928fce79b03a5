"""The outbox: mail is queued in the same transaction as the change that caused it.

`queue()` only adds a row to the session; if the transaction rolls back, no mail goes out.
`send_pending()` (the `flask outbox send` command) delivers through SMTP with retries and
exponential backoff and marks each message sent. Nothing is lost while SMTP is down: a
message stays in the outbox until it is delivered or has failed MAIL_MAX_ATTEMPTS times.
Without MAIL_SERVER the outbox prints each message to the console (development).
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import sys
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import click
from flask import Flask, current_app, g, has_request_context
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from solidarna.core import jobs
from solidarna.core.models import utcnow
from solidarna.extensions import db

log = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600
#: a message being delivered is not due for others meanwhile (if the sender dies, it is
#: tried again after this)
CLAIM_SECONDS = 600
DELIVERY_BATCH = 100


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    # Extra headers such as List-Unsubscribe, one "Name: value" per line.
    headers: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: when delivery is next tried; NULL once sent or given up
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.failed_at:
            return "failed"
        return "pending"


def queue(
    to: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Add a message to the current transaction. The caller commits."""
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers="\n".join(f"{k}: {v}" for k, v in (headers or {}).items()) or None,
    )
    db.session.add(message)
    if has_request_context():
        g.mail_queued = True
    return message


def build_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    email["Message-ID"] = make_msgid(domain="solidarna")
    for line in (message.headers or "").splitlines():
        name, _, value = line.partition(":")
        email[name.strip()] = value.strip()
    email.set_content(message.body_text)
    if message.body_html:
        email.add_alternative(message.body_html, subtype="html")
    return email


def _smtp_connection():
    cfg = current_app.config
    cls = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    smtp = cls(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    return smtp


def _print_to_console(email: EmailMessage) -> None:
    body = email.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    print(
        "\n----- outgoing mail (no MAIL_SERVER set, printed instead of sent) -----\n"
        f"To: {email['To']}\nSubject: {email['Subject']}\n\n{text}\n"
        "----------------------------------------------------------------------\n",
        file=sys.stderr,
        flush=True,
    )


def backoff(attempts: int) -> timedelta:
    return timedelta(
        seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    )


def send_pending(limit: int = 100, now: datetime | None = None) -> dict[str, int]:
    """Deliver due messages. Returns counts of sent, retried and failed messages."""
    now = now or utcnow()
    due = db.session.scalars(
        db.select(OutboxMessage)
        .where(OutboxMessage.next_attempt_at.is_not(None), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
    ).all()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    if not due:
        return counts
    console = not current_app.config["MAIL_SERVER"]
    smtp = None
    try:
        for message in due:
            # Several senders may run at once (the worker's minute, an enqueue after a
            # request, cron): each message is claimed by exactly one of them.
            claimed = db.session.execute(
                db.update(OutboxMessage)
                .where(
                    OutboxMessage.id == message.id,
                    OutboxMessage.next_attempt_at.is_not(None),
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS))
                .execution_options(synchronize_session=False)
            ).rowcount
            db.session.commit()
            if not claimed:
                continue
            message.attempts += 1
            try:
                email = build_email(message)
                if console:
                    _print_to_console(email)
                else:
                    if smtp is None:
                        smtp = _smtp_connection()
                    smtp.send_message(email)
            except (OSError, smtplib.SMTPException) as exc:
                smtp = None
                message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
                    message.next_attempt_at = None
                    message.failed_at = now
                    counts["failed"] += 1
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                    counts["retry"] += 1
                log.warning("Mail %s to %s not delivered: %s", message.id, message.to_address, exc)
            else:
                message.sent_at = now
                message.next_attempt_at = None
                message.last_error = None
                counts["sent"] += 1
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return counts


def send_all_due(batch: int = DELIVERY_BATCH) -> dict[str, int]:
    """Every due message, in batches; each is tried at most once per run."""
    totals = {"sent": 0, "retry": 0, "failed": 0}
    while True:
        counts = send_pending(limit=batch)
        for key, value in counts.items():
            totals[key] += value
        if sum(counts.values()) < batch:
            return totals


@jobs.periodic("core.send_outbox", jobs.crontab(minute="*"))
def send_outbox() -> None:
    """The worker delivers the outbox every minute (and when a request queued mail)."""
    counts = send_all_due()
    if any(counts.values()):
        log.info("Outbox: %s", counts)


def init_app(app: Flask) -> None:
    @app.cli.group("outbox")
    def outbox_cli() -> None:
        """Outgoing mail."""

    @outbox_cli.command("send")
    @click.option("--limit", default=100, show_default=True, help="Messages per run.")
    def send_command(limit: int) -> None:
        """Deliver queued mail (run from cron or a worker loop)."""
        counts = send_pending(limit=limit)
        click.echo(f"sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}")

    @outbox_cli.command("status")
    def status_command() -> None:
        """Count messages by state."""
        count = db.func.count(OutboxMessage.id)
        sent, failed, total = db.session.execute(
            db.select(
                db.func.count(OutboxMessage.sent_at), db.func.count(OutboxMessage.failed_at), count
            )
        ).one()
        click.echo(f"pending {total - sent - failed}, sent {sent}, failed {failed}")

    if app.config.get("MAIL_SEND_AFTER_REQUEST"):
        from flask import request_finished

        @request_finished.connect_via(app)
        def deliver_after_request(sender, response, **extra) -> None:
            if g.get("mail_queued"):
                response.call_on_close(lambda: _deliver_in_context(app))


def _deliver_in_context(app: Flask) -> None:
    with app.app_context():
        try:
            send_pending()
        except Exception:  # delivery must never break a response
            log.exception("Delivering mail after the request failed")
