"""A thread with 2,000 posts and a category with 10,000 threads render with a bounded number
of SQL statements, the same as small ones (DESIGN §9: no N+1, pages by index)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.discussions.models import Category, Post, Thread
from tests.conftest import Client, statements

CEILING = 12


def fill_thread(db, space, posts: int) -> int:
    """A thread with `posts` posts by alternating authors, written in bulk."""
    thread_id = space.thread("Duga tema", "Prva poruka")
    authors = [space.ana.id, space.bojan.id, space.cveta.id]
    now = utcnow()
    with tenant_context(space.tenant.id):
        db.session.execute(
            insert(Post),
            [
                {"tenant_id": space.tenant.id, "thread_id": thread_id, "number": n,
                 "author_id": authors[n % 3], "body": f"Poruka {n}",
                 "body_html": f"<p>Poruka {n}</p>", "created_at": now}
                for n in range(2, posts + 1)
            ],
        )  # fmt: skip
        thread = db.session.get(Thread, thread_id)
        thread.post_count = posts
        db.session.commit()
    return thread_id


def fill_category(db, space, threads: int) -> int:
    with tenant_context(space.tenant.id):
        category = Category(name=f"Velika {threads}", visibility="public")
        db.session.add(category)
        db.session.flush()
        authors = [space.ana.id, space.bojan.id, space.cveta.id]
        now = utcnow()
        db.session.execute(
            insert(Thread),
            [
                {"tenant_id": space.tenant.id, "category_id": category.id, "title": f"Tema {n}",
                 "author_id": authors[n % 3], "last_author_id": authors[(n + 1) % 3],
                 "post_count": 1 + n % 7, "last_post_at": now, "pinned": n % 997 == 0,
                 "created_at": now, "updated_at": now}
                for n in range(threads)
            ],
        )  # fmt: skip
        category.thread_count = threads
        db.session.commit()
        return category.id


def count(app, db, url: str, login: str | None) -> int:
    client = Client(app)
    if login:
        client.login(login)
    assert client.get(url).status_code == 200  # warm up
    with statements(db.engine) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize("login", [None, "bojan@example.org", "mod@example.org"])
def test_thread_page_statements_do_not_grow_with_posts(app, db, space, login):
    small = fill_thread(db, space, 30)
    large = fill_thread(db, space, 2000)
    small_first = count(app, db, f"/alfa/discussions/t/{small}", login)
    large_first = count(app, db, f"/alfa/discussions/t/{large}", login)
    large_last = count(app, db, f"/alfa/discussions/t/{large}?page=100", login)
    assert small_first == large_first == large_last <= CEILING


@pytest.mark.parametrize("login", [None, "bojan@example.org"])
def test_category_page_statements_do_not_grow_with_threads(app, db, space, login):
    small = fill_category(db, space, 30)
    large = fill_category(db, space, 10_000)
    counts = [
        count(app, db, f"/alfa/discussions/c/{small}", login),
        count(app, db, f"/alfa/discussions/c/{large}", login),
        count(app, db, f"/alfa/discussions/c/{large}?page=350", login),
    ]
    assert len(set(counts)) == 1 and counts[0] <= CEILING, counts
