"""The news list as a page shell for logged-in people (news/views.py index, core/fragments.py
`shell_page`): one per viewer level and query, the reader's follow form a slot. Another member
gets from it exactly the page drawn for them with the caches off; an admin's page (drafts,
"Write a post") is another level's; a new post is on the next request."""

from __future__ import annotations

import pytest

from solidarna.core import fragments
from tests.core.test_fragments import EN, TOKEN, html, status
from tests.core.test_page_shell import caches_on, same_page, shells, uncached  # noqa: F401 - caches_on: a fixture
from tests.news.test_news import english, new_post, publish


@pytest.fixture
def readers(app, make_user, make_tenant):
    admin = make_user(email="admin@example.org", name="Urednica Vesti")
    ana = make_user(email="ana@example.org", name="Ana Anić")
    bojan = make_user(email="bojan@example.org", name="Bojan Bojić")
    make_tenant("alfa", members={admin: "admin", ana: "member", bojan: "member"})
    clients = {}
    for who, email in (("admin", admin.email), ("ana", ana.email), ("bojan", bojan.email)):
        clients[who] = english(app, email)
        clients[who].get("/alfa/", headers=EN)  # the login message shown
    return clients


def test_another_member_gets_from_the_news_shell_the_page_drawn_for_them(app, readers):
    admin, ana, bojan = readers["admin"], readers["ana"], readers["bojan"]
    publish(admin, "alfa", new_post(admin, title="Otvoreni poziv"))
    new_post(admin, title="Nacrt koji niko ne vidi")
    assert ana.post("/alfa/news/follow", {"follow": "1"}).status_code == 303
    ana.get("/alfa/news/", headers=EN)  # its message shown
    first = ana.get("/alfa/news/", headers=EN)
    assert status(first, fragments.SHELL) == "miss"
    assert "You follow the news" in html(first)
    served = bojan.get("/alfa/news/", headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "Bojan Bojić" in page and "Otvoreni poziv" in page
    assert "You follow the news" not in page and "Follow the news" in page
    assert "Nacrt koji niko ne vidi" not in page and "Write a post" not in page
    assert same_page(page) == same_page(html(uncached(app, bojan, "/alfa/news/")))
    for text in shells().values():
        assert "ana@example.org" not in text and "You follow the news" not in text
        assert "Ana Anić" not in text and fragments.PLACEHOLDER in text
    # an admin is another level: their own shell, with what only they are offered
    admin.get("/alfa/news/", headers=EN)  # the publishing's message shown
    for_admin = admin.get("/alfa/news/?show=drafts", headers=EN)
    assert status(for_admin, fragments.SHELL) == "miss"
    assert "Nacrt koji niko ne vidi" in html(for_admin) and "Write a post" in html(for_admin)
    assert "Nacrt koji niko ne vidi" not in html(bojan.get("/alfa/news/?show=drafts", headers=EN))


def test_a_new_post_is_on_the_members_next_request(readers):
    admin, bojan = readers["admin"], readers["bojan"]
    assert status(bojan.get("/alfa/news/", headers=EN), fragments.SHELL) == "miss"
    assert status(bojan.get("/alfa/news/", headers=EN), fragments.SHELL) == "hit"
    publish(admin, "alfa", new_post(admin, title="Sveže saopštenje"))
    again = bojan.get("/alfa/news/", headers=EN)
    assert status(again, fragments.SHELL) == "miss" and "Sveže saopštenje" in html(again)


def test_a_post_s_page_is_a_shell_and_the_office_s_controls_carry_its_own_token(app, readers):
    admin, ana, bojan = readers["admin"], readers["ana"], readers["bojan"]
    post_id = new_post(admin, title="Otvoreni poziv", body="**Rok** je petak.")
    publish(admin, "alfa", post_id)
    admin.get("/alfa/news/", headers=EN)  # the publishing's message shown
    url = f"/alfa/news/{post_id}"
    assert status(ana.get(url, headers=EN), fragments.SHELL) == "miss"
    served = bojan.get(url, headers=EN)
    assert status(served, fragments.SHELL) == "hit"
    page = html(served)
    assert "<strong>Rok</strong>" in page and "Bojan Bojić" in page and "Ana Anić" not in page
    assert "Back to drafts" not in page
    assert same_page(page) == same_page(html(uncached(app, bojan, url)))
    office = admin.get(url, headers=EN)
    assert status(office, fragments.SHELL) == "miss" and "Back to drafts" in html(office)
    again = admin.get(url, headers=EN)
    assert status(again, fragments.SHELL) == "hit"
    # the kept controls' tokens are the person's own: unpublishing with them works
    tokens = set(TOKEN.findall(html(again)))
    assert len(tokens) == 1 and fragments.PLACEHOLDER not in tokens
    unpublish = admin.post(
        f"/alfa/news/{post_id}/unpublish", {"csrf_token": tokens.pop()}, csrf=False
    )
    assert unpublish.status_code == 303
    assert "Otvoreni poziv" not in html(bojan.get("/alfa/news/", headers=EN))
