"""Things a capability lets others attach to: the one mechanism by which a discussion (and
later anything else) hangs on an organization today, a working group or a proposal tomorrow.

A capability that owns objects declares its subject types (`Capability.subjects`, with a
resolver); a capability that attaches to objects (discussions) asks `resolve()` and `panels()`
here and never imports the owner. A subject type exists only in spaces where its capability is
switched on. Resolvers run in the current tenant (the isolation hooks apply) and answer only for the
objects the current user may see, so "not visible" and "does not exist" look the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup

from solidarna.core.capabilities import current_tenant, registry


@dataclass(frozen=True)
class Subject:
    type: str
    id: int
    title: str
    url: str


@dataclass(frozen=True)
class Attached:
    """What one capability attached to an object: how many (e.g. comments), and where to read
    them or add one."""

    capability: str
    count: int
    url: str


@dataclass(frozen=True)
class PersonAction:
    """Something the viewer may do about a person who took part in what hangs on a subject
    (e.g. invite the author of a post in a proposal's discussion as its co-author): a button
    posting `fields` (and the page to come back to, `next`) to `url`."""

    label: object
    url: str
    fields: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class SubjectType:
    name: str
    #: a lazy label for the kind of thing, e.g. "Organization"
    label: object
    #: ids -> {id: Subject} for those that exist in the current tenant and the viewer may see
    resolve: Callable[[list[int]], dict[int, Subject]]
    #: id -> None: told that something attached to the subject happened (a comment posted),
    #: so the owner can keep its "latest activity" without asking the one who attaches
    touched: Callable[[int], None] | None = None
    #: limit -> [Subject]: the objects the viewer may pick when linking one (core/links.py),
    #: newest first; None: this type is not offered for picking
    choices: Callable[[int], list[Subject]] | None = None
    #: (id, people) -> {person id: [PersonAction]}: what the viewer may do about the people
    #: who took part in something attached to the subject (wrote a post in its discussion).
    #: `people()` gives their ids; the owner asks it only when the viewer may act at all
    person_actions: (
        Callable[[int, Callable[[], list[int]]], dict[int, list[PersonAction]]] | None
    ) = None


def subject_type(name: str) -> SubjectType | None:
    """The subject type `name`, if its capability exists in the current space."""
    return registry().subject_type(current_tenant(), name)


def resolve(name: str, ids: Iterable[int]) -> dict[int, Subject]:
    """The visible subjects of one type among `ids` (unknown types resolve to nothing)."""
    kind = subject_type(name)
    wanted = sorted({int(i) for i in ids})
    if kind is None or not wanted:
        return {}
    return kind.resolve(wanted)


def resolve_one(name: str, subject_id: int) -> Subject | None:
    return resolve(name, [subject_id]).get(subject_id)


def choices(name: str, limit: int = 200) -> list[Subject]:
    """The visible subjects of one type a person may pick from (e.g. to link one)."""
    kind = subject_type(name)
    if kind is None or kind.choices is None:
        return []
    return kind.choices(limit)


def touch(name: str, subject_id: int | None) -> None:
    """Tell the owner of subject `name` that something attached to `subject_id` happened (a
    capability that attaches calls this, e.g. discussions on every post)."""
    kind = subject_type(name)
    if kind is not None and kind.touched is not None and subject_id is not None:
        kind.touched(int(subject_id))


def person_actions(
    name: str | None, subject_id: int | None, people: Callable[[], Iterable[int]]
) -> dict[int, list[PersonAction]]:
    """{person id: [PersonAction]} the owner of subject `name` offers the viewer about the
    people `people()` names (called at most once, and not at all when there is nothing to
    offer). Nothing for unknown types or a type without actions."""
    kind = subject_type(name) if name else None
    if kind is None or kind.person_actions is None or subject_id is None:
        return {}
    return kind.person_actions(int(subject_id), lambda: sorted({int(i) for i in people() if i}))


def attached(name: str, ids: Iterable[int]) -> dict[int, list[Attached]]:
    """{id: [Attached]} from every capability switched on here that attaches to `name`; one
    call per capability whatever the number of ids. The caller checked the viewer sees them."""
    wanted = sorted({int(i) for i in ids})
    return registry().attached(current_tenant(), name, wanted)


def panels(name: str, subject_id: int) -> list[Markup]:
    """The panels other capabilities show on this object's page ({{ subject_panels(...) }}):
    each capability's `panel`, run only in spaces that have that capability switched on."""
    return registry().panels(current_tenant(), name, subject_id)
