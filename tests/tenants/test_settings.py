"""A space's settings (issue 17 item 3): owners (and platform admins) change the texts, the
logo, the accent colour, languages, visibility, modules, the kit's lists and the directory's
privacy defaults; every change is validated, audit-logged with what changed, and seen by the
next visitor (the page cache's change marker). Other roles and other spaces get nothing."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from solidarna.core import storage
from solidarna.core.audit import AuditEntry
from solidarna.core.capabilities import module_labels
from solidarna.core.colors import PAGE_BACKGROUND, contrast
from solidarna.core.tenancy import tenant_context
from solidarna.tenants import settings as space_settings
from tests.conftest import EN, Client, field_error, one, parse, statements, text_of


def image_bytes(kind="PNG", size=(40, 30), color=(11, 110, 79)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, kind)
    return out.getvalue()


@pytest.fixture
def space(make_user, make_tenant):
    owner = make_user(email="owner@example.org", name="Vlasnica Alfe")
    admin = make_user(email="admin@example.org", name="Administrator Alfe")
    member = make_user(email="member@example.org", name="Član Alfe")
    other_owner = make_user(email="owner.b@example.org", name="Vlasnik Bete")
    platform = make_user(email="platform@example.org", is_platform_admin=True)
    tenant = make_tenant(
        "alfa", members={owner: "owner", admin: "admin", member: "member"},
        accent_color="#0b6e4f", description="Stari opis.",
    )  # fmt: skip
    other = make_tenant("beta", members={other_owner: "owner"}, name="Prostor beta")
    return {"tenant": tenant, "other": other, "platform": platform}


def logged_in(app, email, english=True) -> Client:
    client = Client(app)
    if english:
        client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.login(email)
    return client


def general(**overrides) -> dict:
    data = {
        "name": "Kancelarija Alfa",
        "name_en": "Alfa Office",
        "short_name": "KA",
        "short_name_en": "",
        "description": "Novi opis prostora.\n\nDrugi pasus.",
        "description_en": "",
        "visibility": "public",
        "default_locale": "sr_Latn",
        "modules": list(module_labels()),
        "contact_email": "kancelarija@example.org",
        "website": "https://alfa.example.org",
        "accent_color": "#123456",
    }
    data.update(overrides)
    return data


def audit_actions(db, tenant) -> list[AuditEntry]:
    return db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.tenant_id == tenant.id).order_by(AuditEntry.id)
    ).all()


# --- who may ---------------------------------------------------------------------------------


SETTINGS_PATHS = (
    ("GET", "/alfa/admin/settings"),
    ("POST", "/alfa/admin/settings"),
    ("POST", "/alfa/admin/settings/logo"),
    ("POST", "/alfa/admin/settings/logo/remove"),
    ("GET", "/alfa/admin/settings/lists"),
    ("POST", "/alfa/admin/settings/lists"),
)


def test_only_owners_and_platform_admins_change_settings(app, space):
    for email in ("admin@example.org", "member@example.org", "owner.b@example.org"):
        client = logged_in(app, email)
        for method, path in SETTINGS_PATHS:
            response = client.get(path) if method == "GET" else client.post(path, {})
            assert response.status_code == 403, (email, method, path, response.status_code)
    for email in ("owner@example.org", "platform@example.org"):
        client = logged_in(app, email)
        assert client.get("/alfa/admin/settings").status_code == 200
        assert client.get("/alfa/admin/settings/lists").status_code == 200
    # the administrator's navigation has no "Settings"; the owner's has
    admin_nav = logged_in(app, "admin@example.org").get("/alfa/admin/members")
    assert not parse(admin_nav).select('a[href="/alfa/admin/settings"]')
    owner_nav = logged_in(app, "owner@example.org").get("/alfa/admin/members")
    assert parse(owner_nav).select('a[href="/alfa/admin/settings"]')


def test_every_settings_route_is_for_owners_only(app):
    """Grows by itself: every route guarded by can_change_settings refuses an admin."""
    guarded = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "required_permission", None)
        == "can_change_settings"
    ]
    assert set(guarded) == {
        "tenant_admin.settings", "tenant_admin.upload_logo", "tenant_admin.remove_logo",
        "tenant_admin.lists", "tenant_templates.index", "tenant_templates.new",
        "tenant_templates.edit", "tenant_templates.retire",
    }  # fmt: skip


def test_another_space_s_owner_cannot_reach_this_one(app, space, db):
    beta = logged_in(app, "owner.b@example.org")
    response = beta.post("/alfa/admin/settings", general(name="Preuzeto"))
    assert response.status_code == 403
    db.session.refresh(space["tenant"])
    assert space["tenant"].name == "Prostor alfa"


# --- the general settings ------------------------------------------------------------------


def test_each_setting_is_saved_shown_and_audited(app, space, db):
    owner = logged_in(app, "owner@example.org")
    response = owner.post(
        "/alfa/admin/settings",
        general(visibility="members", default_locale="sr_Cyrl", modules=["directory"]),
    )
    assert response.status_code == 303
    tenant = space["tenant"]
    db.session.refresh(tenant)
    assert (tenant.name, tenant.name_en, tenant.short_name, tenant.short_name_en) == (
        "Kancelarija Alfa", "Alfa Office", "KA", None,
    )  # fmt: skip
    assert tenant.description == "Novi opis prostora.\n\nDrugi pasus."
    assert (tenant.visibility, tenant.default_locale, tenant.modules) == (
        "members", "sr_Cyrl", ["directory"],
    )  # fmt: skip
    assert (tenant.contact_email, tenant.website, tenant.accent_color) == (
        "kancelarija@example.org", "https://alfa.example.org", "#123456",
    )  # fmt: skip
    form = parse(owner.get("/alfa/admin/settings"))
    assert form.select_one("#name")["value"] == "Kancelarija Alfa"
    assert form.select_one("#accent_color")["value"] == "#123456"
    assert form.select_one('input[name="visibility"][value="members"]').has_attr("checked")
    entry = audit_actions(db, tenant)[-1]
    assert entry.action == "tenant.settings_changed"
    assert entry.actor.email == "owner@example.org"
    assert entry.details["changes"]["name"] == ["Prostor alfa", "Kancelarija Alfa"]
    assert entry.details["changes"]["visibility"] == ["public", "members"]
    assert "description" in entry.details["fields"]
    assert "description" not in entry.details["changes"]  # long texts: that, not what
    log = owner.get("/alfa/admin/audit").get_data(as_text=True)
    assert "changed the settings of the space" in log
    assert "Prostor alfa → Kancelarija Alfa" in log
    assert "Public → Members only" in log
    # saving again without a change is no new entry
    count = len(audit_actions(db, tenant))
    again = owner.post(
        "/alfa/admin/settings",
        general(visibility="members", default_locale="sr_Cyrl", modules=["directory"]),
    )
    assert again.status_code == 303 and len(audit_actions(db, tenant)) == count


def test_names_and_description_are_shown_in_the_reader_s_script(app, space):
    owner = logged_in(app, "owner@example.org", english=False)
    assert owner.post("/alfa/admin/settings", general(name="Kancelarija Kruševac",
                                                      name_en="")).status_code == 303  # fmt: skip
    visitor = Client(app)
    html = visitor.get("/alfa/", headers={"Accept-Language": "sr-Cyrl"}).get_data(as_text=True)
    assert "Канцеларија Крушевац" in html and "Нови опис простора." in html
    assert "Kancelarija Kruševac" in visitor.get("/alfa/", headers=EN).get_data(as_text=True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", "x" * 201, "Field cannot be longer than 200 characters."),
        ("short_name", "x" * 61, "Field cannot be longer than 60 characters."),
        ("accent_color", "red", "Use a colour like #0b6e4f."),
        ("website", "javascript:alert(1)", "https://"),
        ("contact_email", "nije-adresa", "Enter a valid e-mail address"),
        ("visibility", "everyone", "Not a valid choice"),
        ("default_locale", "de", "Not a valid choice"),
        ("modules", ["directory", "nepostojeci"], "Choose one of the offered options."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_keeps_what_was_typed(
    app, space, db, field, value, message
):
    owner = logged_in(app, "owner@example.org")
    response = owner.post("/alfa/admin/settings", general(**{field: value}), headers=EN)
    assert response.status_code == 422
    assert message in field_error(response, field)
    page = parse(response)
    if field != "name":
        assert page.select_one("#name")["value"] == "Kancelarija Alfa"  # nothing typed is lost
    assert page.select_one("#description").text.strip().startswith("Novi opis prostora.")
    db.session.refresh(space["tenant"])
    assert space["tenant"].name == "Prostor alfa"


def test_an_unreadable_accent_colour_is_refused_with_its_contrast(app, space, db):
    owner = logged_in(app, "owner@example.org")
    response = owner.post("/alfa/admin/settings", general(accent_color="#ffee00"))
    assert response.status_code == 422
    error = field_error(response, "accent_color")
    assert "1.15:1 as text on the page and 1.20:1 under white text" in error  # the ratios
    assert "at least 4.5:1 (WCAG AA)" in error
    suggestion = error.split("for example ")[1][:7]
    assert contrast(suggestion, PAGE_BACKGROUND) >= 4.5 and contrast(suggestion, "#ffffff") >= 4.5
    assert one(response, "#accent_color")["value"] == "#ffee00"
    # the suggested shade is accepted
    assert owner.post("/alfa/admin/settings", general(accent_color=suggestion)).status_code == 303
    db.session.refresh(space["tenant"])
    assert space["tenant"].accent_color == suggestion
    # light grey text under white fails too, in Serbian with a decimal comma
    serbian = logged_in(app, "owner@example.org", english=False)
    response = serbian.post("/alfa/admin/settings", general(accent_color="#999999"))
    assert response.status_code == 422 and "2,84:1" in field_error(response, "accent_color")


def test_a_change_is_seen_by_the_next_visitor_at_once(app, space):
    app.config["PAGE_CACHE"] = True
    visitor = Client(app)
    assert "Prostor alfa" in visitor.get("/alfa/").get_data(as_text=True)
    second = visitor.get("/alfa/")
    assert second.headers.get("X-Page-Cache") == "hit"
    owner = logged_in(app, "owner@example.org")
    assert owner.post("/alfa/admin/settings", general(name="Novo ime")).status_code == 303
    html = visitor.get("/alfa/").get_data(as_text=True)
    assert "Novo ime" in html and "Prostor alfa" not in html


def test_a_module_switched_off_leaves_the_navigation_and_its_pages_answer_404(app, space):
    owner = logged_in(app, "owner@example.org")
    assert owner.get("/alfa/groups/").status_code == 200
    modules = [m for m in module_labels() if m != "groups"]
    assert owner.post("/alfa/admin/settings", general(modules=modules)).status_code == 303
    assert owner.get("/alfa/groups/").status_code == 404
    assert not parse(owner.get("/alfa/")).select('a[href="/alfa/groups/"]')
    assert Client(app).get("/alfa/groups/").status_code == 404


def test_members_only_visibility_hides_the_space_from_visitors(app, space):
    owner = logged_in(app, "owner@example.org")
    assert owner.post("/alfa/admin/settings", general(visibility="members")).status_code == 303
    visitor = Client(app)
    assert visitor.get("/alfa/directory/").status_code in (302, 303)
    assert "Novi opis prostora." not in visitor.get("/alfa/").get_data(as_text=True)


def test_the_settings_page_costs_a_bounded_number_of_statements(app, space, db):
    owner = logged_in(app, "owner@example.org")
    owner.get("/alfa/admin/settings")
    with statements(db.engine) as seen:
        assert owner.get("/alfa/admin/settings").status_code == 200
    assert len(seen) <= 12, seen
    upload(owner, image_bytes("PNG"), "logo.png")
    owner.get("/alfa/admin/settings/lists")
    with statements(db.engine) as seen:
        assert owner.get("/alfa/admin/settings/lists").status_code == 200
    assert len(seen) <= 12, seen
    visitor = Client(app)
    visitor.get("/alfa/logo")
    with statements(db.engine) as seen:
        assert visitor.get("/alfa/logo").status_code == 200
    assert len(seen) <= 4, seen


# --- the logo --------------------------------------------------------------------------------


def upload(client, data: bytes, name: str, **kwargs):
    return client.post(
        "/alfa/admin/settings/logo", {"logo": (io.BytesIO(data), name)},
        content_type="multipart/form-data", **kwargs,
    )  # fmt: skip


def test_a_png_logo_is_resized_stored_served_and_shown(app, space, db):
    owner = logged_in(app, "owner@example.org")
    big = image_bytes("PNG", size=(2000, 1000))
    assert upload(owner, big, "logo.png").status_code == 303
    tenant = space["tenant"]
    db.session.refresh(tenant)
    assert tenant.logo_id is not None
    with tenant_context(tenant.id):
        record = db.session.get(storage.StoredFile, tenant.logo_id)
        assert (record.use, record.kind) == ("logo", "png")
    with app.test_request_context("/"):
        url = space_settings.tenant_logo_url(tenant)
        assert space_settings.tenant_logo_url(tenant, external=True).startswith("http")
    assert url == f"/alfa/logo?v={tenant.logo_id}"
    visitor = Client(app)
    response = visitor.get(url)
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "immutable" in response.headers["Cache-Control"]
    assert "public" in response.headers["Cache-Control"]
    with Image.open(io.BytesIO(response.data)) as served:
        assert served.size == (1024, 512)  # scaled down to fit, the aspect kept
    # any other URL of it revalidates; the ETag answers 304
    plain = visitor.get("/alfa/logo")
    assert plain.headers["Cache-Control"] == "public, no-cache"
    assert (
        visitor.get("/alfa/logo", headers={"If-None-Match": plain.headers["ETag"]}).status_code
        == 304
    )
    home = parse(visitor.get("/alfa/"))
    assert one(home, "img.hero-logo")["src"] == url
    assert home.select(f'header img.space-logo[src="{url}"]')
    # a link to the space shared on a social network shows its logo (core/sharing.py)
    assert one(home, 'meta[property="og:image"]')["content"] == f"http://localhost{url}"
    assert not home.select('meta[property="og:image:width"]')  # the default image's size
    assert one(home, 'meta[property="og:image:alt"]')["content"] == tenant.name
    entry = audit_actions(db, tenant)[-1]
    assert (entry.action, entry.details["filename"]) == ("tenant.logo_changed", "logo.png")
    assert "uploaded a new logo" in owner.get("/alfa/admin/audit").get_data(as_text=True)


def test_a_jpeg_logo_replaces_the_old_one_and_can_be_removed(app, space, db):
    owner = logged_in(app, "owner@example.org")
    assert upload(owner, image_bytes("PNG"), "prvi.png").status_code == 303
    tenant = space["tenant"]
    db.session.refresh(tenant)
    first = tenant.logo_id
    assert upload(owner, image_bytes("JPEG"), "drugi.jpg").status_code == 303
    db.session.refresh(tenant)
    assert tenant.logo_id != first
    with tenant_context(tenant.id):
        assert db.session.get(storage.StoredFile, first) is None  # the old file is gone
        assert db.session.get(storage.StoredFile, tenant.logo_id).kind == "jpg"
    assert Client(app).get(f"/alfa/logo?v={tenant.logo_id}").mimetype == "image/jpeg"
    assert owner.post("/alfa/admin/settings/logo/remove").status_code == 303
    db.session.refresh(tenant)
    assert tenant.logo_id is None
    assert Client(app).get("/alfa/logo").status_code == 404
    assert not parse(Client(app).get("/alfa/")).select("img.hero-logo")
    assert audit_actions(db, tenant)[-1].action == "tenant.logo_removed"


@pytest.mark.parametrize(
    ("data", "name", "status", "message"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "logo.svg",
         422, "SVG images are not accepted: send a PNG or JPEG instead."),
        (b"%PDF-1.4\n%%EOF\n", "logo.png", 422,
         "This type of file is not accepted. Accepted: PNG, JPEG."),
        (b"GIF89a" + b"\x00" * 40, "logo.png", 422,
         "This type of file is not accepted. Accepted: PNG, JPEG."),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "logo.png", 422,
         "The image cannot be read. Save it again as PNG or JPEG."),
        (b"", "logo.png", 422, "The file is empty."),
    ],
)  # fmt: skip
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(app, space, db, data, name, status, message):
    owner = logged_in(app, "owner@example.org")
    response = upload(owner, data, name)
    assert response.status_code == status
    assert message in field_error(response, "logo")
    db.session.refresh(space["tenant"])
    assert space["tenant"].logo_id is None


def test_a_logo_over_the_size_limit_is_refused_with_413(app, space, db):
    app.config["UPLOAD_MAX_BYTES_LOGO"] = 50_000
    owner = logged_in(app, "owner@example.org")
    noisy = Image.frombytes("RGB", (300, 300), os.urandom(300 * 300 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    assert len(out.getvalue()) > 50_000
    response = upload(owner, out.getvalue(), "velik.png")
    assert response.status_code == 413
    assert "The file is too large: at most" in field_error(response, "logo")
    db.session.refresh(space["tenant"])
    assert space["tenant"].logo_id is None


def test_no_file_chosen_is_a_message(app, space):
    owner = logged_in(app, "owner@example.org")
    response = owner.post("/alfa/admin/settings/logo", {}, content_type="multipart/form-data")
    assert response.status_code == 422 and "Choose a file." in field_error(response, "logo")


def test_the_logo_of_another_space_is_not_served_here(app, space, db):
    owner = logged_in(app, "owner@example.org")
    assert upload(owner, image_bytes("PNG"), "logo.png").status_code == 303
    tenant = space["tenant"]
    db.session.refresh(tenant)
    assert Client(app).get(f"/beta/logo?v={tenant.logo_id}").status_code == 404
    # even if beta's row named alfa's file, the file is alfa's: beta's tenant criteria hide it
    other = space["other"]
    other.logo_id = tenant.logo_id
    db.session.commit()
    assert Client(app).get("/beta/logo").status_code == 404


def test_a_members_only_space_shows_its_logo_with_its_name(app, space, db):
    owner = logged_in(app, "owner@example.org")
    assert upload(owner, image_bytes("PNG"), "logo.png").status_code == 303
    assert owner.post("/alfa/admin/settings", general(visibility="members")).status_code == 303
    response = Client(app).get("/alfa/logo")
    assert response.status_code == 200 and response.mimetype == "image/png"


# --- lists and privacy defaults --------------------------------------------------------------


def lists_data(page) -> dict:
    """What the lists page sends as it is shown."""
    data: dict = {}
    for field in page.select("form input, form select"):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        if field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen["value"]
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field["value"])
        else:
            data[name] = field.get("value", "")
    return data


def test_the_lists_are_edited_saved_and_audited(app, space, db):
    owner = logged_in(app, "owner@example.org")
    page = parse(owner.get("/alfa/admin/settings/lists"))
    data = lists_data(page)
    # nothing changed: nothing stored, no entry
    assert owner.post("/alfa/admin/settings/lists", data).status_code == 303
    db.session.refresh(space["tenant"])
    assert space["tenant"].taxonomies in ({}, None)
    assert not [e for e in audit_actions(db, space["tenant"]) if e.action == "tenant.lists_changed"]
    # the platform's default themes are offered as the starting list
    assert data["k__group_themes-0-code"] == "finance"
    data.update({
        "k__expected_actor_types": ["social_enterprise", "cooperative"],
        "k__default_field_visibility__phone": "admins",
        "k__default_field_visibility__contact_email": "members",
        "k__group_themes-0-name": "Pristup novcu",
        "k__group_themes-1-remove": "y",
        "k__group_themes-5-name": "Zelena ekonomija",
        "k__group_themes-5-name_en": "Green economy",
    })  # fmt: skip
    assert owner.post("/alfa/admin/settings/lists", data).status_code == 303
    tenant = space["tenant"]
    db.session.refresh(tenant)
    taxonomies = tenant.taxonomies
    assert taxonomies["expected_actor_types"] == ["social_enterprise", "cooperative"]
    assert taxonomies["default_field_visibility"]["phone"] == "admins"
    assert taxonomies["default_field_visibility"]["contact_email"] == "members"
    themes = {t["code"]: t for t in taxonomies["group_themes"]}
    assert themes["finance"]["name"] == "Pristup novcu"
    assert "procurement" not in themes
    assert themes["zelena_ekonomija"] == {
        "code": "zelena_ekonomija", "name": "Zelena ekonomija", "name_en": "Green economy",
    }  # fmt: skip
    entry = audit_actions(db, tenant)[-1]
    assert entry.action == "tenant.lists_changed"
    assert set(entry.details["fields"]) == {
        "expected_actor_types", "default_field_visibility", "group_themes",
    }  # fmt: skip
    log = owner.get("/alfa/admin/audit").get_data(as_text=True)
    assert "changed the lists and privacy defaults" in log
    assert "Themes of the working groups" in log
    # the groups' form offers the new theme; the page shows what was saved
    assert "Green economy" in owner.get("/alfa/groups/new").get_data(as_text=True)
    page = parse(owner.get("/alfa/admin/settings/lists"))
    assert page.select_one('input[value="cooperative"]').has_attr("checked")
    assert (
        page.select_one("#k__default_field_visibility__phone option[selected]")["value"] == "admins"
    )


def test_bad_lists_are_refused_with_a_message(app, space, db):
    owner = logged_in(app, "owner@example.org")
    data = lists_data(parse(owner.get("/alfa/admin/settings/lists")))
    removed_all = {**data, **{f"k__group_themes-{i}-remove": "y" for i in range(5)}}
    response = owner.post("/alfa/admin/settings/lists", removed_all)
    assert response.status_code == 422
    assert "Keep at least one item on the list." in text_of(one(response, "#k__group_themes"))
    bad = {**data, "k__default_field_visibility__phone": "everyone",
           "k__group_themes-5-name": "x" * 121, "k__expected_actor_types": ["bogus"]}  # fmt: skip
    response = owner.post("/alfa/admin/settings/lists", bad)
    assert response.status_code == 422
    assert "Choose one of the offered options." in response.get_data(as_text=True)
    assert "Field cannot be longer than 120 characters." in response.get_data(as_text=True)
    assert one(response, "#k__group_themes-5-name")["value"] == "x" * 121  # kept
    db.session.refresh(space["tenant"])
    assert not space["tenant"].taxonomies


def test_privacy_defaults_apply_to_new_directory_entries(app, space, db):
    owner = logged_in(app, "owner@example.org")
    data = lists_data(parse(owner.get("/alfa/admin/settings/lists")))
    data["k__default_field_visibility__phone"] = "public"
    data["k__default_field_visibility__employees"] = "admins"
    assert owner.post("/alfa/admin/settings/lists", data).status_code == 303
    form = parse(owner.get("/alfa/directory/new"))
    assert form.select_one("#vis_phone option[selected]")["value"] == "public"
    assert form.select_one("#vis_employees option[selected]")["value"] == "admins"
    assert form.select_one("#vis_turnover_band option[selected]")["value"] == "admins"


def test_a_switched_off_module_s_lists_are_not_offered(app, space):
    owner = logged_in(app, "owner@example.org")
    modules = [m for m in module_labels() if m != "groups"]
    assert owner.post("/alfa/admin/settings", general(modules=modules)).status_code == 303
    page = owner.get("/alfa/admin/settings/lists").get_data(as_text=True)
    assert "Themes of the working groups" not in page
    assert "Who sees the fields of a new directory entry" in page


# --- the guided start ------------------------------------------------------------------------


def test_the_first_steps_settings_step_is_done_by_this_page(app, space, db):
    owner = logged_in(app, "owner@example.org")
    step = one(owner.get("/alfa/admin/"), "#step-settings")
    assert "Settings and logo" in text_of(step) and "To do" in text_of(step)
    assert step.select_one("a")["href"] == "/alfa/admin/settings"
    assert owner.post("/alfa/admin/settings", general()).status_code == 303
    assert "To do" in text_of(one(owner.get("/alfa/admin/"), "#step-settings"))  # no logo yet
    assert upload(owner, image_bytes("PNG"), "logo.png").status_code == 303
    assert "Done" in text_of(one(owner.get("/alfa/admin/"), "#step-settings"))
    # an administrator sees the step, without a link: an owner takes it
    admin = one(logged_in(app, "admin@example.org").get("/alfa/admin/"), "#step-settings")
    assert admin.select_one("a") is None and "an owner of the space does this" in text_of(admin)
