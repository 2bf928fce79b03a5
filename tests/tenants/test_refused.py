"""A refusal inside a space is no bare dead end: a person who may not do something yet gets a
page in the space's layout, with its navigation, saying why and what to do next."""

from solidarna.tenants.models import Membership
from tests.conftest import EN, Client, nav_links, one, parse, text_of


def test_outsiders_pending_and_members_are_told_why_and_what_next(app, db, make_user, make_tenant):
    owner = make_user(email="owner@example.org")
    member = make_user(email="member@example.org")
    waiting = make_user(email="waiting@example.org")
    make_user(email="outsider@example.org")
    tenant = make_tenant(
        "rasina", name="Prostor Rasina", members={owner: "owner", member: "member"}
    )
    from solidarna.core.tenancy import tenant_context

    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=waiting.id, role="member", status="pending"))
        db.session.commit()

    def refused(email, path="/rasina/directory/new"):
        client = Client(app)
        client.login(email)
        response = client.get(path, headers=EN)
        assert response.status_code == 403, (email, response.status_code)
        page = parse(response)
        assert "Directory" in nav_links(page)  # the space's own navigation is there
        return text_of(one(page, "main"))

    outsider = refused("outsider@example.org")
    assert "Only members of Prostor Rasina can do this" in outsider and "Ask to join" in outsider
    assert "waiting for the office" in refused("waiting@example.org")
    assert "administrators" in refused("member@example.org", "/rasina/admin/members")
