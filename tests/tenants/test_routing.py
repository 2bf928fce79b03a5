import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.tenants.models import RESERVED_SLUGS, slug_problem
from tests.conftest import EN, Client, field_error, one, parse, text_of


def test_tenant_home_shows_who_and_what(client, make_user, make_tenant):
    owner = make_user()
    make_tenant(
        "alfa",
        members={owner: "owner"},
        description="Opis prostora Kruševac.",
        region="RS-19",
        municipalities=["Kruševac", "Brus"],
    )
    html = client.get("/alfa/", headers={"Accept-Language": "sr-Cyrl"}).get_data(as_text=True)
    assert "Опис простора Крушевац." in html  # user content in the reader's script
    assert "Брус" in html
    html = client.get("/alfa/", headers=EN).get_data(as_text=True)
    assert "Members" in html and "Rasinski okrug" in html


def test_unknown_tenant_is_404(client):
    assert client.get("/nope/").status_code == 404
    assert client.get("/nope/admin/members").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/alfa/practices/9223372036854775808",  # 2**63: beyond SQLite's integer
        "/alfa/practices/2147483648",  # 2**31: beyond PostgreSQL's integer primary keys
        "/alfa/resources/18446744073709551616",  # 2**64
        "/alfa/directory/0",
        "/alfa/discussions/t/" + "9" * 5000,  # more digits than int() reads
        "/alfa/discussions/t/1/post/2147483648",
    ],
)
def test_ids_beyond_the_database_are_404(client, make_tenant, path):
    """Every <int:...> of every route is a DatabaseId (core/urls.py): out of range, no match."""
    make_tenant("alfa")
    client.app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get(path, headers=EN)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_nul_in_the_path_is_a_clear_400(client, make_tenant):
    make_tenant("alfa")
    response = client.get("/alfa%00/resources/", headers=EN)
    assert response.status_code == 400
    assert "not allowed (NUL)" in response.get_data(as_text=True)


def test_suspended_tenant_shows_a_clear_page(client, make_user, make_tenant, db):
    tenant = make_tenant("alfa")
    tenant.status = "suspended"
    db.session.commit()
    response = client.get("/alfa/", headers=EN)
    assert response.status_code == 403
    assert "suspended" in response.get_data(as_text=True)


def test_members_only_tenant_shows_outsiders_only_name_and_join(client, make_user, make_tenant):
    owner = make_user(name="Skrivena Vlasnica")
    make_tenant("tajni", visibility="members", members={owner: "owner"}, description="Tajni opis.")
    html = client.get("/tajni/", headers=EN).get_data(as_text=True)
    assert "Prostor tajni" in html and "Log in to join" in html
    assert "Tajni opis." not in html and "Skrivena Vlasnica" not in html
    make_user(email="outsider@example.org")
    client.login("outsider@example.org")
    html = client.get("/tajni/", headers=EN).get_data(as_text=True)
    assert "Ask to join" in html and "Tajni opis." not in html


@pytest.mark.parametrize(
    "slug", sorted(RESERVED_SLUGS)[:5] + ["A", "x", "-ab", "ab-", "a" * 41, "č-slovo"]
)
def test_bad_slugs_are_refused(slug):
    assert slug_problem(slug) is not None


def test_good_slugs():
    assert slug_problem("krusevac") is None and slug_problem("opstina-brus") is None


def test_htmx_request_to_tenant_home_returns_fragment(client, make_tenant):
    make_tenant("alfa")
    fragment = parse(client.get("/alfa/", headers={"HX-Request": "true"}))
    assert fragment.find("html") is None and fragment.find("header") is None
    assert "Prostor alfa" in fragment.h1.get_text()


