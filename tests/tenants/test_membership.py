from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.tenants.models import Invitation, Membership
from tests.conftest import EN, Client, link_in, parse


def memberships(db, tenant):
    with tenant_context(tenant.id):
        return {m.user.email: (m.role, m.status) for m in db.session.scalars(db.select(Membership))}


def test_join_request_approve_and_mail(client, db, make_user, make_tenant, outbox):
    owner = make_user(email="owner@example.org")
    make_user(email="nova@example.org", name="Nova Članica")
    tenant = make_tenant("alfa", members={owner: "owner"})
    client.login("nova@example.org")
    bad = client.post("/alfa/join", {"message": "kratko"}, headers=EN)
    assert bad.status_code == 422 and "10 to 2000" in bad.get_data(as_text=True)
    response = client.post("/alfa/join", {"message": "Zadruga Primer iz Brusa, predsednica."})
    assert response.status_code == 303
    assert memberships(db, tenant)["nova@example.org"] == ("member", "pending")
    assert outbox("owner@example.org"), "the owner is told of the request"
    # Asking again changes nothing: the page says so, no second request, no second mail.
    again = client.post(
        "/alfa/join", {"message": "Zadruga Primer iz Brusa, predsednica."}, headers=EN
    )
    assert again.status_code == 200
    assert "You have already asked to join or are a member." in again.get_data(as_text=True)
    assert memberships(db, tenant)["nova@example.org"] == ("member", "pending")
    assert len(outbox("owner@example.org")) == 1

    admin = Client(client.app)
    admin.login("owner@example.org")
    page = admin.get("/alfa/admin/members").get_data(as_text=True)
    assert "Nova Članica" in page and "Zadruga Primer iz Brusa" in page
    with tenant_context(tenant.id):
        request_id = db.session.scalar(
            db.select(Membership.id).where(Membership.status == "pending")
        )
    assert admin.post(f"/alfa/admin/members/{request_id}/approve").status_code == 303
    assert memberships(db, tenant)["nova@example.org"] == ("member", "active")
    (mail,) = outbox("nova@example.org")
    assert "/alfa/" in mail.body_text
    with tenant_context(tenant.id):
        actions = db.session.scalars(
            db.select(AuditEntry.action).where(AuditEntry.tenant_id == tenant.id)
        ).all()
    assert "member.requested" in actions and "member.approved" in actions
    audit_page = admin.get("/alfa/admin/audit", headers=EN).get_data(as_text=True)
    assert "as a member" in audit_page and "member.approved" not in audit_page


def test_reject_removes_request_and_tells_the_person(client, db, make_user, make_tenant, outbox):
    owner = make_user(email="owner@example.org")
    applicant = make_user(email="nova@example.org")
    tenant = make_tenant("alfa", members={owner: "owner", applicant: "pending"})
    client.login("owner@example.org")
    with tenant_context(tenant.id):
        request_id = db.session.scalar(
            db.select(Membership.id).where(Membership.user_id == applicant.id)
        )
    response = client.post(
        f"/alfa/admin/members/{request_id}/reject", {"reason": "Nije iz okruga."}
    )
    assert response.status_code == 303
    assert "nova@example.org" not in memberships(db, tenant)
    (mail,) = outbox("nova@example.org")
    assert "Nije iz okruga." in mail.body_text


def test_roles_and_the_last_owner(client, db, make_user, make_tenant):
    owner = make_user(email="owner@example.org")
    admin = make_user(email="admin@example.org")
    member = make_user(email="member@example.org")
    tenant = make_tenant("alfa", members={owner: "owner", admin: "admin", member: "member"})
    with tenant_context(tenant.id):
        ids = {m.user.email: m.id for m in db.session.scalars(db.select(Membership))}
    client.login("owner@example.org")
    # The only owner cannot step down or be suspended.
    assert (
        client.post(
            f"/alfa/admin/members/{ids['owner@example.org']}/role", {"role": "admin"}
        ).status_code
        == 409
    )
    assert client.post(f"/alfa/admin/members/{ids['owner@example.org']}/suspend").status_code == 409
    assert (
        client.post(
            f"/alfa/admin/members/{ids['member@example.org']}/role", {"role": "moderator"}
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/alfa/admin/members/{ids['member@example.org']}/role", {"role": "boss"}
        ).status_code
        == 422
    )
    assert memberships(db, tenant)["member@example.org"] == ("moderator", "active")
    # An admin may not make owners or touch owners.
    other = Client(client.app)
    other.login("admin@example.org")
    assert (
        other.post(
            f"/alfa/admin/members/{ids['member@example.org']}/role", {"role": "owner"}
        ).status_code
        == 403
    )
    assert other.post(f"/alfa/admin/members/{ids['owner@example.org']}/suspend").status_code == 403
    assert other.post(f"/alfa/admin/members/{ids['member@example.org']}/suspend").status_code == 303
    assert memberships(db, tenant)["member@example.org"] == ("moderator", "suspended")
    assert (
        other.post(f"/alfa/admin/members/{ids['member@example.org']}/reactivate").status_code == 303
    )
    # With a second owner, the first may step down.
    assert (
        client.post(
            f"/alfa/admin/members/{ids['admin@example.org']}/role", {"role": "owner"}
        ).status_code
        == 303
    )
    assert (
        client.post(
            f"/alfa/admin/members/{ids['owner@example.org']}/role", {"role": "member"}
        ).status_code
        == 303
    )


