"""Evidence from the map: the directory's figures through core/evidence.py; a proposal cites
one, shows it with its date, live while the text is open, stored when it closes and frozen into
the submitted version."""

from __future__ import annotations

from datetime import timedelta

from flask import g
from flask_babel import force_locale

from solidarna.core import evidence as registry
from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.services import create_organization
from solidarna.extensions import db
from solidarna.proposals import evidence, workflow
from solidarna.proposals.evidence import ProposalEvidence
from solidarna.proposals.models import ProposalVersion
from tests.proposals.conftest import visitor

SE = "directory.social_enterprises_by_municipality"


def _enterprise(space, name, vulnerable=0, municipality="Kruševac", moderation="verified"):
    with space.app.test_request_context(), tenant_context(space.tenant.id):
        create_organization(
            {"name": name, "legal_form": "doo", "actor_type": "social_enterprise",
             "municipality": municipality, "employees_total": vulnerable + 2,
             "employees_vulnerable": vulnerable},
            {}, None, source="office", moderation=moderation,
        )  # fmt: skip
        db.session.commit()


def _ctx(space):
    ctx = space.app.test_request_context()
    ctx.push()
    g.tenant = db.session.merge(space.tenant)
    return ctx


def _figures(space, key):
    ctx = _ctx(space)
    try:
        with force_locale("en"), tenant_context(space.tenant.id):
            return {f.item: f for f in registry.figures(g.tenant, key)}
    finally:
        ctx.pop()


def test_the_directory_offers_its_verified_counts(space):
    space.tenant.municipalities = ["Kruševac", "Brus"]
    db.session.commit()
    _enterprise(space, "Socijalno preduzeće Lipa", vulnerable=4)
    _enterprise(space, "Socijalno preduzeće Hrast", vulnerable=3)
    _enterprise(space, "Neprovereno preduzeće", vulnerable=50, moderation="pending")
    by_place = _figures(space, SE)
    assert by_place["Kruševac"].value == 2 and by_place["Brus"].value == 0
    assert "Kruševac" in by_place["Kruševac"].label
    assert _figures(space, "directory.vulnerable_employees")["all"].value == 7
    types = _figures(space, "directory.organizations_by_actor_type")
    assert types["social_enterprise"].value == 2 and types["cooperative"].value == 1


def test_no_figures_where_the_directory_is_off(space):
    space.tenant.modules = ["proposals", "discussions"]
    db.session.commit()
    ctx = _ctx(space)
    try:
        with tenant_context(space.tenant.id):
            assert registry.providers(g.tenant) == []
            assert registry.figures(g.tenant, SE) == []
    finally:
        ctx.pop()


def _author(space):
    client = visitor(space.app)
    client.login("author@example.org")
    return client


def _cite(client, pid, key=SE, item="Kruševac"):
    return client.post(f"/alfa/proposals/{pid}/evidence", {"key": key, "item": item})


def test_a_cited_figure_is_live_while_the_text_is_open(space):
    _enterprise(space, "Socijalno preduzeće Lipa")
    pid = space.proposal()
    client = _author(space)
    page = client.get(f"/alfa/proposals/{pid}/evidence").get_data(as_text=True)
    assert "Verified social enterprises in Kruševac" in page or "Kruševac" in page
    assert _cite(client, pid).status_code == 303
    detail = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Figures from the ecosystem map" in detail and "today's value" in detail
    with tenant_context(space.tenant.id):
        versions = db.session.scalars(
            db.select(ProposalVersion).where(ProposalVersion.proposal_id == pid)
            .order_by(ProposalVersion.number.desc())
        ).all()  # fmt: skip
        assert versions[0].message.startswith("Cited a figure")
        assert versions[0].snapshot["evidence"][0]["value"] == 1
    _enterprise(space, "Socijalno preduzeće Hrast")
    html = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "<strong>2</strong>" in html  # the new entry counts at once
    # the DOCX quotes it with its date
    import io

    from docx import Document

    document = Document(io.BytesIO(client.get(f"/alfa/proposals/{pid}/document.docx").data))
    assert any("Kruševac: 2 (as of" in p.text for p in document.paragraphs)


