"""Co-authors: the lead invites a member by e-mail (mailed with a link), the invited accept or
decline, a co-author leaves; only authors and admins edit the text; an author acts on behalf of
an organization they represent, recorded and shown."""

from __future__ import annotations

from solidarna.core import audit
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.coauthors import ProposalAuthor
from solidarna.proposals.models import Proposal
from tests.conftest import field_error
from tests.proposals.conftest import visitor


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


def first_code(space, pid):
    with tenant_context(space.tenant.id):
        return text.tree(text.live_parts(db.session.get(Proposal, pid)))[0].code


def edit(client, pid, code, body):
    return client.post(f"/alfa/proposals/{pid}/parts/{code}/edit", {"heading": "", "body": body})


def test_invite_accept_edit_and_leave(space, outbox):
    pid = space.proposal()  # a draft: only its authors see it
    code = first_code(space, pid)
    rep = login(space.app, "rep1@example.org")
    assert rep.get(f"/alfa/proposals/{pid}").status_code == 404
    assert edit(rep, pid, code, "Tuđa izmena.").status_code == 404
    lead = login(space.app, "author@example.org")
    response = lead.post(f"/alfa/proposals/{pid}/authors/invite", {"email": "REP1@example.org"})
    assert response.status_code == 303
    assert state(space, pid, space.rep1) == "invited"
    with space.app.app_context():
        mails = outbox("rep1@example.org")
    assert len(mails) == 1 and f"/alfa/proposals/{pid}/authors" in mails[0].body_text
    assert "Ana Autorka" in mails[0].body_text
    # invited: sees the draft and the invitation, may not edit yet
    assert rep.get(f"/alfa/proposals/{pid}").status_code == 200
    assert "Accept" in rep.get(f"/alfa/proposals/{pid}/authors").get_data(as_text=True)
    assert edit(rep, pid, code, "Još ne.").status_code == 403
    accepted = rep.post(
        f"/alfa/proposals/{pid}/authors/accept", {"organization_id": str(space.org1)}
    )
    assert accepted.status_code == 303
    assert state(space, pid, space.rep1) == "accepted"
    assert edit(rep, pid, code, "Izmena koautora.").status_code == 303
    page = rep.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Izmena koautora." in page and "Rade Zadrugar" in page
    assert "on behalf of Zadruga Rasinski med" in page
    # the co-author may not invite others; a second answer has nothing to answer
    again = rep.post(f"/alfa/proposals/{pid}/authors/invite", {"email": "member@example.org"})
    assert again.status_code == 403
    assert rep.post(f"/alfa/proposals/{pid}/authors/accept").status_code == 409
    # leaving takes the rights away
    assert rep.post(f"/alfa/proposals/{pid}/authors/leave").status_code == 303
    assert state(space, pid, space.rep1) == "left"
    assert rep.get(f"/alfa/proposals/{pid}").status_code == 404
    assert rep.post(f"/alfa/proposals/{pid}/authors/leave").status_code == 404
    with space.app.app_context():
        actions = {e.action for e in audit.entries(tenant_id=space.tenant.id).items}
    assert {"proposal.coauthor_invited", "proposal.coauthor_accepted",
            "proposal.coauthor_left"} <= actions  # fmt: skip


def test_decline_and_the_invitations_refusals(space, outbox):
    pid = space.proposal(state="consultation")
    lead = login(space.app, "author@example.org")
    for email, message in (
        ("nobody@example.org", "No member of this space"),
        ("out@example.org", "No member of this space"),
        ("author@example.org", "lead author"),
    ):
        response = lead.post(f"/alfa/proposals/{pid}/authors/invite", {"email": email})
        assert response.status_code == 422, email
        html = response.get_data(as_text=True)
        assert message in html and field_error(html, "email") and email in html
    lead.post(f"/alfa/proposals/{pid}/authors/invite", {"email": "member@example.org"})
    twice = lead.post(f"/alfa/proposals/{pid}/authors/invite", {"email": "member@example.org"})
    assert twice.status_code == 422 and "already invited" in twice.get_data(as_text=True)
    member = login(space.app, "member@example.org")
    # the member cannot act for an organization they do not represent
    foreign = member.post(
        f"/alfa/proposals/{pid}/authors/accept", {"organization_id": str(space.org1)}
    )
    assert foreign.status_code in (403, 422) and state(space, pid, space.member) == "invited"
    assert member.post(f"/alfa/proposals/{pid}/authors/decline").status_code == 303
    assert state(space, pid, space.member) == "declined"
    code = first_code(space, pid)
    assert edit(member, pid, code, "Ne.").status_code == 403
    # invited again later, then the lead takes the invitation back
    lead.post(f"/alfa/proposals/{pid}/authors/invite", {"email": "member@example.org"})
    with tenant_context(space.tenant.id):
        row_id = db.session.scalar(
            db.select(ProposalAuthor.id).where(ProposalAuthor.user_id == space.member.id)
        )
    assert member.post(f"/alfa/proposals/{pid}/authors/{row_id}/remove").status_code == 403
    assert lead.post(f"/alfa/proposals/{pid}/authors/{row_id}/remove").status_code == 303
    assert state(space, pid, space.member) == "removed"
    assert member.post(f"/alfa/proposals/{pid}/authors/accept").status_code == 409


def test_editing_rights_follow_the_authors(space):
    pid = space.proposal(state="consultation")
    code = first_code(space, pid)
    assert edit(login(space.app, "member@example.org"), pid, code, "Ne.").status_code == 403
    assert edit(login(space.app, "owner@example.org"), pid, code, "Admin menja.").status_code == 303
    assert edit(login(space.app, "author@example.org"), pid, code, "Autor.").status_code == 303
    # visitors are sent to log in from the authors' page
    response = visitor(space.app).get(f"/alfa/proposals/{pid}/authors")
    assert response.status_code in (302, 303)


def test_the_lead_acts_on_behalf_of_an_organization(space):
    pid = space.proposal(state="consultation", author=space.rep2)
    rep2 = login(space.app, "rep2@example.org")
    assert rep2.post(f"/alfa/proposals/{pid}/authors/act-for",
                     {"organization_id": str(space.org1)}).status_code == 422  # fmt: skip
    response = rep2.post(
        f"/alfa/proposals/{pid}/authors/act-for", {"organization_id": str(space.org2)}
    )
    assert response.status_code == 303
    page = visitor(space.app).get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Vera Udruženić" in page and "on behalf of Udruženje Ruke" in page
    member = login(space.app, "member@example.org")
    assert member.post(f"/alfa/proposals/{pid}/authors/act-for", {}).status_code == 403
