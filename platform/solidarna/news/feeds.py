"""Atom feeds (feedgen): one per space, of its published posts, and a national one, of the
published posts of every public space that has news switched on, each entry linking to the
post on its own space's page.

The national feed is the one read across spaces: it names the spaces first (public, active,
news on) and then reads only their published posts, inside an explicit `cross_tenant()`
block; a members-only space's posts never reach it (tests/news/test_news.py)."""

from __future__ import annotations

from datetime import UTC

from feedgen.feed import FeedGenerator
from flask import Response, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from solidarna.core import markdown
from solidarna.core.i18n import localized
from solidarna.core.models import utcnow
from solidarna.core.tenancy import cross_tenant
from solidarna.extensions import db
from solidarna.news.models import KINDS, NewsPost
from solidarna.tenants.models import Tenant

FEED_SIZE = 30
MODULE = "news"


def _aware(moment):
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def _entry(feed: FeedGenerator, post: NewsPost, tenant: Tenant) -> None:
    link = url_for("news.detail", tenant_slug=tenant.slug, news_post_id=post.id, _external=True)
    entry = feed.add_entry(order="append")
    entry.id(link)
    entry.title(post.title)
    entry.link(href=link, rel="alternate")
    entry.summary(post.summary or markdown.excerpt(post.body))
    if post.body:
        entry.content(str(markdown.render(post.body)), type="html")
    entry.published(_aware(post.published_at))
    entry.updated(_aware(max(filter(None, (post.published_at, post.updated_at)))))
    entry.author({"name": localized(tenant, "name")})
    entry.category(term=post.kind, label=str(KINDS.get(post.kind, post.kind)))
    for tag in post.tags or []:
        entry.category(term=tag)


def _feed(feed_id: str, title: str, home: str, posts, tenants: dict[int, Tenant]) -> Response:
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(title)
    feed.link(href=home, rel="alternate")
    feed.link(href=feed_id, rel="self")
    feed.author({"name": "Solidarna"})
    newest = max((_aware(p.updated_at or p.published_at) for p in posts), default=None)
    feed.updated(newest or _aware(utcnow()))
    for post in posts:
        _entry(feed, post, tenants[post.tenant_id])
    response = Response(feed.atom_str(pretty=True), mimetype="application/atom+xml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def space_feed(tenant: Tenant) -> Response:
    posts = list(db.session.scalars(
        select(NewsPost).where(NewsPost.status == "published")
        .order_by(NewsPost.published_at.desc(), NewsPost.id.desc()).limit(FEED_SIZE)
    ))  # fmt: skip
    title = _("News · %(space)s", space=localized(tenant, "name"))
    return _feed(url_for("news.feed", _external=True), title,
                 url_for("news.index", _external=True), posts, {tenant.id: tenant})  # fmt: skip


def public_spaces() -> dict[int, Tenant]:
    """The spaces whose news the national feed carries: public, active, news switched on."""
    rows = db.session.scalars(
        select(Tenant).where(Tenant.visibility == "public", Tenant.status == "active")
    )
    return {t.id: t for t in rows if MODULE in (t.modules or [])}


def national_posts(limit: int = FEED_SIZE) -> tuple[list[NewsPost], dict[int, Tenant]]:
    tenants = public_spaces()
    if not tenants:
        return [], tenants
    with cross_tenant():  # deliberately several spaces': their published posts only
        posts = list(db.session.scalars(
            select(NewsPost)
            .where(NewsPost.tenant_id.in_(tenants), NewsPost.status == "published")
            .order_by(NewsPost.published_at.desc(), NewsPost.id.desc()).limit(limit)
        ))  # fmt: skip
    return posts, tenants


def national_feed() -> Response:
    posts, tenants = national_posts()
    return _feed(url_for("news_feed.national", _external=True), _("News from the spaces"),
                 url_for("pages.home", _external=True), posts, tenants)  # fmt: skip
