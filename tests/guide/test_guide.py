"""The "start here" guide: shipped in the pilot kits, shown in three languages, edited by the
space's admins (audited), validated in kits, and linked from the home page and navigation."""

from __future__ import annotations

from pathlib import Path

from solidarna.core.tenancy import tenant_context
from solidarna.guide import kit, views
from solidarna.tenants.kits import parse_kit
from solidarna.tenants.models import Tenant
from tests.conftest import Client, nav_links, parse, text_of

ROOT = Path(__file__).resolve().parents[2]


def test_the_pilot_kits_ship_the_guide_with_the_law_s_facts(app):
    for name in ("krusevac", "korse"):
        path = ROOT / "tenants" / f"{name}.toml"
        parsed = parse_kit(path.read_text(encoding="utf-8"), path.name)
        guide = parsed.starter["start_guide"]
        for fact in (
            "preduzetnici",
            "zadruge",
            "fondacije",
            "50% dobiti",
            "Agenciji za privredne registre",
            "14/2022",
        ):
            assert fact in guide["body"], (name, fact)
        assert "Business Registers Agency" in guide["body_en"]


def test_kit_validation_names_the_problem(app):
    assert kit.validate_guide("text", {})[1]
    assert kit.validate_guide({"body": ""}, {})[1]
    assert kit.validate_guide({"body": "x", "extra": "y"}, {})[1]
    value, problems = kit.validate_guide({"body": "## Korak", "body_en": ""}, {})
    assert value == {"body": "## Korak"} and problems == []
    assert kit.export_guide(value) == {"body": "## Korak"}


def test_visitors_read_it_in_their_language_and_script(app, make_tenant):
    make_tenant(
        "alfa",
        starter={
            "start_guide": {
                "body": "## Status u APR\n\nSocijalno preduzeće.",
                "body_en": "## Status at APR",
            }
        },
    )
    client = Client(app)
    page = parse(client.get("/alfa/start/").get_data(as_text=True))
    assert text_of(page.select_one("article.guide h4")) == "Status u APR"
    cyr = parse(
        client.get("/alfa/start/", headers={"Accept-Language": "sr-Cyrl"}).get_data(as_text=True)
    )
    assert "Статус у АПР" in text_of(cyr.select_one("article.guide"))
    en = parse(client.get("/alfa/start/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert text_of(en.select_one("article.guide h4")) == "Status at APR"
    home = client.get("/alfa/").get_data(as_text=True)
    assert parse(home).select_one('a[href="/alfa/start/"]') is not None
    assert "/alfa/start/" in nav_links(home).values()


def test_admins_edit_it_bad_input_is_kept_and_the_change_audited(app, db, make_user, make_tenant):
    admin = make_user(email="admin@example.org")
    member = make_user(email="member@example.org")
    tenant = make_tenant("alfa", members={admin: "admin", member: "member"})
    client = Client(app)
    client.login(member.email)
    assert client.get("/alfa/start/edit").status_code == 403
    client.logout()
    client.login(admin.email)
    response = client.post("/alfa/start/edit", {"body": "", "body_en": "Kept text"})
    assert response.status_code == 422
    page = parse(response.get_data(as_text=True))
    assert page.select_one("#body-error") is not None
    assert "Kept text" in text_of(page.select_one("#body_en"))
    assert (
        client.post("/alfa/start/edit", {"body": "## Prvi korak\n\n<script>x</script>"}).status_code
        == 303
    )
    html = client.get("/alfa/start/").get_data(as_text=True)
    assert "<script>x</script>" not in html and "Prvi korak" in html
    db.session.expire_all()
    assert db.session.get(Tenant, tenant.id).starter["start_guide"] == {
        "body": "## Prvi korak\n\n<script>x</script>"
    }
    with tenant_context(tenant.id):
        from solidarna.core.audit import AuditEntry

        actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "guide.changed" in actions


def test_support_is_linked_only_where_it_exists(app, make_tenant):
    from flask import g

    tenant = make_tenant("alfa", starter={"start_guide": {"body": "Tekst."}})
    without = make_tenant("beta", modules=["directory"], starter={"start_guide": {"body": "T."}})
    with app.test_request_context("/alfa/start/"):
        g.tenant = tenant
        assert views.support_url() == "/alfa/support/"
    with app.test_request_context("/beta/start/"):
        g.tenant = without
        assert views.support_url() is None  # the space has not switched support on
