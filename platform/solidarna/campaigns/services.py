"""Advocacy platforms: loading a campaign here or from the space that shares it (through
`core.tenancy.shared_subject`), creating and changing one, its status, signatures by
organizations (and individual support), the timeline of actions, the partners, the list and
the exports. The caller commits, except for what the members of a partner space do (signing,
withdrawing, supporting): those commit here, inside `opened(campaign)`, since what is written
belongs to the owner space and must be flushed while its tenant is open."""

from __future__ import annotations

import functools
from collections import Counter
from contextlib import nullcontext
from dataclasses import dataclass, field

from flask import abort
from flask_babel import force_locale
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from solidarna.campaigns import notices
from solidarna.campaigns.models import (
    STATUSES,
    Campaign,
    CampaignAction,
    CampaignComment,
    CampaignDemand,
    CampaignSignature,
    CampaignSupporter,
)
from solidarna.campaigns.permissions import can_manage_campaign, can_move, can_view_campaign
from solidarna.core import (
    audit,
    following,
    fragments,
    geography,
    maps,
    markdown,
    representation,
    search_index,
    subjects,
)
from solidarna.core.facets import choice_arg, text_arg, url_args
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized
from solidarna.core.permissions import can_manage_members, current_person
from solidarna.core.tenancy import current_tenant_id, origin_tenant_id, shared_subject
from solidarna.extensions import db
from solidarna.tenants import partnerships
from solidarna.tenants.models import Tenant

SUBJECT = "campaign"
LIST_LIMIT = 100
SIGNATORY_LIMIT = 5000
#: the comments a page shows, newest last (older ones are not listed)
COMMENT_LIMIT = 300
FIELDS = ("title", "goal", "institutions", "starts_on", "ends_on")


class CampaignError(ValueError):
    """A rule was broken: the message is for the person, `field` names the form field, `status`
    the answer (422 input, 403 not permitted, 409 not possible now)."""

    def __init__(self, message, field: str | None = None, status: int = 422):
        super().__init__(str(message))
        self.field = field
        self.status = status


def _already_signed(name: str):
    return _l("%(name)s has already signed this advocacy platform.", name=name)


NOT_REPRESENTATIVE = _l("Only a verified representative of an organization may sign on its behalf.")
NOT_SIGNING = _l("This advocacy platform does not take signatures now.")


# --- loading --------------------------------------------------------------------------------


def _shared_owner(campaign_id: int) -> int | None:
    return partnerships.owner_of(SUBJECT, campaign_id)


def find(campaign_id: int) -> Campaign | None:
    """The campaign of this space, or the one another space shares with it (loaded whole, so
    it can be read after the shared context closes), or None. A campaign of this space has
    its demands read when first asked for (a member's page shell hit asks for none:
    `demand_links` is kept)."""
    campaign = db.session.get(Campaign, campaign_id, options=(lazyload(Campaign.demands),))
    if campaign is not None:
        return campaign
    owner = _shared_owner(campaign_id)
    if owner is None:
        return None
    with shared_subject(owner, SUBJECT, campaign_id):
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is not None:
            campaign.demands  # noqa: B018 - loaded now, read after the context closes
    return campaign


def load_campaign(campaign_id: int) -> Campaign:
    campaign = find(campaign_id)
    if campaign is None or not can_view_campaign(current_person(), campaign):
        abort(404)
    return campaign


def load_own_campaign(campaign_id: int) -> Campaign:
    """Only a campaign of this space (management pages: a partner space answers 404)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def is_shared_here(campaign: Campaign) -> bool:
    return campaign.tenant_id != current_tenant_id()


def opened(campaign: Campaign):
    """The context in which to read or write the campaign's rows: none for the space's own,
    the shared subject for a partner's view."""
    if not is_shared_here(campaign):
        return nullcontext()
    return shared_subject(campaign.tenant_id, SUBJECT, campaign.id)


def owner_of(campaign: Campaign) -> Tenant:
    return db.session.get(Tenant, campaign.tenant_id)


# --- creating and changing ------------------------------------------------------------------


def _check_dates(data: dict) -> None:
    if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
        raise CampaignError(_l("The end cannot come before the start."), field="ends_on")


