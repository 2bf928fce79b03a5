"""Applying for a space at /onboarding/, the platform admins' queue, the guided start
(issue 17 items 1, 2 and 8)."""

from __future__ import annotations

import pytest

from solidarna.core.audit import AuditEntry
from solidarna.core.capabilities import registry
from solidarna.core.tenancy import tenant_context
from solidarna.tenants.applications import SpaceApplication
from solidarna.tenants.kits import KIT_DIR, load_kit
from solidarna.tenants.models import Invitation, Membership, Tenant
from tests.conftest import EN, Client, field_error, one, parse, text_of

PIB = "101134702"
GOOD = {
    "institution_name": "Opština Brus",
    "kind": "municipality",
    "pib": PIB,
    "mb": "07152833",
    "municipalities": ["Brus", "Aleksandrovac"],
    "kit": "krusevac",
    "slug": "brus",
    "default_locale": "sr_Cyrl",
}


@pytest.fixture
def people(make_user):
    return {
        "applicant": make_user(email="prijava@brus.rs", name="Ana Podnosić"),
        "other": make_user(email="drugi@example.org", name="Drugi Podnosilac"),
        "admin": make_user(email="platforma@example.org", is_platform_admin=True),
    }


def logged_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def apply(client, **changes):
    return client.post("/onboarding/", {**GOOD, **changes}, headers=EN)


def the_application(db) -> SpaceApplication:
    return db.session.scalar(db.select(SpaceApplication))


def actions(db) -> list[str]:
    return list(db.session.scalars(db.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_visitors_see_what_it_is_and_are_sent_to_log_in_and_back(client):
    page = client.get("/onboarding/", headers=EN)
    assert page.status_code == 200
    login = one(page, "main a.button")
    assert login["href"] == "/auth/login?next=/onboarding/"
    assert not parse(page).select("form[action='/onboarding/']")
    sent = client.post("/onboarding/", GOOD)
    assert sent.status_code in (302, 303) and "/auth/login" in sent.headers["Location"]


def test_apply_shows_status_page_mails_and_audits(app, db, people, outbox):
    client = logged_in(app, "prijava@brus.rs")
    form = parse(client.get("/onboarding/", headers=EN))
    # municipalities by district, checkboxes that work without JavaScript; every kit offered
    assert any("Rasinski" in text_of(s) for s in form.select("details.checks-group summary"))
    assert form.select("input[type=checkbox][name=municipalities][value=Brus]")
    assert {i["value"] for i in form.select("input[name=kit]")} == {
        p.stem for p in KIT_DIR.glob("*.toml")
    }
    slug = one(form, "input[name=slug]")
    assert slug["hx-get"] == "/onboarding/slug" and one(form, "#slug-check[aria-live=polite]")

    response = apply(client)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    application = the_application(db)
    assert response.headers["Location"] == f"/onboarding/applications/{application.id}"
    assert (application.status, application.applicant_id) == ("submitted", people["applicant"].id)
    assert application.municipalities == ["Brus", "Aleksandrovac"]
    assert (application.pib, application.mb, application.default_locale) == (
        PIB,
        "07152833",
        "sr_Cyrl",
    )
    status = client.get(response.headers["Location"], headers=EN)
    assert status.status_code == 200
    assert "The platform administrators have your application" in status.get_data(as_text=True)
    assert outbox("prijava@brus.rs") and outbox("platforma@example.org")
    assert "space_application.submitted" in actions(db)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pib": "101134703"}, "pib", "check digit does not match"),
        ({"pib": "12345"}, "pib", "exactly 9 digits"),
        ({"mb": "123"}, "mb", "8 digits"),
        ({"slug": "admin"}, "slug", "reserved by the platform"),
        ({"slug": "Brus Opština"}, "slug", "lowercase letters"),
        ({"slug": "alfa"}, "slug", "already taken"),
        ({"municipalities": []}, "municipalities", "at least one municipality"),
        ({"municipalities": ["Atlantida"]}, "municipalities", "offered options"),
        ({"kit": "nepostojeci"}, "kit", "offered options"),
        ({"kind": "kingdom"}, "kind", "offered options"),
    ],
)
def test_bad_input_is_a_localized_422(app, db, people, make_tenant, changes, field, message):
    make_tenant("alfa")
    client = logged_in(app, "prijava@brus.rs")
    response = apply(client, **changes)
    assert response.status_code == 422
    if field == "municipalities":
        assert message in text_of(one(response, "#municipalities-error"))
    else:
        assert message in field_error(response, field)
    assert the_application(db) is None


def test_errors_are_in_the_readers_language(app, db, people):
    client = logged_in(app, "prijava@brus.rs")
    response = client.post("/onboarding/", {**GOOD, "pib": "101134703", "slug": "admin"})
    assert response.status_code == 422
    assert "kontrolna cifra se ne poklapa" in field_error(response, "pib")
    assert "rezervisana" in field_error(response, "slug")


def test_an_address_another_application_proposes_is_taken(app, db, people):
    apply(logged_in(app, "prijava@brus.rs"))
    response = apply(logged_in(app, "drugi@example.org"))
    assert response.status_code == 422
    assert "Another application already proposes" in field_error(response, "slug")


