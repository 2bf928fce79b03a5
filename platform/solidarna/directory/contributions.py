"""What the directory offers other capabilities through core registries: organizations as
subjects others can attach to (discussions about an entry), the home page figure and newly
verified entries in the tenant activity feed (declared in directory/__init__.py)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from solidarna.core.activity import ActivityItem
from solidarna.core.registry import Figure
from solidarna.core.subjects import Subject, SubjectType
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.services import represented_ids, viewer_level, visible_clause
from solidarna.extensions import db


def resolve_organizations(ids: list[int]) -> dict[int, Subject]:
    """The entries among `ids` that the current viewer may see (one query)."""
    clause = visible_clause(viewer_level(), represented_ids())
    orgs = db.session.scalars(select(Organization).where(Organization.id.in_(ids), clause)).unique()
    return {org.id: Subject("organization", org.id, org.name, org.url) for org in orgs}


ORGANIZATION_SUBJECT = SubjectType("organization", _l("Directory entry"), resolve_organizations)


def directory_figures(tenant) -> list[Figure]:
    """How many entries the viewer can find in the directory (one query)."""
    clause = visible_clause(viewer_level(), represented_ids())
    count = db.session.scalar(select(func.count(Organization.id)).where(clause))
    return [Figure(str(_l("Organizations in the directory")), count or 0)]


def newly_verified(tenant, limit: int) -> list[ActivityItem]:
    orgs = db.session.scalars(
        select(Organization)
        .where(Organization.moderation == "verified", Organization.verified_at.is_not(None))
        .order_by(Organization.verified_at.desc(), Organization.id.desc())
        .limit(limit)
    ).unique()
    return [
        ActivityItem(when=org.verified_at, label=_("New in the directory"), title=org.name,
                     url=org.url)
        for org in orgs
    ]  # fmt: skip