def _resolve_demands(demands: list[tuple[str, int | None]]) -> list[tuple[str, int | None]]:
    """Each demand's proposal must be one of this space's that the person may see."""
    wanted = [pid for _, pid in demands if pid is not None]
    found = subjects.resolve("proposal", wanted) if wanted else {}
    for position, (_, pid) in enumerate(demands):
        if pid is not None and pid not in found:
            raise CampaignError(
                _l("There is no proposal number %(id)s in this space.", id=pid),
                field=f"demands-{position}-proposal_id",
            )
    return demands


def _set_demands(campaign: Campaign, demands) -> bool:
    new = [(text, pid) for text, pid in demands if text]
    old = [(d.text, d.proposal_id) for d in campaign.demands]
    if new == old:
        return False
    campaign.demands.clear()
    db.session.flush()
    for position, (text, pid) in enumerate(new):
        campaign.demands.append(CampaignDemand(position=position, text=text, proposal_id=pid))
    return True


def create(data: dict, demands, by) -> Campaign:
    _check_dates(data)
    demands = _resolve_demands(demands)
    campaign = Campaign(created_by_id=by.id, status="preparing",
                        **{k: data[k] for k in FIELDS})  # fmt: skip
    db.session.add(campaign)
    db.session.flush()
    _set_demands(campaign, demands)
    db.session.flush()
    campaign.refresh_search()
    audit.record("campaign.created", target=campaign, actor=by)
    return campaign


def update(campaign: Campaign, data: dict, demands, by) -> bool:
    _check_dates(data)
    demands = _resolve_demands(demands)
    changed = [k for k in FIELDS if getattr(campaign, k) != data[k]]
    for key in changed:
        setattr(campaign, key, data[key])
    if _set_demands(campaign, demands):
        changed.append("demands")
    if not changed:
        return False
    db.session.flush()
    campaign.refresh_search()
    audit.record("campaign.changed", target=campaign, actor=by, fields=changed)
    return True


def move(campaign: Campaign, status: str, by) -> None:
    if status not in STATUSES or not can_move(campaign, status):
        raise CampaignError(_l("The advocacy platform cannot move to that status now."),
                            status=409)  # fmt: skip
    old, campaign.status = campaign.status, status
    audit.record("campaign.status_changed", target=campaign, actor=by, old=old, new=status)


# --- signatures -----------------------------------------------------------------------------


def sign(campaign: Campaign, organization_id: int | None, by) -> str:
    """A representative signs for an organization of the space the page is read in. Asked
    before the shared context opens: the organization is in the reader's space's directory.
    Answers the organization's name (the row itself is expired by the commit)."""
    if not campaign.accepts_signatures:
        raise CampaignError(NOT_SIGNING, status=409)
    if organization_id is None or not representation.may_act_for(by, organization_id):
        raise CampaignError(NOT_REPRESENTATIVE, status=403)
    card = representation.describe([organization_id]).get(organization_id)
    if card is None:
        raise CampaignError(NOT_REPRESENTATIVE, status=403)
    with force_locale("sr_Latn"):  # the record keeps the labels in the platform's language
        actor_label, form_label = str(card.actor_type_label or ""), str(card.legal_form_label or "")
    with opened(campaign):
        exists = db.session.scalar(
            select(CampaignSignature.id).where(
                CampaignSignature.campaign_id == campaign.id,
                CampaignSignature.organization_id == organization_id,
            )
        )
        if exists is not None:
            raise CampaignError(_already_signed(card.name), status=409)
        signature = CampaignSignature(
            campaign_id=campaign.id, organization_id=organization_id,
            organization_name=card.name[:200], municipality=(card.municipality or "")[:100],
            actor_type=(card.actor_type or "")[:40], actor_type_label=actor_label[:120],
            legal_form_label=form_label[:120], origin_tenant_id=origin_tenant_id(),
            signed_by_id=by.id, signer_name=(by.name or "")[:200],
        )  # fmt: skip
        db.session.add(signature)
        campaign.signature_count = (campaign.signature_count or 0) + 1
        audit.record("campaign.signed", target=campaign, actor=by, organization=card.name)
        try:
            db.session.commit()
        except IntegrityError as error:  # signed at the same moment by someone else
            db.session.rollback()
            raise CampaignError(_already_signed(card.name), status=409) from error
    return card.name


