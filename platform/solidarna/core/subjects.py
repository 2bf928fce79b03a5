"""Things a capability lets others attach to: the one mechanism by which a discussion (and
later anything else) hangs on an organization today, a working group or a proposal tomorrow.

A capability that owns objects registers a subject type with a resolver; a capability that
attaches to objects (discussions) asks `resolve()` and `panels()` here and never imports the
owner. Resolvers run in the current tenant (the isolation hooks apply) and answer only for the
objects the current user may see, so "not visible" and "does not exist" look the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from markupsafe import Markup


@dataclass(frozen=True)
class Subject:
    type: str
    id: int
    title: str
    url: str


@dataclass(frozen=True)
class SubjectType:
    name: str
    #: a lazy label for the kind of thing, e.g. "Organization"
    label: object
    #: ids -> {id: Subject} for those that exist in the current tenant and the viewer may see
    resolve: Callable[[list[int]], dict[int, Subject]]


_types: dict[str, SubjectType] = {}
# Providers of panels shown on an object's page: (subject_type, subject_id) -> Markup or None.
_panel_providers: list[Callable[[str, int], Markup | None]] = []


def register_subject(name: str, label, resolve: Callable[[list[int]], dict[int, Subject]]):
    _types[name] = SubjectType(name, label, resolve)


def subject_type(name: str) -> SubjectType | None:
    return _types.get(name)


def subject_types() -> dict[str, SubjectType]:
    return dict(_types)


def resolve(name: str, ids: Iterable[int]) -> dict[int, Subject]:
    """The visible subjects of one type among `ids` (unknown types resolve to nothing)."""
    kind = _types.get(name)
    wanted = sorted({int(i) for i in ids})
    if kind is None or not wanted:
        return {}
    return kind.resolve(wanted)


def resolve_one(name: str, subject_id: int) -> Subject | None:
    return resolve(name, [subject_id]).get(subject_id)


def panel_provider(provider: Callable[[str, int], Markup | None]) -> Callable:
    """Decorator: contribute a panel to the pages of attachable objects."""
    _panel_providers.append(provider)
    return provider


def panels(name: str, subject_id: int) -> list[Markup]:
    """The panels other capabilities show on this object's page ({{ subject_panels(...) }})."""
    found = []
    for provider in _panel_providers:
        panel = provider(name, subject_id)
        if panel:
            found.append(panel)
    return found
