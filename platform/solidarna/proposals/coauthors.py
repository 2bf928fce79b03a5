"""The authors of a proposal: its lead author and the co-authors the lead invites (by the e-mail
address of a member of the space; the invitation is mailed through the outbox with a link to
the proposal's authors page, where it is accepted or declined; a co-author may leave). Any
author may act on behalf of an organization they represent (core/representation.py): the
organization is recorded with the author and shown with the name."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from solidarna.accounts.models import User
from solidarna.core import audit, mail, representation
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized
from solidarna.core.models import TenantScoped, one_of, utcnow
from solidarna.core.notifications import absolute_url
from solidarna.extensions import db
from solidarna.proposals.models import Proposal
from solidarna.proposals.text import TextError
from solidarna.tenants.models import Membership

#: lead: the proposal's lead author (a row only to record the organization the lead acts for)
AUTHOR_STATES = {
    "lead": _l("Lead author"),
    "invited": _l("Invited"),
    "accepted": _l("Co-author"),
    "declined": _l("Declined"),
    "left": _l("Left"),
    "removed": _l("Removed"),
}
#: who counts as an author (edits the text) and who sees a draft
AUTHOR_STATES_EDITING = ("lead", "accepted")
AUTHOR_STATES_SEEING = ("lead", "accepted", "invited")
MAX_COAUTHORS = 30


class ProposalAuthor(TenantScoped, db.Model):
    """A person's place among a proposal's authors, and the organization they act for."""

    __tablename__ = "proposal_authors"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "user_id"),
        Index("ix_proposal_authors_tenant_user", "tenant_id", "user_id", "state"),
        one_of("state", AUTHOR_STATES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(10), default="invited")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    #: the organization this author acts on behalf of (asked through core/representation.py)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    #: its name when chosen (kept if the entry is later deleted)
    organization_name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])


# --- who the authors are ----------------------------------------------------------------------

_CACHE = "_solidarna_author_rows"


def rows(proposal: Proposal) -> list[ProposalAuthor]:
    """The proposal's author rows (one query per proposal object, kept on it)."""
    cached = proposal.__dict__.get(_CACHE)
    if cached is None:
        cached = list(
            db.session.scalars(
                select(ProposalAuthor)
                .where(ProposalAuthor.proposal_id == proposal.id)
                .order_by(ProposalAuthor.created_at, ProposalAuthor.id)
            )
        )
        proposal.__dict__[_CACHE] = cached
    return cached


def forget(proposal: Proposal) -> None:
    proposal.__dict__.pop(_CACHE, None)


def standings(proposal: Proposal) -> tuple[tuple[int, str], ...]:
    """(account id, state) of the proposal's author rows, what the permission checks ask:
    the same for every viewer, kept until a write in the space (core/fragments.py
    `kept_value`; an author row is one), so a page shell hit reads no author row. Read
    afresh while this request's writes wait for their commit."""
    from solidarna.core.fragments import kept_value

    return kept_value(
        "proposal-authors",
        proposal.id,
        compute=lambda: tuple((r.user_id, r.state) for r in rows(proposal)),
    )


def is_author(user, proposal: Proposal) -> bool:
    """The lead author or an accepted co-author."""
    if proposal is None or user is None or not getattr(user, "is_authenticated", False):
        return False
    if proposal.lead_author_id is not None and proposal.lead_author_id == user.id:
        return True
    return (user.id, "accepted") in standings(proposal)