def withdraw(campaign: Campaign, organization_id: int | None, by) -> None:
    if not campaign.accepts_signatures:
        raise CampaignError(NOT_SIGNING, status=409)
    if organization_id is None or not representation.may_act_for(by, organization_id):
        raise CampaignError(NOT_REPRESENTATIVE, status=403)
    with opened(campaign):
        signature = db.session.scalar(
            select(CampaignSignature).where(
                CampaignSignature.campaign_id == campaign.id,
                CampaignSignature.organization_id == organization_id,
                CampaignSignature.origin_tenant_id == origin_tenant_id(),
            )
        )
        if signature is None:
            raise CampaignError(_l("This organization has not signed."), status=409)
        name = signature.organization_name
        db.session.delete(signature)
        campaign.signature_count = max(0, (campaign.signature_count or 0) - 1)
        audit.record("campaign.withdrawn", target=campaign, actor=by, organization=name)
        db.session.commit()


def support(campaign: Campaign, by, on: bool) -> None:
    """A person's own support, counted apart (added or taken back while it takes signatures)."""
    if not campaign.accepts_signatures:
        raise CampaignError(NOT_SIGNING, status=409)
    with opened(campaign):
        row = db.session.scalar(
            select(CampaignSupporter).where(
                CampaignSupporter.campaign_id == campaign.id, CampaignSupporter.user_id == by.id
            )
        )
        if on and row is None:
            db.session.add(CampaignSupporter(campaign_id=campaign.id, user_id=by.id,
                                             origin_tenant_id=origin_tenant_id()))  # fmt: skip
            campaign.supporter_count = (campaign.supporter_count or 0) + 1
        elif not on and row is not None:
            db.session.delete(row)
            campaign.supporter_count = max(0, (campaign.supporter_count or 0) - 1)
        else:
            return
        try:
            db.session.commit()
        except IntegrityError:  # the same person twice at once: one support stands
            db.session.rollback()


# --- what a page shows ----------------------------------------------------------------------


@dataclass
class Signatory:
    name: str
    municipality: str
    actor_type: str
    actor_type_label: str
    legal_form_label: str
    space: str
    space_id: int
    signed_at: object
    signer_name: str
    organization_id: int


@dataclass
class CampaignPage:
    campaign: Campaign
    owner: Tenant
    shared: bool
    signatories: list[Signatory]
    by_actor_type: list[tuple[str, int]]
    by_municipality: list[tuple[str, int]]
    by_space: list[tuple[str, int]]
    by_district: list[tuple[str, int]]
    actions: list
    supporting: bool = False
    partners: list = field(default_factory=list)
    #: organization ids (of the reader's space) that the reader represents and that signed
    signed_by_mine: set = field(default_factory=set)
    comments: list = field(default_factory=list)
    #: the reader follows the campaign (core/following.py)
    following: bool = False


@dataclass
class Comment:
    id: int
    author_name: str
    space: str
    space_id: int
    created_at: object
    body: object
    hidden: bool


def _space_names(ids) -> dict[int, str]:
    """The spaces' names as the reader sees them (English or the reader's script)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    spaces = db.session.scalars(select(Tenant).where(Tenant.id.in_(wanted)))
    return {t.id: localized(t, "name") for t in spaces}


def _district(municipality: str) -> str:
    """The district of a municipality (core/geography.py), "—" where it is not one of the
    reference list's."""
    found = geography.find(municipality) if municipality else None
    return found.district if found is not None else "—"


@dataclass
class Placed:
    signatory: Signatory
    point: tuple[float, float] | None


def signatory_map(data: CampaignPage, link) -> maps.Overview:
    """The signatories by municipality drawn on the server (core/maps.py, as the proposals'
    endorser map): a dot per municipality, sized by how many signed from there, placed at the
    mean of the locations the reading space's directory shows this reader (core/
    representation.py, one query). A signature from another space has no location here (that
    directory is not readable): it is counted in the table, and drawn only where an
    organization of the reading space signed from the same municipality."""
    here = current_tenant_id()
    own = [s.organization_id for s in data.signatories if s.space_id == here]
    cards = representation.describe(own) if own else {}
    placed = []
    for s in data.signatories:
        if not s.municipality:
            continue
        card = cards.get(s.organization_id) if s.space_id == here else None
        placed.append(Placed(s, card.point if card is not None else None))
    return maps.overview(maps.by_municipality(placed, lambda p: p.signatory.municipality), link)


@functools.lru_cache(maxsize=4096)
def comment_html(body: str) -> Markup:
    """A comment's body as HTML: a pure function of the text (no mentions), remembered in the
    process so the page does not parse the same 40 comments' markdown on every request."""
    return markdown.render(body)


