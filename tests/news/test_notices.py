"""New posts reach those who follow a space's news (core/following.py + core/notifications.py):
once, on the first publishing, never the admin who published, only who may read the space."""

from __future__ import annotations

import pytest

from solidarna.core.notifications import Notification, set_email_mode
from solidarna.extensions import db
from tests.conftest import Client, parse
from tests.news.test_news import english, new_post, publish


@pytest.fixture
def spaces(make_user, make_tenant):
    admin = make_user(email="admin@example.org", name="Urednica Vesti")
    member = make_user(email="member@example.org", name="Članica")
    reader = make_user(email="reader@example.org", name="Čitalac")
    quiet = make_user(email="quiet@example.org", name="Tihi")
    alfa = make_tenant("alfa", members={admin: "admin", member: "member"})
    hidden = make_tenant("skriveni", visibility="members", members={admin: "owner"})
    return {"alfa": alfa, "skriveni": hidden, "reader": reader, "quiet": quiet}


def notices_of(email: str) -> list[Notification]:
    from solidarna.accounts.models import User

    user = User.by_email(email)
    return db.session.scalars(
        db.select(Notification).where(
            Notification.user_id == user.id, Notification.kind == "news.published"
        )
    ).all()


def test_followers_hear_of_a_new_post_once(app, spaces, outbox):
    member = english(app, "member@example.org")
    html = member.get("/alfa/news/").get_data(as_text=True)
    assert parse(html).select_one("#news-follow button").get_text(strip=True) == "Follow the news"
    assert member.post("/alfa/news/follow", {"follow": "1"}).status_code == 303
    assert "You follow the news" in member.get("/alfa/news/").get_data(as_text=True)
    # an account that is not a member follows a public space's news too
    reader = english(app, "reader@example.org")
    assert reader.post("/alfa/news/follow", {"follow": "1"}).status_code == 303
    # one who follows but wants no mail still gets the notice in the bell
    quiet = english(app, "quiet@example.org")
    assert quiet.post("/alfa/news/follow", {"follow": "1"}).status_code == 303
    set_email_mode(spaces["quiet"], "never")
    db.session.commit()

    admin = english(app, "admin@example.org")
    assert admin.post("/alfa/news/follow", {"follow": "1"}).status_code == 303
    post_id = new_post(admin, title="Poziv za radionicu")
    assert notices_of("member@example.org") == []  # a draft is no news
    publish(admin, "alfa", post_id)
    [notice] = notices_of("member@example.org")
    assert notice.url == f"/alfa/news/{post_id}" and notice.title == "Poziv za radionicu"
    assert len(notices_of("reader@example.org")) == 1
    assert notices_of("admin@example.org") == []  # never the one who published
    assert [m.subject for m in outbox("member@example.org") if "Poziv za radionicu" in m.subject]
    assert not outbox("quiet@example.org") and len(notices_of("quiet@example.org")) == 1
    # taken back and published again: not news again
    assert admin.post(f"/alfa/news/{post_id}/unpublish").status_code == 303
    publish(admin, "alfa", post_id)
    assert len(notices_of("member@example.org")) == 1
    # stopping
    assert member.post("/alfa/news/follow", {"follow": "0"}).status_code == 303
    publish(admin, "alfa", new_post(admin, title="Druga vest"))
    assert len(notices_of("member@example.org")) == 1
    assert len(notices_of("reader@example.org")) == 2


def test_following_needs_an_account_and_a_readable_space(app, spaces):
    visitor = Client(app)
    assert "news-follow" not in visitor.get("/alfa/news/").get_data(as_text=True)
    response = visitor.post("/alfa/news/follow", {"follow": "1"})
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]
    reader = english(app, "reader@example.org")
    assert reader.post("/skriveni/news/follow", {"follow": "1"}).status_code in (302, 303, 403, 404)
    assert reader.post("/alfa/news/follow", {"follow": "maybe"}).status_code == 400
