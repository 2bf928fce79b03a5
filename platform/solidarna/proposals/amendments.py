"""Amendments during consultation (issue 13 item 4): a member proposes a change to one part of
the text (an article, paragraph or point) or to one section, against a given version: a new
text with its justification, "delete this part", or "insert after" (a new part after a given
one). States: draft → open → accepted / rejected (with a reason) / withdrawn, and a rejected
amendment may be promoted into a proposal of its own (a draft with the amender as lead author,
linked back). Amendments are numbered per proposal when opened (Amandman 1, 2 ...).

Accepting applies the amendment as a new version whose message names the amendment and the
amender. When the part or section has changed since the amendment's base version (or is gone),
`conflict()` says so and the author must decide explicitly: nothing is overwritten silently."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from solidarna.accounts.models import User
from solidarna.core import audit, diffs, markdown, notifications, subjects
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import TenantScoped, one_of, utcnow
from solidarna.extensions import db
from solidarna.proposals import coauthors, text
from solidarna.proposals.models import SECTIONS, Proposal, ProposalPart
from solidarna.proposals.text import TextError

AMENDMENT_KINDS = {
    "change": _l("New text"),
    "delete": _l("Delete this part"),
    "insert_after": _l("Insert a new part after this one"),
}
AMENDMENT_STATES = {
    "draft": _l("Draft"),
    "open": _l("Open"),
    "accepted": _l("Accepted"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "promoted": _l("Rejected, became a proposal of its own"),
}
#: the parts an amendment may aim at (a chapter is amended through its articles)
AMENDABLE_KINDS = ("article", "paragraph", "point")
DECIDED_STATES = ("accepted", "rejected", "promoted")
NOTIFICATION_KINDS = {
    "proposals.amendment_opened": _l("New amendment"),
    "proposals.amendment_decided": _l("Amendment decided"),
}
NOT_IN_CONSULTATION = _l(
    "Amendments are proposed and decided only while the proposal is in consultation."
)


class Amendment(TenantScoped, db.Model):
    __tablename__ = "proposal_amendments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "proposal_id", "number"),
        Index("ix_proposal_amendments_tenant_proposal", "tenant_id", "proposal_id", "state"),
        one_of("kind", AMENDMENT_KINDS),
        one_of("state", AMENDMENT_STATES),
        one_of("section", SECTIONS),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    #: its number in the proposal's amendments sheet, given when it is opened
    number: Mapped[int | None]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(12), default="change")
    state: Mapped[str] = mapped_column(String(10), default="draft")
    #: what it aims at: a part's stable code, or one of the sections (SECTIONS)
    part_code: Mapped[str | None] = mapped_column(String(12))
    section: Mapped[str | None] = mapped_column(String(20))
    #: the kind of the part aimed at, and its label then ("Član 3."), for the record
    part_kind: Mapped[str] = mapped_column(String(12), default="")
    base_label: Mapped[str] = mapped_column(String(60), default="")
    #: the version it was written against and what the part or section said in it
    base_version: Mapped[int]
    base_heading: Mapped[str] = mapped_column(String(300), default="")
    base_body: Mapped[str] = mapped_column(Text, default="")
    #: the proposed text (empty for a deletion)
    heading: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    justification: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    #: the version its acceptance made
    applied_version: Mapped[int | None]
    #: the proposal a rejected amendment became
    promoted_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("proposals.id", ondelete="SET NULL")
    )

    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    proposal: Mapped[Proposal] = relationship(foreign_keys=[proposal_id])
    promoted_to: Mapped[Proposal | None] = relationship(foreign_keys=[promoted_to_id])

    @property
    def title(self) -> str:
        """“Amendment 3” (a draft has no number yet)."""
        if self.number is None:
            return _("Draft amendment")
        return _("Amendment %(number)d", number=self.number)

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def body_html(self) -> Markup:
        return markdown.render(self.body)

    def justification_html(self) -> Markup:
        return markdown.render(self.justification)


# --- reading -----------------------------------------------------------------------------------


def find(proposal: Proposal, amendment_id: int) -> Amendment | None:
    amendment = db.session.get(Amendment, amendment_id)
    if amendment is None or amendment.proposal_id != proposal.id:
        return None
    return amendment


def sheet(proposal: Proposal) -> list[Amendment]:
    """The numbered amendments (everything but drafts), in their order."""
    return list(
        db.session.scalars(
            select(Amendment)
            .where(Amendment.proposal_id == proposal.id, Amendment.number.is_not(None))
            .options(selectinload(Amendment.decided_by))
            .order_by(Amendment.number)
        )
    )


def drafts_of(proposal: Proposal, user) -> list[Amendment]:
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return list(
        db.session.scalars(
            select(Amendment)
            .where(Amendment.proposal_id == proposal.id, Amendment.state == "draft",
                   Amendment.author_id == user.id)
            .order_by(Amendment.created_at)
        )
    )  # fmt: skip


def open_counts(proposal: Proposal) -> dict[str, int]:
    """Open amendments per part code (and per "section:<name>")."""
    rows = db.session.execute(
        select(Amendment.part_code, Amendment.section, func.count(Amendment.id))
        .where(Amendment.proposal_id == proposal.id, Amendment.state == "open")
        .group_by(Amendment.part_code, Amendment.section)
    ).all()
    counts: dict[str, int] = {}
    for code, section, n in rows:
        key = code if code else f"section:{section}"
        counts[key] = counts.get(key, 0) + n
    return counts


def promoted_from(proposal: Proposal) -> Amendment | None:
    """The amendment this proposal grew out of, if any."""
    return db.session.scalar(select(Amendment).where(Amendment.promoted_to_id == proposal.id))


@dataclass
class Target:
    """What an amendment aims at, as the text stands now."""

    label: str
    code: str | None
    section: str | None
    #: the live text (None: the part is no longer in the text)
    heading: str | None
    body: str | None

    @property
    def gone(self) -> bool:
        return self.body is None


def full_labels(nodes: list[text.Node]) -> dict[str, str]:
    """Every part's label by code, a paragraph or point with its article's (“Article 3. (2)”)."""
    by_code = {n.code: n for n in nodes}
    out = {}
    for node in nodes:
        names, at = [node.label], node
        while at.kind in ("paragraph", "point") and at.parent in by_code:
            at = by_code[at.parent]
            names.insert(0, at.label)
        out[node.code] = " ".join(names)
    return out


def labels(proposal: Proposal) -> dict[str, str]:
    """The current label of every part by code (“Article 3.”, “Article 3. (2)”)."""
    return full_labels(text.tree(text.live_parts(proposal)))


def targets(proposal: Proposal) -> list[tuple[str, str]]:
    """What may be amended, as (value, label): the parts in reading order, then the sections."""
    nodes = text.tree(text.live_parts(proposal))
    named = full_labels(nodes)
    found = []
    for node in nodes:
        if node.kind in AMENDABLE_KINDS:
            hint = node.heading or node.body
            hint = hint if len(hint) <= 60 else hint[:59].rsplit(" ", 1)[0] + "…"
            found.append((node.code, f"{named[node.code]} {hint}".strip()))
    found += [(f"section:{name}", str(label)) for name, label in SECTIONS.items()]
    return found


def target(amendment: Amendment, proposal: Proposal, current: dict[str, str] | None = None):
    if amendment.section:
        return Target(str(SECTIONS[amendment.section]), None, amendment.section, "",
                      getattr(proposal, amendment.section) or "")  # fmt: skip
    current = current if current is not None else labels(proposal)
    part = text.find_part(proposal, amendment.part_code) if amendment.part_code in current else None
    if part is None:
        return Target(amendment.base_label, amendment.part_code, None, None, None)
    return Target(current[part.code], part.code, None, part.heading, part.body)


# --- writing -----------------------------------------------------------------------------------


def _require_consultation(proposal: Proposal) -> None:
    if proposal.state != "consultation":
        raise TextError(NOT_IN_CONSULTATION, None, 409)


def _check_text(kind: str, heading: str, body: str, justification: str) -> None:
    if not justification:
        raise TextError(_("Say why: the justification is what the authors decide on."),
                        "justification")  # fmt: skip
    if kind != "delete" and not (body or heading):
        raise TextError(_("Write the new text."), "body")


def create(proposal: Proposal, author, data: dict) -> Amendment:
    """A draft amendment against the current version. `data`: target ("part" code or
    "section:<name>"), kind, heading, body, justification."""
    _require_consultation(proposal)
    kind = data["kind"]
    heading, body = data.get("heading", "").strip(), data.get("body", "").strip()
    justification = data.get("justification", "").strip()
    amendment = Amendment(
        proposal_id=proposal.id, author_id=author.id, kind=kind, state="draft",
        base_version=proposal.version_count or 1,
    )  # fmt: skip
    where = data["target"]
    if where.startswith("section:"):
        name = where.split(":", 1)[1]
        if name not in SECTIONS:
            raise TextError(_("Choose one of the offered options."), "target")
        if kind != "change":
            raise TextError(_("A section can only be given a new text."), "kind")
        amendment.section, amendment.base_label = name, str(SECTIONS[name])
        amendment.base_body = getattr(proposal, name) or ""
        if body == amendment.base_body:
            raise TextError(_("The new text is the same as the current one."), "body")
    else:
        nodes = {n.code: n for n in text.tree(text.live_parts(proposal))}
        node = nodes.get(where)
        if node is None:
            raise TextError(_("That part is not in the text (any more)."), "target", 404)
        if node.kind not in AMENDABLE_KINDS:
            raise TextError(_("Amend an article, a paragraph or a point, not a whole chapter."),
                            "target")  # fmt: skip
        amendment.part_code, amendment.part_kind = node.code, node.kind
        amendment.base_label = full_labels(list(nodes.values()))[node.code]
        amendment.base_heading, amendment.base_body = node.heading, node.body
        if kind == "change" and (heading, body) == (node.heading, node.body):
            raise TextError(_("The new text is the same as the current one."), "body")
    if kind == "delete":
        heading = body = ""
    _check_text(kind, heading, body, justification)
    amendment.heading, amendment.body, amendment.justification = heading, body, justification
    db.session.add(amendment)
    db.session.flush()
    return amendment


def update_draft(amendment: Amendment, data: dict) -> None:
    if amendment.state != "draft":
        raise TextError(_("Only a draft amendment can be changed."), None, 409)
    _require_consultation(amendment.proposal)
    kind = amendment.kind
    heading = "" if kind == "delete" else data.get("heading", "").strip()
    body = "" if kind == "delete" else data.get("body", "").strip()
    justification = data.get("justification", "").strip()
    _check_text(kind, heading, body, justification)
    amendment.heading, amendment.body, amendment.justification = heading, body, justification


def open_(amendment: Amendment, actor) -> Amendment:
    """Put a draft on the sheet under the next number and tell the proposal's authors."""
    proposal = amendment.proposal
    _require_consultation(proposal)
    if amendment.state != "draft":
        raise TextError(_("This amendment is already submitted."), None, 409)
    last = db.session.scalar(
        select(func.max(Amendment.number)).where(Amendment.proposal_id == proposal.id)
    )
    amendment.number = (last or 0) + 1
    amendment.state, amendment.opened_at = "open", utcnow()
    proposal.last_activity_at = utcnow()
    db.session.flush()
    audit.record("proposal.amendment_opened", target=proposal, actor=actor,
                 number=amendment.number)  # fmt: skip
    notifications.notify(
        coauthors.author_users(proposal), kind="proposals.amendment_opened",
        title=f"{amendment.title}: {proposal.title}", url=_url(amendment),
        excerpt=amendment.justification, actor=actor,
        subject_type="proposal", subject_id=proposal.id,
    )  # fmt: skip
    return amendment


