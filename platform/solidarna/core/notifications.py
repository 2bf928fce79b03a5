"""Notifications: a shared service that capabilities call to tell people about things.

A capability declares its kinds in its descriptor (`Capability.notification_kinds`,
core/capabilities.py) and calls `notify(recipients, kind=..., title=..., url=...)` in the same transaction as the
change. Each recipient gets a row (the bell and the list at /notifications/) and, by their
settings, a mail now ("immediate", the default), a line in the daily digest ("daily") or no
mail ("never"). While a mailed notification about a subject is still unread, no further mail
about that subject goes out (coalescing), so a busy thread does not flood anyone's inbox.
Every mail carries a one-click unsubscribe link (a signed token, no login needed) and the
RFC 8058 List-Unsubscribe headers.

The model is not tenant-scoped (a person's notifications span spaces): every query names the
user. Core imports no capability; users and tenants are reached through relationships by name.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import Flask, current_app, g, has_request_context, render_template
from flask_babel import force_locale
from flask_login import current_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import ForeignKey, Index, String, Text, delete, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.core import mail
from solidarna.core.capabilities import registry
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized, normalise_locale
from solidarna.core.models import one_of, utcnow
from solidarna.core.script import in_script
from solidarna.core.tenancy import current_tenant_id
from solidarna.extensions import db

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "notifications-unsubscribe"
EMAIL_MODES = {
    "immediate": _l("Immediately"),
    "daily": _l("Once a day, as a summary"),
    "never": _l("Never"),
}
DEFAULT_EMAIL_MODE = "immediate"
#: a notification's mail: "pending" (waits for the daily digest), "sent", or "skipped" (no mail)
EMAIL_STATUSES = ("pending", "sent", "skipped")
#: what the list and mails say about a kind nobody registered
UNKNOWN_KIND = _l("Notification")


def kind_label(kind: str):
    """The label of a kind (used in the list and in mail), as its capability declared it."""
    return registry().notification_kinds().get(kind, UNKNOWN_KIND)


class Notification(db.Model):
    __tablename__ = "notifications"
    #: never on a page a visitor sees (core/pagecache.py)
    pagecache_exempt = True
    __table_args__ = (
        Index("ix_notifications_user_created", "user_id", "created_at"),
        one_of("email_status", EMAIL_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: the space it happened in; NULL for platform-level notifications
    tenant_id: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    #: dotted, e.g. "discussions.reply"; labels from the capabilities (kind_label)
    kind: Mapped[str] = mapped_column(String(40))
    #: a snapshot of what it is about (e.g. the thread's title)
    title: Mapped[str] = mapped_column(String(300))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    #: a site-relative path, e.g. /krusevac/discussions/t/5/post/3
    url: Mapped[str] = mapped_column(String(500))
    #: what it is about, e.g. ("thread", 5): mails about one subject are coalesced
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    #: "pending" (waits for the daily digest), "sent", or "skipped" (no mail)
    email_status: Mapped[str] = mapped_column(String(10), default="skipped", index=True)

    # By name: accounts' User and tenants' Tenant live on the same declarative base.
    actor = relationship("User", foreign_keys=[actor_id], viewonly=True, lazy="joined")
    tenant = relationship("Tenant", viewonly=True, lazy="joined")

    def __repr__(self) -> str:
        return f"<Notification {self.id} u{self.user_id} {self.kind}>"

    @property
    def label(self):
        return kind_label(self.kind)

    @property
    def is_unread(self) -> bool:
        return self.read_at is None


class NotificationSettings(db.Model):
    __tablename__ = "notification_settings"
    __table_args__ = (one_of("email_mode", EMAIL_MODES),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    #: "immediate", "daily" or "never"
    email_mode: Mapped[str] = mapped_column(String(10), default=DEFAULT_EMAIL_MODE)
    digest_sent_at: Mapped[datetime | None]


def user_model():
    return Notification.actor.property.mapper.class_


def tenant_model():
    return Notification.tenant.property.mapper.class_


# --- settings --------------------------------------------------------------------------------


def email_mode(user) -> str:
    row = db.session.get(NotificationSettings, user.id)
    return row.email_mode if row is not None else DEFAULT_EMAIL_MODE


def set_email_mode(user, mode: str) -> NotificationSettings:
    """Change how `user` gets mail. Leaving "daily" drops what waited for the digest (it is
    still in the list on the site). The caller commits."""
    if mode not in EMAIL_MODES:
        raise ValueError(f"unknown e-mail mode {mode!r}")
    row = db.session.get(NotificationSettings, user.id)
    if row is None:
        row = NotificationSettings(user_id=user.id)
        db.session.add(row)
    row.email_mode = mode
    if mode != "daily":
        db.session.execute(
            update(Notification)
            .where(Notification.user_id == user.id, Notification.email_status == "pending")
            .values(email_status="skipped")
        )
    return row


def _modes(user_ids) -> dict[int, str]:
    rows = db.session.execute(
        db.select(NotificationSettings.user_id, NotificationSettings.email_mode).where(
            NotificationSettings.user_id.in_(user_ids)
        )
    )
    return dict(rows.all())


# --- links and mail --------------------------------------------------------------------------


def absolute_url(endpoint: str, **values) -> str:
    """A link for mail: PUBLIC_BASE_URL and the path. Works outside a request too (cron)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_token(user) -> str:
    """A signed token that stops notification mail for `user`; it does not expire."""
    return _serializer().dumps({"uid": user.id})