def test_suspended_member_loses_access(client, db, make_user, make_tenant):
    owner = make_user(email="owner@example.org")
    member = make_user(email="member@example.org")
    make_tenant("tajni", visibility="members", members={owner: "owner", member: "member"})
    client.login("member@example.org")
    assert "Prostor tajni" in client.get("/tajni/").get_data(as_text=True)
    admin = Client(client.app)
    admin.login("owner@example.org")
    page = parse(admin.get("/tajni/admin/members"))
    (row,) = [r for r in page.select('tr[id^="member-"]') if "member@example.org" in r.get_text()]
    member_id = row["id"].removeprefix("member-")
    assert admin.post(f"/tajni/admin/members/{member_id}/suspend").status_code == 303
    html = client.get("/tajni/", headers=EN).get_data(as_text=True)
    assert "open to its members only" in html


def test_invitation_for_a_new_person(client, db, make_user, make_tenant, outbox):
    owner = make_user(email="owner@example.org")
    tenant = make_tenant("alfa", members={owner: "owner"})
    client.login("owner@example.org")
    assert client.post("/alfa/admin/invitations", {"email": "bad"}, headers=EN).status_code == 422
    response = client.post(
        "/alfa/admin/invitations",
        {"email": "Gost@Example.org", "role": "moderator", "note": "Dobro došli u radnu grupu."},
    )
    assert response.status_code == 303
    (mail,) = outbox("gost@example.org")
    link = link_in(mail.body_text)
    assert "Dobro došli u radnu grupu." in mail.body_text

    guest = Client(client.app)
    page = guest.get(link, headers=EN)
    assert page.status_code == 200 and "create an account" in page.get_data(as_text=True).lower()
    make_user(email="gost@example.org", name="Gost Gostić")
    guest.login("gost@example.org")
    assert guest.post(link).status_code == 303
    assert memberships(db, tenant)["gost@example.org"] == ("moderator", "active")
    assert guest.post(link).status_code == 400  # used


def test_invitation_only_for_its_address_and_revocable(client, db, make_user, make_tenant, outbox):
    owner = make_user(email="owner@example.org")
    make_user(email="drugi@example.org")
    tenant = make_tenant("alfa", members={owner: "owner"})
    client.login("owner@example.org")
    client.post("/alfa/admin/invitations", {"email": "gost@example.org", "role": "admin"})
    link = link_in(outbox("gost@example.org")[0].body_text)
    stranger = Client(client.app)
    stranger.login("drugi@example.org")
    assert stranger.post(link).status_code == 409
    with tenant_context(tenant.id):
        invitation_id = db.session.scalar(db.select(Invitation.id))
    assert client.post(f"/alfa/admin/invitations/{invitation_id}/revoke").status_code == 303
    assert Client(client.app).get(link).status_code == 400


def test_admin_cannot_invite_owners(client, make_user, make_tenant):
    owner = make_user(email="owner@example.org")
    admin = make_user(email="admin@example.org")
    make_tenant("alfa", members={owner: "owner", admin: "admin"})
    client.login("admin@example.org")
    assert (
        client.post(
            "/alfa/admin/invitations", {"email": "x@example.org", "role": "owner"}
        ).status_code
        == 403
    )


def test_demo_load_is_idempotent(runner, db):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo", "load"])
    assert "0 new users, 0 new tenants, 0 new memberships" in second.output
    accounts = runner.invoke(args=["demo", "accounts"]).output
    assert "jelena@example.org" in accounts and "owner of krusevac" in accounts


def test_demo_spaces_and_categories_have_english_names(runner, db, client):
    from tests.conftest import EN, one, parse, text_of

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    home = parse(client.get("/krusevac/", headers=EN))
    assert (
        text_of(one(home, "h1")) == "Office for the Development of Social Entrepreneurship Kruševac"
    )
    discussions = parse(client.get("/korse/discussions/", headers=EN))
    assert [text_of(a) for a in discussions.select("main h2 a")][:2] == [
        "Announcements",
        "Questions and answers",
    ]
    assert "Obaveštenja" in client.get("/korse/discussions/").get_data(as_text=True)
