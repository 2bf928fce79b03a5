"""The directory tests' shared fixtures: `entry` makes an organization through the service, and
`make_space` the "rasina" space with some of its people; each test module builds its own
`space` from these with the entries its tests read."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations import services
from tests.conftest import one, parse, text_of

#: who a directory space can have: key -> (e-mail, name, role in the space)
PEOPLE = {
    "owner": ("owner@example.org", "Vlasnica", "owner"),
    "admin2": ("admin2@example.org", "Druga administratorka", "admin"),
    "member": ("member@example.org", "Članica", "member"),
    "other": ("other@example.org", "Drugi Član", "member"),
    "rep": ("rep@example.org", "Predstavnica Meda", "member"),
}


def facet_counts(html, name: str) -> dict[str, int]:
    """A list page's facet (templates/macros/listing.html): {value: count} of its checkboxes."""
    found = {}
    for box in parse(html).select(f'details.facet input[type="checkbox"][name="{name}"]'):
        found[box["value"]] = int(text_of(one(box.parent, ".count")).replace(",", ""))
    return found


def map_groups(html) -> dict[str, list[str]]:
    """A map page's list by municipality (what works without JavaScript): {heading: the
    names linked under it}; each heading's count must match its list."""
    found = {}
    for section in parse(html).select("section.map-group"):
        heading = section.h3
        count = text_of(one(heading, ".count"))
        place = "".join(heading.find_all(string=True, recursive=False)).strip()
        found[place] = [text_of(a) for a in section.select("li > a")]
        assert count == str(len(found[place])), (place, count, found[place])
    return found


@pytest.fixture
def entry():
    """entry(name, municipality="Kruševac", actor_type="cooperative", *, point=None,
    moderation="verified", tags=None, **fields) -> a new Organization in the current tenant,
    made the way the office makes one. The legal form follows the actor type for associations
    and foundations and is a cooperative otherwise, unless given."""

    def make(
        name,
        municipality="Kruševac",
        actor_type="cooperative",
        *,
        point=None,
        moderation="verified",
        tags=None,
        **fields,
    ):
        default_form = actor_type if actor_type in ("association", "foundation") else "cooperative"
        data = {
            "name": name,
            "legal_form": default_form,
            "actor_type": actor_type,
            "municipality": municipality,
            **fields,
        }
        if point:
            data["latitude"], data["longitude"] = point
        return services.create_organization(
            data, tags or {}, None, source="office", moderation=moderation
        )

    return make


@pytest.fixture
def make_space(db, make_user, make_tenant):
    """`with make_space("owner", "member", **tenant_fields) as tenant:` creates those people
    (see PEOPLE) and the "rasina" space (Rasinski okrug: Kruševac, Brus, Trstenik unless
    told otherwise) with them as members, runs the block in the space's tenant context and
    commits what it made."""

    @contextmanager
    def make(*people: str, slug: str = "rasina", **fields):
        members = {}
        for key in people:
            email, name, role = PEOPLE[key]
            members[make_user(email=email, name=name)] = role
        fields.setdefault("region", "RS-19")
        fields.setdefault("municipalities", ["Kruševac", "Brus", "Trstenik"])
        tenant = make_tenant(slug, members=members, **fields)
        with tenant_context(tenant.id):
            yield tenant
            db.session.commit()

    return make
