"""The list (themes, search across scripts, ended groups), a group's page and its visibility,
starting and changing a group with bad input, the kit's themes, the space's isolation and
what the audit log says."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups import kit, services
from solidarna.groups.models import WorkingGroup
from solidarna.tenants.kits import KitError, parse_kit
from tests.groups.conftest import visitor


def client_of(space, email=None):
    client = visitor(space.app)
    if email:
        client.login(email)
    return client


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.mark.parametrize(
    "email, public, members, private",
    [
        (None, 200, 404, 404),
        ("out@example.org", 200, 404, 404),  # logged in, not a member of the space
        ("member@example.org", 200, 200, 404),
        ("coord@example.org", 200, 200, 200),  # the private group's coordinator
        ("owner@example.org", 200, 200, 200),  # the space's admins see all
    ],
)
def test_visibility_of_a_group(space, email, public, members, private):
    ids = {
        "public": space.group(name="Javna grupa", visibility="public"),
        "members": space.group(name="Grupa za članove", visibility="members"),
        "private": space.group(name="Tajna grupa", visibility="private"),
    }
    client = client_of(space, email)
    expected = {"public": public, "members": members, "private": private}
    for name, gid in ids.items():
        assert client.get(f"/alfa/groups/{gid}").status_code == expected[name], name
    listing = text(client.get("/alfa/groups/"))
    assert ("Tajna grupa" in listing) == (private == 200)
    assert ("Grupa za članove" in listing) == (members == 200)
    assert "Javna grupa" in listing
    # a private group's people and actions are not reachable for those who do not see it
    if private == 404:
        assert client.post(f"/alfa/groups/{ids['private']}/join").status_code in (302, 404)


def test_an_invited_person_sees_the_private_group(space):
    gid = space.group(visibility="private", join_policy="invitation")
    member = client_of(space, "member@example.org")
    assert member.get(f"/alfa/groups/{gid}").status_code == 404
    coordinator = client_of(space, "coord@example.org")
    coordinator.post(f"/alfa/groups/{gid}/members/invite",
                     {"user_id": str(space.member.id), "role": "member"})  # fmt: skip
    assert member.get(f"/alfa/groups/{gid}").status_code == 200


def test_groups_of_another_space_are_not_found(space, make_user, make_tenant):
    owner = make_user(email="beta@example.org", name="Vlasnik Bete")
    beta = make_tenant("beta", members={owner: "owner"})
    with space.app.test_request_context(), tenant_context(beta.id):
        group = services.create(
            {"name": "Tajna grupa bete", "theme": "finance", "mandate": "", "goals": "",
             "ends_on": None, "visibility": "public", "join_policy": "open", "parent_id": None},
            db.session.merge(owner),
        )  # fmt: skip
        db.session.commit()
        beta_group = group.id
    owner_a = client_of(space, "owner@example.org")
    assert owner_a.get(f"/alfa/groups/{beta_group}").status_code == 404
    assert owner_a.post(f"/alfa/groups/{beta_group}/join").status_code == 404
    assert "Tajna grupa bete" not in text(owner_a.get("/alfa/groups/"))
    assert "Tajna grupa bete" not in text(owner_a.get("/alfa/groups/?q=tajna"))
    # nor may an alfa group take beta's group as its parent
    gid = space.group()
    response = owner_a.post(f"/alfa/groups/{gid}/edit", {
        "name": "Pristup finansijama", "theme": "finance", "visibility": "public",
        "join_policy": "request", "parent_id": str(beta_group),
    })  # fmt: skip
    assert response.status_code == 422
    assert space.get(gid).parent_id is None


def test_search_across_scripts_and_the_theme_filter(space):
    space.group(name="Pristup finansijama", theme="finance")
    space.group(name="Javne nabavke za zadruge", theme="procurement")
    client = client_of(space)
    found = text(client.get("/alfa/groups/?q=Финансиј"))
    assert "Pristup finansijama" in found and "Javne nabavke" not in found
    found = text(client.get("/alfa/groups/?q=zadruge"))
    assert "Javne nabavke za zadruge" in found and "Pristup finansijama" not in found
    found = text(client.get("/alfa/groups/?theme=procurement"))
    assert "Javne nabavke za zadruge" in found and "Pristup finansijama" not in found
    assert "1 working group" in found
    # a theme nobody knows finds nothing and breaks nothing
    assert client.get("/alfa/groups/?theme=nope&ended=x&page=abc").status_code == 200


def test_ended_groups_are_listed_apart(space):
    space.group(name="Radna grupa 2020", ends_on=date(2020, 12, 31))
    space.group(name="Stalna grupa")
    client = client_of(space)
    now = text(client.get("/alfa/groups/"))
    assert "Stalna grupa" in now and "Radna grupa 2020" not in now
    ended = text(client.get("/alfa/groups/?ended=ended"))
    assert "Radna grupa 2020" in ended and "Stalna grupa" not in ended


def test_my_groups(space):
    space.group(name="Moja grupa", coordinator=space.coordinator)
    space.group(name="Tuđa grupa", coordinator=space.owner)
    found = text(client_of(space, "coord@example.org").get("/alfa/groups/?mine=1"))
    assert "Moja grupa" in found and "Tuđa grupa" not in found


GOOD = {"name": "Obuke za zadruge", "theme": "training", "mandate": "Učimo **zajedno**.",
        "goals": "- prva obuka", "ends_on": "", "visibility": "public", "join_policy": "open",
        "parent_id": ""}  # fmt: skip


def test_admins_start_groups_and_become_coordinators(space):
    member = client_of(space, "member@example.org")
    assert member.get("/alfa/groups/new").status_code == 403
    assert member.post("/alfa/groups/new", GOOD).status_code == 403
    owner = client_of(space, "owner@example.org")
    response = owner.post("/alfa/groups/new", GOOD)
    assert response.status_code == 303
    with tenant_context(space.tenant.id):
        group = db.session.scalar(db.select(WorkingGroup).where(WorkingGroup.name == GOOD["name"]))
        assert group.member_count == 1
        group_id = group.id
    page = text(owner.get(response.headers["Location"]))
    assert "<strong>zajedno</strong>" in page and "Olga Vlasnić" in page and "Coordinator" in page
    # a sub-group, one level deep
    child = owner.post("/alfa/groups/new", {**GOOD, "name": "Obuke: knjigovodstvo",
                                            "parent_id": str(group_id)})  # fmt: skip
    assert child.status_code == 303
    child_id = int(child.headers["Location"].rstrip("/").split("/")[-1])
    assert "Obuke: knjigovodstvo" in text(owner.get(f"/alfa/groups/{group_id}"))
    grandchild = owner.post("/alfa/groups/new", {**GOOD, "name": "Treći nivo",
                                                 "parent_id": str(child_id)})  # fmt: skip
    assert grandchild.status_code == 422
    assert "one level deep" in text(grandchild)
    # a group with sub-groups does not become one
    other = space.group(name="Druga grupa")
    response = owner.post(f"/alfa/groups/{group_id}/edit", {**GOOD, "parent_id": str(other)})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"theme": "astrology"}, "theme"),
        ({"visibility": "secret"}, "visibility"),
        ({"join_policy": "lottery"}, "join_policy"),
        ({"ends_on": "31.02.2027."}, "ends_on"),
        ({"parent_id": "99999"}, "parent_id"),
        ({"parent_id": "abc"}, "parent_id"),
    ],
)
def test_bad_input_is_refused_and_kept(space, change, field):
    owner = client_of(space, "owner@example.org")
    response = owner.post("/alfa/groups/new", {**GOOD, **change})
    assert response.status_code == 422
    assert f'id="{field}-error"' in text(response) or "error-summary" in text(response)
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(WorkingGroup.id))) == 0


def test_coordinators_edit_their_group_and_others_may_not(space):
    gid = space.group()
    member = client_of(space, "member@example.org")
    assert member.get(f"/alfa/groups/{gid}/edit").status_code == 403
    coordinator = client_of(space, "coord@example.org")
    assert coordinator.get(f"/alfa/groups/{gid}/edit").status_code == 200
    response = coordinator.post(f"/alfa/groups/{gid}/edit", {**GOOD, "name": "Novo ime"})
    assert response.status_code == 303
    assert space.get(gid).name == "Novo ime"
    owner = client_of(space, "owner@example.org")
    log = text(owner.get("/alfa/admin/audit"))
    assert "changed the working group" in log and "Novo ime" in log
    assert "started the working group" in log


def test_the_kit_names_the_themes(app):
    with app.test_request_context():
        kit_text = """
