"""Demo working groups (fictional, like everything in the demo): in krusevac "Pristup
finansijama" with members on behalf of the directory's organizations and a sub-group, and an
open group on public procurement, a training and mentoring group, and an upcoming meeting; in korse
a cooperatives group and one on the legal framework; past
meetings with minutes, attendance, decisions and open tasks (one overdue). Made through the services
(invitations accepted for the organizations the people represent), so they have audit entries
like real ones."""

from __future__ import annotations

from datetime import date, time, timedelta

from flask import current_app, g
from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.demo import group_documents
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.extensions import db
from solidarna.groups import meetings, services
from solidarna.groups.models import GroupMeeting, GroupMembership, WorkingGroup
from solidarna.groups.records import GroupDecision, GroupTask, MeetingAttendance, MeetingMinutes

FICTIONAL = "*Demo grupa: izmišljena, za upoznavanje sa platformom.*"

# slug -> groups: (name, theme, visibility, policy, coordinator, mandate, goals,
#                  [(email, role, organization name or None)], parent name or None)
DEMO = {
    "krusevac": [
        ("Pristup finansijama", "finance", "public", "request", "jelena@example.org",
         "Grupa okuplja socijalna preduzeća, zadruge i udruženja Rasinskog okruga oko pristupa "
         "kreditima, garancijama i bespovratnim sredstvima. " + FICTIONAL,
         "- pregled postojećih izvora finansiranja\n- zajednički predlog lokalnog garantnog fonda\n"
         "- obuka za pripremu projektnih prijava",
         [("milan@example.org", "secretary", None),
          ("marko@example.org", "member", "Zadruga Rasinski med"),
          ("vesna@example.org", "member", "Udruženje Ruke za Kruševac"),
          ("jelena@example.org", "coordinator", "Regionalna razvojna agencija Rasina (demo)")],
         None),
        ("Mikrokrediti za zadruge", "finance", "members", "invitation", "jelena@example.org",
         "Podgrupa koja priprema predlog mikrokreditne linije za male zadruge. " + FICTIONAL, "",
         [("marko@example.org", "member", "Zadruga Rasinski med")],
         "Pristup finansijama"),
        ("Javne nabavke", "procurement", "public", "open", "milan@example.org",
         "Kako socijalna preduzeća učestvuju u javnim nabavkama grada i rezervisanim nabavkama. "
         + FICTIONAL, "", [("vesna@example.org", "observer", None)], None),
        ("Obuke i mentorstvo", "training", "public", "open", "milan@example.org",
         "Program obuka za one koji tek pokreću socijalno preduzeće i mentorstvo iskusnih "
         "zadruga i udruženja. " + FICTIONAL,
         "- kalendar obuka za 2027.\n- parovi mentora i novih preduzeća",
         [("marko@example.org", "member", "Zadruga Rasinski med")], None),
    ],
    "korse": [
        ("Zadrugarstvo", "cooperatives", "public", "request", "ivana@example.org",
         "Razmena iskustava zadruga iz cele Srbije i zajednički nastup prema institucijama. "
         + FICTIONAL, "",
         [("marko@example.org", "member", "Zadruga Rasinski med — član koalicije")], None),
        ("Zakonski okvir solidarne ekonomije", "legal", "public", "request", "ivana@example.org",
         "Priprema predloga izmena Zakona o socijalnom preduzetništvu i zakona o zadrugama na "
         "osnovu iskustava članica koalicije. " + FICTIONAL, "", [], None),
    ],
}  # fmt: skip

#: who represents which organization (added where the directory's demo has not)
REPRESENTATIVES = {
    "krusevac": [("vesna@example.org", "Udruženje Ruke za Kruševac"),
                 ("jelena@example.org", "Regionalna razvojna agencija Rasina (demo)"),
                 ("marko@example.org", "Zadruga Rasinski med")],
    "korse": [("marko@example.org", "Zadruga Rasinski med — član koalicije")],
}  # fmt: skip


def load_groups(tenant) -> int:
    """The space's demo groups (current tenant set). Returns how many were made."""
    plan = DEMO.get(tenant.slug)
    if plan is None or db.session.scalar(select(func.count(WorkingGroup.id))):
        return 0
    with current_app.test_request_context("/"):
        g.tenant = tenant
        try:
            return _load(tenant.slug, plan)
        finally:
            g.pop("tenant", None)


