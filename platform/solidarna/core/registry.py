"""Small registries through which capabilities contribute to shared pages without
importing each other (DESIGN §1): figures on the tenant home, for now."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    label: str
    value: int
    url: str | None = None


# Each provider takes the tenant and returns figures for its home page.
tenant_figure_providers: list[Callable[[object], list[Figure]]] = []


def tenant_figure(provider: Callable[[object], list[Figure]]) -> Callable:
    """Decorator: register a provider of tenant-home figures."""
    tenant_figure_providers.append(provider)
    return provider


def tenant_figures(tenant) -> list[Figure]:
    figures: list[Figure] = []
    for provider in tenant_figure_providers:
        figures.extend(provider(tenant))
    return figures
