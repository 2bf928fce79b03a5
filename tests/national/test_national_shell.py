"""The national overview as a page shell for logged-in people (directory/national/views.py
index, core/fragments.py `shell_page`): kept under the national marker, nothing on it theirs
but the header. Another reader gets from it exactly the page drawn for them with the caches
off, without a statement over the directory; a write in a taking-part space is on the next
request."""

from __future__ import annotations

from solidarna.core import fragments
from solidarna.core.tenancy import tenant_context
from tests.conftest import Client, statements
from tests.core.test_fragments import EN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture
from tests.national.test_overview import org, spaces  # noqa: F401 - spaces: a fixture


def reader(app, email: str) -> Client:
    client = Client(app)
    client.login(email)
    client.get("/overview/", headers=EN)  # the login message shown
    return client


def test_another_reader_gets_from_the_overview_s_shell_the_page_drawn_for_them(
    app,
    db,
    spaces,  # noqa: F811
    make_user,
):
    rasina, _nis, _hidden = spaces
    make_user(email="ana@example.org", name="Ana Anić")
    make_user(email="bojan@example.org", name="Bojan Bojić")
    ana, bojan = reader(app, "ana@example.org"), reader(app, "bojan@example.org")
    first = ana.get("/overview/?q=zadruga", headers=EN)
    assert status(first, fragments.SHELL) == "miss" and "Ana Anić" in html(first)
    with statements(db.engine) as seen:
        served = bojan.get("/overview/?q=zadruga", headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    assert not [s for s in seen if "organizations" in s], seen
    page = html(served)
    assert "Bojan Bojić" in page and "Zadruga Rasinski med" in page
    assert same_page(page) == same_page(html(uncached(app, bojan, "/overview/?q=zadruga")))
    for text in shells().values():
        assert "Ana Anić" not in text and "ana@example.org" not in text
    # a new verified entry in a taking-part space: on the next request
    with tenant_context(rasina.id):
        org("Zadruga Nova nada", "Kruševac")
        db.session.commit()
    fresh = bojan.get("/overview/?q=zadruga", headers=EN)
    assert status(fresh, fragments.SHELL) == "miss" and "Zadruga Nova nada" in html(fresh)


def test_a_platform_administrator_s_overview_is_another_level_s(app, db, spaces, make_user):  # noqa: F811
    make_user(email="ana@example.org", name="Ana Anić")
    admin = make_user(email="root@example.org", name="Platformski Admin")
    admin.is_platform_admin = True
    db.session.commit()
    ana, root = reader(app, "ana@example.org"), reader(app, "root@example.org")
    assert status(ana.get("/overview/", headers=EN), fragments.SHELL) == "miss"
    for_admin = root.get("/overview/", headers=EN)
    assert status(for_admin, fragments.SHELL) == "miss"
    assert "Platform administration" in html(for_admin)
    again = ana.get("/overview/", headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    assert "Platform administration" not in html(again)
