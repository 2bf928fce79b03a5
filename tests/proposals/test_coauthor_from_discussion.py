"""Inviting a co-author from the proposal's discussion: beside a post whose author is a member
and not yet an author, the lead author (or an admin) sees "Invite as co-author"; it sends the
same invitation as the authors page (core/subjects.py person_actions, so discussions never
import proposals)."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.coauthors import ProposalAuthor
from solidarna.proposals.models import Proposal
from solidarna.tenants.models import Membership
from tests.conftest import parse
from tests.proposals.conftest import visitor

LABEL = "Invite as co-author"


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def state(space, pid, user):
    with tenant_context(space.tenant.id):
        return db.session.scalar(
            db.select(ProposalAuthor.state).where(
                ProposalAuthor.proposal_id == pid, ProposalAuthor.user_id == user.id
            )
        )


def discuss(space, about: str, by: str = "rep1@example.org") -> str:
    """A discussion about `about` ("proposal/<id>" or "proposal_part/<id>") started by `by`,
    with a reply by the plain member; the thread's address."""
    starter = login(space.app, by)
    started = starter.post(
        f"/alfa/discussions/about/{about}/new",
        {"title": "Predlog za izmenu", "body": "Mogu da pomognem oko teksta."},
    )
    assert started.status_code == 303, started.get_data(as_text=True)
    thread = started.headers["Location"].split("#")[0]
    other = login(space.app, "member@example.org")
    assert other.post(f"{thread}/reply", {"body": "I ja bih."}).status_code == 303
    return thread


def invite_forms(page) -> dict[str, str]:
    """{post author's name: the user_id the form invites} for every "Invite as co-author"."""
    found = {}
    for button in page.find_all("button", string=LABEL):
        form = button.find_parent("form")
        post = form.find_parent("article")
        name = post.select_one(".post-author").get_text(strip=True)
        found[name] = form.find("input", attrs={"name": "user_id"})["value"]
    return found


def test_the_lead_invites_a_posts_author_from_the_discussion(space, outbox):
    pid = space.proposal(state="consultation")
    thread = discuss(space, f"proposal/{pid}")
    lead = login(space.app, "author@example.org")
    assert lead.post(thread + "/reply", {"body": "Hvala, pozvaću vas."}).status_code == 303
    page = parse(lead.get(thread))
    offered = invite_forms(page)
    # the two members who wrote, not the lead's own post
    assert offered == {"Rade Zadrugar": str(space.rep1.id), "Mira Članica": str(space.member.id)}
    form = page.find("button", string=LABEL).find_parent("form")
    assert form["action"] == f"/alfa/proposals/{pid}/authors/invite-member"
    back = form.find("input", attrs={"name": "next"})["value"]
    response = lead.post(form["action"], {"user_id": str(space.rep1.id), "next": back})
    assert response.status_code == 303 and response.headers["Location"].endswith(back)
    assert state(space, pid, space.rep1) == "invited"
    with space.app.app_context():
        mails = [m for m in outbox("rep1@example.org") if "co-author" in m.subject]
    assert len(mails) == 1 and f"/alfa/proposals/{pid}/authors" in mails[0].body_text
    # invited: no longer offered; a second invitation is a conflict
    assert invite_forms(parse(lead.get(thread))) == {"Mira Članica": str(space.member.id)}
    again = lead.post(form["action"], {"user_id": str(space.rep1.id)})
    assert again.status_code == 409
    # the invited accept through the usual page
    rep = login(space.app, "rep1@example.org")
    assert rep.post(f"/alfa/proposals/{pid}/authors/accept", {}).status_code == 303
    assert state(space, pid, space.rep1) == "accepted"


def test_others_are_not_offered_it_and_may_not_use_it(space):
    pid = space.proposal(state="consultation")
    thread = discuss(space, f"proposal/{pid}")
    for email in ("member@example.org", "rep2@example.org"):
        client = login(space.app, email)
        assert LABEL not in client.get(thread).get_data(as_text=True)
        refused = client.post(
            f"/alfa/proposals/{pid}/authors/invite-member", {"user_id": str(space.rep1.id)}
        )
        assert refused.status_code == 403
    assert LABEL not in visitor(space.app).get(thread).get_data(as_text=True)
    # an admin of the space may invite, like on the authors page
    owner = login(space.app, "owner@example.org")
    assert set(invite_forms(parse(owner.get(thread)))) == {"Rade Zadrugar", "Mira Članica"}