[tenant]
slug = "proba"
name = "Proba"
kind = "municipality"

[[taxonomies.group_themes]]
code = "housing"
name = "Stanovanje"
name_en = "Housing"
"""
        parsed = parse_kit(kit_text, "proba.toml")
        assert parsed.taxonomies["group_themes"][0]["code"] == "housing"

        class Tenant:
            taxonomies = parsed.taxonomies

        assert list(kit.themes(Tenant())) == ["housing"]
        assert list(kit.themes(None)) == list(kit.DEFAULT_THEMES)
        bad = kit_text.replace('code = "housing"', 'code = "Housing!"') + (
            '\n[[taxonomies.group_themes]]\ncode = "x1"\nname = ""\nextra = 1\n'
        )
        with force_locale("en"):
            with pytest.raises(KitError) as error:
                parse_kit(bad, "proba.toml")
            message = str(error.value)
        assert "proba.toml: taxonomies.group_themes: item 1 needs a code" in message
        assert "'extra'" in message
        assert "item 2: name must be a text" in message
        with pytest.raises(KitError):
            parse_kit(
                kit_text.replace(
                    "[[taxonomies.group_themes]]", "[taxonomies]\ngroup_themes = 3\n[x]"
                ),
                "p.toml",
            )


def test_the_module_off_hides_the_groups(space):
    with tenant_context(space.tenant.id):
        tenant = db.session.merge(space.tenant)
        tenant.modules = [m for m in tenant.modules if m != "groups"]
        db.session.commit()
    gid = space.group()
    client = client_of(space)
    assert client.get("/alfa/groups/").status_code == 404
    assert client.get(f"/alfa/groups/{gid}").status_code == 404


def test_groups_taking_new_members(space):
    """The listing's open/closed filter: groups one may join (open or on request, not
    ended), beside working / ended and my groups; the filters combine."""
    space.group(name="Otvorena grupa", join_policy="open")
    space.group(name="Grupa na zahtev", join_policy="request", theme="procurement")
    space.group(name="Grupa po pozivu", join_policy="invitation")
    space.group(name="Završena otvorena", join_policy="open", ends_on=date(2020, 1, 1))
    client = client_of(space)
    everything = text(client.get("/alfa/groups/"))
    assert "Grupa po pozivu" in everything and "By invitation" in everything
    found = text(client.get("/alfa/groups/?joinable=1"))
    assert "Otvorena grupa" in found and "Grupa na zahtev" in found
    assert "Grupa po pozivu" not in found and "Završena otvorena" not in found
    assert (
        "2 working groups" in found and 'id="f-joinable" name="joinable" value="1" checked' in found
    )
    found = text(client.get("/alfa/groups/?joinable=1&ended=all&theme=procurement"))
    assert "Grupa na zahtev" in found and "Otvorena grupa" not in found
    # an ended group takes no one, whatever "ended" says
    assert "Završena otvorena" not in text(client.get("/alfa/groups/?joinable=1&ended=ended"))
    mine = text(client_of(space, "coord@example.org").get("/alfa/groups/?joinable=1&mine=1"))
    assert "Otvorena grupa" in mine and "Grupa po pozivu" not in mine


def test_a_private_sub_group_is_listed_only_to_who_sees_it(space):
    parent = space.group(name="Krovna grupa")
    space.group(name="Javna podgrupa", parent_id=parent)
    space.group(name="Tajna podgrupa", parent_id=parent, visibility="private")
    for reader in (client_of(space), client_of(space, "member@example.org")):
        page = text(reader.get(f"/alfa/groups/{parent}"))
        assert "Javna podgrupa" in page and "Tajna podgrupa" not in page
    page = text(client_of(space, "coord@example.org").get(f"/alfa/groups/{parent}"))
    assert "Javna podgrupa" in page and "Tajna podgrupa" in page
    listing = text(client_of(space).get("/alfa/groups/"))
    assert "sub-group of Krovna grupa" in listing and "Tajna podgrupa" not in listing