def is_invited(user, proposal: Proposal) -> bool:
    """An invitation to co-author waits for this person's answer (`invitation_for`, without
    its row)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (user.id, "invited") in standings(proposal)


def invitation_for(user, proposal: Proposal) -> ProposalAuthor | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return next((r for r in rows(proposal) if r.user_id == user.id and r.state == "invited"), None)


def sees_draft(user, proposal: Proposal) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if proposal.lead_author_id == user.id:
        return True
    return any(u == user.id and state in AUTHOR_STATES_SEEING for u, state in standings(proposal))


def draft_ids_seen_by(user):
    """A subquery: the proposals whose drafts this person sees as an (invited) co-author."""
    return select(ProposalAuthor.proposal_id).where(
        ProposalAuthor.user_id == user.id, ProposalAuthor.state.in_(AUTHOR_STATES_SEEING)
    )


def active_members(users: list[User]) -> list[User]:
    """Of `users`, the active members of the current space."""
    if not users:
        return []
    ids = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.status == "active", Membership.user_id.in_([u.id for u in users])
            )
        )
    )
    return [u for u in users if u.id in ids]


def author_users(proposal: Proposal) -> list[User]:
    """The people to tell about the proposal: the lead and the accepted co-authors who are
    still members."""
    people = [proposal.lead_author] if proposal.lead_author else []
    people += [r.user for r in rows(proposal) if r.state == "accepted"]
    return active_members(people)


def listing(proposal: Proposal) -> list[dict]:
    """The authors as shown: the lead first, then co-authors who accepted; each with the
    organization they act for (marked when they no longer represent it)."""
    by_user = {r.user_id: r for r in rows(proposal)}
    shown = []
    if proposal.lead_author:
        shown.append((proposal.lead_author, by_user.get(proposal.lead_author_id), "lead"))
    shown += [(r.user, r, "accepted") for r in rows(proposal) if r.state == "accepted"]
    cards = representation.describe(r.organization_id for _u, r, _s in shown if r is not None)
    out = []
    for user, row, role in shown:
        org_id = row.organization_id if row else None
        out.append(
            {
                "user": user,
                "role": role,
                "organization": row.organization_name if row and row.organization_name else "",
                "card": cards.get(org_id) if org_id else None,
            }
        )
    return out


# --- changes -----------------------------------------------------------------------------------


def _row(proposal: Proposal, user_id: int) -> ProposalAuthor | None:
    return next((r for r in rows(proposal) if r.user_id == user_id), None)


def _mail_invitation(proposal: Proposal, user: User, inviter, tenant) -> None:
    link = absolute_url("proposal_authors.index", tenant_slug=tenant.slug, proposal_id=proposal.id)
    locale = user.locale or tenant.default_locale or current_app.config["BABEL_DEFAULT_LOCALE"]
    with force_locale(locale):
        body = render_template(
            "mail/proposals/coauthor_invitation.txt",
            proposal=proposal, inviter=inviter, tenant=tenant, link=link,
        )  # fmt: skip
        space = localized(tenant, "short_name") or localized(tenant, "name")
        subject = _("Invitation to co-author “%(title)s”", title=proposal.title)
        mail.queue(user.email, f"{subject} · {space}", body)


def invite(proposal: Proposal, email: str, inviter, tenant) -> ProposalAuthor:
    """Invite an active member of the space, found by their e-mail address."""
    email = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    if user is None or not active_members([user]):
        raise TextError(
            _("No member of this space has this e-mail address. Invite them to the space first."),
            "email",
        )
    return invite_user(proposal, user, inviter, tenant)


def invitable(proposal: Proposal, user_ids: list[int]) -> list[int]:
    """Of `user_ids`, the active members of the space who could be invited now: not the lead,
    not invited or a co-author already, while the proposal has room (one query, none when
    nobody is left)."""
    if len([r for r in rows(proposal) if r.state in ("invited", "accepted")]) >= MAX_COAUTHORS:
        return []
    taken = {proposal.lead_author_id}
    taken |= {r.user_id for r in rows(proposal) if r.state in ("invited", "accepted")}
    wanted = [i for i in user_ids if i not in taken]
    if not wanted:
        return []
    members = set(
        db.session.scalars(
            select(Membership.user_id).where(
                Membership.status == "active", Membership.user_id.in_(wanted)
            )
        )
    )
    return [i for i in wanted if i in members]


def invite_member(proposal: Proposal, user_id: int | None, inviter, tenant) -> ProposalAuthor:
    """Invite an active member of the space named by their id (from a post in the proposal's
    discussion): the same invitation, mail and rules as by e-mail address."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not active_members([user]):
        raise TextError(_("This person is not a member of this space."), None, 409)
    return invite_user(proposal, user, inviter, tenant)


