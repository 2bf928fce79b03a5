"""Proposals: the list (filters, search across scripts, facets), creating and changing one
(every save a version, text.py), and the institutions a space keeps."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from solidarna.core import audit, search_index
from solidarna.core.facets import (
    choice_arg,
    facet_values,
    many_arg,
    paginate,
    text_arg,
    url_args,
)
from solidarna.core.permissions import can_manage_members
from solidarna.core.urls import page_arg
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.models import (
    BENEFICIARY_FIELDS,
    FISCAL_FIELDS,
    KINDS,
    LEVELS,
    SECTIONS,
    STATES,
    Institution,
    Proposal,
    ProposalTag,
)
from solidarna.proposals.text import TextError

PER_PAGE = 20
#: newest first; latest activity first (a version, a move, an endorsement, an amendment or a
#: comment in its discussions, proposals/contributions.touch_proposal); most endorsed first
SORTS = ("newest", "activity", "endorsements")
META_FIELDS = ("title", "kind", "level", "institution_id")


class ProposalError(TextError):
    """A rule of proposals was broken; `field` names the form field, `status` the answer."""


# --- who sees what ------------------------------------------------------------------------------


def visible_clause(user):
    """Drafts are seen by their authors (and invited co-authors) and the admins; the rest by
    every reader."""
    if can_manage_members(user):
        return Proposal.state.is_not(None)
    if user is not None and user.is_authenticated:
        from solidarna.proposals import coauthors

        return or_(
            Proposal.state != "draft",
            Proposal.lead_author_id == user.id,
            Proposal.id.in_(coauthors.draft_ids_seen_by(user)),
        )
    return Proposal.state != "draft"


def drafts_seen(user) -> tuple[int, ...]:
    """The drafts this person sees as their (invited) author: what, beside the viewer level,
    makes their list differ from another member's (none for admins, who see all, and
    visitors). Kept per person until a write in the space (core/fragments.py `kept_value`:
    a draft, an author row are writes), so a member's page shell hit reads none."""
    if can_manage_members(user) or user is None or not user.is_authenticated:
        return ()
    from solidarna.core.fragments import kept_value
    from solidarna.proposals import coauthors

    def read() -> tuple[int, ...]:
        return tuple(
            db.session.scalars(
                select(Proposal.id)
                .where(
                    Proposal.state == "draft",
                    or_(
                        Proposal.lead_author_id == user.id,
                        Proposal.id.in_(coauthors.draft_ids_seen_by(user)),
                    ),
                )
                .order_by(Proposal.id)
            )
        )

    return kept_value("proposal-drafts-seen", user.id, compute=read)


# --- the list ------------------------------------------------------------------------------------


@dataclass
class ProposalFilters:
    q: str = ""
    kind: list[str] = field(default_factory=list)
    level: list[str] = field(default_factory=list)
    state: list[str] = field(default_factory=list)
    institution: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    sort: str = "newest"
    page: int = 1

    FACETS = ("kind", "level", "state", "institution", "tag")

    @classmethod
    def from_args(cls, args) -> ProposalFilters:
        return cls(
            q=text_arg(args),
            **{name: many_arg(args, name) for name in cls.FACETS},
            sort=choice_arg(args, "sort", SORTS, "newest"),
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.q or any(getattr(self, n) for n in self.FACETS))

    def args(self, **changes) -> dict:
        data = {"q": self.q or None, "sort": self.sort if self.sort != "newest" else None}
        for name in self.FACETS:
            data[name] = getattr(self, name) or None
        data.update(changes)
        return url_args(data)


def _filtered(query, filters: ProposalFilters, user, skip: str | None = None):
    query = query.where(visible_clause(user))
    query = query.where(*search_index.matching(Proposal.__table__, filters.q))
    for name in ("kind", "level", "state"):
        values = getattr(filters, name)
        if values and name != skip:
            query = query.where(getattr(Proposal, name).in_(values))
    if filters.institution and skip != "institution":
        ids = [int(v) for v in filters.institution if v.isdigit()]
        query = query.where(Proposal.institution_id.in_(ids))
    if filters.tag and skip != "tag":
        for value in filters.tag:
            query = query.where(
                Proposal.id.in_(select(ProposalTag.proposal_id).where(ProposalTag.value == value))
            )
    return query


def search(filters: ProposalFilters, user):
    query = _filtered(select(Proposal), filters, user)
    if filters.sort == "activity":
        query = query.order_by(Proposal.last_activity_at.desc(), Proposal.id.desc())
    elif filters.sort == "endorsements":
        query = query.order_by(
            Proposal.endorsement_count.desc(), Proposal.last_activity_at.desc(), Proposal.id.desc()
        )
    else:
        query = query.order_by(Proposal.created_at.desc(), Proposal.id.desc())
    return paginate(query, filters.page, PER_PAGE)


