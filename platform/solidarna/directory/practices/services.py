"""Rules for good practices: filters, search and facets, the organizations behind each one
that the viewer may see, and the create / update / delete lifecycle with the audit log."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, select

from solidarna.accounts.models import User
from solidarna.core import audit, search_index
from solidarna.core.facets import (
    FacetValue,
    facet_values,
    many_arg,
    paginate,
    text_arg,
    url_args,
)
from solidarna.core.urls import page_arg
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.services import (
    place,
    represented_ids,
    viewer_level,
    visible_clause,
)
from solidarna.directory.practices.models import Practice, PracticeOrganization
from solidarna.extensions import db

PER_PAGE = 24
PRACTICE_FIELDS = ("title", "summary", "description", "municipality", "year", "themes")


@dataclass
class PracticeFilters:
    q: str = ""
    municipality: list[str] = field(default_factory=list)
    page: int = 1

    @classmethod
    def from_args(cls, args) -> PracticeFilters:
        return cls(
            q=text_arg(args),
            municipality=many_arg(args, "municipality"),
            page=page_arg(args),
        )

    def active(self) -> bool:
        return bool(self.q or self.municipality)

    def args(self, **changes) -> dict:
        return url_args({"q": self.q, "municipality": self.municipality, **changes})


def _practice_query(query, filters: PracticeFilters, skip_municipality: bool = False):
    query = query.where(*search_index.matching(Practice.__table__, filters.q))
    if filters.municipality and not skip_municipality:
        query = query.where(Practice.municipality.in_(filters.municipality))
    return query


def search_practices(filters: PracticeFilters):
    query = _practice_query(select(Practice), filters).order_by(Practice.search_text, Practice.id)
    return paginate(query, filters.page, PER_PAGE)


def practice_facets(filters: PracticeFilters) -> dict[str, list[FacetValue]]:
    query = _practice_query(
        select(Practice.municipality, func.count()), filters, skip_municipality=True
    ).group_by(Practice.municipality)
    counts = {k: v for k, v in db.session.execute(query).all() if k}
    return {"municipality": facet_values(counts, filters.municipality)}


def practice_organizations(
    practice_ids: list[int], level: str | None = None, own_ids: set[int] | None = None
) -> dict[int, list[Organization]]:
    """The organizations behind each practice that the viewer may see, in one query."""
    if not practice_ids:
        return {}
    level = level or viewer_level()
    own_ids = represented_ids() if own_ids is None else own_ids
    rows = db.session.execute(
        select(PracticeOrganization.practice_id, Organization)
        .join(Organization, Organization.id == PracticeOrganization.organization_id)
        .where(
            PracticeOrganization.practice_id.in_(practice_ids),
            visible_clause(level, own_ids),
        )
        .order_by(Organization.sort_name, Organization.id)
    ).all()
    result: dict[int, list[Organization]] = {pid: [] for pid in practice_ids}
    for practice_id, org in rows:
        result[practice_id].append(org)
    return result


def linked_organization_ids(practice: Practice) -> set[int]:
    return set(
        db.session.scalars(
            select(PracticeOrganization.organization_id).where(
                PracticeOrganization.practice_id == practice.id
            )
        )
    )


def _practice_data(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in PRACTICE_FIELDS}
    where = place(data.get("municipality"))
    data["municipality"] = where[0] if where else None
    data["themes"] = sorted(set(data.get("themes") or []))
    for key in ("title", "summary", "description"):
        data[key] = (data.get(key) or "").strip()
    return data


def _set_organizations(practice: Practice, wanted: set[int], offered: set[int]) -> list[int]:
    """Link the wanted organizations; unlink only those the editor was offered, so links to
    organizations the editor could not see stay. Returns the sorted new set of links."""
    have = linked_organization_ids(practice)
    wanted = {i for i in wanted if i in offered}
    remove = (have & offered) - wanted
    if remove:
        db.session.execute(
            delete(PracticeOrganization).where(
                PracticeOrganization.practice_id == practice.id,
                PracticeOrganization.organization_id.in_(remove),
            )
        )
    for org_id in sorted(wanted - have):
        db.session.add(PracticeOrganization(practice_id=practice.id, organization_id=org_id))
    db.session.flush()
    db.session.expire(practice, ["organizations"])
    return sorted((have - remove) | wanted)


def create_practice(
    data: dict, organization_ids: set[int], offered: set[int], by: User | None
) -> Practice:
    practice = Practice(created_by_id=getattr(by, "id", None), **_practice_data(data))
    practice.refresh_search()
    db.session.add(practice)
    db.session.flush()
    linked = _set_organizations(practice, organization_ids, offered)
    audit.record(
        "practice.created", target=practice, actor=by, title=practice.title, organizations=linked
    )
    return practice


def update_practice(
    practice: Practice, data: dict, organization_ids: set[int], offered: set[int], by: User | None
) -> list[str]:
    data = _practice_data(data)
    changed = []
    for key, value in data.items():
        if getattr(practice, key) != value:
            changed.append(key)
            setattr(practice, key, value)
    before = linked_organization_ids(practice)
    after = _set_organizations(practice, organization_ids, offered)
    if set(after) != before:
        changed.append("organizations")
    if changed:
        practice.refresh_search()
        audit.record("practice.updated", target=practice, actor=by, fields=sorted(changed))
    return changed


def delete_practice(practice: Practice, by: User | None) -> None:
    audit.record("practice.deleted", target=practice, actor=by, title=practice.title)
    db.session.execute(
        delete(PracticeOrganization).where(PracticeOrganization.practice_id == practice.id)
    )
    db.session.delete(practice)