def test_platform_admin_creates_suspends_and_appoints(client, make_user, db, outbox):
    make_user(email="root@example.org", is_platform_admin=True)
    make_user(email="nova.vlasnica@example.org", name="Nova Vlasnica")
    client.login("root@example.org")
    bad = client.post(
        "/admin/tenants",
        {"slug": "admin", "name": "X", "kind": "municipality", "region": "RS"},
        headers=EN,
    )
    assert bad.status_code == 422 and "reserved" in bad.get_data(as_text=True)
    response = client.post(
        "/admin/tenants",
        {
            "slug": "brus",
            "name": "Opština Brus",
            "kind": "municipality",
            "region": "RS-19",
            "visibility": "public",
            "modules": ["directory"],
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/brus/"
    assert client.get("/brus/").status_code == 200
    dup = client.post(
        "/admin/tenants",
        {"slug": "brus", "name": "Opet", "kind": "municipality", "region": "RS"},
        headers=EN,
    )
    assert dup.status_code == 422 and "already taken" in dup.get_data(as_text=True)
    index = client.get("/admin/").get_data(as_text=True)
    assert "Opština Brus" in index
    from solidarna.tenants.models import Tenant

    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "brus"))
    assert (
        client.post(
            f"/admin/tenants/{tenant.id}/owner", {"email": "nova.vlasnica@example.org"}
        ).status_code
        == 303
    )
    unknown = client.post(
        f"/admin/tenants/{tenant.id}/owner", {"email": "niko@example.org"}, headers=EN
    )
    assert unknown.status_code == 422
    assert client.post(f"/admin/tenants/{tenant.id}/suspend").status_code == 303
    visitor = Client(client.app)
    assert visitor.get("/brus/").status_code == 403
    assert client.post(f"/admin/tenants/{tenant.id}/reactivate").status_code == 303
    assert visitor.get("/brus/").status_code == 200
    assert "suspended the space" in client.get("/admin/audit", headers=EN).get_data(as_text=True)


def test_tenant_admin_edits_settings(client, make_user, make_tenant, db):
    owner = make_user(email="owner@example.org")
    tenant = make_tenant("alfa", members={owner: "owner"})
    client.login("owner@example.org")
    assert client.get("/alfa/admin/settings").status_code == 200
    data = {
        "name": "Kancelarija Alfa",
        "short_name": "",
        "description": "Novi opis.",
        "visibility": "members",
        "default_locale": "sr_Cyrl",
        "modules": ["directory"],
        "contact_email": "",
        "website": "",
        "accent_color": "#123456",
    }
    bad = client.post(
        "/alfa/admin/settings",
        {**data, "website": "javascript:alert(1)", "accent_color": "red"},
        headers=EN,
    )
    assert bad.status_code == 422
    assert "https://" in field_error(bad, "website")
    assert "#0b6e4f" in field_error(bad, "accent_color")
    assert one(bad, 'input[name="name"]')["value"] == "Kancelarija Alfa"  # nothing typed is lost
    assert client.post("/alfa/admin/settings", data).status_code == 303
    db.session.refresh(tenant)
    assert (
        tenant.name,
        tenant.visibility,
        tenant.modules,
        tenant.accent_color,
        tenant.default_locale,
    ) == ("Kancelarija Alfa", "members", ["directory"], "#123456", "sr_Cyrl")
    log = client.get("/alfa/admin/audit", headers=EN).get_data(as_text=True)
    assert "changed the settings of the space" in log


def test_theme_uses_a_readable_accent(client, make_tenant):
    from solidarna.core.colors import contrast

    make_tenant("alfa", accent_color="#ffee00")  # yellow: unreadable as is
    response = client.get("/alfa/theme.css")
    assert response.mimetype == "text/css"
    accent = response.get_data(as_text=True).split("--accent: ")[1][:7]
    assert accent != "#ffee00" and contrast(accent, "#ffffff") >= 4.5
    assert (
        client.get(
            "/alfa/theme.css", headers={"If-None-Match": response.headers["ETag"]}
        ).status_code
        == 304
    )
    assert response.headers["Cache-Control"] == "public, max-age=300"
    # the pages link it by the colour: a new colour is a new URL, the linked one kept for good
    one(client.get("/alfa/"), 'head link[rel="stylesheet"][href="/alfa/theme.css?v=ffee00"]')
    linked = client.get("/alfa/theme.css?v=ffee00")
    assert "immutable" in linked.headers["Cache-Control"]


