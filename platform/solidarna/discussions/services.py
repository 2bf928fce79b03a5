"""Discussion rules: who sees what, posting (numbering, counters, follows, mentions,
notifications), editing with history, soft deletion and the rate limit. Moderation lives in
moderation_services.py. Views call these; tests reach them without HTTP."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from limits import parse_many
from markupsafe import Markup
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from solidarna.accounts.models import User
from solidarna.core import markdown, notifications, subjects
from solidarna.core.models import utcnow
from solidarna.core.permissions import ROLE_RANK, can_manage_members, can_moderate, is_member
from solidarna.core.script import fold, to_cyrillic, to_latin
from solidarna.discussions.models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    Category,
    Post,
    PostRevision,
    Subscription,
    Thread,
)
from solidarna.extensions import db, limiter
from solidarna.tenants.models import Membership, Tenant

TITLE_MAX = 200
BODY_MAX = 20_000

notifications.register_kind("discussions.reply", _l("New reply"))
notifications.register_kind("discussions.mention", _l("You were mentioned"))
notifications.register_kind("discussions.moderation", _l("A moderator acted on your post"))


class DiscussionError(Exception):
    """A discussion rule was broken; str() is a user-facing message."""


class RateLimited(DiscussionError):
    pass


# --- who sees what ---------------------------------------------------------------------------


def visible_levels(user) -> list[str]:
    """The category visibilities the user may read in the current tenant."""
    levels = ["public"]
    if is_member(user) or can_moderate(user):
        levels.append("members")
    if can_manage_members(user):
        levels.append("admins")
    return levels


def can_view_category(user, category: Category | None) -> bool:
    return category is not None and category.visibility in visible_levels(user)


def can_take_part(user, tenant=None) -> bool:
    """Members write in the space's discussions (moderators and admins too)."""
    return is_member(user) or can_moderate(user)


def can_post(user, thread: Thread | None = None) -> bool:
    """Members write; a locked or deleted thread takes only moderators' posts."""
    if can_moderate(user):
        return True
    return is_member(user) and not (thread is not None and (thread.locked or thread.deleted_at))


def can_edit_post(user, post: Post) -> bool:
    if post.is_deleted or not user.is_authenticated:
        return False
    if can_moderate(user):
        return True
    return (
        post.author_id == user.id
        and is_member(user)
        and not post.is_hidden
        and not post.thread.locked
    )


def can_delete_post(user, post: Post) -> bool:
    return can_edit_post(user, post)


def thread_subject(thread: Thread) -> subjects.Subject | None:
    """The object an attached thread is about, if the viewer may see it."""
    if not thread.subject_type:
        return None
    return subjects.resolve_one(thread.subject_type, thread.subject_id)


def thread_visible(thread: Thread | None, user) -> bool:
    if thread is None:
        return False
    if thread.deleted_at is not None and not can_moderate(user):
        return False
    if thread.category_id is not None:
        return can_view_category(user, thread.category)
    return thread_subject(thread) is not None


def categories_for(user) -> list[Category]:
    return list(
        db.session.scalars(
            select(Category)
            .where(Category.visibility.in_(visible_levels(user)))
            .order_by(Category.position, Category.name)
        )
    )


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_count(total: int, per_page: int) -> int:
    return max((total - 1) // per_page + 1, 1)


def category_threads(category: Category, page: int) -> Page:
    """One page of a category: pinned first, then by last activity. The total comes from the
    category's counter, so a category with 10,000 threads costs one indexed query."""
    pages = page_count(category.thread_count, THREADS_PER_PAGE)
    page = min(max(page, 1), pages)
    order = (Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    # Page the ids on the covering index first, then load (and join authors to) just those 25:
    # a deep page skips index entries, not joined rows.
    ids = (
        select(Thread.id)
        .where(Thread.category_id == category.id, Thread.deleted_at.is_(None))
        .order_by(*order)
        .limit(THREADS_PER_PAGE)
        .offset((page - 1) * THREADS_PER_PAGE)
        .subquery()
    )
    items = db.session.scalars(select(Thread).join(ids, ids.c.id == Thread.id).order_by(*order))
    items = items.unique()
    return Page(list(items), page, pages, category.thread_count)


def subject_threads(subject_type: str, subject_id: int, limit: int | None = None) -> list[Thread]:
    query = (
        select(Thread)
        .where(
            Thread.subject_type == subject_type,
            Thread.subject_id == subject_id,
            Thread.deleted_at.is_(None),
        )
        .order_by(Thread.pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())
    )
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def recent_subject_threads(limit: int = 10) -> list[tuple[Thread, subjects.Subject]]:
    """The latest discussions attached to objects the viewer may see, with those objects."""
    threads = list(
        db.session.scalars(
            select(Thread)
            .where(
                Thread.category_id.is_(None),
                Thread.subject_type.is_not(None),
                Thread.deleted_at.is_(None),
            )
            .order_by(Thread.last_post_at.desc(), Thread.id.desc())
            .limit(limit * 3)
        ).unique()
    )
    resolved = subjects_of(threads)
    return [(t, resolved[(t.subject_type, t.subject_id)]) for t in threads
            if (t.subject_type, t.subject_id) in resolved][:limit]  # fmt: skip


def subjects_of(threads) -> dict[tuple[str, int], subjects.Subject]:
    """The visible subjects of attached threads, one resolver call per subject type."""
    wanted: dict[str, set[int]] = {}
    for thread in threads:
        if thread.subject_type:
            wanted.setdefault(thread.subject_type, set()).add(thread.subject_id)
    found = {}
    for kind, ids in wanted.items():
        for subject_id, subject in subjects.resolve(kind, ids).items():
            found[(kind, subject_id)] = subject
    return found


def page_of(number: int) -> int:
    return (max(number, 1) - 1) // POSTS_PER_PAGE + 1


def thread_posts(thread: Thread, page: int) -> list[Post]:
    """The posts of one page, by their numbers: constant time at any thread length."""
    first = (page - 1) * POSTS_PER_PAGE
    return list(
        db.session.scalars(
            select(Post)
            .where(
                Post.thread_id == thread.id,
                Post.number > first,
                Post.number <= first + POSTS_PER_PAGE,
            )
            .order_by(Post.number)
        ).unique()
    )


def post_by_number(thread: Thread, number: int) -> Post | None:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.number == number))


