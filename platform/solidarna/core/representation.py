"""Organizations act through representatives (DESIGN §12): the one question "may this person act
for organization X here?" and the few answers around it, asked here by every capability that
lets an organization do something (endorse a proposal today; sign, join, apply tomorrow).

The directory knows who represents which organization and fills this registry from its own
`init_app` (`register_provider`); the capabilities that ask never import it. The provider runs
in the current tenant and only in spaces that have its capability switched on: elsewhere
nobody acts for any organization. Records made this way keep both the organization and the
acting person."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import Flask, current_app

from solidarna.core.capabilities import current_tenant, registry

EXTENSION = "solidarna.representation"


@dataclass(frozen=True)
class OrganizationCard:
    """What a capability may show about an organization it recorded."""

    id: int
    name: str
    municipality: str
    #: the actor type's code, and the labels of the actor type and the legal form
    actor_type: str
    actor_type_label: object
    legal_form_label: object
    #: the profile's address when the viewer may open it, else None
    url: str | None
    #: False once the entry is archived (or no longer verified): kept in records, marked
    active: bool
    #: (lat, lon) where the viewer may see the entry's address, else None (core/maps.py draws
    #: an overview of organizations by municipality from these)
    point: tuple[float, float] | None = None


@dataclass(frozen=True)
class Provider:
    #: the capability whose module must be on for the provider to answer
    capability: str
    #: (user, organization_id) -> bool
    may_act_for: Callable[[object, int], bool]
    #: user -> [OrganizationCard] the user may act for, by name
    represented_by: Callable[[object], list[OrganizationCard]]
    #: ids -> {id: OrganizationCard} for the ids that exist in the current tenant
    describe: Callable[[list[int]], dict[int, OrganizationCard]]
    #: ids -> {id: [user, ...]}: the active representatives of those organizations (users of
    #: the current space's verified entries), for telling them about what the organization did
    representatives: Callable[[list[int]], dict[int, list]] | None = None


def register_provider(app: Flask, provider: Provider) -> None:
    if app.extensions.get(EXTENSION) is not None:
        raise RuntimeError("the representation provider is registered twice")
    app.extensions[EXTENSION] = provider


def _provider() -> Provider | None:
    provider = current_app.extensions.get(EXTENSION)
    if provider is None:
        return None
    capability = registry().capabilities.get(provider.capability)
    if capability is None or not registry().is_enabled(capability, current_tenant()):
        return None
    return provider


def _person(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def may_act_for(user, organization_id: int | None) -> bool:
    """The person is a verified representative of that organization, in this space."""
    provider = _provider()
    if provider is None or not _person(user) or organization_id is None:
        return False
    return bool(provider.may_act_for(user, int(organization_id)))


def organizations_represented_by(user) -> list[OrganizationCard]:
    provider = _provider()
    if provider is None or not _person(user):
        return []
    return provider.represented_by(user)


def describe(ids: Iterable[int | None]) -> dict[int, OrganizationCard]:
    provider = _provider()
    wanted = sorted({int(i) for i in ids if i is not None})
    if provider is None or not wanted:
        return {}
    return provider.describe(wanted)


def representatives(ids: Iterable[int | None]) -> dict[int, list]:
    """{organization id: [user, ...]}: who represents each of those organizations now (verified
    representatives of verified entries). Nobody where no provider answers."""
    provider = _provider()
    wanted = sorted({int(i) for i in ids if i is not None})
    if provider is None or provider.representatives is None or not wanted:
        return {}
    return provider.representatives(wanted)
