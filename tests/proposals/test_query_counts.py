"""The list and a proposal's page render with the same number of SQL statements at two data
sizes (DESIGN §9: no N+1): 5 and 150 proposals; 3 and 120 articles with 2 and 40 endorsers."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from solidarna.core.models import utcnow
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.extensions import db
from solidarna.proposals.models import Endorsement, Proposal, ProposalPart, ProposalTag
from tests.conftest import statements
from tests.proposals.conftest import visitor

# (+1: the working groups on a proposal, through core/links.py)
CEILING = 25


def fill_list(space, count: int) -> None:
    now = utcnow()
    with tenant_context(space.tenant.id):
        db.session.execute(
            insert(Proposal),
            [
                {"tenant_id": space.tenant.id, "title": f"Predlog {n}", "kind": "subsidy",
                 "level": "local", "state": "consultation", "lead_author_id": space.author.id,
                 "institution_id": space.institution, "summary": "Sažetak.", "search_text": "",
                 "created_at": now, "updated_at": now, "last_activity_at": now,
                 "version_count": 1, "beneficiary_groups": [], "beneficiary_actor_types": []}
                for n in range(count)
            ],
        )  # fmt: skip
        ids = db.session.scalars(
            db.select(Proposal.id).where(~Proposal.id.in_(db.select(ProposalTag.proposal_id)))
        ).all()
        db.session.execute(
            insert(ProposalTag),
            [{"tenant_id": space.tenant.id, "proposal_id": i, "value": f"oznaka {i % 4}"}
             for i in ids],
        )  # fmt: skip
        db.session.commit()


def fill_proposal(space, articles: int, endorsers: int) -> int:
    pid = space.proposal(articles=(), state="endorsement")
    with tenant_context(space.tenant.id):
        db.session.execute(
            insert(ProposalPart),
            [
                {"tenant_id": space.tenant.id, "proposal_id": pid, "code": f"c{pid}x{n}",
                 "position": n, "kind": "article", "heading": f"Naslov {n}",
                 "body": f"Tekst člana {n}.", "body_html": f"<p>Tekst člana {n}.</p>"}
                for n in range(articles)
            ],
        )  # fmt: skip
        now = utcnow()
        db.session.execute(
            insert(Organization),
            [
                {"tenant_id": space.tenant.id, "name": f"Org {pid}-{n}", "legal_form": "association",
                 "actor_type": "association", "municipality": "Brus", "district_iso": "RS-19",
                 "moderation": "verified", "se_status": "no", "status": "active",
                 "source": "office", "field_visibility": {}, "created_at": now, "updated_at": now}
                for n in range(endorsers)
            ],
        )  # fmt: skip
        orgs = db.session.scalars(
            db.select(Organization.id).where(Organization.name.like(f"Org {pid}-%"))
        ).all()
        db.session.execute(
            insert(Endorsement),
            [{"tenant_id": space.tenant.id, "proposal_id": pid, "organization_id": o,
              "organization_name": f"Org {o}", "kind": "support", "acted_by_id": space.rep1.id,
              "created_at": now} for o in orgs],
        )  # fmt: skip
        db.session.add(
            Representative(organization_id=orgs[0], user_id=space.rep2.id, status="active")
        )
        db.session.commit()
    return pid


def count(app, url: str, login: str | None) -> int:
    client = visitor(app)
    if login:
        client.login(login)
    assert client.get(url).status_code == 200  # warm up
    with statements(db.engine) as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize("login", [None, "member@example.org", "owner@example.org"])
def test_list_statements_do_not_grow_with_proposals(space, login):
    sorts = ("", "?sort=activity", "?sort=endorsements")
    fill_list(space, 5)
    small = count(space.app, "/alfa/proposals/", login)
    small_sorted = [count(space.app, f"/alfa/proposals/{s}", login) for s in sorts]
    fill_list(space, 150)
    large = count(space.app, "/alfa/proposals/", login)
    assert [count(space.app, f"/alfa/proposals/{s}", login) for s in sorts] == small_sorted
    filtered = count(space.app, "/alfa/proposals/?q=predlog&tag=oznaka+1&sort=activity", login)
    assert small == large <= CEILING and filtered <= CEILING


@pytest.mark.parametrize("login", [None, "rep2@example.org", "owner@example.org"])
def test_proposal_page_statements_do_not_grow_with_articles_or_endorsers(space, login):
    small = fill_proposal(space, 3, 2)
    large = fill_proposal(space, 120, 40)
    assert (
        count(space.app, f"/alfa/proposals/{small}", login)
        == count(space.app, f"/alfa/proposals/{large}", login)
        <= CEILING
    )
