"""Every move on the road is told to the authors, the followers and the endorsing organizations'
representatives, through the shared notification service and by each person's settings."""

from __future__ import annotations

from flask_babel import force_locale
from flask_babel import gettext as real_gettext

from solidarna.core import notifications
from solidarna.core.following import Follow
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.following import MOVED
from solidarna.proposals.models import STATES
from tests.conftest import parse
from tests.proposals.conftest import visitor


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def told(app, pid) -> dict[int, Notification]:
    with app.app_context():
        rows = db.session.scalars(
            db.select(Notification).where(
                Notification.kind == MOVED, Notification.subject_id == pid
            )
        ).all()
        for row in rows:
            db.session.expunge(row)
        return {row.user_id: row for row in rows}


def test_a_move_is_told_to_authors_followers_and_endorsers_representatives(space, outbox):
    pid = space.proposal(state="endorsement")
    rep1 = login(space.app, "rep1@example.org")
    assert rep1.post(f"/alfa/proposals/{pid}/endorse",
                     {"organization_id": str(space.org1), "kind": "support"}).status_code == 303  # fmt: skip
    member = login(space.app, "member@example.org")
    assert member.post(f"/alfa/proposals/{pid}/follow", {"follow": "1"}).status_code == 303
    before = len(outbox())

    admin = login(space.app, "owner@example.org")
    response = admin.post(f"/alfa/proposals/{pid}/move/adopted", {"note": "Usvojeno na skupštini"})
    assert response.status_code == 303

    rows = told(space.app, pid)
    assert set(rows) == {space.author.id, space.member.id, space.rep1.id}
    assert space.owner.id not in rows  # the one who moved it
    assert space.rep2.id not in rows and space.outsider.id not in rows  # their org did not endorse
    row = rows[space.member.id]
    assert row.url == f"/alfa/proposals/{pid}#timeline"
    assert "Gathering endorsements" in row.excerpt and "Adopted as the space" in row.excerpt
    assert "Usvojeno na skupštini" in row.excerpt
    mails = outbox()[before:]
    assert sorted(m.to_address for m in mails) == [
        "author@example.org", "member@example.org", "rep1@example.org",
    ]  # fmt: skip
    assert all("A proposal moved on its road" in m.subject for m in mails)
    body = next(m for m in mails if m.to_address == "member@example.org").body_text
    assert "Usvojeno na skupštini" in body and "/notifications/" in body
    assert "From “Gathering endorsements” to “Adopted as the space's position”." in body
    assert "Recorded by: Olga Vlasnić" in body and "/unsubscribe/" in body


def test_each_reader_gets_it_in_their_language_and_by_their_settings(space, outbox):
    pid = space.proposal(state="endorsement")
    member = login(space.app, "member@example.org")
    member.post(f"/alfa/proposals/{pid}/follow", {"follow": "1"})
    with space.app.app_context():
        author = db.session.merge(space.author)
        author.locale = "sr_Latn"
        notifications.set_email_mode(db.session.merge(space.member), "never")
        db.session.commit()
    before = len(outbox())
    admin = login(space.app, "owner@example.org")
    assert admin.post(f"/alfa/proposals/{pid}/move/adopted", {}).status_code == 303

    rows = told(space.app, pid)
    assert set(rows) == {space.author.id, space.member.id}
    with space.app.test_request_context(), force_locale("sr_Latn"):
        serbian = str(STATES["adopted"])
        said = real_gettext("From “%(old)s” to “%(new)s”.", old="x", new="y")
    assert serbian != "Adopted as the space's position"  # the catalog has it
    assert serbian in rows[space.author.id].excerpt
    assert said.split("x")[0] in rows[space.author.id].excerpt
    assert "Adopted as the space" in rows[space.member.id].excerpt
    assert rows[space.member.id].email_status == "skipped"  # "never": in the list, no mail
    mails = outbox()[before:]
    assert [m.to_address for m in mails] == ["author@example.org"]
    assert serbian in mails[0].body_text  # the mail in the reader's language, from the catalog
    assert "Adopted as the space" not in mails[0].body_text


def test_following_and_unfollowing(space):
    pid = space.proposal(state="consultation")
    member = login(space.app, "member@example.org")
    page = parse(member.get(f"/alfa/proposals/{pid}"))
    form = page.find("form", action=f"/alfa/proposals/{pid}/follow")
    assert form is not None and form.find("input", attrs={"name": "follow"})["value"] == "1"
    assert member.post(f"/alfa/proposals/{pid}/follow", {"follow": "1"}).status_code == 303
    assert member.post(f"/alfa/proposals/{pid}/follow", {"follow": "1"}).status_code == 303
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(Follow.id))) == 1
    page = parse(member.get(f"/alfa/proposals/{pid}"))
    assert page.find("input", attrs={"name": "follow"})["value"] == "0"
    assert member.post(f"/alfa/proposals/{pid}/follow", {"follow": "maybe"}).status_code == 400
    assert member.post(f"/alfa/proposals/{pid}/follow", {"follow": "0"}).status_code == 303
    admin = login(space.app, "owner@example.org")
    ends = "2999-01-01"
    assert admin.post(f"/alfa/proposals/{pid}/move/endorsement", {"ends": ends}).status_code == 303
    assert space.member.id not in told(space.app, pid)
    assert space.author.id in told(space.app, pid)
    # visitors cannot follow; a draft cannot be followed by who cannot see it
    assert visitor(space.app).post(
        f"/alfa/proposals/{pid}/follow", {"follow": "1"}
    ).status_code in (302, 303, 401)
    draft = space.proposal()
    assert member.post(f"/alfa/proposals/{draft}/follow", {"follow": "1"}).status_code == 404


def test_a_representative_who_left_is_not_told(space):
    from solidarna.directory.organizations.models import Representative

    pid = space.proposal(state="endorsement")
    rep1 = login(space.app, "rep1@example.org")
    rep1.post(
        f"/alfa/proposals/{pid}/endorse", {"organization_id": str(space.org1), "kind": "support"}
    )
    with tenant_context(space.tenant.id):
        row = db.session.scalar(
            db.select(Representative).where(Representative.user_id == space.rep1.id)
        )
        row.status = "pending"
        db.session.commit()
    admin = login(space.app, "owner@example.org")
    assert admin.post(f"/alfa/proposals/{pid}/move/adopted", {}).status_code == 303
    assert set(told(space.app, pid)) == {space.author.id}
