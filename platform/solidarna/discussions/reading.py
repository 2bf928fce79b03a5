"""Reading discussions: pages of a category and of a thread, threads about a subject, post
addresses, earlier versions and the recent posts of the activity feed. Every query runs in the
current tenant; who may see what is decided in services.py."""

from __future__ import annotations

from dataclasses import dataclass

from flask import g, url_for
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import and_, or_, select

from solidarna.core import subjects
from solidarna.core.fragments import Lazy
from solidarna.core.urls import Numbered
from solidarna.discussions.models import (
    POSTS_PER_PAGE,
    THREADS_PER_PAGE,
    Category,
    Post,
    PostRevision,
    Thread,
)
from solidarna.extensions import db
from solidarna.tenants.models import Tenant


@dataclass
class Page(Numbered):
    items: list
    page: int
    pages: int
    total: int


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


def page_author_ids(thread: Thread, page: int) -> list[int]:
    """The authors of one page's posts (one query on the thread's numbers)."""
    first = (page - 1) * POSTS_PER_PAGE
    return list(
        db.session.scalars(
            select(Post.author_id)
            .where(
                Post.thread_id == thread.id,
                Post.number > first,
                Post.number <= first + POSTS_PER_PAGE,
                Post.author_id.is_not(None),
            )
            .distinct()
        )
    )


def person_actions(thread: Thread, page: int, posts) -> dict[int, list[subjects.PersonAction]]:
    """What the owner of the thread's subject offers the viewer about the authors of this
    page's posts (core/subjects.py `person_actions`: e.g. "Invite as co-author" in a
    proposal's discussion). The authors come from the page's posts when they were read, else
    from one query, and only when the owner has something to offer."""
    if not thread.subject_type or not current_user.is_authenticated:
        return {}

    def people() -> list[int]:
        if isinstance(posts, Lazy) and not posts._done:
            return page_author_ids(thread, page)
        return [post.author_id for post in posts if post.author_id]

    return subjects.person_actions(thread.subject_type, thread.subject_id, people)


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


def revisions(post: Post) -> list[PostRevision]:
    return list(
        db.session.scalars(
            select(PostRevision)
            .where(PostRevision.post_id == post.id)
            .order_by(PostRevision.replaced_at.desc(), PostRevision.id.desc())
        )
    )


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


def post_actions_fill(offered_actions, *, viewer, thread, moderator, offered, may_report, urls,
                      labels):  # fmt: skip
    """The filler of the posts' `post-actions` slot (templates/discussions/_post_slots.html),
    called for each of a page's posts with what the slot carries (the post's id, its
    author's id, hidden or not): edit and delete where `can_edit_post` lets the viewer (asked
    only of their own posts, or by a moderator), what the thread's subject offers about the
    author (`offered_actions`, a macro: rare), and "Report" on others' posts for members.
    `urls` are the edit, delete and report addresses of post 0, `labels` their texts."""
    from solidarna.core.fragments import csrf_token
    from solidarna.discussions.permissions import PostRef, can_edit_post

    viewer_id = viewer.id if viewer.is_authenticated else None
    (edit_a, edit_b), (delete_a, delete_b), (report_a, report_b) = (
        str(escape(url)).split("/posts/0/", 1) for url in urls
    )
    edit_label, delete_label, report_label = (escape(label) for label in labels)

    # `can_edit_post` reads of a post only its author and whether it is hidden (PostRef), and
    # lets a moderator edit every post shown: asked once per pair on a page (a moderator's
    # once), not for each of its posts
    may_edit: dict = {}
    token = []  # the request's CSRF token, asked once (core/fragments.py request_token)

    def editable(number: int, author: int, hidden: str) -> bool:
        pair = "moderator" if moderator else (author, hidden)
        answer = may_edit.get(pair)
        if answer is None:
            answer = may_edit[pair] = can_edit_post(
                viewer, PostRef(number, author, hidden == "1", thread)
            )
        return answer

    def csrf() -> str:
        if not token:
            token.append(csrf_token())
        return token[0]

    def fill(post_id: str, author_id: str, hidden: str) -> Markup:
        number, author = int(post_id), int(author_id)
        mine = author == viewer_id
        parts = []
        if (mine or moderator) and editable(number, author, hidden):
            parts.append(
                f'<a href="{edit_a}/posts/{number}/{edit_b}">{edit_label}</a>\n'
                f'<form method="post" action="{delete_a}/posts/{number}/{delete_b}"'
                ' class="inline-form">\n'
                f'<input type="hidden" name="csrf_token" value="{csrf()}">\n'
                f'<button type="submit" class="link">{delete_label}</button>\n</form>'
            )
        if not mine and hidden != "1" and offered.get(author):
            parts.append(str(offered_actions(author_id)))
        if not mine and may_report:
            parts.append(f'<a href="{report_a}/posts/{number}/{report_b}">{report_label}</a>')
        return Markup("\n".join(parts))

    return fill