def _comment_rows(campaign: Campaign, moderator: bool) -> list:
    """The newest COMMENT_LIMIT comments, oldest first (inside the campaign's context)."""
    query = select(
        CampaignComment.id, CampaignComment.author_name, CampaignComment.origin_tenant_id,
        CampaignComment.created_at, CampaignComment.body, CampaignComment.hidden,
    ).where(CampaignComment.campaign_id == campaign.id)  # fmt: skip
    if not moderator:
        query = query.where(CampaignComment.hidden.is_(False))
    newest = query.order_by(CampaignComment.created_at.desc(), CampaignComment.id.desc())
    return list(reversed(db.session.execute(newest.limit(COMMENT_LIMIT)).all()))


def _comment(row, names: dict) -> Comment:
    return Comment(row.id, row.author_name, names.get(row.origin_tenant_id, ""),
                   row.origin_tenant_id, row.created_at, comment_html(row.body),
                   row.hidden)  # fmt: skip


def comments(campaign: Campaign, user) -> list[Comment]:
    """The page's comments alone (hidden ones only for the owner's admins, marked): what the
    page's kept comments fragment reads when it is drawn."""
    moderator = not is_shared_here(campaign) and can_manage(user, campaign)
    with opened(campaign):
        rows = _comment_rows(campaign, moderator)
    names = _space_names([c.origin_tenant_id for c in rows] + [campaign.tenant_id])
    return [_comment(c, names) for c in rows]


def page(
    campaign: Campaign, user, with_comments: bool = False, with_signatories: bool = True
) -> CampaignPage:
    """Everything the campaign's page (and the print view, the exports) shows, read in one go
    inside the campaign's context and returned as plain values; the comments for the page
    itself (hidden ones only for the owner's admins, marked). `with_signatories=False`: no
    signatories and no counts (the page draws those in a kept fragment, from a second call),
    only which of the person's organizations signed here (`signed_by_mine`)."""
    shared = is_shared_here(campaign)
    here = current_tenant_id()
    own = set()
    if user is not None and user.is_authenticated:
        own = {card.id for card in representation.organizations_represented_by(user)}
    moderator = with_comments and not shared and can_manage(user, campaign)
    comment_rows = []
    with opened(campaign):
        if with_comments:
            comment_rows = _comment_rows(campaign, moderator)
        # plain columns, not ORM objects: 3,000 signatures are read as tuples (building the
        # objects was most of the time of drawing the page after a change)
        query = select(
            CampaignSignature.organization_name, CampaignSignature.municipality,
            CampaignSignature.actor_type, CampaignSignature.actor_type_label,
            CampaignSignature.legal_form_label, CampaignSignature.origin_tenant_id,
            CampaignSignature.signed_at, CampaignSignature.signer_name,
            CampaignSignature.organization_id,
        ).where(CampaignSignature.campaign_id == campaign.id)  # fmt: skip
        if not with_signatories:  # only the person's own organizations' signatures here
            query = query.where(
                CampaignSignature.origin_tenant_id == here,
                CampaignSignature.organization_id.in_(sorted(own) or [0]),
            )
        signatures = (
            db.session.execute(
                query.order_by(CampaignSignature.organization_name, CampaignSignature.id).limit(
                    SIGNATORY_LIMIT
                )
            ).all()
            if with_signatories or own
            else []  # nobody's organizations: nothing to ask
        )
        actions = db.session.scalars(
            select(CampaignAction)
            .where(CampaignAction.campaign_id == campaign.id)
            .order_by(CampaignAction.happened_on.desc(), CampaignAction.id.desc())
        ).all()
        supporting = _supports(campaign, user)
        follows = following.is_following(user, SUBJECT, campaign.id)
        for action in actions:  # plain values for after the context
            db.session.expunge(action)
    names = _space_names(
        [s[5] for s in signatures]
        + [c.origin_tenant_id for c in comment_rows]
        + [campaign.tenant_id]
    )
    comments = [_comment(c, names) for c in comment_rows]
    signatories = [
        Signatory(name, municipality, actor_type, actor_label, form_label,
                  names.get(origin, ""), origin, signed_at, signer, org_id)
        for (name, municipality, actor_type, actor_label, form_label, origin, signed_at, signer,
             org_id) in signatures
    ]  # fmt: skip
    mine = {
        s.organization_id for s in signatories if s.space_id == here and s.organization_id in own
    }
    if not with_signatories:
        signatories = []
    # a district per municipality, not per signatory (3,000 lookups of the same few places)
    districts = {m: _district(m) for m in {s.municipality for s in signatories}}
    return CampaignPage(
        campaign=campaign,
        owner=db.session.get(Tenant, campaign.tenant_id),
        shared=shared,
        signatories=signatories,
        by_actor_type=Counter(s.actor_type_label or "—" for s in signatories).most_common(),
        by_municipality=Counter(s.municipality or "—" for s in signatories).most_common(),
        by_space=Counter(s.space for s in signatories).most_common(),
        by_district=Counter(districts[s.municipality] for s in signatories).most_common(),
        actions=actions,
        supporting=supporting,
        partners=[] if shared else partnerships.of_subject(SUBJECT, campaign.id),
        signed_by_mine=mine,
        comments=comments,
        following=follows,
    )


