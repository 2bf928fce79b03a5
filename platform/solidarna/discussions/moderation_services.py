"""Moderation: reports and automatic hiding, hide/unhide, lock, pin, move, delete, and the
categories tenant admins manage. Every action goes to the audit log with who, what and why."""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from solidarna.accounts.models import User
from solidarna.core import audit, notifications
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.discussions.models import (
    CATEGORY_VISIBILITIES,
    REPORT_REASONS,
    Category,
    Post,
    Report,
    Thread,
)
from solidarna.discussions.reading import permalink
from solidarna.discussions.services import DiscussionError
from solidarna.extensions import db

THREAD_ACTIONS = ("lock", "unlock", "pin", "unpin", "delete", "restore")
POST_ACTIONS = ("hide", "unhide", "delete", "dismiss")

#: suggested when a space sets up its discussions (a kit may list its own under
#: [starter] discussion_categories)
DEFAULT_CATEGORIES = [
    {"name": _l("Announcements"), "description": _l("News from the office and the coalition."),
     "visibility": "public"},
    {"name": _l("Questions and answers"),
     "description": _l("Ask the community: registration, financing, law, markets."),
     "visibility": "public"},
    {"name": _l("Members' room"), "description": _l("Conversations among members."),
     "visibility": "members"},
]  # fmt: skip


def auto_hide_threshold() -> int:
    return int(current_app.config["DISCUSSIONS_AUTO_HIDE_REPORTS"])


def report_post(post: Post, reporter: User, reason: str, note: str = "") -> Report:
    """Report a post once per person; enough open reports hide it until a moderator looks."""
    if reason not in REPORT_REASONS:
        raise DiscussionError(_("Choose why you report this post."))
    if post.author_id == reporter.id:
        raise DiscussionError(_("You cannot report your own post; edit or delete it instead."))
    if post.is_deleted:
        raise DiscussionError(_("This post has been deleted."))
    existing = db.session.scalar(
        select(Report).where(Report.post_id == post.id, Report.reporter_id == reporter.id)
    )
    if existing is not None and existing.resolved_at is None:
        raise DiscussionError(_("You have already reported this post; moderators will look."))
    if existing is not None:
        existing.reason, existing.note, existing.created_at = reason, note.strip(), utcnow()
        existing.resolved_at = existing.resolved_by_id = None
        existing.resolution = ""
        report = existing
    else:
        report = Report(post_id=post.id, reporter_id=reporter.id, reason=reason, note=note.strip())
        db.session.add(report)
    post.open_reports += 1
    audit.record(
        "discussions.post_reported", target=post, actor=reporter, reason=reason,
        thread_id=post.thread_id, number=post.number,
    )  # fmt: skip
    if post.hidden_at is None and post.open_reports >= auto_hide_threshold():
        post.hidden_at = utcnow()
        post.hidden_reason = _("Hidden automatically after %(n)d reports, until a moderator "
                               "looks at it.", n=post.open_reports)  # fmt: skip
        audit.record(
            "discussions.post_auto_hidden", target=post, actor=None, reports=post.open_reports,
            thread_id=post.thread_id, number=post.number,
        )  # fmt: skip
    return report


def _resolve_reports(post: Post, by: User, resolution: str) -> int:
    count = db.session.execute(
        update(Report)
        .where(Report.post_id == post.id, Report.resolved_at.is_(None))
        .values(resolved_at=utcnow(), resolved_by_id=by.id, resolution=resolution),
        execution_options={"synchronize_session": False},
    ).rowcount
    post.open_reports = 0
    return count


