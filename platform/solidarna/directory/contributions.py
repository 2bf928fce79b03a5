"""What the directory offers other capabilities through core registries: organizations as
subjects others can attach to (discussions about an entry), the home page figure, newly
verified entries in the tenant activity feed (declared in directory/__init__.py), and who may
act for which organization (core/representation.py)."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, func, select
from sqlalchemy.orm import load_only, noload

from solidarna.core.activity import ActivityItem
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.registry import Figure
from solidarna.core.representation import OrganizationCard, Provider
from solidarna.core.subjects import Subject, SubjectType
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.directory.organizations.search import position
from solidarna.directory.organizations.services import (
    is_visible,
    represented_ids,
    viewer_level,
    visible_clause,
)
from solidarna.extensions import db


def resolve_organizations(ids: list[int]) -> dict[int, Subject]:
    """The entries among `ids` that the current viewer may see (one query)."""
    clause = visible_clause(viewer_level(), represented_ids())
    orgs = db.session.scalars(select(Organization).where(Organization.id.in_(ids), clause)).unique()
    return {org.id: Subject("organization", org.id, org.name, org.url) for org in orgs}


def organization_choices(limit: int) -> list[Subject]:
    """The verified entries the viewer may see, by name (e.g. to send them a sign-on link)."""
    clause = visible_clause(viewer_level(), represented_ids())
    orgs = db.session.scalars(
        select(Organization)
        .where(Organization.moderation == "verified", clause)
        .options(noload(Organization.tags))
        .order_by(Organization.sort_name, Organization.id)
        .limit(limit)
    ).unique()
    return [Subject("organization", org.id, org.name, org.url) for org in orgs]


ORGANIZATION_SUBJECT = SubjectType(
    "organization", _l("Directory entry"), resolve_organizations, choices=organization_choices
)


def directory_figures(tenant) -> list[Figure]:
    """How many entries the viewer can find in the directory (one query)."""
    clause = visible_clause(viewer_level(), represented_ids())
    count = db.session.scalar(select(func.count(Organization.id)).where(clause))
    return [Figure(str(_l("Organizations in the directory")), count or 0)]


def newly_verified(tenant, limit: int) -> list[ActivityItem]:
    orgs = db.session.scalars(
        select(Organization)
        .where(Organization.moderation == "verified", Organization.verified_at.is_not(None))
        .order_by(Organization.verified_at.desc(), Organization.id.desc())
        .limit(limit)
    ).unique()
    return [
        ActivityItem(when=org.verified_at, label=_("New in the directory"), title=org.name,
                     url=org.url)
        for org in orgs
    ]  # fmt: skip


# --- representation (core/representation.py): who may act for which organization -------------


def _card(org: Organization, level: str, own: set[int]) -> OrganizationCard:
    types = taxonomy.actor_types(g.get("tenant"))
    return OrganizationCard(
        id=org.id,
        name=org.name,
        municipality=org.municipality,
        actor_type=org.actor_type,
        actor_type_label=types.get(org.actor_type, org.actor_type),
        legal_form_label=taxonomy.LEGAL_FORMS.get(org.legal_form, org.legal_form),
        url=org.url if is_visible(org, level, own) else None,
        active=org.moderation == "verified",
        point=position(org, level),
    )


def _acting_clause(user):
    """Verified entries the user actively represents."""
    return and_(
        Organization.moderation == "verified",
        Organization.id.in_(
            select(Representative.organization_id).where(
                Representative.user_id == user.id, Representative.status == "active"
            )
        ),
    )


def may_act_for(user, organization_id: int) -> bool:
    found = db.session.scalar(
        select(Organization.id).where(Organization.id == organization_id, _acting_clause(user))
    )
    return found is not None


#: what a card shows (`_card`): a person's entries are loaded with these columns only, no tags
CARD_COLUMNS = (
    Organization.id, Organization.name, Organization.municipality, Organization.actor_type,
    Organization.legal_form, Organization.moderation, Organization.latitude,
    Organization.longitude, Organization.field_visibility,
)  # fmt: skip


def represented_by(user) -> list[OrganizationCard]:
    orgs = db.session.scalars(
        select(Organization)
        .options(load_only(*CARD_COLUMNS), noload(Organization.tags))
        .where(_acting_clause(user))
        .order_by(Organization.sort_name)
    )
    level, own = viewer_level(), represented_ids()
    return [_card(org, level, own) for org in orgs]


def describe_organizations(ids: list[int]) -> dict[int, OrganizationCard]:
    """Every entry among `ids`, whatever its state (a record keeps an archived endorser, marked);
    the profile link only where the viewer may open it. One query."""
    orgs = db.session.scalars(
        select(Organization).where(Organization.id.in_(ids)).options(noload(Organization.tags))
    ).unique()
    level, own = viewer_level(), represented_ids()
    return {org.id: _card(org, level, own) for org in orgs}


def representatives_of(ids: list[int]) -> dict[int, list]:
    """The active representatives of the verified entries among `ids` (one query)."""
    rows = db.session.scalars(
        select(Representative)
        .join(Organization, Organization.id == Representative.organization_id)
        .where(
            Representative.organization_id.in_(ids),
            Representative.status == "active",
            Organization.moderation == "verified",
        )
        .order_by(Representative.organization_id, Representative.id)
    ).unique()
    found: dict[int, list] = {}
    for row in rows:
        found.setdefault(row.organization_id, []).append(row.user)
    return found


def _contacts(filters: dict):
    from solidarna.directory import survey_feed

    return survey_feed.contacts(filters)


def _strata_labels() -> dict:
    from solidarna.directory import survey_feed

    return survey_feed.strata_labels()


def _suggest_entry(organization_id, fields, source_detail, user) -> bool:
    from solidarna.directory import survey_feed

    return survey_feed.suggest_entry(organization_id, fields, source_detail, user)


REPRESENTATION = Provider(
    capability="directory",
    may_act_for=may_act_for,
    represented_by=represented_by,
    describe=describe_organizations,
    representatives=representatives_of,
    contacts=_contacts,
    strata_labels=_strata_labels,
    suggest_entry=_suggest_entry,
)
