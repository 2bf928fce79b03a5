"""Figures a capability shows on a space's home (declared as `Capability.figures`)."""

from __future__ import annotations

from dataclasses import dataclass

from solidarna.core.capabilities import registry


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str | None = None


def tenant_figures(tenant) -> list[Figure]:
    """The figures of every capability the space has switched on, in registration order."""
    return registry().figures(tenant)
