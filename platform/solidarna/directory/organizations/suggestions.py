"""Proposed changes of an existing entry (e.g. a survey respondent's): only the fields that
differ from the entry are kept; the office accepts them (all or the ones it ticks, through
the entry's update, so its history records them with the source) or rejects them."""

from __future__ import annotations

from flask import g
from sqlalchemy import func, select

from solidarna.core import audit
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.models import utcnow
from solidarna.directory import taxonomy
from solidarna.directory.organizations.history import changes_of
from solidarna.directory.organizations.models import Organization, OrganizationSuggestion
from solidarna.directory.organizations.services import (
    DirectoryError,
    _normalise,
    update_organization,
)
from solidarna.extensions import db

_INTEGERS = ("founding_year", "employees_total")


def _proposed(org: Organization, fields: dict, allowed) -> dict:
    """The proposed values (cleaned as an edit would clean them) that differ from the entry."""
    data = {}
    for key, value in fields.items():
        if key not in allowed or value in (None, ""):
            continue
        if key in _INTEGERS:
            try:
                value = int(value)
            except (TypeError, ValueError):
                continue
        elif not isinstance(value, str):
            value = str(value)
        data[key] = value.strip() if isinstance(value, str) else value
    if data.get("legal_form") not in (None, *taxonomy.LEGAL_FORMS):
        data.pop("legal_form")
    if data.get("se_status") not in (None, *taxonomy.SE_STATUSES):
        data.pop("se_status")
    if data.get("actor_type") not in (None, *taxonomy.actor_types(g.get("tenant"))):
        data.pop("actor_type")
    try:
        cleaned = _normalise(data)
    except DirectoryError:  # an unknown municipality: the rest may still be proposed
        data.pop("municipality", None)
        cleaned = _normalise(data)
    cleaned.pop("district_iso", None)
    return {k: v for k, v in cleaned.items() if v is not None and getattr(org, k) != v}


def suggest(
    org: Organization, fields: dict, allowed, *, source: str, source_detail: str, by
) -> OrganizationSuggestion | None:
    """A pending proposal of the fields that differ from the entry; None when none differ."""
    proposed = _proposed(org, fields, allowed)
    if not proposed:
        return None
    suggestion = OrganizationSuggestion(
        organization_id=org.id,
        fields=proposed,
        source=source,
        source_detail=source_detail[:300],
        suggested_by_id=getattr(by, "id", None),
    )
    db.session.add(suggestion)
    db.session.flush()
    audit.record(
        "organization.change_suggested",
        target=org,
        actor=by,
        source=source,
        fields=sorted(proposed),
        suggestion_id=suggestion.id,
    )
    return suggestion


def pending() -> list[OrganizationSuggestion]:
    return list(
        db.session.scalars(
            select(OrganizationSuggestion)
            .where(OrganizationSuggestion.status == "pending")
            .order_by(OrganizationSuggestion.created_at, OrganizationSuggestion.id)
        )
    )


def pending_count(org: Organization) -> int:
    return db.session.scalar(
        select(func.count(OrganizationSuggestion.id)).where(
            OrganizationSuggestion.organization_id == org.id,
            OrganizationSuggestion.status == "pending",
        )
    )


def table(suggestion: OrganizationSuggestion, tenant) -> list:
    """[Change(label, current, proposed, key), ...] of the proposal, labelled as on the form."""
    org = suggestion.organization
    return changes_of(
        {key: [getattr(org, key), value] for key, value in (suggestion.fields or {}).items()},
        tenant,
    )


def source_note(suggestion: OrganizationSuggestion) -> str:
    """What the entry's history says the change came from."""
    label = taxonomy.SUGGESTION_SOURCES.get(suggestion.source, suggestion.source)
    return str(_l("Proposed change (%(source)s: %(detail)s)", source=label,
                  detail=suggestion.source_detail))  # fmt: skip


def _undecided(suggestion: OrganizationSuggestion) -> None:
    if suggestion.status != "pending":
        raise DirectoryError(_l("This proposal has already been decided."))


def _decided(suggestion: OrganizationSuggestion, status: str, by, note: str) -> None:
    _undecided(suggestion)
    suggestion.status = status
    suggestion.decided_by_id = by.id
    suggestion.decided_at = utcnow()
    suggestion.note = note.strip()


def accept(suggestion: OrganizationSuggestion, by, chosen=None, note: str = "") -> dict:
    """Apply the proposal (or the chosen fields of it) to the entry; the changes made."""
    _undecided(suggestion)
    proposed = suggestion.fields or {}
    keys = sorted(proposed) if chosen is None else sorted(set(chosen))
    if not keys or any(key not in proposed for key in keys):
        raise DirectoryError(_l("Tick at least one of the proposed fields."))
    changes = update_organization(
        suggestion.organization,
        {key: proposed[key] for key in keys},
        {},
        by,
        note=source_note(suggestion),
        source=suggestion.source,
    )
    _decided(suggestion, "accepted", by, note)
    audit.record(
        "organization.suggestion_accepted",
        target=suggestion.organization,
        actor=by,
        suggestion_id=suggestion.id,
        fields=keys,
        note=note.strip(),
    )
    return changes


def reject(suggestion: OrganizationSuggestion, by, note: str = "") -> None:
    _decided(suggestion, "rejected", by, note)
    audit.record(
        "organization.suggestion_rejected",
        target=suggestion.organization,
        actor=by,
        suggestion_id=suggestion.id,
        note=note.strip(),
    )
