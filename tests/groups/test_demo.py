"""The demo's working groups: in krusevac "Pristup finansijama" with members on behalf of the
directory's organizations and a sub-group; their pages answer."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.groups.models import GroupMembership, WorkingGroup
from solidarna.groups.services import today as belgrade_today
from solidarna.tenants.models import Tenant
from tests.conftest import parse
from tests.groups.conftest import visitor


def test_demo_groups_load_once_and_answer(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "6 new groups" in first.output
    assert "0 new groups" in runner.invoke(args=["demo", "load"]).output
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "krusevac"))
    # the three in Kruševac (finance with its sub-group, procurement, training), two in
    # KoRSE
    with tenant_context(tenant.id):
        themes = set(db.session.scalars(db.select(WorkingGroup.theme)))
    assert themes == {"finance", "procurement", "training"}
    korse = db.session.scalar(db.select(Tenant).where(Tenant.slug == "korse"))
    with tenant_context(korse.id):
        assert db.session.scalar(db.select(db.func.count(WorkingGroup.id))) == 2
    with tenant_context(tenant.id):
        group = db.session.scalar(
            db.select(WorkingGroup).where(WorkingGroup.name == "Pristup finansijama")
        )
        represented = db.session.scalars(
            db.select(GroupMembership.organization_name).where(
                GroupMembership.group_id == group.id, GroupMembership.organization_id.is_not(None)
            )
        ).all()
        group_id, members = group.id, group.member_count
    assert members == 4
    assert sorted(represented) == [
        "Regionalna razvojna agencija Rasina (demo)", "Udruženje Ruke za Kruševac",
        "Zadruga Rasinski med",
    ]  # fmt: skip
    client = visitor(app)
    listing = client.get("/krusevac/groups/").get_data(as_text=True)
    assert "Pristup finansijama" in listing and "Javne nabavke" in listing
    assert "Mikrokrediti za zadruge" not in listing  # for the space's members only
    page = parse(client.get(f"/krusevac/groups/{group_id}").get_data(as_text=True))
    assert len(page.select("table.group-members tbody tr")) == 4
    assert len(page.select("table.group-organizations tbody tr")) == 3
    assert "Drugi sastanak: lokalni garantni fond" in page.get_text()
    assert client.get("/korse/groups/").status_code == 200


def test_demo_documents_and_the_proposal_the_group_works_on(runner, app):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "krusevac"))
    with tenant_context(tenant.id):
        group_id = db.session.scalar(
            db.select(WorkingGroup.id).where(WorkingGroup.name == "Pristup finansijama")
        )
    client = visitor(app)
    page = parse(client.get(f"/krusevac/groups/{group_id}").get_data(as_text=True))
    rows = page.select("#documents table tbody tr")
    assert len(rows) == 2
    assert "Zapisnik sa prvog sastanka" in page.select_one("#documents").get_text()
    download = page.select_one("#documents a[download]")["href"]
    answer = client.get(download)
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith(
        "attachment;"
    )
    proposal = page.select_one("#proposals li a")
    assert "Odluka o podršci" in proposal.get_text()
    proposal_page = parse(client.get(proposal["href"]).get_data(as_text=True))
    assert "Pristup finansijama" in proposal_page.select_one("#working-groups").get_text()


def test_demo_past_meetings_have_a_record(runner, app):

    import icalendar

    from solidarna.groups.models import GroupMeeting
    from solidarna.groups.records import GroupDecision, GroupTask, MeetingAttendance

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "krusevac"))
    with tenant_context(tenant.id):
        group = db.session.scalar(
            db.select(WorkingGroup).where(WorkingGroup.name == "Pristup finansijama")
        )
        past = db.session.scalar(
            db.select(GroupMeeting).where(
                GroupMeeting.group_id == group.id, GroupMeeting.title.like("Prvi sastanak%")
            )
        )
        upcoming = db.session.scalar(
            db.select(GroupMeeting.id).where(GroupMeeting.title.like("Drugi sastanak%"))
        )
        present = db.session.scalars(
            db.select(MeetingAttendance.organization_name).where(
                MeetingAttendance.meeting_id == past.id
            )
        ).all()
        decisions = db.session.scalars(
            db.select(GroupDecision).where(GroupDecision.group_id == group.id)
        ).all()
        tasks = db.session.scalars(db.select(GroupTask).where(GroupTask.done_at.is_(None))).all()
        group_id, past_id = group.id, past.id
        year, overdue = decisions[0].year, [t for t in tasks if t.due_on < belgrade_today()]
    assert len(present) == 4 and "Zadruga Rasinski med" in present
    assert sorted(d.number for d in decisions) == [1, 2]
    assert len(overdue) == 1 and len(tasks) >= 3
    client = visitor(app)
    page = client.get(f"/krusevac/groups/{group_id}/meetings/{past_id}").get_data(as_text=True)
    assert "lokalni garantni fond je najizvodljiviji" in page and f"Decision 1/{year}" in page
    group_page = client.get(f"/krusevac/groups/{group_id}").get_data(as_text=True)
    assert "Overdue" in group_page and "Prikupiti podatke o kreditima članica" in group_page
    assert client.get(f"/krusevac/groups/{group_id}/decisions/{year}/2").status_code == 200
    ics = client.get(f"/krusevac/groups/{group_id}/meetings/{upcoming}/calendar.ics")
    (event,) = icalendar.Calendar.from_ical(ics.data).walk("VEVENT")
    assert str(event["SUMMARY"]).startswith("Drugi sastanak: lokalni garantni fond")