def withdraw(amendment: Amendment, actor) -> None:
    if amendment.state not in ("draft", "open"):
        raise TextError(_("A decided amendment cannot be withdrawn."), None, 409)
    amendment.state = "withdrawn"
    amendment.decided_at = utcnow()
    if amendment.number is not None:
        audit.record("proposal.amendment_withdrawn", target=amendment.proposal, actor=actor,
                     number=amendment.number)  # fmt: skip


@dataclass
class Conflict:
    """The part or section changed since the amendment's base version (or is gone)."""

    target: Target
    amendment: Amendment

    @property
    def gone(self) -> bool:
        return self.target.gone

    def since(self) -> Markup:
        """What changed in the text since the amendment's base version."""
        return diffs.render(_joined(self.amendment.base_heading, self.amendment.base_body),
                            _joined(self.target.heading, self.target.body))  # fmt: skip

    def proposed(self) -> Markup:
        """What the amendment changes, against the base version it was written for."""
        return proposed_diff(self.amendment)

    def over_current(self) -> Markup:
        """What applying it now would do to the current text."""
        new = (
            ""
            if self.amendment.kind == "delete"
            else _joined(self.amendment.heading, self.amendment.body)
        )
        return diffs.render(_joined(self.target.heading, self.target.body), new)


def _joined(heading: str | None, body: str | None) -> str:
    return "\n\n".join(p for p in (heading or "", body or "") if p)


