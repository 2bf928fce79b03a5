"""Mentions: members written as @[Name Surname] in a post, found in either script, and the
suggestions of the helper beside the text box; the rendered post with its mentions resolved."""

from __future__ import annotations

from markupsafe import Markup
from sqlalchemy import or_, select

from solidarna.accounts.models import User
from solidarna.core import markdown
from solidarna.core.script import fold, to_cyrillic, to_latin
from solidarna.extensions import db
from solidarna.tenants.models import Membership


def _name_variants(name: str) -> set[str]:
    variants = {name, to_latin(name), to_cyrillic(name)}
    return variants | {v.title() for v in variants}


def members_named(names: list[str]) -> list[User]:
    """Active members of this tenant whose name is one of `names` (in either script)."""
    if not names:
        return []
    wanted = set().union(*(_name_variants(n) for n in names[:20]))
    folded = {fold(n) for n in names}
    found = db.session.scalars(
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.status == "active", User.name.in_(wanted))
    )
    return [user for user in found if fold(user.name) in folded]


def mention_suggestions(query: str, limit: int = 8) -> list[User]:
    """Members whose name contains the typed text, for the @mention autocomplete."""
    query = " ".join(query.split())[:80]
    if len(query) < 2:
        return []
    terms = {query, to_latin(query), to_cyrillic(query)}
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.status == "active",
                or_(*(User.name.ilike(f"%{t}%") for t in terms)),
            )
            .order_by(User.name)
            .limit(limit)
        )
    )


def render_body(source: str) -> tuple[Markup, list[User]]:
    """The sanitized HTML of a post and the members it mentions."""
    mentioned = members_named(markdown.mentioned_names(source))
    names = {fold(user.name): user.name for user in mentioned}
    return markdown.render(source, names), mentioned
