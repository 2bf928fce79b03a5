"""The road: named moves with their permissions, 409 with the reason for a move the table does
not have, the public timeline and the audit log."""

from __future__ import annotations

from datetime import timedelta

from solidarna.core import audit
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.models import ProposalEvent
from solidarna.proposals.permissions import TRANSITIONS
from solidarna.proposals.workflow import today
from tests.conftest import field_error
from tests.proposals.conftest import visitor


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def state_of(space, pid):
    return space.get(pid).state


def test_every_move_names_a_permission():
    assert all(getattr(p, "__name__", "").startswith("can_") for p in TRANSITIONS.values())
    assert ("draft", "submitted") not in TRANSITIONS


def test_the_author_opens_consultation_with_an_end_date(space):
    pid = space.proposal()
    client = login(space.app, "author@example.org")
    missing = client.post(f"/alfa/proposals/{pid}/move/consultation", {"note": "Otvaramo"})
    assert missing.status_code == 422 and field_error(missing.get_data(as_text=True), "ends")
    assert "Otvaramo" in missing.get_data(as_text=True)  # the input is kept
    ends = (today() + timedelta(days=14)).isoformat()
    response = client.post(
        f"/alfa/proposals/{pid}/move/consultation",
        {"ends": ends, "note": "Otvaramo raspravu", "link": "https://example.org/poziv"},
    )
    assert response.status_code == 303
    assert state_of(space, pid) == "consultation"
    page = visitor(space.app).get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Otvaramo raspravu" in page and "https://example.org/poziv" in page


def test_a_move_not_in_the_table_answers_409_with_the_reason(space):
    pid = space.proposal()
    client = login(space.app, "owner@example.org")
    response = client.post(f"/alfa/proposals/{pid}/move/submitted", {})
    assert response.status_code == 409
    assert "cannot move to" in response.get_data(as_text=True)
    assert client.get(f"/alfa/proposals/{pid}/move/nonsense").status_code == 404


def test_members_may_not_adopt_or_submit(space):
    pid = space.proposal(state="endorsement")
    author = login(space.app, "author@example.org")
    assert author.post(f"/alfa/proposals/{pid}/move/adopted", {}).status_code == 403
    assert state_of(space, pid) == "endorsement"


def test_the_whole_road_is_on_the_timeline_and_in_the_audit_log(space):
    pid = space.proposal(state="endorsement")
    admin = login(space.app, "owner@example.org")
    assert (
        admin.post(f"/alfa/proposals/{pid}/move/adopted", {"note": "Usvojeno"}).status_code == 303
    )
    no_institution = admin.post(
        f"/alfa/proposals/{pid}/move/submitted", {"institution_id": "999999"}
    )
    assert no_institution.status_code == 422
    response = admin.post(
        f"/alfa/proposals/{pid}/move/submitted",
        {"institution_id": str(space.institution), "reference_number": "06-123/2026"},
    )
    assert response.status_code == 303
    admin.post(f"/alfa/proposals/{pid}/move/in_assembly", {})
    admin.post(
        f"/alfa/proposals/{pid}/move/adopted_by_institution",
        {"gazette_reference": "Sl. list grada Kruševca 7/2026"},
    )
    future = (today() + timedelta(days=3)).isoformat()
    assert (
        admin.post(f"/alfa/proposals/{pid}/move/implemented", {"happened_on": future}).status_code
        == 422
    )
    admin.post(f"/alfa/proposals/{pid}/move/implemented", {})
    proposal = space.get(pid)
    assert proposal.state == "implemented" and proposal.reference_number == "06-123/2026"
    with tenant_context(space.tenant.id):
        events = db.session.scalars(
            db.select(ProposalEvent.state).where(ProposalEvent.proposal_id == pid)
        ).all()
        assert events == ["adopted", "submitted", "in_assembly", "adopted_by_institution",
                          "implemented"]  # fmt: skip
    moves = [
        e for e in audit.entries(tenant_id=space.tenant.id).items if e.action == "proposal.moved"
    ]
    assert {(e.details["old"], e.details["new"]) for e in moves} == {
        ("endorsement", "adopted"), ("adopted", "submitted"), ("submitted", "in_assembly"),
        ("in_assembly", "adopted_by_institution"), ("adopted_by_institution", "implemented"),
    }  # fmt: skip
    page = visitor(space.app).get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Sl. list grada Kruševca 7/2026" in page and "06-123/2026" in page
