"""Mentions: members named in a post as @[Name Surname] or plainly as @Name Surname, in either
script, any case, with or without diacritics; the suggestions of the helpers beside and in the
text box; the rendered post with its mentions resolved and, for the preview, what did not
resolve.

Names are compared folded (core/script.fold) against the active members of the space, read as
(id, name, role) and folded here: a space has hundreds of members, not millions, and the query
runs only for a text with an @ in it. `@[Name]` stands for every member of that name (names are
not unique handles); a plain `@Name Surname` is a mention only when it names exactly one."""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup
from sqlalchemy import select

from solidarna.accounts.models import User
from solidarna.core import markdown
from solidarna.core.permissions import ROLE_RANK
from solidarna.core.script import fold
from solidarna.extensions import db
from solidarna.tenants.models import Membership

#: the mentions of one post that are understood (and notify): more is a mass mailing
MENTIONS_MAX = 20


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    rank: int
    folded: str


def _members() -> list[Member]:
    """The active members of this tenant (the session's tenant filter scopes Membership)."""
    rows = db.session.execute(
        select(User.id, User.name, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.status == "active")
    ).all()
    return [Member(i, name, ROLE_RANK.get(role, 0), fold(name)) for i, name, role in rows]


def _by_folded_name(members: list[Member]) -> dict[str, list[Member]]:
    index: dict[str, list[Member]] = {}
    for member in members:
        index.setdefault(member.folded, []).append(member)
    return index


def _users(ids: list[int]) -> list[User]:
    """The users of `ids`, in that order, once each."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    found = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def mention_suggestions(query: str, limit: int = 8, min_rank: int = 1) -> list[User]:
    """Active members (of at least `min_rank`, the readers of a thread) matching the typed text,
    for the @mention helpers: every typed word starts a word of the name ("an pe" finds Ana
    Petrović), then names merely containing the text; either script, no diacritics needed."""
    typed = fold(" ".join(query.split())[:80])
    if len(typed.replace(" ", "")) < 2:
        return []
    words = typed.split()
    starts, contains = [], []
    for member in _members():
        if member.rank < min_rank:
            continue
        name_words = member.folded.split()
        if all(any(w.startswith(t) for w in name_words) for t in words):
            starts.append(member)
        elif typed in member.folded:
            contains.append(member)
    ranked = sorted(starts, key=lambda m: (not m.folded.startswith(typed), m.folded, m.id))
    ranked += sorted(contains, key=lambda m: (m.folded, m.id))
    return _users([m.id for m in ranked[:limit]])


@dataclass
class Body:
    """A post rendered with its mentions resolved, and what the preview tells the writer."""

    html: Markup
    #: the members it mentions (outside quotes), to notify
    mentioned: list[User] = field(default_factory=list)
    #: as written ("@Niko Nikić"): naming no member of this space
    unknown: list[str] = field(default_factory=list)
    #: plain names (without the @) of more than one member each
    ambiguous: list[str] = field(default_factory=list)
    #: mentioned members below the thread's reader rank (they will not be notified)
    cannot_read: list[User] = field(default_factory=list)
    #: more than MENTIONS_MAX mentions were written; those after it are left as text
    too_many: bool = False


def _as_written(candidate: markdown.Candidate) -> str:
    """How the preview names a mention that did not resolve: `@[Name]` as the whole name, a
    plain one as its first word and the capitalised words after it ("@Niko Nikić", not "@Niko
    Nikić je")."""
    if candidate.canonical:
        return f"@{candidate.text}"
    words = candidate.text.split()
    shown = [words[0]]
    for word in words[1:]:
        if not word[:1].isupper():
            break
        shown.append(word)
    return "@" + " ".join(shown)


def resolve(source: str, min_rank: int | None = None) -> Body:
    """Render `source` with its mentions resolved against this space's active members.
    `min_rank`: the role rank needed to read the thread, when known (for `cannot_read`)."""
    candidates = markdown.mention_candidates(source)
    if not candidates:
        return Body(markdown.render(source))
    too_many = len(candidates) > MENTIONS_MAX
    candidates = candidates[:MENTIONS_MAX]
    index = _by_folded_name(_members())
    canonical: dict[str, str] = {}
    plain: dict[str, str] = {}
    ids: list[int] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for candidate in candidates:
        if candidate.canonical:
            found = index.get(fold(candidate.text), [])
            if found:
                canonical[fold(candidate.text)] = found[0].name
                ids += [m.id for m in found]
            else:
                unknown.append(_as_written(candidate))
            continue
        # the longest of the 3- and 2-word names that is someone's name decides
        name = next((n for n in candidate.names if fold(n) in index), None)
        if name is None:
            unknown.append(_as_written(candidate))
            continue
        found = index[fold(name)]
        if len(found) > 1:
            ambiguous.append(name)
            continue
        plain[fold(name)] = found[0].name
        ids.append(found[0].id)
    mentioned = _users(ids)
    body = Body(markdown.render(source, canonical, plain), mentioned, _once(unknown),
                _once(ambiguous), too_many=too_many)  # fmt: skip
    if min_rank is not None:
        ranks = {m.id: m.rank for members in index.values() for m in members}
        body.cannot_read = [u for u in mentioned if ranks.get(u.id, 0) < min_rank]
    return body


def _once(items: list[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in items if not (fold(i) in seen or seen.add(fold(i)))]


def render_body(source: str) -> tuple[Markup, list[User]]:
    """The sanitized HTML of a post and the members it mentions."""
    body = resolve(source)
    return body.html, body.mentioned
