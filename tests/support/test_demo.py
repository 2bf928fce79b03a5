"""The demo's support cases: a dozen in Kruševac in every status with barrier codes; the office's
pages show them and the statistics count them."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.support.models import STATUSES, SupportCase, SupportCaseBarrier
from solidarna.tenants.models import Tenant
from tests.conftest import Client, parse, text_of


def test_demo_support_cases_load_once_and_answer(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "12 new support cases" in first.output
    assert "0 new support cases" in runner.invoke(args=["demo", "load"]).output
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "krusevac"))
    with tenant_context(tenant.id):
        statuses = set(db.session.scalars(db.select(SupportCase.status)))
        tagged = db.session.scalar(
            db.select(db.func.count(db.func.distinct(SupportCaseBarrier.case_id)))
        )
    assert statuses == set(STATUSES)
    assert tagged == 10
    office = Client(app)
    office.login("milan@example.org", "solidarna-demo-2026")
    dashboard = parse(office.get("/krusevac/support/office/"))
    assert len(dashboard.select("#open-cases tbody tr")) == 8
    assert office.get("/krusevac/support/office/barriers").status_code == 200
    statistics = parse(office.get("/krusevac/support/office/statistics"))
    assert [text_of(td) for td in statistics.select("#by-month-table tbody td")]
    petar = Client(app)
    petar.login("petar@example.org", "solidarna-demo-2026")
    mine = parse(petar.get("/krusevac/support/"))
    assert len(mine.select("table tbody tr")) == 4
    case_link = mine.select_one("table tbody a")["href"]
    assert "Proveriti sa pravnom" not in petar.get(case_link).get_data(as_text=True)