def test_live_address_check(app, db, people, make_tenant):
    make_tenant("alfa")
    client = logged_in(app, "prijava@brus.rs")

    def check(slug):
        response = client.get(f"/onboarding/slug?slug={slug}", headers={**EN, "HX-Request": "true"})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    assert "/brus/ is free" in check("brus")
    assert "already taken" in check("alfa")
    assert "reserved" in check("onboarding")
    assert "lowercase letters" in check("x" * 300)
    assert check("").strip() == ""


def submitted(app, db, **changes) -> SpaceApplication:
    assert apply(logged_in(app, "prijava@brus.rs"), **changes).status_code == 303
    return the_application(db)


def test_approval_makes_the_space_from_the_kit_and_the_applicant_its_owner(app, db, people, outbox):
    application = submitted(app, db)
    admin = logged_in(app, "platforma@example.org")
    queue = admin.get("/admin/applications/", headers=EN)
    assert queue.status_code == 200 and "Opština Brus" in queue.get_data(as_text=True)
    detail = admin.get(f"/admin/applications/{application.id}", headers=EN)
    assert detail.status_code == 200 and PIB in detail.get_data(as_text=True)

    response = admin.post(f"/admin/applications/{application.id}/approve", headers=EN)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "brus"))
    kit = load_kit(KIT_DIR / "krusevac.toml")
    assert tenant.name == "Opština Brus" and tenant.kind == "municipality"
    assert tenant.taxonomies == kit.taxonomies and tenant.modules == kit.tenant["modules"]
    assert tenant.municipalities == ["Brus", "Aleksandrovac"] and tenant.region == "RS-19"
    assert tenant.default_locale == "sr_Cyrl"
    assert tenant.description == "" and tenant.name_en is None  # not the Kruševac office's
    with tenant_context(tenant.id):
        owners = db.session.scalars(db.select(Membership)).all()
    assert [(m.user_id, m.role, m.status) for m in owners] == [
        (people["applicant"].id, "owner", "active")
    ]
    db.session.expire_all()
    application = the_application(db)
    assert (application.status, application.tenant_id) == ("approved", tenant.id)
    assert {"tenant.created", "space_application.approved", "member.made_owner"} <= set(actions(db))
    mail = outbox("prijava@brus.rs")[-1]
    assert "/brus/admin/" in mail.body_text
    # the applicant's status page leads to the space; it cannot be approved twice
    status = logged_in(app, "prijava@brus.rs").get(
        f"/onboarding/applications/{application.id}", headers=EN
    )
    assert "/brus/admin/" in status.get_data(as_text=True)
    again = admin.post(f"/admin/applications/{application.id}/approve", headers=EN)
    assert again.status_code == 409
    assert db.session.scalar(db.select(db.func.count(Tenant.id))) == 1


def _nothing_left_behind(db, application_id, tenants_before):
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(Tenant.id))) == tenants_before
    assert db.session.get(SpaceApplication, application_id).status == "submitted"
    assert "space_application.approved" not in actions(db)
    assert "member.made_owner" not in actions(db)


def test_address_taken_between_check_and_approval_is_a_409(app, db, people, make_tenant):
    application = submitted(app, db)
    make_tenant("brus", name="Neko je bio brži")
    admin = logged_in(app, "platforma@example.org")
    detail = admin.get(f"/admin/applications/{application.id}", headers=EN)
    assert "already taken" in detail.get_data(as_text=True)
    response = admin.post(f"/admin/applications/{application.id}/approve", headers=EN)
    assert response.status_code == 409
    assert "already taken by another space" in response.get_data(as_text=True)
    _nothing_left_behind(db, application.id, tenants_before=1)


def test_a_race_on_the_address_fails_on_the_unique_constraint_and_leaves_nothing(
    app, db, people, make_tenant, monkeypatch
):
    """The space appears after every check ran: the database's unique constraint refuses the
    new row, and the whole approval goes back."""
    application = submitted(app, db)
    make_tenant("brus", name="Neko je bio brži")
    monkeypatch.setattr("solidarna.tenants.cli.db", _NoExistenceCheck())
    admin = logged_in(app, "platforma@example.org")
    response = admin.post(f"/admin/applications/{application.id}/approve", headers=EN)
    assert response.status_code == 409
    assert "already taken by another space" in response.get_data(as_text=True)
    monkeypatch.undo()
    _nothing_left_behind(db, application.id, tenants_before=1)


class _NoExistenceCheck:
    """tenants.cli's `db`, whose "is the address free?" query says yes (the race)."""

    def __getattr__(self, name):
        from solidarna.extensions import db

        return getattr(db, name)

    @property
    def session(self):
        from solidarna.extensions import db

        class Session:
            def __getattr__(self, name):
                return getattr(db.session, name)

            def scalar(self, *args, **kwargs):
                return None

        return Session()