def test_bad_citations_are_refused_clearly(space):
    _enterprise(space, "Socijalno preduzeće Lipa")
    pid = space.proposal(state="consultation")
    client = _author(space)
    unknown = _cite(client, pid, key="directory.nothing")
    assert unknown.status_code == 422 and "not offered" in unknown.get_data(as_text=True)
    assert _cite(client, pid, item="").status_code == 422
    assert _cite(client, pid).status_code == 303
    again = _cite(client, pid)
    assert again.status_code == 409 and "already cites" in again.get_data(as_text=True)
    member = visitor(space.app)
    member.login("member@example.org")
    assert _cite(member, pid).status_code == 403  # a member, not an author
    assert member.get(f"/alfa/proposals/{pid}/evidence").status_code == 403
    anonymous = visitor(space.app)
    assert anonymous.get(f"/alfa/proposals/{pid}/evidence").status_code in (302, 303)


def test_stored_when_the_text_closes_and_frozen_on_submission(space):
    _enterprise(space, "Socijalno preduzeće Lipa")
    pid = space.proposal(state="consultation")
    client = _author(space)
    assert _cite(client, pid).status_code == 303
    _enterprise(space, "Socijalno preduzeće Hrast")
    ctx = _ctx(space)
    try:
        with force_locale("en"), tenant_context(space.tenant.id):
            proposal = space.get(pid)
            actor = db.session.merge(space.owner)
            ends = workflow.today() + timedelta(days=10)
            workflow.move(proposal, "endorsement", {"ends": ends}, actor)
            db.session.commit()
            row = db.session.scalar(db.select(ProposalEvidence))
            assert row.value == 2  # today's value, stored as the text closed
    finally:
        ctx.pop()
    _enterprise(space, "Socijalno preduzeće Bor")
    html = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "<strong>2</strong>" in html and "today's value" not in html
    # the text is fixed: no new citation, no removal
    assert _cite(client, pid, item="Trstenik").status_code == 409
    ctx = _ctx(space)
    try:
        with force_locale("en"), tenant_context(space.tenant.id):
            proposal = space.get(pid)
            proposal.state = "adopted"
            actor = db.session.merge(space.owner)
            workflow.move(proposal, "submitted", {"institution_id": space.institution}, actor)
            db.session.commit()
            row = db.session.scalar(db.select(ProposalEvidence))
            newest = db.session.scalar(
                db.select(ProposalVersion).where(ProposalVersion.proposal_id == pid)
                .order_by(ProposalVersion.number.desc())
            )  # fmt: skip
            assert row.frozen_version == newest.number and row.value == 2
            assert newest.snapshot["evidence"][0]["value"] == 2
            assert newest.message.startswith("Submitted")
            cited = evidence.shown(proposal)
            assert cited[0].frozen and not cited[0].live
    finally:
        ctx.pop()
    html = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "frozen in version" in html and "<strong>2</strong>" in html
    remove = client.post(f"/alfa/proposals/{pid}/evidence/{row.id}/remove")
    assert remove.status_code == 409


def test_a_figure_no_longer_offered_keeps_its_value_marked(space):
    _enterprise(space, "Socijalno preduzeće Lipa")
    pid = space.proposal()
    client = _author(space)
    assert _cite(client, pid).status_code == 303
    space.tenant.modules = ["proposals", "discussions"]
    db.session.commit()
    html = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "no longer offered" in html and "<strong>1</strong>" in html
    with tenant_context(space.tenant.id):
        row_id = db.session.scalar(db.select(ProposalEvidence.id))
    assert client.post(f"/alfa/proposals/{pid}/evidence/{row_id}/remove").status_code == 303
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(ProposalEvidence.id))) == 0
