"""Demo working groups (fictional, like everything in the demo): in krusevac "Pristup
finansijama" with members on behalf of the directory's organizations and a sub-group, and an
open group on public procurement, and an upcoming meeting; in korse a cooperatives group. Made through the services
(invitations accepted for the organizations the people represent), so they have audit entries
like real ones."""

from __future__ import annotations

from datetime import time, timedelta

from flask import current_app, g
from sqlalchemy import func, select

from solidarna.accounts.models import User
from solidarna.demo import group_documents
from solidarna.directory.organizations.models import Organization, Representative
from solidarna.extensions import db
from solidarna.groups import meetings, services
from solidarna.groups.models import WorkingGroup

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
    ],
    "korse": [
        ("Zadrugarstvo", "cooperatives", "public", "request", "ivana@example.org",
         "Razmena iskustava zadruga iz cele Srbije i zajednički nastup prema institucijama. "
         + FICTIONAL, "",
         [("marko@example.org", "member", "Zadruga Rasinski med — član koalicije")], None),
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
            users["jelena@example.org"],
        )  # fmt: skip
        group_documents.load_documents(
            group, users["jelena@example.org"], users["vesna@example.org"]
        )
        group_documents.link_proposal(
            group, "Odluka o podršci socijalnim preduzećima na teritoriji grada Kruševca",
            users["jelena@example.org"],
        )  # fmt: skip
    db.session.flush()  # inside the space (the caller commits)
    return len(made)