def proposed_diff(amendment: Amendment) -> Markup:
    if amendment.kind == "insert_after":
        return diffs.render("", _joined(amendment.heading, amendment.body))
    new = "" if amendment.kind == "delete" else _joined(amendment.heading, amendment.body)
    return diffs.render(_joined(amendment.base_heading, amendment.base_body), new)


def conflict(amendment: Amendment, proposal: Proposal) -> Conflict | None:
    """None when the amendment applies to the text it was written for; else what changed."""
    found = target(amendment, proposal)
    if found.gone:
        return Conflict(found, amendment)
    if amendment.kind == "insert_after":
        return None  # the new part goes after its anchor whatever the anchor now says
    if (found.heading or "", found.body or "") != (amendment.base_heading, amendment.base_body):
        return Conflict(found, amendment)
    return None


def _decided(amendment: Amendment, actor, state: str, reason: str = "") -> None:
    amendment.state, amendment.reason = state, reason
    amendment.decided_at, amendment.decided_by_id = utcnow(), actor.id
    proposal = amendment.proposal
    proposal.last_activity_at = utcnow()
    if amendment.author is not None:
        notifications.notify(
            [amendment.author], kind="proposals.amendment_decided",
            title=f"{amendment.title}: {proposal.title}", url=_url(amendment),
            excerpt=reason, actor=actor, subject_type="proposal", subject_id=proposal.id,
        )  # fmt: skip


