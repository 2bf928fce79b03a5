"""What working groups offer other capabilities through core registries: groups as subjects
that discussions attach to, the home page figure and new groups in the activity feed."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from solidarna.core import markdown
from solidarna.core.activity import ActivityItem
from solidarna.core.registry import Figure
from solidarna.core.subjects import Subject, SubjectType
from solidarna.extensions import db
from solidarna.groups.models import WorkingGroup
from solidarna.groups.services import visible_clause


def resolve_groups(ids: list[int]) -> dict[int, Subject]:
    rows = db.session.execute(
        select(WorkingGroup.id, WorkingGroup.name).where(
            WorkingGroup.id.in_(ids), visible_clause(current_user)
        )
    )
    return {
        gid: Subject("group", gid, name, url_for("groups.detail", group_id=gid))
        for gid, name in rows
    }


GROUP_SUBJECT = SubjectType("group", _l("Working group"), resolve_groups)


def group_figures(tenant) -> list[Figure]:
    count = db.session.scalar(
        select(func.count(WorkingGroup.id)).where(WorkingGroup.visibility == "public")
    )
    return [Figure(str(_l("Working groups")), count or 0, url_for("groups.index"))]


def new_groups(tenant, limit: int) -> list[ActivityItem]:
    """Newly started public groups (the others are not everyone's news)."""
    rows = db.session.scalars(
        select(WorkingGroup)
        .where(WorkingGroup.visibility == "public")
        .order_by(WorkingGroup.created_at.desc(), WorkingGroup.id.desc())
        .limit(limit)
    ).all()
    return [
        ActivityItem(
            when=group.created_at, label=str(_l("New working group")), title=group.name,
            url=url_for("groups.detail", group_id=group.id), excerpt=markdown.excerpt(group.mandate),
        )
        for group in rows
    ]  # fmt: skip


def group_activity(tenant, limit: int) -> list[ActivityItem]:
    """New public groups and new documents (and versions) in public groups, newest first."""
    from solidarna.groups import documents

    items = new_groups(tenant, limit)
    for version, document, group in documents.public_activity(limit):
        items.append(ActivityItem(
            when=version.created_at,
            label=str(_l("New document") if version.number == 1 else _l("New version of a document")),
            title=f"{document.title} · {group.name}",
            url=url_for("group_documents.show", group_id=group.id, document_id=document.id),
            excerpt=document.description[:200],
        ))  # fmt: skip
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]


def proposal_panel(subject_type: str, subject_id: int):
    """On a proposal's page: the working groups that work on it (those the reader may see)."""
    if subject_type != "proposal":
        return None
    from flask import render_template
    from markupsafe import Markup

    from solidarna.core import links

    groups = links.sources("works_on", subject_id)
    if not groups:
        return None
    return Markup(render_template("groups/_proposal_panel.html", groups=groups))
