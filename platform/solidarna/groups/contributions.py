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
