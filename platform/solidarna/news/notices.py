"""Telling people of a space's new posts (core/notifications.py, by each person's settings and
the outbox). Who wants them follows the space's news (core/following.py: subject "news", the
space's id); when a post is published for the first time, each follower who may still read the
space hears of it once (never the admin who published it). A post published again after
being taken back to the drafts is not news again."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from solidarna.accounts.models import User
from solidarna.core import following, notifications
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db
from solidarna.news.models import NewsPost
from solidarna.tenants.models import Membership, Tenant

SUBJECT = "news"
PUBLISHED = "news.published"
NOTIFICATION_KINDS = {PUBLISHED: _l("New news post")}


def is_following(user) -> bool:
    return following.is_following(user, SUBJECT, g.tenant.id)


def set_following(user, follow: bool) -> bool:
    """Follow the space's news or stop; committed here (two clicks at once leave one row)."""
    now = following.set_following(user, SUBJECT, g.tenant.id, follow)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    return now


def readers(tenant) -> list[User]:
    """The followers who may read the space now: any active account in a public space, its
    active members in a members-only one. Two queries, whatever the number of followers."""
    ids = [f.user.id for f in following.followers_of(SUBJECT, tenant.id) if f.user.is_active]
    if not ids:
        return []
    if tenant.visibility != "public":
        members = set(
            db.session.scalars(
                select(Membership.user_id).where(
                    Membership.user_id.in_(ids), Membership.status == "active"
                )
            )
        )
        ids = [i for i in ids if i in members]
    if not ids:
        return []
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [users[i] for i in ids if i in users]


def notify_published(post: NewsPost, by) -> int:
    """The post was just published for the first time (in its space, also from the command
    line: the demo; the caller commits)."""
    tenant = db.session.get(Tenant, post.tenant_id)
    path = current_app.url_map.bind("localhost").build(
        "news.detail", {"tenant_slug": tenant.slug, "news_post_id": post.id}
    )
    rows = notifications.notify(
        readers(tenant),
        kind=PUBLISHED,
        title=post.title,
        excerpt=post.summary,
        url=path,
        actor=by,
        subject_type="news_post",
        subject_id=post.id,
        tenant_id=tenant.id,
    )
    return len(rows)