def _supports(campaign: Campaign, user) -> bool:
    """The person supports the campaign personally (inside the campaign's context)."""
    return bool(
        user is not None
        and user.is_authenticated
        and db.session.scalar(
            select(CampaignSupporter.id).where(
                CampaignSupporter.campaign_id == campaign.id,
                CampaignSupporter.user_id == user.id,
            )
        )
    )


@dataclass(frozen=True)
class Reader:
    """What the campaign's page shows of the person reading it, apart from what their viewer
    level says: which of the organizations they represent here (`own`) signed, whether they
    support it personally and whether they follow it."""

    signed_by_mine: frozenset = frozenset()
    supporting: bool = False
    following: bool = False


def reader(campaign: Campaign, user, own, marker: tuple | None = None) -> Reader:
    """The person's own state on the campaign's page (`own`: the ids of the organizations
    they represent in the space the page is read in): a statement for their organizations'
    signatures (none when they represent none), one for their support and one for their
    follow, inside the campaign's context. Nothing for a visitor. With the campaign's
    partner-aware `marker` (views/common.partner_marker: it moves with a write in the owner's
    space and every partner's), the signatures and the support are kept per account and
    marker (core/fragments.py kept_value); the follow is read each time (following raises no
    marker)."""
    if user is None or not user.is_authenticated:
        return Reader()
    here = current_tenant_id()
    own = sorted(own)

    def ask() -> tuple[frozenset, bool]:
        with opened(campaign):
            signed = (
                db.session.scalars(
                    select(CampaignSignature.organization_id).where(
                        CampaignSignature.campaign_id == campaign.id,
                        CampaignSignature.origin_tenant_id == here,
                        CampaignSignature.organization_id.in_(own),
                    )
                ).all()
                if own
                else ()
            )
            return frozenset(signed), _supports(campaign, user)

    if marker is None:
        signed, supporting = ask()
    else:
        signed, supporting = fragments.kept_value(
            "campaign-reader", user.id, campaign.id, tuple(own), marker, compute=ask
        )
    with opened(campaign):
        return Reader(
            signed_by_mine=signed,
            supporting=supporting,
            following=following.is_following(user, SUBJECT, campaign.id),
        )


def demand_links(campaign: Campaign, person) -> dict:
    """The proposals the demands name, for the owner space's own pages only (a partner space
    sees the demands' text: the owner's proposals are not shared with it). Kept per person
    (a draft is seen by its authors) until a write in the space (core/fragments.py
    `kept_value`): a page shell hit reads neither the demands nor their proposals."""
    if is_shared_here(campaign):
        return {}
    return fragments.kept_value(
        "campaign-links",
        campaign.id,
        getattr(person, "id", None),
        compute=lambda: subjects.resolve(
            "proposal", [d.proposal_id for d in campaign.demands if d.proposal_id]
        ),
    )


# --- comments -------------------------------------------------------------------------------


def comment(campaign: Campaign, body: str, by) -> None:
    """A member of the space the page is read in (the owner's or a partner's) comments; the
    row belongs to the owner space and records the space it came from (committed here, inside
    the campaign's context)."""
    if campaign.status == "preparing" and not can_manage(by, campaign):
        raise CampaignError(_l("This advocacy platform is not open for comments."), status=409)
    # the followers and the creator, asked before the write (in every space they may read it)
    people = notices.recipients(campaign, creator=True)
    with opened(campaign):
        db.session.add(
            CampaignComment(campaign_id=campaign.id, origin_tenant_id=origin_tenant_id(),
                            author_id=by.id, author_name=(by.name or "")[:200], body=body)
        )  # fmt: skip
        notices.notify_comment(campaign, body, by, people)
        db.session.commit()