def _load(slug: str, plan: list) -> int:
    users = {u.email: u for u in db.session.scalars(select(User))}
    orgs = {o.name: o for o in db.session.scalars(select(Organization))}
    for email, org_name in REPRESENTATIVES.get(slug, []):
        org = orgs.get(org_name)
        if org is None:
            continue
        exists = db.session.scalar(
            select(Representative.id).where(
                Representative.organization_id == org.id,
                Representative.user_id == users[email].id,
            )
        )
        if exists is None:
            db.session.add(
                Representative(organization_id=org.id, user_id=users[email].id, status="active")
            )
    db.session.flush()
    made = {}
    for name, theme, visibility, policy, coordinator, mandate, goals, people, parent in plan:
        lead = users[coordinator]
        group = services.create(
            {"name": name, "theme": theme, "mandate": mandate, "goals": goals, "ends_on": None,
             "visibility": visibility, "join_policy": policy,
             "parent_id": made[parent].id if parent else None},
            lead,
        )  # fmt: skip
        made[name] = group
        for email, role, org_name in people:
            person = users[email]
            org = orgs.get(org_name) if org_name else None
            if person is lead:
                membership = services.own_membership(person, group)
                if org is not None and services.may_represent(person, org.id):
                    membership.organization_id = org.id
                    membership.organization_name = org.name
                continue
            services.invite(group, person, role, lead)
            services.answer_invitation(group, person, True, org.id if org else None)
    if slug == "krusevac":
        group = made["Pristup finansijama"]
        day = services.today() + timedelta(days=10)
        meetings.schedule(
            group,
            {"title": "Drugi sastanak: lokalni garantni fond", "place": "Kancelarija, sala 2",
             "starts_at": meetings.to_utc(day, time(17, 30)),
             "ends_at": meetings.to_utc(day, time(19, 0)), "online_url": "",
             "agenda": "1. Pregled izvora finansiranja\n2. Predlog garantnog fonda\n3. Razno"},
            users["jelena@example.org"], notify=False,
        )  # fmt: skip
        group_documents.load_documents(
            group, users["jelena@example.org"], users["vesna@example.org"]
        )
        group_documents.link_proposal(
            group, "Odluka o podršci socijalnim preduzećima na teritoriji grada Kruševca",
            users["jelena@example.org"],
        )  # fmt: skip
    for name, record in RECORDS.get(slug, {}).items():
        _past_meeting(made[name], record, users)
    db.session.flush()  # inside the space (the caller commits)
    return len(made)


# group name -> a past meeting: (title, days ago, place, minutes, decisions [(title, body)],
#                                 tasks [(title, assignee email, due in days: < 0 is overdue)])
RECORDS = {
    "krusevac": {
        "Pristup finansijama": (
            "Prvi sastanak: izvori finansiranja", 21, "Kancelarija, sala 2",
            "## Prisutni i dnevni red\n\nSastanak je otvorila koordinatorka. Razmotreni su "
            "postojeći izvori finansiranja za socijalna preduzeća u Rasinskom okrugu.\n\n"
            "## Zaključci\n\n- banke traže obezbeđenje koje male zadruge nemaju\n"
            "- lokalni garantni fond je najizvodljiviji prvi korak\n\n" + FICTIONAL,
            [("Grupa priprema predlog lokalnog garantnog fonda",
              "Predlog se upućuje gradu do kraja godine, uz podatke iz mape ekosistema."),
             ("Sledeći sastanak posvećen je garantnom fondu", "")],
            [("Prikupiti podatke o kreditima članica", "marko@example.org", -5),
             ("Napisati nacrt predloga garantnog fonda", "milan@example.org", 14)],
        ),
        "Javne nabavke": (
            "Uvodni sastanak o rezervisanim nabavkama", 12, "Gradska uprava, sala 1",
            "Razgovarano je o tome kako grad može da rezerviše deo nabavki za socijalna "
            "preduzeća. " + FICTIONAL,
            [("Grupa traži od grada plan nabavki za narednu godinu", "")],
            [("Poslati gradu zahtev za plan nabavki", "milan@example.org", 7)],
        ),
    },
    "korse": {
        "Zadrugarstvo": (
            "Razmena iskustava zadruga", 30, "Onlajn",
            "Zadruge su razmenile iskustva sa upisom u registar i pristupom tržištu. "
            + FICTIONAL,
            [("Koalicija priprema pregled prepreka za zadruge", "")],
            [("Prikupiti primere dobre prakse", "marko@example.org", 10)],
        ),
    },
}  # fmt: skip


def _past_meeting(group: WorkingGroup, record: tuple, users: dict) -> None:
    """A meeting that took place, with its minutes, the members present (each for the
    organization of their membership), its decisions and tasks; written directly (the
    services refuse dates in the past, and the demo notifies nobody)."""
    title, days_ago, place, minutes, decisions, tasks = record
    day = services.today() - timedelta(days=days_ago)
    lead = db.session.get(User, group.created_by_id)
    meeting = GroupMeeting(
        group_id=group.id, title=title, place=place, created_by_id=lead.id,
        starts_at=meetings.to_utc(day, time(17, 30)), ends_at=meetings.to_utc(day, time(19, 0)),
        agenda="1. Upoznavanje\n2. Plan rada",
    )  # fmt: skip
    db.session.add(meeting)
    db.session.flush()
    db.session.add(MeetingMinutes(meeting_id=meeting.id, body=minutes, written_by_id=lead.id,
                                  published_at=meeting.starts_at + timedelta(days=1)))  # fmt: skip
    for membership in db.session.scalars(
        select(GroupMembership).where(
            GroupMembership.group_id == group.id, GroupMembership.status == "active"
        )
    ):
        db.session.add(
            MeetingAttendance(
                meeting_id=meeting.id, membership_id=membership.id, user_id=membership.user_id,
                organization_id=membership.organization_id,
                organization_name=membership.organization_name,
            )
        )  # fmt: skip
    for number, (heading, body) in enumerate(decisions, start=1):
        db.session.add(
            GroupDecision(group_id=group.id, meeting_id=meeting.id, year=day.year, number=number,
                          title=heading, body=body, created_by_id=lead.id)
        )  # fmt: skip
    today: date = services.today()
    for heading, email, due in tasks:
        db.session.add(
            GroupTask(group_id=group.id, meeting_id=meeting.id, title=heading,
                      assignee_id=users[email].id, due_on=today + timedelta(days=due),
                      created_by_id=lead.id)
        )  # fmt: skip
