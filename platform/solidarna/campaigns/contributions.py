"""What advocacy platforms offer other capabilities through core registries: campaigns as
subjects (notifications and discussions name them), the home page's figure, and campaigns
that take signatures in the activity feed."""

from __future__ import annotations

from flask import url_for
from flask_login import current_user
from sqlalchemy import func, select

from solidarna.campaigns.models import SIGNING, Campaign
from solidarna.core import markdown
from solidarna.core.activity import ActivityItem
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.permissions import can_manage_members
from solidarna.core.registry import Figure
from solidarna.core.subjects import Subject, SubjectType
from solidarna.extensions import db

VISIBLE = ("open", "active", "won", "partly_won", "closed")


def resolve_campaigns(ids: list[int]) -> dict[int, Subject]:
    query = select(Campaign.id, Campaign.title).where(Campaign.id.in_(ids))
    if not can_manage_members(current_user):
        query = query.where(Campaign.status.in_(VISIBLE))
    return {
        cid: Subject("campaign", cid, title, url_for("campaigns.detail", campaign_id=cid))
        for cid, title in db.session.execute(query)
    }


def campaign_choices(limit: int) -> list[Subject]:
    """The space's own platforms the viewer may see, newest first: what a working group may
    say it works on (core/links.py). Partner spaces' platforms are not offered."""
    query = select(Campaign.id, Campaign.title)
    if not can_manage_members(current_user):
        query = query.where(Campaign.status.in_(VISIBLE))
    rows = db.session.execute(
        query.order_by(Campaign.created_at.desc(), Campaign.id.desc()).limit(limit)
    )
    return [
        Subject("campaign", cid, title, url_for("campaigns.detail", campaign_id=cid))
        for cid, title in rows
    ]


CAMPAIGN_SUBJECT = SubjectType(
    "campaign", _l("Advocacy platform"), resolve_campaigns, choices=campaign_choices
)


def campaign_figures(tenant) -> list[Figure]:
    count = db.session.scalar(
        select(func.count(Campaign.id)).where(Campaign.status.in_(("open", "active")))
    )
    return [Figure(str(_l("Active advocacy platforms")), count or 0, url_for("campaigns.index"))]


def active_campaigns(tenant, limit: int) -> list[ActivityItem]:
    """The space's campaigns that take signatures or are under way, newest first."""
    rows = db.session.scalars(
        select(Campaign)
        .where(Campaign.status.in_(("open", "active")))
        .order_by(Campaign.updated_at.desc(), Campaign.id.desc())
        .limit(limit)
    ).all()
    return [
        ActivityItem(
            when=c.updated_at, label=str(_l("Advocacy platform")), title=c.title,
            url=url_for("campaigns.detail", campaign_id=c.id), excerpt=markdown.excerpt(c.goal),
        )
        for c in rows
    ]  # fmt: skip


def partner_url(campaign_id: int) -> str:
    return url_for("campaigns.detail", campaign_id=campaign_id)


# --- the national overview (core/national.py) ------------------------------------------------


def national_public_campaigns():
    """What the national overview may read of advocacy platforms: those out of preparation."""
    return Campaign.status != "preparing"


def national_active_campaigns() -> dict[int, int]:
    """Advocacy platforms gathering signatures or acting, per taking-part space (inside
    core.tenancy.public_rows)."""
    query = (
        select(Campaign.tenant_id, func.count())
        .where(Campaign.status.in_(SIGNING))
        .group_by(Campaign.tenant_id)
    )
    return dict(db.session.execute(query).tuples().all())