def invite_user(proposal: Proposal, user: User, inviter, tenant) -> ProposalAuthor:
    """Invite `user`, an active member of the space (the caller checked)."""
    if user.id == proposal.lead_author_id:
        raise TextError(_("This is the proposal's lead author."), "email")
    row = _row(proposal, user.id)
    if row is not None and row.state in ("invited", "accepted"):
        raise TextError(
            _("This member is already a co-author.")
            if row.state == "accepted"
            else _("This member is already invited."),
            "email",
        )
    active = [r for r in rows(proposal) if r.state in ("invited", "accepted")]
    if len(active) >= MAX_COAUTHORS:
        raise TextError(_("A proposal has at most %(max)d co-authors.", max=MAX_COAUTHORS), "email")
    if row is None:
        row = ProposalAuthor(proposal_id=proposal.id, user_id=user.id)
        db.session.add(row)
    row.state, row.invited_by_id, row.answered_at = "invited", inviter.id, None
    row.organization_id, row.organization_name = None, ""
    row.created_at = utcnow()
    db.session.flush()
    forget(proposal)
    audit.record("proposal.coauthor_invited", target=proposal, actor=inviter, person=user.name)
    _mail_invitation(proposal, user, inviter, tenant)
    return row


def _set_organization(row: ProposalAuthor, user, organization_id: int | None) -> None:
    if organization_id is None:
        row.organization_id, row.organization_name = None, ""
        return
    if not representation.may_act_for(user, organization_id):
        raise TextError(_("You do not represent this organization."), "organization_id", 403)
    card = representation.describe([organization_id]).get(organization_id)
    row.organization_id = organization_id
    row.organization_name = card.name if card else ""


def answer(proposal: Proposal, user, accept: bool, organization_id: int | None = None):
    row = invitation_for(user, proposal)
    if row is None:
        raise TextError(_("There is no open invitation for you to this proposal."), None, 409)
    if accept:
        _set_organization(row, user, organization_id)
    row.state = "accepted" if accept else "declined"
    row.answered_at = utcnow()
    forget(proposal)
    audit.record(
        "proposal.coauthor_accepted" if accept else "proposal.coauthor_declined",
        target=proposal, actor=user, organization=row.organization_name,
    )  # fmt: skip
    return row


def leave(proposal: Proposal, user) -> None:
    row = _row(proposal, user.id)
    if row is None or row.state != "accepted":
        raise TextError(_("You are not a co-author of this proposal."), None, 409)
    row.state, row.answered_at = "left", utcnow()
    forget(proposal)
    audit.record("proposal.coauthor_left", target=proposal, actor=user)


def remove(proposal: Proposal, row: ProposalAuthor, actor) -> None:
    """The lead (or an admin) takes back an invitation or removes a co-author."""
    if row.state not in ("invited", "accepted"):
        raise TextError(_("This person is not a co-author of this proposal."), None, 409)
    row.state, row.answered_at = "removed", utcnow()
    forget(proposal)
    audit.record("proposal.coauthor_removed", target=proposal, actor=actor, person=row.user.name)


def act_for(proposal: Proposal, user, organization_id: int | None) -> bool:
    """An author records (or clears) the organization they act on behalf of."""
    row = _row(proposal, user.id)
    if user.id == proposal.lead_author_id:
        if row is None:
            row = ProposalAuthor(proposal_id=proposal.id, user_id=user.id, state="lead")
            db.session.add(row)
        elif row.state != "lead":
            row.state = "lead"
    elif row is None or row.state != "accepted":
        raise TextError(_("Only the proposal's authors act for it."), None, 403)
    if row.organization_id == organization_id:
        return False
    _set_organization(row, user, organization_id)
    db.session.flush()
    forget(proposal)
    audit.record(
        "proposal.author_acts_for", target=proposal, actor=user,
        organization=row.organization_name,
    )  # fmt: skip
    return True


def find(proposal: Proposal, row_id: int) -> ProposalAuthor | None:
    row = db.session.get(ProposalAuthor, row_id)
    return row if row is not None and row.proposal_id == proposal.id else None