def moderate_post(post: Post, action: str, by: User, reason: str = "") -> None:
    if action not in POST_ACTIONS:
        raise DiscussionError(_("Unknown moderation action."))
    reason = reason.strip()
    if action == "hide":
        if not reason:
            raise DiscussionError(_("Say why the post is hidden; its author will read it."))
        post.hidden_at = post.hidden_at or utcnow()
        post.hidden_reason = reason
        _resolve_reports(post, by, "hidden")
        _tell_author(post, by, _l("Your post was hidden by a moderator."), reason)
    elif action == "unhide":
        post.hidden_at = None
        post.hidden_reason = ""
        _resolve_reports(post, by, "dismissed")
    elif action == "delete":
        post.deleted_at = post.deleted_at or utcnow()
        post.deleted_by_id = by.id
        _resolve_reports(post, by, "deleted")
    elif action == "dismiss":
        _resolve_reports(post, by, "dismissed")
    audit.record(
        f"discussions.post_{action}", target=post, actor=by, reason=reason,
        thread_id=post.thread_id, number=post.number,
    )  # fmt: skip


def _tell_author(post: Post, by: User, what, reason: str) -> None:
    if post.author is None or post.author_id == by.id:
        return
    notifications.notify(
        [post.author],
        kind="discussions.moderation",
        title=post.thread.title,
        url=permalink(post.thread, post.number),
        excerpt=f"{what} {reason}".strip(),
        actor=by,
        subject_type="post",
        subject_id=post.id,
    )


def recount_category(category_id: int | None) -> None:
    """Recompute a category's counters (after a move, delete or restore)."""
    if category_id is None:
        return
    threads, posts, last = db.session.execute(
        select(func.count(Thread.id), func.coalesce(func.sum(Thread.post_count), 0),
               func.max(Thread.last_post_at))
        .where(Thread.category_id == category_id, Thread.deleted_at.is_(None))
    ).one()  # fmt: skip
    db.session.execute(
        update(Category)
        .where(Category.id == category_id)
        .values(thread_count=threads, post_count=posts, last_post_at=last),
        execution_options={"synchronize_session": "fetch"},
    )


def moderate_thread(thread: Thread, action: str, by: User, reason: str = "") -> None:
    if action not in THREAD_ACTIONS:
        raise DiscussionError(_("Unknown moderation action."))
    reason = reason.strip()
    if action in ("delete",) and not reason:
        raise DiscussionError(_("Say why the discussion is deleted."))
    if action in ("lock", "unlock"):
        thread.locked = action == "lock"
    elif action in ("pin", "unpin"):
        thread.pinned = action == "pin"
    elif action == "delete":
        thread.deleted_at = thread.deleted_at or utcnow()
    elif action == "restore":
        thread.deleted_at = None
    db.session.flush()
    if action in ("delete", "restore"):
        recount_category(thread.category_id)
    audit.record(
        f"discussions.thread_{action}", target=thread, actor=by, reason=reason, title=thread.title
    )


def move_thread(thread: Thread, category: Category, by: User, reason: str = "") -> None:
    if thread.category_id is None:
        raise DiscussionError(_("A discussion about a directory entry stays with that entry."))
    if category.id == thread.category_id:
        raise DiscussionError(_("The discussion is already in this category."))
    old = thread.category_id
    thread.category_id = category.id
    db.session.flush()
    recount_category(old)
    recount_category(category.id)
    audit.record(
        "discussions.thread_moved", target=thread, actor=by, reason=reason.strip(),
        title=thread.title, from_category=old, to_category=category.id,
    )  # fmt: skip


def open_reports(limit: int = 100) -> list[tuple[Post, list[Report]]]:
    """Posts with open reports, most reported first, with their reports (two queries)."""
    posts = list(
        db.session.scalars(
            select(Post)
            .where(Post.open_reports > 0, Post.deleted_at.is_(None))
            .order_by(Post.open_reports.desc(), Post.id.desc())
            .limit(limit)
        ).unique()
    )
    if not posts:
        return []
    reports: dict[int, list[Report]] = {}
    for report in db.session.scalars(
        select(Report)
        .where(Report.post_id.in_([p.id for p in posts]), Report.resolved_at.is_(None))
        .order_by(Report.created_at)
    ).unique():
        reports.setdefault(report.post_id, []).append(report)
    return [(post, reports.get(post.id, [])) for post in posts]


def hidden_posts(limit: int = 50) -> list[Post]:
    return list(
        db.session.scalars(
            select(Post)
            .where(Post.hidden_at.is_not(None), Post.deleted_at.is_(None))
            .order_by(Post.hidden_at.desc())
            .limit(limit)
        ).unique()
    )