def set_comment_hidden(campaign: Campaign, comment_id: int, hidden: bool, by) -> None:
    """The owner's admins hide a comment (or show it again); the caller commits."""
    row = db.session.scalar(
        select(CampaignComment).where(
            CampaignComment.id == comment_id, CampaignComment.campaign_id == campaign.id
        )
    )
    if row is None:
        abort(404)
    if row.hidden == hidden:
        return
    row.hidden = hidden
    row.hidden_by_id = by.id if hidden else None
    audit.record("campaign.comment_hidden" if hidden else "campaign.comment_shown",
                 target=campaign, actor=by, author=row.author_name)  # fmt: skip


# --- the timeline ---------------------------------------------------------------------------


def add_action(campaign: Campaign, data: dict, by) -> CampaignAction:
    """A new step of the timeline, told to the campaign's people in every space
    (campaigns/notices.py); the caller commits."""
    action = CampaignAction(campaign_id=campaign.id, created_by_id=by.id, **data)
    db.session.add(action)
    db.session.flush()
    audit.record("campaign.action_added", target=campaign, actor=by, step=action.title)
    notices.notify_action(campaign, action, by)
    return action


# --- partners -------------------------------------------------------------------------------


def invite_partner(campaign: Campaign, slug: str, by):
    try:
        return partnerships.invite(SUBJECT, campaign.id, campaign.title, slug, by)
    except partnerships.PartnershipError as error:
        raise CampaignError(error, field="slug", status=error.status) from error


# --- the list -------------------------------------------------------------------------------

LIST_STATUSES = ("current", *STATUSES, "all")


@dataclass
class CampaignFilters:
    q: str = ""
    status: str = "current"

    @classmethod
    def from_args(cls, args) -> CampaignFilters:
        return cls(q=text_arg(args), status=choice_arg(args, "status", LIST_STATUSES, "current"))

    def active(self) -> bool:
        return bool(self.q or self.status != "current")

    def args(self, **changes) -> dict:
        data = {"q": self.q or None, "status": self.status if self.status != "current" else None}
        data.update(changes)
        return url_args(data)


def _filtered(query, filters: CampaignFilters, user):
    if not can_manage_members(user):
        query = query.where(Campaign.status != "preparing")
    query = query.where(*search_index.matching(Campaign.__table__, filters.q))
    if filters.status == "current":
        query = query.where(Campaign.status.in_(("preparing", "open", "active")))
    elif filters.status != "all":
        query = query.where(Campaign.status == filters.status)
    return query


@dataclass
class Listed:
    campaign: Campaign
    owner_name: str | None  # None: this space's own


def search(filters: CampaignFilters, user) -> list[Listed]:
    """This space's campaigns, then those shared with it (each read through its own shared
    context, which opens that one campaign and nothing else)."""
    own = db.session.scalars(
        _filtered(select(Campaign), filters, user)
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
        .limit(LIST_LIMIT)
    ).all()
    listed = [Listed(c, None) for c in own]
    shared = partnerships.shared_with_current(SUBJECT)[:LIST_LIMIT]
    names = _space_names([owner for owner, _ in shared])
    for owner, campaign_id in shared:
        with shared_subject(owner, SUBJECT, campaign_id):
            query = select(Campaign).where(
                Campaign.id == campaign_id, Campaign.status != "preparing"
            )
            query = query.where(*search_index.matching(Campaign.__table__, filters.q))
            if filters.status == "current":
                query = query.where(Campaign.status.in_(("open", "active")))
            elif filters.status != "all":
                query = query.where(Campaign.status == filters.status)
            campaign = db.session.scalar(query)
        if campaign is not None:
            listed.append(Listed(campaign, names.get(owner, "")))
    return listed


def active_here(limit: int = 5) -> list[Campaign]:
    """The space's own campaigns that take signatures or are active, for the home page."""
    return db.session.scalars(
        select(Campaign)
        .where(Campaign.status.in_(("open", "active")))
        .order_by(Campaign.created_at.desc(), Campaign.id.desc())
        .limit(limit)
    ).all()


def can_manage(user, campaign) -> bool:
    return can_manage_campaign(user, campaign) and not is_shared_here(campaign)
