"""Writing, publishing and reading a space's news. Every change is audit-logged in the same
transaction (the caller commits)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import abort, current_app, has_app_context
from sqlalchemy import func, select

from solidarna.core import audit, storage
from solidarna.core.facets import choice_arg, paginate, text_arg, url_args
from solidarna.core.models import utcnow
from solidarna.core.permissions import current_person
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.news.forms import USE
from solidarna.news.models import KINDS, NewsPost
from solidarna.news.permissions import can_view_news_post, can_write_news

PER_PAGE = 20
#: fields whose change the audit log names
TRACKED = ("kind", "title", "summary", "body", "deadline", "tags", "image_alt")


def today() -> date:
    name = "Europe/Belgrade"
    if has_app_context():
        name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", name)
    return datetime.now(ZoneInfo(name)).date()


def tag_text(tags: list[str]) -> str:
    return "," + ",".join(tags) + "," if tags else ""


# --- loading ------------------------------------------------------------------------------------


def load_post(news_post_id: int) -> NewsPost:
    """A post the viewer may read (a draft: its admins only), else 404."""
    post = db.session.get(NewsPost, news_post_id)
    if post is None or not can_view_news_post(current_person(), post):
        abort(404)
    return post


def load_own_post(news_post_id: int) -> NewsPost:
    post = db.session.get(NewsPost, news_post_id)
    if post is None:
        abort(404)
    return post


# --- the list -----------------------------------------------------------------------------------


@dataclass
class NewsFilters:
    kind: str = ""
    tag: str = ""
    #: "published" (everyone) or "drafts" (the admins)
    show: str = "published"
    page: int = 1
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> NewsFilters:
        return cls(
            kind=choice_arg(args, "kind", KINDS, ""),
            tag=text_arg(args, "tag")[:40].lower(),
            show=choice_arg(args, "show", ("published", "drafts"), "published"),
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.kind or self.tag or self.show != "published")

    def args(self, **changes) -> dict:
        data = {"kind": self.kind, "tag": self.tag,
                "show": "" if self.show == "published" else self.show, "page": self.page}  # fmt: skip
        data.update(changes)
        if data.get("page") == 1:
            data["page"] = None
        return url_args(data)


def published():
    return select(NewsPost).where(NewsPost.status == "published")


def search(filters: NewsFilters, user):
    drafts = filters.show == "drafts" and can_write_news(user)
    query = select(NewsPost).where(NewsPost.status == ("draft" if drafts else "published"))
    if filters.kind:
        query = query.where(NewsPost.kind == filters.kind)
    if filters.tag:
        query = query.where(NewsPost.tag_text.contains(f",{filters.tag},", autoescape=True))
    order = NewsPost.updated_at if drafts else NewsPost.published_at
    return paginate(query.order_by(order.desc(), NewsPost.id.desc()), filters.page, PER_PAGE)


def tags_in_use(limit: int = 300) -> list[str]:
    """The tags of the newest published posts, most used first (the list's tag filter)."""
    counts: dict[str, int] = {}
    rows = db.session.scalars(
        select(NewsPost.tags).where(NewsPost.status == "published")
        .order_by(NewsPost.published_at.desc()).limit(limit)
    )  # fmt: skip
    for tags in rows:
        for tag in tags or []:
            counts[tag] = counts.get(tag, 0) + 1
    return sorted(counts, key=lambda t: (-counts[t], t))[:30]


def latest(limit: int) -> list[NewsPost]:
    return list(
        db.session.scalars(
            published().order_by(NewsPost.published_at.desc(), NewsPost.id.desc()).limit(limit)
        )
    )


def count_published() -> int:
    return db.session.scalar(
        select(func.count(NewsPost.id)).where(NewsPost.status == "published")
    ) or 0  # fmt: skip


# --- writing ------------------------------------------------------------------------------------


def _store_image(post: NewsPost, checked, by) -> None:
    old = post.image
    record = storage.store(checked, USE, by)
    post.image_id = record.id
    post.image = record
    if old is not None:
        storage.delete_file(old)


def create(data: dict, image, by, kit_key: str | None = None) -> NewsPost:
    post = NewsPost(**data, tag_text=tag_text(data["tags"]), author_id=getattr(by, "id", None),
                    status="draft", kit_key=kit_key)  # fmt: skip
    db.session.add(post)
    db.session.flush()
    if image is not None:
        _store_image(post, image, by)
    audit.record("news.created", target=post, actor=by)
    db.session.flush()
    return post


def update(post: NewsPost, data: dict, image, remove_image: bool, by) -> list[str]:
    changed = [name for name in TRACKED if getattr(post, name) != data[name]]
    for name in TRACKED:
        setattr(post, name, data[name])
    post.tag_text = tag_text(post.tags)
    if image is not None:
        _store_image(post, image, by)
        changed.append("image")
    elif remove_image and post.image is not None:
        storage.delete_file(post.image)
        post.image_id = None
        post.image = None
        changed.append("image")
    if changed:
        post.updated_at = utcnow()
        audit.record("news.changed", target=post, actor=by, fields=changed)
    db.session.flush()
    return changed


def publish(post: NewsPost, by) -> bool:
    """Publish the post; its space's news followers hear of it the first time (news/notices)."""
    if post.is_published:
        return False
    first = post.published_at is None
    post.status = "published"
    post.published_at = utcnow()
    audit.record("news.published", target=post, actor=by)
    if first:
        from solidarna.news import notices

        notices.notify_published(post, by)
    return True


def unpublish(post: NewsPost, by) -> bool:
    if not post.is_published:
        return False
    post.status = "draft"
    audit.record("news.unpublished", target=post, actor=by)
    return True


def delete(post: NewsPost, by) -> None:
    audit.record("news.deleted", target=post, actor=by)
    image = post.image
    db.session.delete(post)
    db.session.flush()
    if image is not None:
        storage.delete_file(image)
