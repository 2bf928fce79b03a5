"""Following an advocacy platform (core/following.py, in the owner space's rows: a member of a
partner space follows through the shared campaign, the row records the space they came
from), and telling its people of what happens (core/notifications.py, by each person's
settings and the outbox):

- a new step of the timeline ("campaigns.action"): the followers, the representatives of the
  organizations that signed (the owner space's own organizations: their representatives now,
  asked through core/representation.py; a partner space's organization: the representative
  who signed, whose directory the owner cannot read) and the individual supporters;
- a new comment ("campaigns.comment"): the followers and the campaign's creator.

Each person once, never the one who acted, and only while they may still read the campaign
where they are told of it: an active member of the owner space, or of a partner space whose
partnership still stands (tenants/partnerships.py); the notice links to the campaign in that
space, and its mail names that space."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from solidarna.accounts.models import User
from solidarna.campaigns.models import (
    Campaign,
    CampaignAction,
    CampaignSignature,
    CampaignSupporter,
)
from solidarna.core import following, markdown, notifications, representation
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.tenancy import current_tenant_id
from solidarna.extensions import db
from solidarna.tenants import partnerships
from solidarna.tenants.models import Tenant

SUBJECT = "campaign"
ACTION = "campaigns.action"
COMMENT = "campaigns.comment"
NOTIFICATION_KINDS = {
    ACTION: _l("New step of an advocacy platform"),
    COMMENT: _l("New comment on an advocacy platform"),
}


def _opened(campaign: Campaign):
    """The campaign's rows, from the owner space or through the shared subject."""
    from solidarna.campaigns.services import opened

    return opened(campaign)


# --- following ------------------------------------------------------------------------------


def is_following(user, campaign: Campaign) -> bool:
    with _opened(campaign):
        return following.is_following(user, SUBJECT, campaign.id)


def set_following(user, campaign: Campaign, follow: bool) -> bool:
    """Follow or stop following, committed here (inside the campaign's context: the row is the
    owner space's). Two clicks at once leave one row."""
    with _opened(campaign):
        now = following.set_following(user, SUBJECT, campaign.id, follow)
        try:
            db.session.commit()
        except IntegrityError:  # followed at the same moment from another tab: followed
            db.session.rollback()
    return now


# --- who is told ----------------------------------------------------------------------------


def _people(campaign: Campaign, *, signatories: bool, creator: bool) -> list[tuple[int, int]]:
    """(space id, user id) of whom to tell, in order of preference (the owner space's first,
    so that a person of both spaces is told where the campaign lives)."""
    owner = campaign.tenant_id
    wanted: list[tuple[int, int]] = []
    with _opened(campaign):
        wanted += [
            (f.origin_tenant_id, f.user.id) for f in following.followers_of(SUBJECT, campaign.id)
        ]
        signed = []
        if signatories:
            signed = db.session.execute(
                select(CampaignSignature.organization_id, CampaignSignature.origin_tenant_id,
                       CampaignSignature.signed_by_id)
                .where(CampaignSignature.campaign_id == campaign.id)
                .order_by(CampaignSignature.id)
            ).all()  # fmt: skip
            wanted += [
                (origin, user_id)
                for origin, user_id in db.session.execute(
                    select(CampaignSupporter.origin_tenant_id, CampaignSupporter.user_id)
                    .where(CampaignSupporter.campaign_id == campaign.id)
                    .order_by(CampaignSupporter.id)
                )
            ]
    if creator and campaign.created_by_id is not None:
        wanted.insert(0, (owner, campaign.created_by_id))
    # the owner space's signatory organizations: their representatives now (its directory);
    # a partner space's: the one who signed (recorded in the row)
    own_orgs = [org for org, origin, _ in signed if origin == owner]
    if own_orgs and current_tenant_id() == owner:
        found = representation.representatives(own_orgs)
        wanted += [(owner, user.id) for org in sorted(found) for user in found[org]]
    wanted += [(origin, by) for _, origin, by in signed if origin != owner and by is not None]
    wanted.sort(key=lambda pair: pair[0] != owner)  # stable: the owner's first
    return wanted


def recipients(campaign: Campaign, *, signatories: bool = False,
               creator: bool = False) -> dict[int, list[User]]:  # fmt: skip
    """{space id: [user, ...]}: whom to tell in which space, each person once, only active
    members of the owner space or of a space the campaign is shared with now."""
    wanted = _people(campaign, signatories=signatories, creator=creator)
    if not wanted:
        return {}
    by_space: dict[int, set[int]] = {}
    for space, user_id in wanted:
        by_space.setdefault(space, set()).add(user_id)
    members = partnerships.active_members(campaign.tenant_id, SUBJECT, campaign.id, by_space)
    chosen: dict[int, int] = {}
    for space, user_id in wanted:
        if (space, user_id) in members:
            chosen.setdefault(user_id, space)
    if not chosen:
        return {}
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(sorted(chosen))))}
    told: dict[int, list[User]] = {}
    for user_id, space in chosen.items():
        if user_id in users and users[user_id].is_active:
            told.setdefault(space, []).append(users[user_id])
    return told


def _tell(campaign: Campaign, people: dict[int, list[User]], anchor: str, **notice) -> int:
    """One notify() per space: the link is the campaign in that space."""
    if not people:
        return 0
    spaces = {
        t.id: t for t in db.session.scalars(select(Tenant).where(Tenant.id.in_(sorted(people))))
    }
    count = 0
    for space_id, users in sorted(people.items()):
        space = spaces.get(space_id)
        if space is None:
            continue
        url = url_for("campaigns.detail", tenant_slug=space.slug, campaign_id=campaign.id) + anchor
        count += len(notifications.notify(users, url=url, tenant_id=space_id, **notice))
    return count


def notify_action(campaign: Campaign, action: CampaignAction, by) -> int:
    """A new step of the timeline (in the owner space; the caller commits)."""
    people = recipients(campaign, signatories=True)
    return _tell(
        campaign, people, "#timeline", kind=ACTION, title=f"{campaign.title}: {action.title}",
        excerpt=action.note[:300], actor=by, subject_type=SUBJECT, subject_id=campaign.id,
    )  # fmt: skip


def notify_comment(campaign: Campaign, body: str, by, people: dict[int, list[User]]) -> int:
    """A new comment (from the owner space or a partner space): `people` as `recipients`
    answered before the comment was written; the caller commits."""
    return _tell(
        campaign, people, "#comments", kind=COMMENT, title=campaign.title,
        excerpt=markdown.excerpt(body, 300), actor=by, subject_type="campaign_comments",
        subject_id=campaign.id,
    )  # fmt: skip