def permalink(thread: Thread, number: int) -> str:
    """The stable address of a post (also outside a tenant's request, e.g. in a command)."""
    tenant = g.get("tenant")
    if tenant is None or tenant.id != thread.tenant_id:
        tenant = db.session.get(Tenant, thread.tenant_id)
    return url_for(
        "discussions.permalink", tenant_slug=tenant.slug, thread_id=thread.id, number=number
    )


def post_url(post: Post, **values) -> str:
    """The post's place: the page it is on, scrolled to it."""
    page = page_of(post.number)
    args = {"page": page} if page > 1 else {}
    return url_for(
        "discussions.thread", thread_id=post.thread_id, _anchor=f"post-{post.number}", **args,
        **values,
    )  # fmt: skip


# --- following -------------------------------------------------------------------------------


def subscription(thread: Thread, user) -> Subscription | None:
    if not user.is_authenticated:
        return None
    return db.session.scalar(
        select(Subscription).where(
            Subscription.thread_id == thread.id, Subscription.user_id == user.id
        )
    )


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


# --- mentions --------------------------------------------------------------------------------


def _name_variants(name: str) -> set[str]:
    variants = {name, to_latin(name), to_cyrillic(name)}
    return variants | {v.title() for v in variants}


def members_named(names: list[str]) -> list[User]:
    """Active members of this tenant whose name is one of `names` (in either script)."""
    if not names:
        return []
    wanted = set().union(*(_name_variants(n) for n in names[:20]))
    folded = {fold(n) for n in names}
    found = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.status == "active", User.name.in_(wanted))
    )
    return [user for user in found if fold(user.name) in folded]


def mention_suggestions(query: str, limit: int = 8) -> list[User]:
    """Members whose name contains the typed text, for the @mention autocomplete."""
    query = " ".join(query.split())[:80]
    if len(query) < 2:
        return []
    terms = {query, to_latin(query), to_cyrillic(query)}
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.status == "active",
                or_(*(User.name.ilike(f"%{t}%") for t in terms)),
            )
            .order_by(User.name)
            .limit(limit)
        )
    )


def render_body(source: str) -> tuple[Markup, list[User]]:
    """The sanitized HTML of a post and the members it mentions."""
    mentioned = members_named(markdown.mentioned_names(source))
    names = {fold(user.name): user.name for user in mentioned}
    return markdown.render(source, names), mentioned


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
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    for item in parse_many(current_app.config["DISCUSSIONS_POST_LIMIT"]):
        if not limiter.limiter.hit(item, "discussions-post", str(user.id)):
            raise RateLimited(
                _("You are posting very fast. Wait a minute and send it again; your text is kept.")
            )


def _recipients_who_can_read(thread: Thread, users: list[User]) -> list[User]:
    """Of `users`, the active members of this tenant allowed to read the thread."""
    if not users:
        return []
    needed = ROLE_RANK["admin"] if thread.category and thread.category.visibility == "admins" else 1
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


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
        )
    )


def quote_text(post: Post) -> str:
    if post.is_deleted or post.is_hidden:
        return ""
    return markdown.quote(post.body, post.author.name if post.author else _("someone"))


def recent_posts(levels: list[str], limit: int) -> list[tuple[Post, Thread]]:
    """The newest visible posts of the tenant (for the activity feed), newest first."""
    rows = db.session.execute(
        select(Post, Thread)
        .join(Thread, Thread.id == Post.thread_id)
        .outerjoin(Category, Category.id == Thread.category_id)
        .where(
            Post.deleted_at.is_(None),
            Post.hidden_at.is_(None),
            Thread.deleted_at.is_(None),
            or_(
                Category.visibility.in_(levels),
                and_(Thread.category_id.is_(None), Thread.subject_type.is_not(None)),
            ),
        )
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    ).unique()
    return [(post, thread) for post, thread in rows]