def user_from_unsubscribe_token(token: str):
    """The user a token was made for, or None if it is altered or the account is gone."""
    if not token or len(token) > 200:
        return None
    try:
        data = _serializer().loads(token)
    except BadData:
        return None
    uid = data.get("uid") if isinstance(data, dict) else None
    if not isinstance(uid, int) or isinstance(uid, bool):
        return None
    return db.session.get(user_model(), uid)


def can_mail(user) -> bool:
    return bool(user.email and user.is_active and getattr(user, "is_verified", False))


def space_name(tenant, locale: str | None = None) -> str:
    """How mail names a space: its short name, else its name, in `locale` (see localized)."""
    if tenant is None:
        return "Solidarna"
    return localized(tenant, "short_name", locale) or localized(tenant, "name", locale)


def locale_for(user, tenant=None) -> str:
    return (
        normalise_locale(user.locale)
        or normalise_locale(getattr(tenant, "default_locale", None))
        or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def queue_mail(user, locale: str, subject, template: str, **context) -> None:
    """Render `template` in `locale` and queue it with the unsubscribe link and headers.
    `subject` is called inside the locale, so it can use gettext and the reader's script."""
    unsubscribe = absolute_url("notifications.unsubscribe", token=unsubscribe_token(user))
    with force_locale(locale):
        body = render_template(
            template,
            recipient=user,
            unsubscribe_link=unsubscribe,
            settings_link=absolute_url("notifications.settings"),
            **context,
        )
        subject_text = " ".join(str(subject()).split())
    if len(subject_text) > 300:
        subject_text = subject_text[:299] + "…"
    mail.queue(
        user.email,
        subject_text,
        body,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


DEFAULT_TEMPLATE = "mail/notifications/notification.txt"


def _mail_now(
    user, notification: Notification, tenant, actor, template: str | None = None,
    context: dict | None = None,
) -> None:  # fmt: skip
    locale = locale_for(user, tenant)
    space = space_name(tenant, locale)

    def subject() -> str:
        about = in_script(f"{notification.title} · {space}", locale)
        return f"{kind_label(notification.kind)}: {about}"

    queue_mail(
        user,
        locale,
        subject,
        template or DEFAULT_TEMPLATE,
        notification=notification,
        label=kind_label(notification.kind),
        actor=actor,
        space=space,
        link=absolute_url("notifications.open_notification", notification_id=notification.id),
        **(context or {}),
    )


# --- notify ----------------------------------------------------------------------------------


def shorten(text: str, limit: int = 200) -> str:
    """Plain text cut to about `limit` characters at a word boundary, for excerpts."""
    text = " ".join((text or "").replace("\x00", "").split())  # PostgreSQL refuses NUL
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" .,;:") + "…"


def _mailed_unread(user_ids, subject_type: str | None, subject_id: int | None) -> set[int]:
    """Who already has an unread, mailed notification about this subject."""
    if subject_type is None or subject_id is None:
        return set()
    return set(
        db.session.scalars(
            db.select(Notification.user_id).where(
                Notification.user_id.in_(user_ids),
                Notification.subject_type == subject_type,
                Notification.subject_id == subject_id,
                Notification.read_at.is_(None),
                Notification.email_status == "sent",
            )
        )
    )


def notify(
    recipients,
    *,
    kind: str,
    title: str,
    url: str,
    excerpt: str = "",
    actor=None,
    subject_type: str | None = None,
    subject_id: int | None = None,
    tenant_id: int | None = None,
    mail_template: str | None = None,
    mail_context: dict | None = None,
) -> list[Notification]:
    """Notify each recipient (User objects) once, never the actor; queue mail by their settings.
    A kind may have its own mail (`mail_template`, rendered in each reader's locale with the
    shared context and `mail_context`; it includes the shared footer).

    Adds the rows and mails to the session; the caller commits with the change itself."""
    if not url.startswith("/") or url.startswith("//") or len(url) > 500:
        raise ValueError("url must be a site-relative path of at most 500 characters")
    if tenant_id is None:
        tenant_id = current_tenant_id()
    actor_id = getattr(actor, "id", None)
    people = {}
    for user in recipients:
        if user is not None and user.id != actor_id and user.id not in people:
            people[user.id] = user
    if not people:
        return []
    modes = _modes(list(people))
    coalesced = _mailed_unread(list(people), subject_type, subject_id)
    rows = []
    for user in people.values():
        mode = modes.get(user.id, DEFAULT_EMAIL_MODE)
        if mode == "never" or not can_mail(user):
            status = "skipped"
        elif mode == "daily":
            status = "pending"
        else:
            status = "skipped" if user.id in coalesced else "sent"
        rows.append(
            Notification(
                user_id=user.id,
                tenant_id=tenant_id,
                actor_id=actor_id,
                kind=kind,
                title=shorten(title, 300),
                excerpt=shorten(excerpt, 500),
                url=url,
                subject_type=subject_type,
                subject_id=subject_id,
                email_status=status,
            )
        )
    db.session.add_all(rows)
    if has_request_context() and getattr(current_user, "id", None) in people:
        _forget_unread()  # the bell of this request counts again, the new row included
    to_mail = [row for row in rows if row.email_status == "sent"]
    if to_mail:
        db.session.flush()  # the mail links to /notifications/<id>
        tenant = db.session.get(tenant_model(), tenant_id) if tenant_id is not None else None
        for row in to_mail:
            _mail_now(people[row.user_id], row, tenant, actor, mail_template, mail_context)
    return rows


def notify_each_language(recipients, excerpt, *, tenant=None, **kwargs) -> int:
    """`notify` with an excerpt written in each reader's own language: `excerpt` is called
    (or, a lazy string, turned into text) once per language among `recipients`, inside that
    locale, and each language's readers get one `notify`. Returns how many were notified."""
    by_locale: dict[str, list] = {}
    for user in recipients:
        by_locale.setdefault(locale_for(user, tenant), []).append(user)
    told = 0
    for locale, users in sorted(by_locale.items()):
        with force_locale(locale):
            text = excerpt() if callable(excerpt) else str(excerpt)
        told += len(notify(users, excerpt=text, **kwargs))
    return told


# --- reading ---------------------------------------------------------------------------------


def unread_count(user) -> int:
    return db.session.scalar(
        db.select(db.func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def unread_count_column(user_id_column):
    """The unread count of the account in `user_id_column`, as a scalar subquery: a statement
    the request makes anyway (tenants/routing.py loads the account with its membership) asks
    the bell's count with it instead of in a statement of its own."""
    return (
        db.select(db.func.count(Notification.id))
        .where(Notification.user_id == user_id_column, Notification.read_at.is_(None))
        .scalar_subquery()
    )


def prefetched_unread_count(user_id: int, count: int) -> None:
    """The unread count of `user_id` read by another statement of this request, for the bell
    (used only if that account is the one logged in)."""
    g.unread_prefetched = (user_id, count)


def _forget_unread() -> None:
    g.pop("unread_notifications", None)
    g.pop("unread_prefetched", None)


def for_user(user, *, unread_only: bool = False, page: int = 1, per_page: int = 20):
    """A page of the user's notifications, newest first."""
    query = (
        db.select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def get_for(user, notification_id: int) -> Notification | None:
    """The notification if it is `user`'s, else None (the caller answers 404)."""
    row = db.session.get(Notification, notification_id)
    return row if row is not None and row.user_id == user.id else None


def mark_read(
    user, notification: Notification | None = None, *, subject: tuple[str, int] | None = None
) -> int:
    """Mark one notification, those about one subject (a capability showing the subject to
    the person, e.g. a thread being read), or every unread notification of `user` read.
    Returns how many changed; the caller commits."""
    if (
        has_request_context()
        and getattr(current_user, "id", None) == user.id
        and current_unread_count() == 0
    ):
        return 0  # the header's count (asked anyway) says there is nothing: no write
    query = update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    )
    if notification is not None:
        query = query.where(Notification.id == notification.id)
    if subject is not None:
        query = query.where(
            Notification.subject_type == subject[0], Notification.subject_id == subject[1]
        )
    result = db.session.execute(query.values(read_at=utcnow()))
    if has_request_context():
        _forget_unread()
    return result.rowcount


def purge_read(older_than: datetime) -> int:
    """Delete read notifications created before `older_than` (the table would grow forever).
    Unread ones stay, whatever their age. Returns how many went; the caller commits."""
    result = db.session.execute(
        delete(Notification).where(
            Notification.read_at.is_not(None), Notification.created_at < older_than
        )
    )
    return result.rowcount


def current_unread_count() -> int:
    """The current user's unread count, for the header's badge: read with the account in a
    space's pages (`prefetched_unread_count`), else one query per request for a logged-in user
    (kept on `g`); none for visitors."""
    if not has_request_context() or not current_user.is_authenticated:
        return 0
    if "unread_notifications" not in g:
        prefetched = g.get("unread_prefetched")
        if prefetched is not None and prefetched[0] == current_user.id:
            g.unread_notifications = prefetched[1]
            return prefetched[1]
        try:
            g.unread_notifications = unread_count(current_user)
        except SQLAlchemyError:  # e.g. on an error page while the database is unwell
            log.warning("Unread notification count unavailable", exc_info=True)
            return 0
    return g.unread_notifications


# --- wiring ----------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    app.jinja_env.globals["unread_notifications"] = current_unread_count

    from solidarna.core.digests import register_cli

    register_cli(app)
