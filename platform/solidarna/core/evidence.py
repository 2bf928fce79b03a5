"""Evidence (DESIGN §12): figures a capability offers for others to cite, e.g. the directory's
"verified social enterprises per municipality", which a proposal quotes with its date.

A capability registers `FigureProvider`s from its own `init_app` (`register`); a provider has a
stable `key`, a `label` and a function `(tenant) -> [Figure]`, each figure with a stable `item`
(what it counts within the provider: a municipality, an actor type, "all"), its label, a whole
number and the day it holds for. Providers answer only in spaces that have their capability's
module switched on (like every capability provider), run in the current tenant, and show only
what a visitor of the space may see (a cited figure goes into public documents). Within a
request each provider runs at most once (`figures` keeps its answer on `g`).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g
from flask_babel import force_locale

from solidarna.core.capabilities import registry

EXTENSION = "solidarna.evidence"


@dataclass(frozen=True)
class Figure:
    item: str
    label: str
    value: int
    as_of: date


@dataclass(frozen=True)
class FigureProvider:
    key: str
    label: object
    #: the capability whose module must be on for the provider to answer
    capability: str
    #: tenant -> [Figure]
    figures: Callable[[object], list[Figure]]
    #: the ecosystem overview shows its figures (a capability's figures there, without the
    #: directory importing the capability: `overview_figures`)
    overview: bool = False


def register(app: Flask, provider: FigureProvider) -> None:
    providers = app.extensions.setdefault(EXTENSION, {})
    if provider.key in providers:
        raise RuntimeError(f"figure provider {provider.key!r} registered twice")
    providers[provider.key] = provider


def in_space_language(tenant):
    """Figures are labelled in the space's language: a citation reads the same for everyone
    (and is shown in the reader's script). On the ecosystem overview (`overview_figures`) they
    are labelled in the reader's language: nothing is kept from there."""
    if g.get("_evidence_readers_language"):
        return nullcontext()
    return force_locale(getattr(tenant, "default_locale", None) or "sr_Latn")


def today() -> date:
    """The day in Belgrade: what "as of" means to the people who read the figure."""
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Belgrade")
    return datetime.now(ZoneInfo(name)).date()


def providers(tenant) -> list[FigureProvider]:
    """The providers that answer in this space, in registration order."""
    known = current_app.extensions.get(EXTENSION, {})
    caps = registry()
    found = []
    for provider in known.values():
        capability = caps.capabilities.get(provider.capability)
        if capability is not None and caps.is_enabled(capability, tenant):
            found.append(provider)
    return found


def provider(tenant, key: str) -> FigureProvider | None:
    return next((p for p in providers(tenant) if p.key == key), None)


def figures(tenant, key: str) -> list[Figure]:
    """The provider's figures now (once per request and space); [] for an unknown key or a
    provider that does not answer here."""
    found = provider(tenant, key)
    if found is None:
        return []
    memo = g.setdefault("_evidence_figures", {})
    slot = (getattr(tenant, "id", None), key, bool(g.get("_evidence_readers_language")))
    if slot not in memo:
        memo[slot] = list(found.figures(tenant))
    return memo[slot]


def overview_figures(tenant) -> list[tuple[FigureProvider, list[Figure]]]:
    """The figures of the providers that asked to be on the ecosystem overview, in this space
    (the ones with none left out)."""
    found = []
    g._evidence_readers_language = True
    try:
        for p in providers(tenant):
            if p.overview:
                shown = figures(tenant, p.key)
                if shown:
                    found.append((p, shown))
    finally:
        g._evidence_readers_language = False
    return found


def find(tenant, key: str, item: str) -> Figure | None:
    return next((f for f in figures(tenant, key) if f.item == item), None)


# --- starting an object from figures -----------------------------------------------------------


@dataclass(frozen=True)
class Drafter:
    """A capability that starts one of its objects from cited figures, for others that hold
    the evidence (support starts a proposal from a cluster of its cases) without importing it.

    `may(user)` says who may start one here; `start(title, citations, actor)` makes it (the
    caller commits) and returns its page's path. `citations` are (provider key, item) pairs
    of this space's figures; the drafter cites them its own way (a figure that is not offered
    is refused there, so nothing but the registry's anonymized counts is cited)."""

    name: str
    label: object
    capability: str
    may: Callable[[object], bool]
    start: Callable[[str, list[tuple[str, str]], object], str]


DRAFTERS = "solidarna.evidence.drafters"


def register_drafter(app: Flask, drafter: Drafter) -> None:
    found = app.extensions.setdefault(DRAFTERS, {})
    if drafter.name in found:
        raise RuntimeError(f"drafter {drafter.name!r} registered twice")
    found[drafter.name] = drafter


def drafter(tenant, name: str) -> Drafter | None:
    """The drafter `name`, if its capability is switched on in this space."""
    found = current_app.extensions.get(DRAFTERS, {}).get(name)
    if found is None:
        return None
    caps = registry()
    capability = caps.capabilities.get(found.capability)
    if capability is None or not caps.is_enabled(capability, tenant):
        return None
    return found