def test_a_former_member_and_bad_ids_are_refused(space):
    pid = space.proposal(state="consultation")
    thread = discuss(space, f"proposal/{pid}")
    with tenant_context(space.tenant.id):
        membership = db.session.scalar(
            db.select(Membership).where(Membership.user_id == space.member.id)
        )
        membership.status = "suspended"
        db.session.commit()
    lead = login(space.app, "author@example.org")
    assert invite_forms(parse(lead.get(thread))) == {"Rade Zadrugar": str(space.rep1.id)}
    url = f"/alfa/proposals/{pid}/authors/invite-member"
    gone = lead.post(url, {"user_id": str(space.member.id)})
    assert gone.status_code == 409 and "not a member" in gone.get_data(as_text=True)
    assert lead.post(url, {"user_id": str(space.outsider.id)}).status_code == 409
    assert lead.post(url, {"user_id": "abc"}).status_code == 409
    assert lead.post(url, {}).status_code == 422
    assert lead.post(url, {"user_id": str(space.author.id)}).status_code == 409  # the lead
    # a `next` off the site goes to the authors page instead
    sent = lead.post(url, {"user_id": str(space.rep1.id), "next": "https://example.com/x"})
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith(f"/alfa/proposals/{pid}/authors")
    assert state(space, pid, space.member) is None


def test_offered_in_a_discussion_about_one_article_too(space):
    pid = space.proposal(state="consultation")
    with tenant_context(space.tenant.id):
        part = text.tree(text.live_parts(db.session.get(Proposal, pid)))[0].id
    thread = discuss(space, f"proposal_part/{part}")
    lead = login(space.app, "author@example.org")
    assert set(invite_forms(parse(lead.get(thread)))) == {"Rade Zadrugar", "Mira Članica"}


def test_bounded_and_right_with_the_posts_list_kept(space, make_user):
    """With the fragment cache on, a kept posts list still gets each viewer's own offers (the
    authors read in one query), and the thread costs the same statements with 3 or 15
    writers."""
    from tests.conftest import statements

    app = space.app
    app.config["PAGE_CACHE"] = app.config["FRAGMENT_CACHE"] = True
    try:
        pid = space.proposal(state="consultation")
        thread = discuss(space, f"proposal/{pid}")
        lead = login(app, "author@example.org")
        owner = login(app, "owner@example.org")
        assert set(invite_forms(parse(owner.get(thread)))) == {"Rade Zadrugar", "Mira Članica"}
        response = lead.get(thread)  # the list the owner's level drew is not the lead's
        lead.get(thread)
        with statements(db.engine) as few:
            response = lead.get(thread)
        kept = response.headers.get("X-Fragment-Cache", "")
        assert "thread-posts=hit" in kept or "page=hit" in kept  # the list, or the whole page
        assert set(invite_forms(parse(response))) == {"Rade Zadrugar", "Mira Članica"}
        # a plain member's page does not ask for the authors at all
        member = login(app, "member@example.org")
        member.get(thread)
        with statements(db.engine) as plain:
            member.get(thread)
        assert not any("DISTINCT discussion_posts.author_id" in s for s in plain)
        assert any("DISTINCT discussion_posts.author_id" in s for s in few)
    finally:
        app.config["PAGE_CACHE"] = app.config["FRAGMENT_CACHE"] = False
    # more writers, the same statements
    writers = [make_user(email=f"pisac{n}@example.org", name=f"Pisac Broj{n}", locale="en")
               for n in range(12)]  # fmt: skip
    with tenant_context(space.tenant.id):
        for user in writers:
            db.session.add(Membership(user_id=user.id, role="member", status="active"))
        db.session.commit()
    with statements(db.engine) as before:
        lead.get(thread)
    for n in range(12):
        writer = login(app, f"pisac{n}@example.org")
        assert writer.post(f"{thread}/reply", {"body": f"Odgovor {n}."}).status_code == 303
    with statements(db.engine) as after:
        page = parse(lead.get(thread))
    assert len(invite_forms(page)) == 14
    assert len(after) == len(before), (len(before), len(after))
