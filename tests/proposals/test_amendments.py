"""Amendments during consultation: proposing (a draft, then submitted and numbered), the 409s
outside consultation, the named permissions, accepting as a new version that credits the
amender, the conflict when the text changed since the amendment's base version, rejecting
with a reason, withdrawing, promoting a rejected amendment, and the numbered sheet."""

from __future__ import annotations

import re

from solidarna.core import audit
from solidarna.core.notifications import Notification
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.amendments import Amendment
from solidarna.proposals.models import Proposal, ProposalVersion
from tests.conftest import field_error
from tests.proposals.conftest import visitor

ARTICLES = ("Grad podržava socijalna preduzeća.", "Rok za prijave je 30 dana.")


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def codes(space, pid):
    with tenant_context(space.tenant.id):
        nodes = text.tree(text.live_parts(db.session.get(Proposal, pid)))
        return [n.code for n in nodes]


def amendment(space, aid):
    with tenant_context(space.tenant.id):
        row = db.session.get(Amendment, aid)
        db.session.expunge(row)
        return row


def propose(client, pid, target, action="open", **data):
    data = {"target": target, "kind": "change", "justification": "Kraći rok je pravedniji.",
            "action": action, **data}  # fmt: skip
    return client.post(f"/alfa/proposals/{pid}/amendments/new", data)


def amendment_id(response) -> int:
    return int(re.search(r"/amendments/(\d+)$", response.headers["Location"]).group(1))


