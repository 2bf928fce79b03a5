"""What news offers the platform through core registries: the latest published posts in the
space home's activity, and a figure of how many there are."""

from __future__ import annotations

from flask import url_for

from solidarna.core.activity import ActivityItem
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.pagecache import FrontMarker
from solidarna.core.registry import Figure
from solidarna.news import services
from solidarna.news.models import KINDS


def news_figures(tenant) -> list[Figure]:
    return [Figure(str(_l("News posts")), services.count_published(), url_for("news.index"))]


def latest_news(tenant, limit: int) -> list[ActivityItem]:
    """The space's newest published posts, newest first (drafts never)."""
    return [
        ActivityItem(
            when=post.published_at, label=str(KINDS.get(post.kind, _l("News"))),
            title=post.title, url=url_for("news.detail", news_post_id=post.id),
            excerpt=post.summary,
        )
        for post in services.latest(min(limit, 5))
    ]  # fmt: skip


def _news_state(read, slug):
    """The page cache's marker of the news pages (core/pagecache.py): the space's state and
    today's date, so a call whose deadline passed shows as closed the next day without a
    write in the space. Read by the front door as well as the view (`pagecache.FrontMarker`):
    one indexed statement."""
    from solidarna.core import pagecache

    row = pagecache.space_rows(read, slug)
    if row is None:
        return None
    today = services.today().isoformat()
    return ("news", *pagecache.tenant_state_of(row)[1:], today), row.default_locale


news_marker = FrontMarker(_news_state)
