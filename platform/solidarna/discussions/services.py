"""Discussion rules: who sees what, posting (numbering, counters, follows, mentions,
notifications), editing with history, soft deletion and the rate limit. Reading (pages,
addresses) is in reading.py, mentions in mentions.py, moderation in moderation_services.py.
Views call these; tests reach them without HTTP."""

from __future__ import annotations

import functools

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm.attributes import set_committed_value

from solidarna.accounts.models import User
from solidarna.core import markdown, notifications, subjects, throttle
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.core.permissions import ROLE_RANK
from solidarna.core.tenancy import PREPARED
from solidarna.discussions.mentions import render_body
from solidarna.discussions.models import Category, Post, PostRevision, Subscription, Thread
from solidarna.discussions.permissions import reader_rank, visible_levels
from solidarna.discussions.reading import permalink
from solidarna.extensions import db
from solidarna.tenants.models import Membership

TITLE_MAX = 200
BODY_MAX = 20_000

#: the notifications this capability sends, declared in its Capability (discussions/__init__.py)
NOTIFICATION_KINDS = {
    "discussions.reply": _l("New reply"),
    "discussions.mention": _l("You were mentioned"),
    "discussions.moderation": _l("A moderator acted on your post"),
}


class DiscussionError(Exception):
    """A discussion rule was broken; str() is a user-facing message."""


class RateLimited(DiscussionError):
    pass


# Who may read and write what is in permissions.py.


def categories_for(user) -> list[Category]:
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.visibility.in_(visible_levels(user)))
            .order_by(Category.position, Category.name)
        )
    )


# --- following -------------------------------------------------------------------------------


@functools.cache
def _subscription_of():
    # Built once, walked once per space (core/tenancy.PREPARED): every thread page asks it.
    return (
        select(Subscription)
        .where(
            Subscription.thread_id == bindparam("thread"), Subscription.user_id == bindparam("user")
        )
        .execution_options(**{PREPARED: True})
    )


def subscription(thread: Thread, user) -> Subscription | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(_subscription_of(), {"thread": thread.id, "user": user.id})


def set_following(thread: Thread, user, following: bool, *, automatic: bool = False) -> None:
    """Follow or unfollow. An automatic follow (after posting) respects an earlier unfollow."""
    current = subscription(thread, user)
    if current is None:
        db.session.add(Subscription(thread_id=thread.id, user_id=user.id, following=following))
    elif not automatic:
        current.following = following


def followers(thread: Thread) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Subscription, Subscription.user_id == User.id)
            .where(Subscription.thread_id == thread.id, Subscription.following.is_(True))
        )
    )


# --- writing ---------------------------------------------------------------------------------


def clean_body(body: str | None) -> str:
    # NUL is never text (and PostgreSQL refuses it); other control characters stay escaped.
    body = (body or "").replace("\x00", "").replace("\r\n", "\n").strip()
    if not body:
        raise DiscussionError(_("Write something before posting."))
    if len(body) > BODY_MAX:
        raise DiscussionError(
            _("A post can have at most %(max)d characters; this one has %(n)d.",
              max=BODY_MAX, n=len(body))
        )  # fmt: skip
    return body


def clean_title(title: str | None) -> str:
    title = " ".join((title or "").replace("\x00", "").split())
    if len(title) < 3:
        raise DiscussionError(_("Give the discussion a title of at least 3 characters."))
    if len(title) > TITLE_MAX:
        raise DiscussionError(_("A title can have at most %(max)d characters.", max=TITLE_MAX))
    return title


def check_rate(user) -> None:
    """Posting is limited per user (DISCUSSIONS_POST_LIMIT, e.g. "8 per minute;60 per hour")."""
    if not throttle.hit(current_app.config["DISCUSSIONS_POST_LIMIT"], "discussions-post", user.id):
        raise RateLimited(
            _("You are posting very fast. Wait a minute and send it again; your text is kept.")
        )


def _recipients_who_can_read(thread: Thread, users: list[User]) -> list[User]:
    """Of `users`, the active members of this tenant allowed to read the thread."""
    if not users:
        return []
    needed = reader_rank(thread)
    rows = db.session.execute(
        select(Membership.user_id, Membership.role).where(
            Membership.status == "active", Membership.user_id.in_([u.id for u in users])
        )
    ).all()
    allowed = {user_id for user_id, role in rows if ROLE_RANK.get(role, 0) >= needed}
    return [u for u in users if u.id in allowed]


