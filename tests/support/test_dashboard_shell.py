"""The office's dashboard as a page shell (support/views/office.py dashboard, core/fragments.py
`shell_page`): one per viewer level, address and day. Another advisor gets from it exactly the
page drawn for them with the caches off, without reading the cases; a new request is on the
next load; a member never reaches it."""

from __future__ import annotations

from solidarna.core import fragments
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.tenants.models import Membership
from tests.conftest import statements
from tests.core.test_fragments import EN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture

DASHBOARD = "/alfa/support/office/"


def test_another_advisor_gets_from_the_dashboard_s_shell_the_page_drawn_for_them(space, make_user):
    second = make_user(email="druga@example.org", name="Vera Savetnica", locale="en")
    with tenant_context(space.tenant.id):
        db.session.add(
            Membership(tenant_id=space.tenant.id, user_id=second.id, role="admin", status="active")
        )
        db.session.commit()
    case_id = space.ask(space.client(space.requester))
    ana, vera = space.client(space.advisor), space.client(second)
    for client in (ana, vera):
        client.get(DASHBOARD, headers=EN)  # the login message shown
    first = ana.get(DASHBOARD, headers=EN)
    assert status(first, fragments.SHELL) == "miss" and f"#{case_id}" in html(first)
    with statements(db.engine) as seen:
        served = vera.get(DASHBOARD, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    assert not [s for s in seen if "support_cases" in s], seen
    page = html(served)
    assert "Vera Savetnica" in page and f"#{case_id}" in page
    assert same_page(page) == same_page(html(uncached(space.app, vera, DASHBOARD)))
    for text in shells().values():
        assert "admin@example.org" not in text
    # a new request: on the next load
    newer = space.ask(space.client(space.requester), description="Treba nam pomoć oko "
                      "registracije zadruge i prvog konkursa za opremu.")  # fmt: skip
    fresh = vera.get(DASHBOARD, headers=EN)
    assert status(fresh, fragments.SHELL) == "miss" and f"#{newer}" in html(fresh)
    # a member is refused, shell or not
    assert space.client(space.other).get(DASHBOARD).status_code == 403


def test_a_requester_s_own_list_is_their_own_shell(space):
    """The requests page is kept per account (a shell keyed by the person): another member
    never gets it, a new request is on the next load, and a repeat reads no request."""
    mine = space.ask(space.client(space.requester))
    petar, mira = space.client(space.requester), space.client(space.other)
    for client in (petar, mira):
        client.get("/alfa/support/", headers=EN)  # the login message shown
    first = petar.get("/alfa/support/", headers=EN)
    assert status(first, fragments.SHELL) == "miss" and f"#{mine}" in html(first)
    with statements(db.engine) as seen:
        again = petar.get("/alfa/support/", headers=EN)
    assert status(again, fragments.SHELL) == "hit" and f"#{mine}" in html(again)
    assert not [s for s in seen if "support_cases" in s], seen
    other = mira.get("/alfa/support/", headers=EN)
    assert status(other, fragments.SHELL) == "miss"
    assert f"#{mine}" not in html(other) and "You have not asked for help yet." in html(other)
    assert same_page(html(other)) == same_page(html(uncached(space.app, mira, "/alfa/support/")))
    newer = space.ask(petar, description="Treba nam savet o porezima za zadrugu koja tek počinje.")
    assert f"#{newer}" in html(petar.get("/alfa/support/", headers=EN))
