"""The documents and the cited figures cost the same number of SQL statements whatever the size
of the text, its endorsers or the figures cited (DESIGN §9): 3 and 120 articles with 2 and 40
endorsers; 1 and 5 cited figures of one provider."""

from __future__ import annotations

import pytest

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.evidence import ProposalEvidence
from tests.conftest import statements
from tests.proposals.conftest import visitor
from tests.proposals.test_query_counts import CEILING, fill_proposal


def count(app, url: str, login: str | None) -> int:
    client = visitor(app)
    if login:
        client.login(login)
    assert client.get(url).status_code == 200  # warm up
    with statements(db.engine) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


def cite(space, pid: int, places: list[str]) -> None:
    with tenant_context(space.tenant.id):
        for n, place in enumerate(places):
            db.session.add(
                ProposalEvidence(
                    proposal_id=pid, key="directory.social_enterprises_by_municipality",
                    params={"item": place}, label=place, value=n, as_of=utcnow().date(),
                    position=n,
                )
            )  # fmt: skip
        db.session.commit()


@pytest.mark.parametrize("page", ["print", "document.docx", "redline.docx?from=1&to=1"])
@pytest.mark.parametrize("login", [None, "owner@example.org"])
def test_documents_do_not_grow_with_the_text(space, page, login):
    small = fill_proposal(space, 3, 2)
    large = fill_proposal(space, 120, 40)
    assert (
        count(space.app, f"/alfa/proposals/{small}/{page}", login)
        == count(space.app, f"/alfa/proposals/{large}/{page}", login)
        <= CEILING
    )


@pytest.mark.parametrize("state", ["consultation", "endorsement"])
def test_cited_figures_do_not_grow_the_proposal_page(space, state):
    space.tenant.municipalities = ["Kruševac", "Brus", "Trstenik", "Varvarin", "Ćićevac"]
    db.session.commit()
    one, five = space.proposal(state=state), space.proposal(state=state)
    cite(space, one, ["Kruševac"])
    cite(space, five, ["Kruševac", "Brus", "Trstenik", "Varvarin", "Ćićevac"])
    assert (
        count(space.app, f"/alfa/proposals/{one}", "author@example.org")
        == count(space.app, f"/alfa/proposals/{five}", "author@example.org")
        <= CEILING
    )