def add_post(
    thread: Thread, body: str, author: User, *, rate_check: bool = True, notify: bool = True
) -> Post:
    """Append a post: the next number, counters, the author follows, followers and mentioned
    members are notified. The caller commits."""
    body = clean_body(body)
    if rate_check:
        check_rate(author)
    html, mentioned = render_body(body)
    now = utcnow()
    number = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_post_at=now, last_author_id=author.id)
        .returning(Thread.post_count),
        execution_options={"synchronize_session": False},
    ).scalar_one()
    set_committed_value(thread, "post_count", number)
    set_committed_value(thread, "last_post_at", now)
    set_committed_value(thread, "last_author_id", author.id)
    if thread.category_id is not None:
        values = {"post_count": Category.post_count + 1, "last_post_at": now}
        if number == 1:
            values["thread_count"] = Category.thread_count + 1
        db.session.execute(
            update(Category).where(Category.id == thread.category_id).values(**values),
            execution_options={"synchronize_session": False},
        )
    post = Post(
        thread_id=thread.id, number=number, author_id=author.id, body=body, body_html=html,
        created_at=now,
    )  # fmt: skip
    db.session.add(post)
    db.session.flush()
    set_committed_value(post, "thread", thread)
    set_committed_value(post, "author", author)
    if notify:
        _notify_about(thread, post, author, mentioned)
    set_following(thread, author, True, automatic=True)
    if thread.subject_type is not None:
        subjects.touch(thread.subject_type, thread.subject_id)  # the subject's latest activity
    return post


def _notify_about(thread: Thread, post: Post, author: User, mentioned: list[User]) -> None:
    url = permalink(thread, post.number)
    common = {
        "title": thread.title,
        "url": url,
        "excerpt": markdown.excerpt(post.body),
        "actor": author,
        "subject_type": "thread",
        "subject_id": thread.id,
    }
    mentioned = _recipients_who_can_read(thread, [u for u in mentioned if u.id != author.id])
    notifications.notify(mentioned, kind="discussions.mention", **common)
    already = {u.id for u in mentioned} | {author.id}
    following = [u for u in followers(thread) if u.id not in already]
    notifications.notify(
        _recipients_who_can_read(thread, following), kind="discussions.reply", **common
    )


def create_thread(
    title: str,
    body: str,
    author: User,
    *,
    category: Category | None = None,
    subject: subjects.Subject | None = None,
    notify: bool = True,
    rate_check: bool = True,
) -> tuple[Thread, Post]:
    if (category is None) == (subject is None):
        raise ValueError("a thread belongs to a category or to a subject")
    title = clean_title(title)
    clean_body(body)
    if rate_check:
        check_rate(author)
    thread = Thread(
        title=title,
        category_id=category.id if category else None,
        subject_type=subject.type if subject else None,
        subject_id=subject.id if subject else None,
        author_id=author.id,
    )
    db.session.add(thread)
    db.session.flush()
    set_committed_value(thread, "category", category)
    post = add_post(thread, body, author, rate_check=False, notify=notify)
    return thread, post


def edit_post(post: Post, body: str, editor: User) -> bool:
    """Replace the body, keeping the earlier version. False when nothing changed."""
    body = clean_body(body)
    if body == post.body:
        return False
    db.session.add(
        PostRevision(
            post_id=post.id, body=post.body, written_at=post.edited_at or post.created_at,
            edited_by_id=editor.id,
        )
    )  # fmt: skip
    post.body = body
    post.body_html, _mentioned = render_body(body)
    post.edited_at = utcnow()
    post.edit_count += 1
    return True


def delete_post(post: Post, by: User) -> None:
    """Soft delete: the number and the place stay, the text is kept for moderators."""
    if post.deleted_at is None:
        post.deleted_at = utcnow()
        post.deleted_by_id = by.id


def quote_text(post: Post) -> str:
    if post.is_deleted or post.is_hidden:
        return ""
    return markdown.quote(post.body, post.author.name if post.author else _("someone"))
