"""What capabilities add to the national overview (/overview/), beside the directory's entries:
counts of their public objects per space ("active proposals", "active advocacy platforms").

A capability registers a `NationalCount` from its own `init_app`; its `count()` runs inside
`core.tenancy.public_rows` (only the opted-in spaces' public rows of registered models are
readable there) and answers {tenant id: number} in one GROUP BY, whatever the number of spaces.
Counts run only for spaces that have the capability's module switched on (`module`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

EXTENSION = "solidarna.national_counts"


@dataclass(frozen=True)
class NationalCount:
    key: str
    label: object
    #: the module a space must have on to be counted (None: every space)
    module: str | None
    #: () -> {tenant_id: count}, inside public_rows()
    count: Callable[[], dict[int, int]]


def register_count(app: Flask, counter: NationalCount) -> None:
    counters = app.extensions.setdefault(EXTENSION, {})
    if counter.key in counters:
        raise RuntimeError(f"national count {counter.key!r} registered twice")
    counters[counter.key] = counter


def counters() -> list[NationalCount]:
    return list(current_app.extensions.get(EXTENSION, {}).values())
