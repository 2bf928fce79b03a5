"""Empty states say what to do next, for each kind of reader: the action for those who may take
it, and the step that leads there for everyone else (log in, join, wait for the office)."""

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.tenants.models import Membership
from tests.conftest import EN, Client, one, parse, text_of

EMPTY_LISTS = [
    ("/rasina/directory/", "/rasina/directory/new"),
    ("/rasina/resources/", "/rasina/resources/new"),
    ("/rasina/practices/", "/rasina/practices/new"),
    ("/rasina/", "/rasina/directory/new"),
]


@pytest.fixture
def space(app, db, make_user, make_tenant):
    owner = make_user(email="owner@example.org")
    member = make_user(email="member@example.org")
    waiting = make_user(email="waiting@example.org")
    make_user(email="outsider@example.org")
    tenant = make_tenant("rasina", name="Prostor Rasina", members={owner: "owner", member: "member"})
    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=waiting.id, role="member", status="pending"))
        db.session.commit()
    return tenant


def empty_state(app, email, path):
    client = Client(app)
    if email:
        client.login(email)
    response = client.get(path, headers=EN)
    assert response.status_code == 200, (path, response.status_code)
    paragraph = one(parse(response), "main p.empty")
    links = [a["href"] for a in paragraph.select("a")]
    return text_of(paragraph), links


@pytest.mark.parametrize(("path", "add"), EMPTY_LISTS)
def test_an_empty_list_leads_each_reader_to_the_next_step(app, space, path, add):
    text, links = empty_state(app, "member@example.org", path)
    assert add in links, (path, text)

    text, links = empty_state(app, None, path)
    assert add not in links
    assert any(link.startswith("/auth/login?next=") for link in links), (path, text)
    assert "/auth/register" in links

    text, links = empty_state(app, "outsider@example.org", path)
    assert "/rasina/join" in links and "Ask to join" in text, (path, text)

    text, links = empty_state(app, "waiting@example.org", path)
    assert "waiting for the office" in text and not links, (path, text)


def test_an_empty_category_invites_members_and_leads_others_to_join(app, db, space):
    from solidarna.discussions.models import Category

    with tenant_context(space.id):
        category = Category(name="Pitanja", visibility="public", position=1)
        db.session.add(category)
        db.session.commit()
        path = f"/rasina/discussions/c/{category.id}"
    text, links = empty_state(app, "member@example.org", path)
    assert any(link.endswith("/new") for link in links), text
    text, links = empty_state(app, "outsider@example.org", path)
    assert "/rasina/join" in links, text
