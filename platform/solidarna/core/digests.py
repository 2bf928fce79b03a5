"""The daily notification digest: one summary mail per person who chose "once a day", grouped
by space, and the `flask notifications digest` command that cron runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import groupby

import click
from flask import Flask
from flask_babel import ngettext

from solidarna.core import jobs, mail, notifications
from solidarna.core.models import utcnow
from solidarna.core.notifications import (
    Notification,
    NotificationSettings,
    absolute_url,
    can_mail,
    locale_for,
    queue_mail,
    space_name,
    user_model,
)
from solidarna.core.script import in_script
from solidarna.extensions import db

DELIVERY_BATCH = 100


@dataclass
class DigestEntry:
    """One subject in a digest: its oldest new notification (the link opens it) and how many."""

    first: Notification
    link: str
    count: int = 1


def _digest_groups(
    notifications: list[Notification], locale: str
) -> list[tuple[str, list[DigestEntry]]]:
    """[(space name, entries)]: one entry per subject, spaces and entries in arrival order."""
    groups: dict[int | None, dict] = {}
    for n in notifications:  # oldest first
        entries = groups.setdefault(n.tenant_id, {})
        key = (n.subject_type, n.subject_id) if n.subject_id is not None else n.id
        if key in entries:
            entries[key].count += 1
        else:
            link = absolute_url("notifications.open_notification", notification_id=n.id)
            entries[key] = DigestEntry(n, link)
    return [
        (space_name(next(iter(entries.values())).first.tenant, locale), list(entries.values()))
        for entries in groups.values()
    ]


def send_digests(now: datetime | None = None) -> int:
    """Queue one summary mail per user in "daily" mode who has unread pending notifications,
    grouped by space, and mark them sent. Pending ones already read on the site are dropped
    (marked skipped). Returns the number of mails queued; the caller commits."""
    now = now or utcnow()
    pending = db.session.scalars(
        db.select(Notification)
        .join(NotificationSettings, NotificationSettings.user_id == Notification.user_id)
        .where(
            NotificationSettings.email_mode == "daily",
            Notification.email_status == "pending",
            Notification.created_at <= now,
        )
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
        # Two runs at once (a retried cron job) must not mail the same items twice: on
        # PostgreSQL the second skips the rows the first holds; SQLite writes one at a time.
        .with_for_update(of=Notification, skip_locked=True)
    ).all()
    if not pending:
        return 0
    user_ids = sorted({n.user_id for n in pending})
    User = user_model()
    users = {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(user_ids)))}
    settings = {
        s.user_id: s
        for s in db.session.scalars(
            db.select(NotificationSettings).where(NotificationSettings.user_id.in_(user_ids))
        )
    }
    queued = 0
    for user_id, items in groupby(pending, key=lambda n: n.user_id):
        items = list(items)
        user = users[user_id]
        unread = [n for n in items if n.read_at is None] if can_mail(user) else []
        for n in items:
            n.email_status = "sent" if n in unread else "skipped"
        if not unread:
            continue
        _mail_digest(user, unread)
        settings[user_id].digest_sent_at = now
        queued += 1
    return queued


def _mail_digest(user, unread: list[Notification]) -> None:
    locale = locale_for(user, unread[0].tenant)
    groups = _digest_groups(unread, locale)
    spaces = ", ".join(space for space, _entries in groups)

    def subject() -> str:
        count = ngettext("%(num)d new notification", "%(num)d new notifications", len(unread))
        return f"{count} · {in_script(spaces, locale)}"

    queue_mail(
        user,
        locale,
        subject,
        "mail/notifications/digest.txt",
        groups=groups,
        total=len(unread),
        list_link=absolute_url("notifications.index"),
    )


@jobs.periodic("core.send_digests", jobs.crontab(minute="0", hour="5"))
def send_digests_daily() -> None:
    """The worker queues the daily digests at 05:00 UTC (06:00 or 07:00 in Belgrade) and
    delivers them with the rest of the outbox."""
    count = send_digests()
    db.session.commit()
    if count:
        mail.send_all_due(DELIVERY_BATCH)


def register_cli(app: Flask) -> None:
    @app.cli.group("notifications")
    def notifications_cli() -> None:
        """Notification mail."""

    @notifications_cli.command("digest")
    @click.option("--no-send", is_flag=True, help="Only queue the digests; do not deliver.")
    def digest_command(no_send: bool) -> None:
        """Queue the daily digests and deliver them (run once a day from cron)."""
        count = send_digests()
        db.session.commit()
        click.echo(f"queued {count} digest mail(s)")
        if no_send:
            return
        totals = mail.send_all_due(DELIVERY_BATCH)
        click.echo(f"sent {totals['sent']}, to retry {totals['retry']}, failed {totals['failed']}")

    @notifications_cli.command("purge")
    @click.option("--days", default=365, show_default=True, help="Keep this many days.")
    def purge_command(days: int) -> None:
        """Delete read notifications older than DAYS (unread ones are kept)."""
        count = notifications.purge_read(utcnow() - timedelta(days=days))
        db.session.commit()
        click.echo(f"deleted {count} read notification(s) older than {days} days")