def test_a_member_proposes_and_the_author_accepts_it_as_a_new_version(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    second = codes(space, pid)[1]
    member = login(space.app, "member@example.org")
    page = member.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert f"/alfa/proposals/{pid}/amendments/new?target={second}" in page
    response = propose(member, pid, second, body="Rok za prijave je 15 dana.")
    assert response.status_code == 303
    aid = amendment_id(response)
    first = amendment(space, aid)
    assert (first.number, first.state, first.base_body) == (1, "open", ARTICLES[1])
    # the authors are notified; the article shows its open amendment
    with tenant_context(space.tenant.id):
        told = db.session.scalars(
            db.select(Notification.user_id).where(Notification.kind == "proposals.amendment_opened")
        ).all()
    assert told == [space.author.id]
    page = visitor(space.app).get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "1 open amendment" in page

    author = login(space.app, "author@example.org")
    decide = f"/alfa/proposals/{pid}/amendments/{aid}/decide"
    form = author.get(decide)
    assert form.status_code == 200 and "<del>30</del>" in form.get_data(as_text=True)
    seen = re.search(r'name="seen_version"[^>]*value="(\d+)"', form.get_data(as_text=True))
    done = author.post(decide, {"decision": "accept", "seen_version": seen.group(1)})
    assert done.status_code == 303
    row = amendment(space, aid)
    assert row.state == "accepted" and row.applied_version == space.get(pid).version_count
    with tenant_context(space.tenant.id):
        part = text.find_part(db.session.get(Proposal, pid), second)
        assert part.body == "Rok za prijave je 15 dana."
        version = db.session.scalar(
            db.select(ProposalVersion).where(ProposalVersion.number == row.applied_version,
                                             ProposalVersion.proposal_id == pid)
        )  # fmt: skip
        assert "Amendment 1" in version.message and "Mira Članica" in version.message
        told = db.session.scalars(
            db.select(Notification.user_id).where(
                Notification.kind == "proposals.amendment_decided"
            )
        ).all()
    assert told == [space.member.id]
    # a second one gets the next number
    again = propose(member, pid, second, body="Rok je 20 dana.")
    assert amendment(space, amendment_id(again)).number == 2
    with space.app.app_context():
        actions = [e.action for e in audit.entries(tenant_id=space.tenant.id).items]
    assert actions.count("proposal.amendment_opened") == 2
    assert "proposal.amendment_accepted" in actions


def test_the_conflict_shows_both_diffs_and_nothing_is_overwritten_silently(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    second = codes(space, pid)[1]
    member = login(space.app, "member@example.org")
    aid = amendment_id(propose(member, pid, second, body="Rok za prijave je 15 dana."))
    author = login(space.app, "author@example.org")
    # the author changes the article after the amendment was written
    edited = author.post(
        f"/alfa/proposals/{pid}/parts/{second}/edit",
        {"heading": "", "body": "Rok za prijave je 45 radnih dana."},
    )
    assert edited.status_code == 303
    version = space.get(pid).version_count
    decide = f"/alfa/proposals/{pid}/amendments/{aid}/decide"
    page = author.get(decide).get_data(as_text=True)
    assert "What changed since version" in page and "Apply it anyway" in page
    # a plain accept is refused with the conflict page: both diffs, the text stays
    refused = author.post(decide, {"decision": "accept", "seen_version": str(version)})
    assert refused.status_code == 409
    html = refused.get_data(as_text=True)
    assert "<ins>45 radnih</ins>" in html and "<ins>15</ins>" in html
    with tenant_context(space.tenant.id):
        assert text.find_part(db.session.get(Proposal, pid), second).body.endswith("radnih dana.")
    # "apply anyway" seen on an older version does not count either
    stale = author.post(decide, {"decision": "accept", "anyway": "1",
                                 "seen_version": str(version - 1)})  # fmt: skip
    assert stale.status_code == 409 and amendment(space, aid).state == "open"
    applied = author.post(decide, {"decision": "accept", "anyway": "1",
                                   "seen_version": str(version)})  # fmt: skip
    assert applied.status_code == 303 and amendment(space, aid).state == "accepted"
    with tenant_context(space.tenant.id):
        assert text.find_part(db.session.get(Proposal, pid), second).body.endswith("15 dana.")


def test_an_amendment_to_a_deleted_article_can_only_be_rejected(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    first = codes(space, pid)[0]
    member = login(space.app, "member@example.org")
    aid = amendment_id(propose(member, pid, first, body="Grad snažno podržava."))
    author = login(space.app, "author@example.org")
    author.post(f"/alfa/proposals/{pid}/parts/{first}/delete", {})
    decide = f"/alfa/proposals/{pid}/amendments/{aid}/decide"
    version = str(space.get(pid).version_count)
    refused = author.post(decide, {"decision": "accept", "anyway": "1", "seen_version": version})
    assert refused.status_code == 409 and "no longer in the text" in refused.get_data(as_text=True)
    no_reason = author.post(decide, {"decision": "reject", "reason": ""})
    assert no_reason.status_code == 422 and field_error(no_reason.get_data(as_text=True), "reason")
    rejected = author.post(decide, {"decision": "reject", "reason": "Član je izbrisan."})
    assert rejected.status_code == 303
    row = amendment(space, aid)
    assert (row.state, row.reason) == ("rejected", "Član je izbrisan.")


def test_delete_and_insert_after_and_a_section(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    first, second = codes(space, pid)
    member = login(space.app, "member@example.org")
    insert = amendment_id(propose(member, pid, first, kind="insert_after",
                                  heading="Prijava", body="Prijava se podnosi elektronski."))  # fmt: skip
    delete = amendment_id(propose(member, pid, second, kind="delete", body="ignored"))
    section = amendment_id(propose(member, pid, "section:summary", body="Kratak sažetak."))
    bad = propose(member, pid, "section:summary", kind="delete")
    assert bad.status_code == 422
    author = login(space.app, "author@example.org")
    for aid in (insert, delete, section):
        version = str(space.get(pid).version_count)
        response = author.post(f"/alfa/proposals/{pid}/amendments/{aid}/decide",
                               {"decision": "accept", "seen_version": version})  # fmt: skip
        assert response.status_code == 303, response.get_data(as_text=True)
    with tenant_context(space.tenant.id):
        proposal = db.session.get(Proposal, pid)
        nodes = text.tree(text.live_parts(proposal))
        assert [n.body for n in nodes] == [ARTICLES[0], "Prijava se podnosi elektronski."]
        assert nodes[1].heading == "Prijava" and nodes[1].number == "2"
        assert proposal.summary == "Kratak sažetak."


def test_amendments_answer_409_outside_consultation(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    code = codes(space, pid)[0]
    member = login(space.app, "member@example.org")
    aid = amendment_id(propose(member, pid, code, body="Nešto drugo."))
    draft = propose(member, pid, code, action="draft", body="Još nešto.")
    draft_id = amendment_id(draft)
    with tenant_context(space.tenant.id):
        db.session.get(Proposal, pid).state = "endorsement"
        db.session.commit()
    new = member.get(f"/alfa/proposals/{pid}/amendments/new")
    assert new.status_code == 409 and "only while the proposal is in consultation" in new.get_data(
        as_text=True
    )
    assert propose(member, pid, code, body="X.").status_code == 409
    assert member.post(f"/alfa/proposals/{pid}/amendments/{draft_id}/open").status_code == 409
    author = login(space.app, "author@example.org")
    decide = f"/alfa/proposals/{pid}/amendments/{aid}/decide"
    assert author.get(decide).status_code == 409
    assert author.post(decide, {"decision": "reject", "reason": "Kasno."}).status_code == 409
    assert amendment(space, aid).state == "open"
    # a draft proposal has no amendments either
    draft_pid = space.proposal(articles=ARTICLES)
    assert author.get(f"/alfa/proposals/{draft_pid}/amendments/new").status_code == 409


def test_permissions_to_decide_withdraw_and_see_drafts(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    code = codes(space, pid)[0]
    member = login(space.app, "member@example.org")
    aid = amendment_id(propose(member, pid, code, body="Nešto drugo."))
    draft_id = amendment_id(propose(member, pid, code, action="draft", body="Nacrt."))
    other = login(space.app, "rep1@example.org")
    decide = f"/alfa/proposals/{pid}/amendments/{aid}/decide"
    assert other.get(decide).status_code == 403
    assert member.post(decide, {"decision": "reject", "reason": "x"}).status_code == 403
    assert other.post(f"/alfa/proposals/{pid}/amendments/{aid}/withdraw").status_code == 403
    # a draft is its author's alone: not on the sheet, 404 for others
    assert other.get(f"/alfa/proposals/{pid}/amendments/{draft_id}").status_code == 404
    assert member.get(f"/alfa/proposals/{pid}/amendments/{draft_id}").status_code == 200
    assert "Nacrt." not in visitor(space.app).get(f"/alfa/proposals/{pid}/amendments/").get_data(
        as_text=True
    )
    # an admin decides too; an outsider cannot propose
    owner = login(space.app, "owner@example.org")
    assert owner.get(decide).status_code == 200
    outsider = login(space.app, "out@example.org")
    assert propose(outsider, pid, code, body="Y.").status_code == 403
    # the amender withdraws; a withdrawn one cannot be decided
    assert member.post(f"/alfa/proposals/{pid}/amendments/{aid}/withdraw").status_code == 303
    assert amendment(space, aid).state == "withdrawn"
    assert owner.post(decide, {"decision": "reject", "reason": "x"}).status_code == 409
    # an amendment of another proposal is not found under this one
    pid2 = space.proposal(articles=ARTICLES, state="consultation")
    assert member.get(f"/alfa/proposals/{pid2}/amendments/{aid}").status_code == 404


def test_bad_input_keeps_what_was_typed(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    code = codes(space, pid)[0]
    member = login(space.app, "member@example.org")
    response = propose(member, pid, code, body="Moj predlog teksta.", justification="")
    assert response.status_code == 422 and "Moj predlog teksta." in response.get_data(as_text=True)
    same = propose(member, pid, code, body=ARTICLES[0])
    assert same.status_code == 422 and field_error(same.get_data(as_text=True), "body")
    unknown = propose(member, pid, "nepostoji", body="X.")
    assert unknown.status_code == 422
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(Amendment.id))) == 0


def test_a_rejected_amendment_becomes_a_proposal_of_its_own(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    code = codes(space, pid)[1]
    member = login(space.app, "member@example.org")
    aid = amendment_id(propose(member, pid, code, body="Rok je 60 dana."))
    author = login(space.app, "author@example.org")
    author.post(f"/alfa/proposals/{pid}/amendments/{aid}/decide",
                {"decision": "reject", "reason": "Predug rok."})  # fmt: skip
    assert author.post(f"/alfa/proposals/{pid}/amendments/{aid}/promote").status_code == 403
    response = member.post(f"/alfa/proposals/{pid}/amendments/{aid}/promote")
    assert response.status_code == 303
    new_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    new = space.get(new_id)
    assert (new.state, new.lead_author_id) == ("draft", space.member.id)
    row = amendment(space, aid)
    assert (row.state, row.promoted_to_id) == ("promoted", new_id)
    page = member.get(f"/alfa/proposals/{new_id}").get_data(as_text=True)
    assert "Rok je 60 dana." in page and f"/alfa/proposals/{pid}/amendments/{aid}" in page
    assert member.post(f"/alfa/proposals/{pid}/amendments/{aid}/promote").status_code == 409


def test_the_sheet_is_numbered_and_readable_without_javascript(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    first, second = codes(space, pid)
    member = login(space.app, "member@example.org")
    a1 = amendment_id(propose(member, pid, second, body="Rok je 15 dana."))
    propose(member, pid, first, kind="delete", justification="Suvišno.")
    author = login(space.app, "author@example.org")
    author.post(f"/alfa/proposals/{pid}/amendments/{a1}/decide",
                {"decision": "reject", "reason": "Prekratko."})  # fmt: skip
    response = visitor(space.app).get(f"/alfa/proposals/{pid}/amendments/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Amendment 1" in html and "Amendment 2" in html
    assert html.index("Amendment 1") < html.index("Amendment 2")
    assert "Article 2." in html and second in html and "Mira Članica" in html
    assert "Rok je 15 dana." in html and "Kraći rok je pravedniji." in html
    assert "Prekratko." in html and "Suvišno." in html and "<script" not in html.split("<main")[-1]


def test_the_form_starts_from_the_current_text(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    second = codes(space, pid)[1]
    member = login(space.app, "member@example.org")
    page = member.get(f"/alfa/proposals/{pid}/amendments/new?target={second}")
    assert page.status_code == 200 and ARTICLES[1] in page.get_data(as_text=True)
    unchanged = propose(member, pid, second, body=ARTICLES[1])
    assert unchanged.status_code == 422
    assert "same as the current one" in unchanged.get_data(as_text=True)
