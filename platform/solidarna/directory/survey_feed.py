"""What the directory offers research (through core/representation.py, never imported by it):
the verified entries with a contact address and their strata (survey invitations drawn by
filters), the labels of those strata, and a respondent's proposed entry or change of an entry,
which waits as pending in the office's queue with the survey named as its source."""

from __future__ import annotations

from flask import g
from sqlalchemy import select
from sqlalchemy.orm import noload

from solidarna.core.representation import CONTACT_FILTERS, Contact
from solidarna.directory import taxonomy
from solidarna.directory.organizations import suggestions
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.services import DirectoryError, create_organization
from solidarna.extensions import db

#: the fields a survey may propose (the rest of an entry is the office's to fill)
SUGGESTED_FIELDS = (
    "name", "legal_form", "actor_type", "se_status", "municipality", "pib", "mb", "address",
    "contact_email", "phone", "website", "founding_year", "employees_total", "mission",
)  # fmt: skip


def contacts(filters: dict) -> list[Contact]:
    query = (
        select(Organization)
        .where(Organization.moderation == "verified")
        .options(noload(Organization.tags))
        .order_by(Organization.sort_name, Organization.id)
    )
    for name in CONTACT_FILTERS:
        wanted = [v for v in filters.get(name) or [] if v]
        if wanted:
            query = query.where(getattr(Organization, name).in_(wanted))
    if filters.get("ids") is not None:
        query = query.where(Organization.id.in_([int(i) for i in filters["ids"]]))
    return [
        Contact(
            id=org.id,
            name=org.name,
            email=org.contact_email or "",
            municipality=org.municipality or "",
            legal_form=org.legal_form or "",
            actor_type=org.actor_type or "",
            se_status=org.se_status or "",
        )  # fmt: skip
        for org in db.session.scalars(query.limit(5000)).unique()
    ]


def strata_labels() -> dict[str, dict]:
    return {
        "actor_type": taxonomy.actor_types(g.get("tenant")),
        "legal_form": dict(taxonomy.LEGAL_FORMS),
        "se_status": dict(taxonomy.SE_STATUSES),
    }


def suggest_entry(organization_id: int | None, fields: dict, source_detail: str, user) -> bool:
    """What a respondent proposes for the directory, waiting for the office: for a new
    organization a pending entry; for an existing one a proposed change of the fields that
    differ from the entry (nothing waits when none differ), never a second entry."""
    if organization_id is not None:
        existing = db.session.get(Organization, organization_id)
        if existing is None:
            return False
        try:
            suggestions.suggest(
                existing, fields, SUGGESTED_FIELDS, source="survey",
                source_detail=source_detail, by=user,
            )  # fmt: skip
        except (DirectoryError, TypeError, ValueError):
            return False
        return True
    data = {k: v for k, v in fields.items() if k in SUGGESTED_FIELDS and v not in (None, "")}
    if data.get("legal_form") not in taxonomy.LEGAL_FORMS:
        data["legal_form"] = "other" if "other" in taxonomy.LEGAL_FORMS else "association"
    if data.get("se_status") and data["se_status"] not in taxonomy.SE_STATUSES:
        data.pop("se_status")
    if not data.get("name") or not data.get("municipality") or not data.get("actor_type"):
        return False
    try:
        create_organization(
            data, {}, user, source="self_reported", source_detail=source_detail[:300],
            moderation="pending",
        )  # fmt: skip
    except (DirectoryError, TypeError, ValueError):
        return False
    return True