def facets(filters: ProposalFilters, user) -> dict:
    found = {}
    for name, labels in (("kind", KINDS), ("level", LEVELS), ("state", STATES)):
        column = getattr(Proposal, name)
        rows = db.session.execute(
            _filtered(select(column, func.count(Proposal.id)), filters, user, skip=name).group_by(
                column
            )
        )
        found[name] = facet_values(dict(rows.all()), getattr(filters, name), labels)
    rows = db.session.execute(
        _filtered(
            select(Proposal.institution_id, func.count(Proposal.id)), filters, user, "institution"
        ).group_by(Proposal.institution_id)
    ).all()
    names = {i.id: i.name for i in institutions()}
    counts = {str(k): v for k, v in rows if k is not None}
    found["institution"] = facet_values(
        counts, filters.institution, {str(k): names[k] for k in names}
    )
    rows = db.session.execute(
        _filtered(
            select(ProposalTag.value, func.count(ProposalTag.id)).join(
                Proposal, Proposal.id == ProposalTag.proposal_id
            ),
            filters, user, "tag",
        ).group_by(ProposalTag.value)
    ).all()  # fmt: skip
    found["tag"] = facet_values(dict(rows), filters.tag)
    return found


# --- one proposal ---------------------------------------------------------------------------------


def _apply_meta(proposal: Proposal, data: dict) -> list[str]:
    changed = []
    for name in META_FIELDS:
        if getattr(proposal, name) != data[name]:
            setattr(proposal, name, data[name])
            changed.append(name)
    if proposal.tag_values != sorted(set(data["tags"])):
        proposal.set_tags(data["tags"])
        changed.append("tags")
    return changed


def _check_institution(data: dict) -> None:
    wanted = data.get("institution_id")
    if wanted is not None and db.session.get(Institution, wanted) is None:
        raise ProposalError(_("Choose one of the offered options."), "institution_id")


def create(data: dict, author, message: str = "") -> Proposal:
    _check_institution(data)
    proposal = Proposal(state="draft", lead_author_id=author.id, title=data["title"],
                        kind=data["kind"], level=data["level"],
                        institution_id=data["institution_id"])  # fmt: skip
    db.session.add(proposal)
    db.session.flush()
    proposal.set_tags(data["tags"])
    proposal.refresh_search()
    text.save_version(proposal, author, message or _("First draft"))
    audit.record("proposal.created", target=proposal, actor=author)
    return proposal


def update_meta(proposal: Proposal, data: dict, author, message: str = "") -> bool:
    _check_institution(data)
    changed = _apply_meta(proposal, data)
    if not changed:
        return False
    proposal.refresh_search()
    db.session.flush()
    db.session.expire(proposal, ["institution"])
    text.save_version(proposal, author, message or _("Changed the details"))
    return True


def update_sections(proposal: Proposal, data: dict, author, message: str = "") -> bool:
    names = (*SECTIONS, *BENEFICIARY_FIELDS, *FISCAL_FIELDS)
    changed = [n for n in names if getattr(proposal, n) != data[n]]
    if not changed:
        return False
    for name in changed:
        setattr(proposal, name, data[name])
    proposal.refresh_search()
    text.save_version(proposal, author, message or _("Changed the sections"))
    return True


# --- institutions ----------------------------------------------------------------------------------


def institutions() -> list[Institution]:
    return list(db.session.scalars(select(Institution).order_by(Institution.name, Institution.id)))


def _name_taken(name: str, keep: int | None = None) -> bool:
    query = select(Institution.id).where(func.lower(Institution.name) == name.lower())
    if keep:
        query = query.where(Institution.id != keep)
    return db.session.scalar(query) is not None


def add_institution(name: str, level: str, actor) -> Institution:
    if _name_taken(name):
        raise ProposalError(_("This institution is already on the list."), "name")
    institution = Institution(name=name, level=level)
    db.session.add(institution)
    db.session.flush()
    audit.record("proposal.institution_added", target=institution, actor=actor)
    return institution


def change_institution(institution: Institution, name: str, level: str, actor) -> bool:
    if _name_taken(name, institution.id):
        raise ProposalError(_("This institution is already on the list."), "name")
    if (institution.name, institution.level) == (name, level):
        return False
    old = institution.name
    institution.name, institution.level = name, level
    audit.record("proposal.institution_changed", target=institution, actor=actor, old=old)
    return True


def remove_institution(institution: Institution, actor) -> None:
    """An institution a proposal was addressed or submitted to stays: the record needs it."""
    used = db.session.scalar(
        select(func.count(Proposal.id)).where(
            or_(Proposal.institution_id == institution.id,
                Proposal.submitted_to_id == institution.id)
        )
    )  # fmt: skip
    if used:
        raise ProposalError(
            _("Proposals are addressed to this institution; it stays on the list."), "name", 409
        )
    audit.record("proposal.institution_removed", target=institution, actor=actor)
    db.session.delete(institution)
    db.session.flush()
