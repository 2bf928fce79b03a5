"""The advocacy scorecard: per institution, submitted, answered, adopted, rejected, no answer and
the median days to the first answer, from proposals moved along the road through the pages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import insert

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.models import Institution, Proposal, ProposalEvent
from solidarna.proposals.workflow import today
from tests.conftest import parse, statements
from tests.proposals.conftest import visitor


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def submitted(space, admin, title, institution, steps, days_ago=100):
    """A proposal taken through the road to `institution`, then `steps`: [(state, day)] where
    day counts from the submission."""
    pid = space.proposal(title, state="adopted")
    start = today() - timedelta(days=days_ago)
    response = admin.post(
        f"/alfa/proposals/{pid}/move/submitted",
        {"institution_id": str(institution), "happened_on": start.isoformat()},
    )
    assert response.status_code == 303
    for state, day in steps:
        response = admin.post(
            f"/alfa/proposals/{pid}/move/{state}",
            {"happened_on": (start + timedelta(days=day)).isoformat()},
        )
        assert response.status_code == 303, state
    return pid


def table(response) -> dict[str, list[str]]:
    page = parse(response)
    found = {}
    for tr in page.select("table.scorecard-table tbody tr, table.scorecard-table tfoot tr"):
        found[tr.th.get_text(strip=True)] = [td.get_text(strip=True) for td in tr.find_all("td")]
    return found


def test_the_scorecard_counts_what_each_institution_did(space):
    with tenant_context(space.tenant.id):
        ministry = Institution(name="Ministarstvo za rad", level="national")
        db.session.add(ministry)
        db.session.commit()
        ministry_id = ministry.id
    admin = login(space.app, "owner@example.org")
    city = space.institution
    submitted(space, admin, "Prvi", city, [("in_assembly", 30), ("adopted_by_institution", 60)])
    submitted(space, admin, "Drugi", city, [("rejected", 10)])
    submitted(space, admin, "Treći", city, [("no_answer", 50)])
    submitted(space, admin, "Četvrti", ministry_id, [("partly_adopted", 5)])
    space.proposal("Još se potpisuje", state="endorsement")

    client = visitor(space.app)
    response = client.get("/alfa/proposals/scorecard")
    assert response.status_code == 200
    page = parse(response)
    assert page.find("caption").get_text(strip=True).startswith("4 proposals submitted")
    rows = table(response)
    # submitted, answered, adopted, rejected, no answer, median days
    assert rows["Skupština grada Kruševca"] == ["3", "2", "1", "1", "1", "20"]
    assert rows["Ministarstvo za rad"] == ["1", "1", "1", "0", "0", "5"]
    assert rows["All institutions"] == ["4", "3", "2", "1", "1", "10"]
    assert list(rows)[0] == "Skupština grada Kruševca"  # most submitted first
    # the list links to it; it links back
    index = parse(client.get("/alfa/proposals/"))
    assert index.find("a", href="/alfa/proposals/scorecard") is not None
    assert page.find("a", href="/alfa/proposals/") is not None


def test_an_empty_scorecard_and_another_space(space, make_tenant):
    client = visitor(space.app)
    empty = client.get("/alfa/proposals/scorecard")
    assert empty.status_code == 200 and "No proposal has been submitted" in empty.get_data(
        as_text=True
    )
    admin = login(space.app, "owner@example.org")
    submitted(space, admin, "Prvi", space.institution, [("rejected", 3)])
    other = make_tenant("beta", members={space.owner: "owner"})
    assert "Skupština grada" not in client.get("/beta/proposals/scorecard").get_data(as_text=True)
    assert client.get(f"/{other.slug}/proposals/scorecard").status_code == 200


def test_the_scorecard_statements_do_not_grow(space):
    def fill(count):
        now = utcnow()
        with tenant_context(space.tenant.id):
            ids = db.session.execute(
                insert(Proposal).returning(Proposal.id),
                [
                    {"tenant_id": space.tenant.id, "title": f"P {n}", "kind": "subsidy",
                     "level": "local", "state": "rejected", "lead_author_id": space.author.id,
                     "institution_id": space.institution, "submitted_to_id": space.institution,
                     "submitted_on": today() - timedelta(days=40), "search_text": "",
                     "created_at": now, "updated_at": now, "last_activity_at": now,
                     "beneficiary_groups": [], "beneficiary_actor_types": []}
                    for n in range(count)
                ],
            ).scalars().all()  # fmt: skip
            db.session.execute(
                insert(ProposalEvent),
                [{"tenant_id": space.tenant.id, "proposal_id": pid, "state": state,
                  "from_state": "submitted", "happened_on": today() - timedelta(days=days),
                  "note": "", "link": "", "created_at": now}
                 for pid in ids for state, days in (("in_assembly", 30), ("rejected", 20))],
            )  # fmt: skip
            db.session.commit()

    def count():
        client = login(space.app, "member@example.org")  # a member: never the page cache
        assert client.get("/alfa/proposals/scorecard").status_code == 200
        with statements(db.engine) as seen:
            response = client.get("/alfa/proposals/scorecard?fresh=1")
        assert response.status_code == 200
        return len(seen), response

    fill(3)
    small, _ = count()
    fill(120)
    large, response = count()
    assert small == large <= 12, (small, large)
    assert small >= 3  # the page was rendered: the scorecard's own three statements
    assert table(response)["All institutions"] == ["123", "123", "0", "123", "0", "10"]
