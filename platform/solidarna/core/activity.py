"""The tenant activity feed: capabilities contribute recent events, each answering only what
the current viewer may see; the tenant home merges them newest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ActivityItem:
    when: datetime
    #: a translated phrase for what happened, e.g. "New discussion"
    label: str
    title: str
    url: str
    actor: str | None = None
    #: a short plain-text excerpt, may be empty
    excerpt: str = ""


# Each provider takes (tenant, limit) and returns at most `limit` items, newest first.
_providers: list[Callable[[object, int], list[ActivityItem]]] = []


def activity_provider(provider: Callable[[object, int], list[ActivityItem]]) -> Callable:
    _providers.append(provider)
    return provider


def recent_activity(tenant, limit: int = 12) -> list[ActivityItem]:
    items: list[ActivityItem] = []
    for provider in _providers:
        items.extend(provider(tenant, limit))
    items.sort(key=lambda item: item.when, reverse=True)
    return items[:limit]
