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
from dataclasses import dataclass, replace

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
class Contact:
    """A verified entry that can be written to, with its strata (research invitations)."""

    id: int
    name: str
    email: str
    municipality: str
    legal_form: str
    actor_type: str
    se_status: str


#: the filters `contacts` understands: each a list of codes (empty: any), plus "ids"
CONTACT_FILTERS = ("actor_type", "municipality", "legal_form", "se_status")


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
    #: filters -> [Contact]: verified entries with a contact address (for survey invitations)
    contacts: Callable[[dict], list[Contact]] | None = None
    #: () -> {"actor_type": {code: label}, "legal_form": {...}, "se_status": {...}}
    strata_labels: Callable[[], dict[str, dict]] | None = None
    #: (organization_id | None, fields, source_detail, user) -> bool: a proposed new entry or
    #: change of an entry, pending in the office's queue, naming where it came from
    suggest_entry: Callable[[int | None, dict, str, object], bool] | None = None


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
    """The cards of the entries the person acts for, by name. Kept per change of the space,
    viewer level, locale and account (core/fragments.py kept_value: the representatives and
    the entries are rows of this space, the labels in the key's language): the pages that
    offer to act for an organization (endorse, sign, apply) ask on every request."""
    provider = _provider()
    if provider is None or not _person(user):
        return []
    from solidarna.core.fragments import kept_value

    def ask() -> list[OrganizationCard]:
        return [
            replace(card, actor_type_label=str(card.actor_type_label),
                    legal_form_label=str(card.legal_form_label))
            for card in provider.represented_by(user)
        ]  # fmt: skip

    return kept_value("represented-cards", user.id, compute=ask)


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


def contacts(filters: dict | None = None) -> list[Contact]:
    """The verified entries of this space with a contact e-mail (or without one: `email` is
    "") matching `filters` ({name: [codes]} for CONTACT_FILTERS, "ids": [ids]), by name."""
    provider = _provider()
    if provider is None or provider.contacts is None:
        return []
    return provider.contacts(dict(filters or {}))


def strata_labels() -> dict[str, dict]:
    """The labels of the directory's actor types, legal forms and SE statuses (empty maps when
    no directory answers)."""
    provider = _provider()
    empty = {"actor_type": {}, "legal_form": {}, "se_status": {}}
    if provider is None or provider.strata_labels is None:
        return empty
    return {**empty, **provider.strata_labels()}


def suggest_entry(organization_id: int | None, fields: dict, source_detail: str, user) -> bool:
    """Propose a new directory entry (organization_id None) or a change of one, to wait as
    pending for the office, with `source_detail` saying where it came from. False where no
    directory answers or nothing could be proposed."""
    provider = _provider()
    if provider is None or provider.suggest_entry is None:
        return False
    return bool(provider.suggest_entry(organization_id, dict(fields), source_detail, user))