def load_threads(ids: set[int]) -> dict[int, Thread]:
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(select(Thread).where(Thread.id.in_(ids))).unique()}


# --- categories (tenant admins) --------------------------------------------------------------


def save_category(category: Category | None, data: dict, by: User) -> Category:
    if data.get("visibility") not in CATEGORY_VISIBILITIES:
        raise DiscussionError(_("Choose who can see the category."))
    created = category is None
    if created:
        last = db.session.scalar(select(func.max(Category.position))) or 0
        category = Category(position=last + 1)
        db.session.add(category)
    category.name = " ".join(data["name"].split())
    category.name_en = " ".join((data.get("name_en") or "").split()) or None
    category.description = (data.get("description") or "").strip()
    category.description_en = (data.get("description_en") or "").strip() or None
    category.visibility = data["visibility"]
    db.session.flush()
    audit.record(
        "discussions.category_created" if created else "discussions.category_changed",
        target=category, actor=by, name=category.name, visibility=category.visibility,
    )  # fmt: skip
    return category


def delete_category(category: Category, by: User) -> None:
    has_threads = db.session.scalar(
        select(func.count(Thread.id)).where(Thread.category_id == category.id)
    )
    if has_threads:
        raise DiscussionError(
            _("Move or delete the discussions in this category before deleting it.")
        )
    audit.record("discussions.category_deleted", target=category, actor=by, name=category.name)
    db.session.delete(category)


def move_category(category: Category, direction: int) -> None:
    """Swap the category with its neighbour above (-1) or below (+1)."""
    ordered = list(db.session.scalars(select(Category).order_by(Category.position, Category.name)))
    index = ordered.index(category)
    other = index + direction
    if 0 <= other < len(ordered):
        ordered[index], ordered[other] = ordered[other], ordered[index]
        for position, item in enumerate(ordered, start=1):
            item.position = position


def suggested_categories(tenant) -> list[dict]:
    """The kit's [starter] discussion_categories, or the platform's defaults (in the current
    locale, with their English versions: the message ids)."""
    listed = (tenant.starter or {}).get("discussion_categories")
    if isinstance(listed, list) and listed:
        return [
            {"name": str(c.get("name", "")), "description": str(c.get("description", "")),
             "name_en": str(c.get("name_en", "")),
             "description_en": str(c.get("description_en", "")),
             "visibility": c.get("visibility", "public")}
            for c in listed if isinstance(c, dict) and c.get("name")
        ]  # fmt: skip
    suggested = [
        {**c, "name": str(c["name"]), "description": str(c["description"])}
        for c in DEFAULT_CATEGORIES
    ]
    with force_locale("en"):
        for item, default in zip(suggested, DEFAULT_CATEGORIES, strict=True):
            item["name_en"], item["description_en"] = (
                str(default["name"]),
                str(default["description"]),
            )
    return suggested


def set_up_categories(tenant, by: User | None) -> list[Category]:
    """Create the suggested categories in a space that has none yet."""
    if db.session.scalar(select(func.count(Category.id))):
        return []
    made = []
    # Names are content from now on: written in the space's language, not the admin's.
    with force_locale(tenant.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        suggested = suggested_categories(tenant)
    for position, data in enumerate(suggested, start=1):
        visibility = data["visibility"] if data["visibility"] in CATEGORY_VISIBILITIES else "public"
        name = data["name"][:120]
        # an English version only where it says something the Serbian name does not
        name_en = (data.get("name_en") or "")[:120]
        description_en = data.get("description_en") or ""
        category = Category(
            name=name, description=data["description"], visibility=visibility,
            name_en=name_en if name_en and name_en != name else None,
            description_en=(
                description_en if description_en and description_en != data["description"]
                else None
            ),
            position=position,
        )  # fmt: skip
        db.session.add(category)
        made.append(category)
    db.session.flush()
    audit.record("discussions.categories_set_up", actor=by, count=len(made))
    return made