def accept(amendment: Amendment, actor, *, anyway: bool = False):
    """Apply the amendment as a new version crediting the amender. A changed target needs
    `anyway` (the author saw both diffs); a vanished one cannot be applied."""
    proposal = amendment.proposal
    _require_consultation(proposal)
    if amendment.state != "open":
        raise TextError(_("Only an open amendment can be decided."), None, 409)
    found = conflict(amendment, proposal)
    if found is not None and (found.gone or not anyway):
        raise TextError(
            _("The part this amendment aims at is no longer in the text; it can only be "
              "rejected.") if found.gone else
            _("The text changed since this amendment was written. Compare and decide."),
            None, 409,
        )  # fmt: skip
    if amendment.section:
        setattr(proposal, amendment.section, amendment.body)
        proposal.refresh_search()
    else:
        part = text.find_part(proposal, amendment.part_code)
        if amendment.kind == "change":
            text.edit_part(part, amendment.heading, amendment.body)
        elif amendment.kind == "delete":
            text.delete_part(proposal, part)
        else:
            parent = db.session.get(type(part), part.parent_id) if part.parent_id else None
            text.add_part(proposal, part.kind, amendment.heading, amendment.body, parent, part)
    name = amendment.author.name if amendment.author else _("a former member")
    version = text.save_version(
        proposal, actor,
        _("Amendment %(number)d by %(name)s accepted", number=amendment.number, name=name),
    )  # fmt: skip
    amendment.applied_version = version.number
    _decided(amendment, actor, "accepted")
    audit.record("proposal.amendment_accepted", target=proposal, actor=actor,
                 number=amendment.number, version=version.number)  # fmt: skip
    return version