def test_ask_for_more_then_the_applicant_edits_and_it_is_submitted_again(app, db, people, outbox):
    application = submitted(app, db)
    admin = logged_in(app, "platforma@example.org")
    empty = admin.post(f"/admin/applications/{application.id}/more", {"more-message": ""})
    assert empty.status_code == 422
    response = admin.post(
        f"/admin/applications/{application.id}/more",
        {"more-message": "Pošaljite i Varvarin, ako ga pokrivate."},
    )
    assert response.status_code == 303
    mail = outbox("prijava@brus.rs")[-1]
    assert "Pošaljite i Varvarin" in mail.body_text
    assert f"/onboarding/applications/{application.id}" in mail.body_text

    applicant = logged_in(app, "prijava@brus.rs")
    page = applicant.get(f"/onboarding/applications/{application.id}/edit", headers=EN)
    assert page.status_code == 200 and "Pošaljite i Varvarin" in page.get_data(as_text=True)
    # its own address is no conflict; a bad value is still a 422
    bad = applicant.post(
        f"/onboarding/applications/{application.id}/edit",
        {**GOOD, "pib": "1"},
        headers=EN,
    )
    assert bad.status_code == 422
    edited = applicant.post(
        f"/onboarding/applications/{application.id}/edit",
        {**GOOD, "municipalities": ["Brus", "Aleksandrovac", "Varvarin"]},
        headers=EN,
    )
    assert edited.status_code == 303
    db.session.expire_all()
    application = the_application(db)
    assert application.status == "submitted"
    assert application.municipalities == ["Brus", "Aleksandrovac", "Varvarin"]
    assert actions(db)[-1] == "space_application.resubmitted"
    # no longer editable once submitted again
    later = applicant.get(f"/onboarding/applications/{application.id}/edit")
    assert later.status_code == 303


def test_decline_is_mailed_with_the_reason(app, db, people, outbox):
    application = submitted(app, db)
    admin = logged_in(app, "platforma@example.org")
    response = admin.post(
        f"/admin/applications/{application.id}/decline",
        {"decline-message": "Opština već ima prostor u okrugu."},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert the_application(db).status == "declined"
    assert "Opština već ima prostor u okrugu." in outbox("prijava@brus.rs")[-1].body_text
    assert "space_application.declined" in actions(db)
    declined = admin.get("/admin/applications/?status=declined", headers=EN)
    assert "Opština Brus" in declined.get_data(as_text=True)
    assert admin.post(f"/admin/applications/{application.id}/approve").status_code == 409
    assert db.session.scalar(db.select(db.func.count(Tenant.id))) == 0


def test_the_queue_is_for_platform_admins_only(app, db, people):
    application = submitted(app, db)
    applicant = logged_in(app, "prijava@brus.rs")
    for path in ("/admin/applications/", f"/admin/applications/{application.id}"):
        assert applicant.get(path).status_code == 403
    for action in ("approve", "more", "decline"):
        path = f"/admin/applications/{application.id}/{action}"
        assert applicant.post(path, {"more-message": "x" * 10}).status_code == 403
    assert db.session.scalar(db.select(db.func.count(Tenant.id))) == 0


def test_another_person_cannot_see_or_edit_the_application(app, db, people):
    application = submitted(app, db)
    other = logged_in(app, "drugi@example.org")
    assert other.get(f"/onboarding/applications/{application.id}").status_code == 404
    assert other.get(f"/onboarding/applications/{application.id}/edit").status_code == 404
    edit = other.post(f"/onboarding/applications/{application.id}/edit", GOOD)
    assert edit.status_code == 404
    assert not parse(other.get("/onboarding/")).select("#mine-heading")


def test_guided_start_follows_the_space_and_can_be_dismissed(app, db, people):
    application = submitted(app, db)
    admin = logged_in(app, "platforma@example.org")
    assert admin.post(f"/admin/applications/{application.id}/approve").status_code == 303
    owner = logged_in(app, "prijava@brus.rs")

    def steps():
        page = owner.get("/brus/admin/", headers=EN)
        assert page.status_code == 200
        html = parse(page)
        return {
            li["id"].removeprefix("step-"): "done" in li["class"]
            for li in html.select("ol.checklist li[id]")
        }, one(html, "progress")

    found, progress = steps()
    # research is not on every platform: its step is offered only where the module exists
    expected = {"settings", "invite", "taxonomy", "import", "start_work"}
    assert expected <= set(found)
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "brus"))
    has_research = "research" in registry().modules() and "research" in tenant.modules
    assert ("survey" in found) == has_research
    assert found["taxonomy"] and not found["invite"] and not found["import"]
    assert progress["value"] == "1"

    with tenant_context(tenant.id):
        db.session.add(Invitation(email="kolega@brus.rs", role="admin"))
        db.session.commit()
    found, progress = steps()
    assert found["invite"] and progress["value"] == "2"

    assert owner.post("/brus/admin/start/import").status_code == 303
    found, progress = steps()
    assert "import" not in found and progress["max"] == str(len(found))
    assert owner.post("/brus/admin/start/import", {"restore": "1"}).status_code == 303
    assert "import" in steps()[0]
    assert owner.post("/brus/admin/start/nothing").status_code == 404

    outsider = logged_in(app, "drugi@example.org")
    assert outsider.get("/brus/admin/").status_code == 403
