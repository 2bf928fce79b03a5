"""The tenant activity feed: capabilities contribute recent events, each answering only what
the current viewer may see; the tenant home merges them newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from solidarna.core.capabilities import registry


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


def recent_activity(tenant, limit: int = 12) -> list[ActivityItem]:
    """The newest items of every capability the space has switched on (`Capability.activity`:
    (tenant, limit) -> at most `limit` items, newest first)."""
    return registry().activity(tenant, limit)
