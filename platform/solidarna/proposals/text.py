"""The structured text of a proposal: the tree of parts (chapter → article → paragraph → point),
its automatic numbering, snapshots of the whole proposal as versions, restoring one, and the
comparison of two versions part by part (matched by the parts' stable codes)."""

from __future__ import annotations

import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import delete, select, update
from sqlalchemy.orm import defer

from solidarna.core import diffs, markdown
from solidarna.core.models import utcnow
from solidarna.extensions import db
from solidarna.proposals.models import (
    BENEFICIARY_FIELDS,
    FISCAL_FIELDS,
    PART_PARENTS,
    SECTIONS,
    Proposal,
    ProposalPart,
    ProposalVersion,
)

META_FIELDS = ("title", "kind", "level", "institution", "tags")
MAX_PARTS = 2000


class TextError(ValueError):
    """A change the text's rules refuse; the message is for the person."""

    def __init__(self, message, field: str | None = None, status: int = 422):
        super().__init__(str(message))
        self.field = field
        self.status = status


# --- the tree and its numbers ------------------------------------------------------------------

ROMAN = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
    (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def roman(n: int) -> str:
    out = []
    for value, letters in ROMAN:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


@dataclass
class Node:
    """A part as shown or compared: from a live row or from a version's snapshot."""

    code: str
    parent: str | None
    kind: str
    heading: str
    body: str
    depth: int = 0
    number: str = ""
    id: int | None = None
    body_html: str | None = None
    children: list[Node] = field(default_factory=list)

    @property
    def label(self) -> str:
        """“Član 3.”, “Glava II”, “(2)”, “1)” in the reader's language."""
        if self.kind == "chapter":
            return _("Chapter %(number)s", number=self.number)
        if self.kind == "article":
            return _("Article %(number)s.", number=self.number)
        if self.kind == "paragraph":
            return f"({self.number})"
        return f"{self.number})"

    def html(self) -> Markup:
        if self.body_html is not None:
            return Markup(self.body_html)
        return markdown.render(self.body)


def number(nodes: list[Node]) -> list[Node]:
    """Number nodes given in reading order (pre-order): chapters and articles through the
    whole text, paragraphs within their article, points within their parent."""
    chapters = articles = 0
    within: dict[str | None, int] = defaultdict(int)
    by_code = {n.code: n for n in nodes}
    for node in nodes:
        parent = by_code.get(node.parent) if node.parent else None
        node.depth = parent.depth + 1 if parent else 0
        if parent:
            parent.children.append(node)
        if node.kind == "chapter":
            chapters += 1
            node.number = roman(chapters)
        elif node.kind == "article":
            articles += 1
            node.number = str(articles)
        else:
            within[(node.parent, node.kind)] += 1
            node.number = str(within[(node.parent, node.kind)])
    return nodes


def live_parts(proposal: Proposal) -> list[ProposalPart]:
    return list(
        db.session.scalars(
            select(ProposalPart)
            .where(ProposalPart.proposal_id == proposal.id)
            .order_by(ProposalPart.parent_id, ProposalPart.position, ProposalPart.id)
        )
    )


def tree(parts: list[ProposalPart]) -> list[Node]:
    """The live parts, numbered, in reading order (one query's rows, no more)."""
    by_parent: dict[int | None, list[ProposalPart]] = defaultdict(list)
    for part in parts:
        by_parent[part.parent_id].append(part)
    codes = {p.id: p.code for p in parts}
    ordered: list[Node] = []

    def walk(parent_id):
        for part in sorted(by_parent.get(parent_id, ()), key=lambda p: (p.position, p.id)):
            ordered.append(
                Node(part.code, codes.get(part.parent_id), part.kind, part.heading, part.body,
                     id=part.id, body_html=part.body_html)
            )  # fmt: skip
            walk(part.id)

    walk(None)
    return number(ordered)


def snapshot_tree(snapshot: dict) -> list[Node]:
    return number(
        [
            Node(p["code"], p.get("parent"), p["kind"], p.get("heading", ""), p.get("body", ""))
            for p in snapshot.get("parts", [])
        ]
    )


# --- changing the tree -------------------------------------------------------------------------


def new_code(proposal: Proposal) -> str:
    taken = set(
        db.session.scalars(select(ProposalPart.code).where(ProposalPart.proposal_id == proposal.id))
    )
    while True:
        code = secrets.token_hex(4)
        if code not in taken:
            return code


def _siblings(proposal: Proposal, parent_id: int | None) -> list[ProposalPart]:
    under = (
        ProposalPart.parent_id.is_(None)
        if parent_id is None
        else ProposalPart.parent_id == parent_id
    )
    return list(
        db.session.scalars(
            select(ProposalPart)
            .where(ProposalPart.proposal_id == proposal.id, under)
            .order_by(ProposalPart.position, ProposalPart.id)
        )
    )


def _renumber(siblings: list[ProposalPart]) -> None:
    for index, part in enumerate(siblings):
        part.position = index


def find_part(proposal: Proposal, code: str) -> ProposalPart | None:
    return db.session.scalar(
        select(ProposalPart).where(
            ProposalPart.proposal_id == proposal.id, ProposalPart.code == code
        )
    )


def check_place(kind: str, parent: ProposalPart | None) -> None:
    allowed = PART_PARENTS.get(kind)
    if allowed is None:
        raise TextError(_("Choose one of the offered options."), "kind")
    if (parent.kind if parent else None) not in allowed:
        raise TextError(
            _("A part of this kind cannot stand there. A chapter stands at the top of the text, "
              "an article at the top or in a chapter, a paragraph in an article, a point in a "
              "paragraph or an article."),
            "kind",
        )  # fmt: skip


def add_part(
    proposal, kind, heading, body, parent: ProposalPart | None, after: ProposalPart | None
):
    """Insert a part under `parent`, after the sibling `after` (or at the end)."""
    check_place(kind, parent)
    count = db.session.scalar(
        select(db.func.count(ProposalPart.id)).where(ProposalPart.proposal_id == proposal.id)
    )
    if count >= MAX_PARTS:
        raise TextError(_("A text has at most %(max)d parts.", max=MAX_PARTS), "body", 409)
    if after is not None and after.parent_id != (parent.id if parent else None):
        raise TextError(_("That part is not in the chosen place."), "after")
    siblings = _siblings(proposal, parent.id if parent else None)
    part = ProposalPart(
        proposal_id=proposal.id, code=new_code(proposal), parent_id=parent.id if parent else None,
        kind=kind, heading=heading, body=body, body_html=str(markdown.render(body)),
    )  # fmt: skip
    db.session.add(part)
    index = siblings.index(after) + 1 if after is not None else len(siblings)
    siblings.insert(index, part)
    _renumber(siblings)
    db.session.flush()
    return part


def edit_part(part: ProposalPart, heading: str, body: str) -> bool:
    if part.heading == heading and part.body == body:
        return False
    part.heading, part.body = heading, body
    part.body_html = str(markdown.render(body))
    return True


def delete_part(proposal: Proposal, part: ProposalPart) -> None:
    """Delete the part and everything under it; its siblings close the gap."""
    ids, frontier = [part.id], [part.id]
    while frontier:
        frontier = list(
            db.session.scalars(select(ProposalPart.id).where(ProposalPart.parent_id.in_(frontier)))
        )
        ids.extend(frontier)
    parent_id = part.parent_id
    db.session.execute(update(ProposalPart).where(ProposalPart.id.in_(ids)).values(parent_id=None))
    db.session.execute(delete(ProposalPart).where(ProposalPart.id.in_(ids)))
    db.session.expire_all()
    _renumber(_siblings(proposal, parent_id))
    db.session.flush()


def move_part(proposal: Proposal, part: ProposalPart, direction: str) -> bool:
    siblings = _siblings(proposal, part.parent_id)
    index = siblings.index(part)
    target = index - 1 if direction == "up" else index + 1
    if target < 0 or target >= len(siblings):
        return False
    siblings[index], siblings[target] = siblings[target], siblings[index]
    _renumber(siblings)
    db.session.flush()
    return True


# --- versions ------------------------------------------------------------------------------------


def snapshot(proposal: Proposal, nodes: list[Node] | None = None) -> dict:
    nodes = nodes if nodes is not None else tree(live_parts(proposal))
    return {
        "meta": {
            "title": proposal.title,
            "kind": proposal.kind,
            "level": proposal.level,
            "institution": proposal.institution.name if proposal.institution else "",
            "institution_id": proposal.institution_id,
            "tags": proposal.tag_values,
        },
        "sections": {name: getattr(proposal, name) or "" for name in SECTIONS},
        "beneficiaries": {name: list(getattr(proposal, name) or []) for name in BENEFICIARY_FIELDS},
        "fiscal": {name: getattr(proposal, name) for name in FISCAL_FIELDS},
        "parts": [
            {
                "code": n.code,
                "parent": n.parent,
                "kind": n.kind,
                "heading": n.heading,
                "body": n.body,
            }
            for n in nodes
        ],  # fmt: skip
    }


def save_version(proposal: Proposal, author, message: str) -> ProposalVersion:
    """Every save is a version: the whole proposal as it now stands."""
    db.session.flush()
    proposal.version_count = (proposal.version_count or 0) + 1
    proposal.last_activity_at = utcnow()
    version = ProposalVersion(
        proposal_id=proposal.id, number=proposal.version_count,
        author_id=getattr(author, "id", None), message=(message or "").strip()[:200],
        snapshot=snapshot(proposal),
    )  # fmt: skip
    db.session.add(version)
    db.session.flush()
    return version


def versions(proposal: Proposal) -> list[ProposalVersion]:
    """The history, newest first, without the snapshots (the list shows who, when and why;
    200 snapshots of a long text are megabytes of JSON: bench/proposals.py)."""
    return list(
        db.session.scalars(
            select(ProposalVersion)
            .where(ProposalVersion.proposal_id == proposal.id)
            .options(defer(ProposalVersion.snapshot, raiseload=True))
            .order_by(ProposalVersion.number.desc())
        )
    )


def find_version(
    proposal: Proposal, number_: int, *, snapshot: bool = True
) -> ProposalVersion | None:
    """Version `number_` of the proposal; `snapshot=False` leaves the text (a long text's JSON)
    to be read only if it is used, e.g. when a kept comparison is missing (proposals/kept.py)."""
    query = select(ProposalVersion).where(
        ProposalVersion.proposal_id == proposal.id, ProposalVersion.number == number_
    )
    if not snapshot:
        query = query.options(defer(ProposalVersion.snapshot))
    return db.session.scalar(query)


def restore(proposal: Proposal, version: ProposalVersion, author) -> ProposalVersion:
    """Bring back what a version held, as a new version (nothing is lost: the versions in
    between stay)."""
    from solidarna.proposals.models import Institution

    data = version.snapshot
    meta = data.get("meta", {})
    proposal.title = meta.get("title", proposal.title)
    proposal.kind = meta.get("kind", proposal.kind)
    proposal.level = meta.get("level", proposal.level)
    wanted = meta.get("institution_id")
    proposal.institution_id = wanted if wanted and db.session.get(Institution, wanted) else None
    proposal.set_tags(meta.get("tags", []))
    for name in SECTIONS:
        setattr(proposal, name, data.get("sections", {}).get(name, ""))
    for name in BENEFICIARY_FIELDS:
        setattr(proposal, name, list(data.get("beneficiaries", {}).get(name, [])))
    for name in FISCAL_FIELDS:
        setattr(proposal, name, data.get("fiscal", {}).get(name))
    proposal.refresh_search()
    # A part that is in both keeps its row (and so its id: discussions anchored to an article,
    # core/subjects.py, stay with it); the others are added or deleted.
    db.session.execute(
        update(ProposalPart).where(ProposalPart.proposal_id == proposal.id).values(parent_id=None)
    )
    kept = {part.code: part for part in live_parts(proposal)}
    wanted = {item["code"] for item in data.get("parts", [])}
    gone = [part.id for code, part in kept.items() if code not in wanted]
    if gone:
        db.session.execute(delete(ProposalPart).where(ProposalPart.id.in_(gone)))
    ids: dict[str, int] = {}
    positions: dict[str | None, int] = defaultdict(int)
    for item in data.get("parts", []):
        parent = item.get("parent")
        body = item.get("body", "")
        part = kept.get(item["code"])
        if part is None:
            part = ProposalPart(proposal_id=proposal.id, code=item["code"])
            db.session.add(part)
        part.parent_id, part.position = ids.get(parent), positions[parent]
        part.kind, part.heading = item["kind"], item.get("heading", "")
        part.body, part.body_html = body, str(markdown.render(body))
        positions[parent] += 1
        db.session.flush()
        ids[item["code"]] = part.id
    return save_version(proposal, author, _("Restored version %(number)d", number=version.number))


# --- comparing two versions ----------------------------------------------------------------------


@dataclass
class PartChange:
    code: str
    #: added / removed / changed / unchanged
    status: str
    old: Node | None
    new: Node | None

    @property
    def label(self) -> str:
        node = self.new or self.old
        return node.label

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)

    def heading_diff(self) -> Markup:
        return diffs.render(
            self.old.heading if self.old else "", self.new.heading if self.new else ""
        )

    def body_diff(self) -> Markup:
        return diffs.render(self.old.body if self.old else "", self.new.body if self.new else "")

    def body_side(self) -> tuple[Markup, Markup]:
        return diffs.render_side(
            self.old.body if self.old else "", self.new.body if self.new else ""
        )