def test_theme_accent_is_readable_on_the_page_background_and_on_tinted_rows(client, make_tenant):
    from solidarna.core.colors import HIGHLIGHT_TINT, PAGE_BACKGROUND, contrast, mix

    # 4.53:1 on white, but only 4.34:1 on the page's off-white background: links would fail AA.
    make_tenant("alfa", accent_color="#2b7bb9")
    css = client.get("/alfa/theme.css").get_data(as_text=True)
    accent = css.split("--accent: ")[1][:7]
    assert accent != "#2b7bb9"
    assert contrast(accent, PAGE_BACKGROUND) >= 4.5
    assert contrast(accent, mix(accent, PAGE_BACKGROUND, HIGHLIGHT_TINT)) >= 4.5
    # An accent that is readable already is kept as it is.
    make_tenant("beta", accent_color="#0b6e4f")
    assert "--accent: #0b6e4f;" in client.get("/beta/theme.css").get_data(as_text=True)


def test_a_space_made_on_the_form_gets_its_area_expected_types_and_a_told_owner(
    client, make_user, db, outbox
):
    from solidarna.tenants.kits import parse_kit
    from solidarna.tenants.models import Membership, Tenant

    root = make_user(email="root@example.org", is_platform_admin=True)
    make_user(email="vlasnica@trstenik.rs", name="Vesna Vlasnica")
    client.login("root@example.org")
    home = parse(client.get("/", headers=EN))
    assert "/admin/" in [a["href"] for a in home.select("header a")]  # the way in
    form = parse(client.get("/admin/", headers=EN))
    assert form.select_one('input[name="municipalities"][value="Trstenik"]')
    assert form.select_one(
        'input[name="kit__taxonomies__expected_actor_types"][value="cooperative"]'
    )
    data = {
        "slug": "trstenik",
        "name": "Opština Trstenik",
        "kind": "municipality",
        "region": "RS-19",
        "visibility": "public",
        "modules": ["directory"],
        "municipalities": ["Trstenik", "Brus"],
        "kit__taxonomies__expected_actor_types": ["cooperative", "social_enterprise"],
        "owner_email": "vlasnica@trstenik.rs",
    }
    outside = client.post("/admin/tenants", {**data, "municipalities": ["Niš"]}, headers=EN)
    assert outside.status_code == 422
    assert "Outside the chosen region: Niš" in text_of(one(outside, "#municipalities-error"))
    unknown = client.post("/admin/tenants", {**data, "owner_email": "niko@example.org"}, headers=EN)
    assert unknown.status_code == 422, unknown.status_code
    assert "register first" in text_of(one(unknown, ".error-summary")), text_of(
        one(unknown, ".error-summary")
    )
    created = client.post("/admin/tenants", data, headers=EN)
    assert created.status_code == 303
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "trstenik"))
    assert tenant.municipalities == ["Trstenik", "Brus"]
    assert tenant.taxonomies == {"expected_actor_types": ["cooperative", "social_enterprise"]}
    with tenant_context(tenant.id):
        owners = db.session.scalars(
            db.select(Membership.user_id).where(Membership.role == "owner")
        ).all()
    assert root.id not in owners and len(owners) == 1  # the admin is not made a second owner
    (mail,) = outbox("vlasnica@trstenik.rs")
    assert "/trstenik/" in mail.body_text
    kit = client.get(f"/admin/tenants/{tenant.id}/kit.toml")
    assert kit.status_code == 200 and "attachment" in kit.headers["Content-Disposition"]
    parsed = parse_kit(kit.get_data(as_text=True), "trstenik.toml", slug="trstenik2")
    assert parsed.tenant["municipalities"] == ["Trstenik", "Brus"]
    assert client.get("/admin/tenants/999999/kit.toml").status_code == 404
