"""What working groups offer other capabilities through core registries: groups as subjects
that discussions attach to, the home page figure and new groups in the activity feed."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, select

from solidarna.core import markdown
from solidarna.core.activity import ActivityItem
from solidarna.core.i18n import lazy_gettext as _l
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


def resolve_decisions(ids: list[int]) -> dict[int, Subject]:
    """Decisions of the groups the viewer may see, named “Decision 3/2026 · <title> ·
    <group>” and addressed by their stable page (one statement)."""
    from flask_babel import gettext as _

    from solidarna.groups.records import GroupDecision

    rows = db.session.execute(
        select(GroupDecision.id, GroupDecision.group_id, GroupDecision.year,
               GroupDecision.number, GroupDecision.title, WorkingGroup.name,
               GroupDecision.withdrawn_at)
        .join(WorkingGroup, WorkingGroup.id == GroupDecision.group_id)
        .where(GroupDecision.id.in_(ids), visible_clause(current_user))
    )  # fmt: skip
    withdrawn = _("withdrawn")
    return {
        did: Subject(
            "group_decision", did,
            f"{_('Decision %(number)s', number=f'{number}/{year}')} · {title} · {name}"
            + (f" ({withdrawn})" if withdrawn_at else ""),
            url_for("group_tasks.decision", group_id=gid, year=year, number=number),
        )
        for did, gid, year, number, title, name, withdrawn_at in rows
    }  # fmt: skip


#: a numbered decision of a group: it may lead to a proposal (core/links.py, `leads_to`)
DECISION_SUBJECT = SubjectType("group_decision", _l("Decision of a working group"),
                               resolve_decisions)  # fmt: skip


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
    """On a proposal's page: the working groups that work on it and the groups' decisions
    that led to it (those the reader may see), from one statement on the links."""
    if subject_type != "proposal":
        return None
    from flask import render_template
    from markupsafe import Markup

    from solidarna.core import links

    found = links.sources_by(("works_on", "leads_to"), subject_id)
    if not found["works_on"] and not found["leads_to"]:
        return None
    return Markup(render_template("groups/_proposal_panel.html", groups=found["works_on"],
                                  decisions=found["leads_to"]))  # fmt: skip


def campaign_panel(campaign_id: int):
    """On an advocacy platform's page: the working groups that work on it (those the reader
    may see), from one statement on the links."""
    from flask import render_template
    from markupsafe import Markup

    from solidarna.core import links

    groups = links.sources("works_on_campaign", campaign_id)
    if not groups:
        return None
    return Markup(render_template("groups/_campaign_panel.html", groups=groups))


def subject_panel(subject_type: str, subject_id: int):
    """The groups' panel on the page of a proposal or an advocacy platform: the groups the
    reader may see (a private one only by its members), so kept per change of the space and
    per account (core/fragments.py kept_value: the groups, their members and the links are
    the space's rows), as the page's slot asks on every request."""
    from markupsafe import Markup

    from solidarna.core import fragments
    from solidarna.core.permissions import current_person

    if subject_type not in ("proposal", "campaign"):
        return None

    def draw() -> str | None:
        if subject_type == "proposal":
            panel = proposal_panel(subject_type, subject_id)
        else:
            panel = campaign_panel(subject_id)
        return None if panel is None else str(panel)

    person = current_person()
    html = fragments.kept_value(
        "groups-panel", person.id if person else None, subject_type, subject_id, compute=draw
    )
    return None if html is None else Markup(html)