@dataclass
class FieldChange:
    name: str
    label: object
    old: str
    new: str

    @property
    def changed(self) -> bool:
        return self.old != self.new

    def diff(self) -> Markup:
        return diffs.render(self.old, self.new)

    def side(self) -> tuple[Markup, Markup]:
        return diffs.render_side(self.old, self.new)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def compare_parts(old: dict, new: dict) -> list[PartChange]:
    """The parts of both versions matched by code, in the new version's reading order, each
    removed part after the part that preceded it in the old one."""
    old_nodes, new_nodes = snapshot_tree(old), snapshot_tree(new)
    old_by, new_by = {n.code: n for n in old_nodes}, {n.code: n for n in new_nodes}
    changes: list[PartChange] = []
    for node in new_nodes:
        before = old_by.get(node.code)
        if before is None:
            status = "added"
        elif (before.heading, before.body, before.kind) != (node.heading, node.body, node.kind):
            status = "changed"
        else:
            status = "unchanged"
        changes.append(PartChange(node.code, status, before, node))
    for index, node in enumerate(old_nodes):
        if node.code in new_by:
            continue
        anchor = old_nodes[index - 1].code if index else None
        at = next((i + 1 for i, c in enumerate(changes) if c.code == anchor), 0)
        changes.insert(at, PartChange(node.code, "removed", node, None))
    return changes


def compare_fields(old: dict, new: dict, labels: dict) -> list[FieldChange]:
    found = []
    for group in ("meta", "sections", "beneficiaries", "fiscal"):
        for name, label in labels.get(group, {}).items():
            found.append(
                FieldChange(
                    name, label,
                    _text(old.get(group, {}).get(name)), _text(new.get(group, {}).get(name)),
                )
            )  # fmt: skip
    return found