def reject(amendment: Amendment, actor, reason: str) -> None:
    _require_consultation(amendment.proposal)
    if amendment.state != "open":
        raise TextError(_("Only an open amendment can be decided."), None, 409)
    reason = (reason or "").strip()
    if not reason:
        raise TextError(_("Give the reason: the amender and the record need it."), "reason")
    _decided(amendment, actor, "rejected", reason)
    audit.record("proposal.amendment_rejected", target=amendment.proposal, actor=actor,
                 number=amendment.number, reason=reason)  # fmt: skip


def promote(amendment: Amendment, actor) -> Proposal:
    """A rejected amendment becomes a proposal of its own: a draft with the amender as its
    lead author, holding the amendment's text and, as its summary, the justification."""
    from solidarna.proposals import services

    if amendment.state != "rejected":
        raise TextError(_("Only a rejected amendment can become a proposal of its own."),
                        None, 409)  # fmt: skip
    source = amendment.proposal
    author = amendment.author
    if author is None:
        raise TextError(_("The amender is no longer a member."), None, 409)
    title = _("%(title)s: amendment %(number)d", title=source.title, number=amendment.number)
    proposal = services.create(
        {"title": title[:300], "kind": source.kind, "level": source.level,
         "institution_id": source.institution_id, "tags": source.tag_values},
        author, _("From amendment %(number)d", number=amendment.number),
    )  # fmt: skip
    proposal.summary = amendment.justification
    if amendment.section:
        setattr(proposal, amendment.section, amendment.body)
    elif amendment.kind != "delete":
        text.add_part(proposal, "article",
                      amendment.heading, amendment.body, None, None)  # fmt: skip
    proposal.refresh_search()
    text.save_version(proposal, author, _("The amendment's text"))
    amendment.state, amendment.promoted_to_id = "promoted", proposal.id
    audit.record("proposal.amendment_promoted", target=source, actor=actor,
                 number=amendment.number, proposal=proposal.title)  # fmt: skip
    return proposal


def _url(amendment: Amendment) -> str:
    return url_for("proposal_amendments.show", proposal_id=amendment.proposal_id,
                   amendment_id=amendment.id)  # fmt: skip


# --- what a proposal's page shows of amendments and authors ----------------------------------


@dataclass
class PageInfo:
    #: open amendments by part code ("section:<name>" for sections)
    counts: dict
    #: whether the viewer may propose amendments now
    may_amend: bool
    #: [{"user", "role", "organization", "card"}]: the lead and the accepted co-authors
    authors: list
    #: the amendment this proposal grew out of
    origin: Amendment | None
    #: the viewer may manage the authors (the page with invitations)
    manages_authors: bool
    #: article id -> [core.subjects.Attached]: the comments anchored to each article and where
    #: to read or add one (discussions, where they are on); a `Lazy` on the page: only the
    #: text tree uses it, and a kept tree (core/fragments.py) does not ask
    comments: dict = field(default_factory=dict)


def page_info(proposal: Proposal) -> PageInfo:
    """For the proposal's page (views/browse.py detail: `manages_authors` is one of its
    page shell's parts)."""
    from solidarna.core.fragments import Lazy
    from solidarna.core.permissions import current_person
    from solidarna.proposals.permissions import can_amend, can_author_proposal

    user = current_person()
    return PageInfo(
        # read only when the header or the text is drawn (kept fragments: core/fragments.py)
        counts=Lazy(open_counts, proposal) if proposal.state != "draft" else {},
        may_amend=can_amend(user, proposal),
        authors=Lazy(coauthors.listing, proposal),
        origin=Lazy(promoted_from, proposal),
        manages_authors=bool(
            can_author_proposal(user, proposal) or coauthors.is_invited(user, proposal)
        ),
        comments=Lazy(article_comments, proposal),
    )


def article_comments(proposal: Proposal) -> dict:
    """The comments anchored to each article (core/subjects.attached; two statements)."""
    if proposal.state == "draft":
        return {}
    ids = db.session.scalars(
        select(ProposalPart.id).where(
            ProposalPart.proposal_id == proposal.id, ProposalPart.kind == "article"
        )
    ).all()
    return subjects.attached("proposal_part", ids) if ids else {}
