"""New threads and replies for the tenant activity feed, only what the viewer may read."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user

from solidarna.core.activity import ActivityItem
from solidarna.core.markdown import excerpt
from solidarna.discussions import reading
from solidarna.discussions.permissions import visible_levels


def discussion_activity(tenant, limit: int) -> list[ActivityItem]:
    rows = reading.recent_posts(visible_levels(current_user), limit * 2)
    visible_subjects = reading.subjects_of([thread for _post, thread in rows])
    items = []
    for post, thread in rows:
        if thread.subject_type and (thread.subject_type, thread.subject_id) not in visible_subjects:
            continue
        items.append(
            ActivityItem(
                when=post.created_at,
                label=_("New discussion") if post.number == 1 else _("Reply"),
                title=thread.title,
                url=url_for("discussions.permalink", thread_id=thread.id, number=post.number),
                actor=post.author.name if post.author else None,
                excerpt=excerpt(post.body, 140),
            )
        )
    return items[:limit]
