"""A space's name, short name and description in English: shown in the English interface when
they are written, the Serbian text (in the reader's script) otherwise."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from solidarna.core.i18n import localized
from solidarna.core.tenancy import tenant_context
from solidarna.tenants.kits import KitError, apply_kit, export_kit, parse_kit
from solidarna.tenants.models import Tenant
from tests.conftest import EN, field_error, one, parse, text_of

CYRILLIC = {"Accept-Language": "sr-Cyrl"}
LATIN = {"Accept-Language": "sr-Latn"}
ENGLISH_TEXTS = {
    "name_en": "Alfa Development Office",
    "short_name_en": "Alfa Office",
    "description_en": "First paragraph.\n\nSecond paragraph.",
}


@pytest.fixture
def alfa(make_tenant):
    return make_tenant(
        "alfa",
        name="Kancelarija za razvoj Alfa",
        short_name="Kancelarija Alfa",
        description="Prvi pasus o nama.\n\nDrugi pasus.",
        **ENGLISH_TEXTS,
    )


def hero(page) -> list[str]:
    """The space's name and the paragraphs of its description on its home."""
    shown = page.select(".tenant-hero > h1, .tenant-hero > p:not(.eyebrow)")
    return [text_of(e) for e in shown if not e.select("a, span")]


def test_localized_prefers_english_then_serbian_in_the_readers_script(app):
    space = SimpleNamespace(
        name="Zadruga Šumadija", name_en="Šumadija Cooperative", description="Opis",
        description_en="  ", short_name="Крушевац", short_name_en=None,
    )  # fmt: skip
    assert localized(space, "name", "en") == "Šumadija Cooperative"
    assert localized(space, "name", "sr_Latn") == "Zadruga Šumadija"
    assert localized(space, "name", "sr_Cyrl") == "Задруга Шумадија"
    assert localized(space, "description", "en") == "Opis"  # a blank English text is none
    assert localized(space, "short_name", "en") == "Крушевац"  # as written, like |script
    assert localized(space, "short_name", "sr_Latn") == "Kruševac"
    assert localized({"name": "Pitanja", "name_en": ""}, "name", "en") == "Pitanja"
    assert localized({"name": "Pitanja", "name_en": "Questions"}, "name", "en") == "Questions"
    assert localized(None, "name", "en") == ""


def test_the_english_interface_shows_the_english_texts(client, alfa):
    page = parse(client.get("/alfa/", headers=EN))
    assert text_of(page.title) == "Alfa Development Office · Solidarna"
    assert hero(page) == ["Alfa Development Office", "First paragraph.", "Second paragraph."]
    assert text_of(one(page, ".space-title")) == "Alfa Office"
    assert "Kancelarija" not in page.get_text()
    listed = parse(client.get("/", headers=EN))
    assert "Alfa Development Office" in [text_of(a) for a in listed.select(".card h3 a")]
    titles = parse(client.get("/alfa/discussions/", headers=EN)).title
    assert text_of(titles) == "Discussions · Alfa Development Office · Solidarna"


def test_the_serbian_interfaces_show_the_serbian_texts_in_their_script(client, alfa):
    latin = parse(client.get("/alfa/", headers=LATIN))
    assert hero(latin) == ["Kancelarija za razvoj Alfa", "Prvi pasus o nama.", "Drugi pasus."]
    assert text_of(one(latin, ".space-title")) == "Kancelarija Alfa"
    cyrillic = parse(client.get("/alfa/", headers=CYRILLIC))
    assert text_of(cyrillic.title) == "Канцеларија за развој Алфа · Solidarna"
    assert hero(cyrillic) == ["Канцеларија за развој Алфа", "Први пасус о нама.", "Други пасус."]
    assert text_of(one(cyrillic, ".space-title")) == "Канцеларија Алфа"
    listed = parse(client.get("/", headers=CYRILLIC))
    assert "Канцеларија за развој Алфа" in [text_of(a) for a in listed.select(".card h3 a")]


def test_without_english_texts_the_english_interface_shows_the_serbian_ones(client, make_tenant):
    make_tenant("beta", name="Koalicija Beta", short_name="KoBe", description="Samo srpski.")
    page = parse(client.get("/beta/", headers=EN))
    assert hero(page) == ["Koalicija Beta", "Samo srpski."]
    assert text_of(one(page, ".space-title")) == "KoBe"
    make_tenant("gama", name="Mreža Gama", name_en="Gamma Network")
    # no short name in either language: the name, in English
    assert text_of(one(parse(client.get("/gama/", headers=EN)), ".space-title")) == "Gamma Network"


def settings_data(**changes) -> dict:
    data = {
        "name": "Kancelarija Alfa",
        "name_en": "Alfa Office",
        "short_name": "",
        "short_name_en": "",
        "description": "Opis.",
        "description_en": "About us.",
        "visibility": "public",
        "default_locale": "sr_Latn",
        "modules": ["directory", "discussions"],
        "contact_email": "",
        "website": "",
        "accent_color": "#123456",
    }
    return {**data, **changes}


def test_space_admins_write_the_english_texts_in_the_settings(client, make_user, make_tenant, db):
    owner = make_user(email="owner@example.org")
    tenant = make_tenant("alfa", members={owner: "owner"})
    client.login("owner@example.org")
    form = parse(client.get("/alfa/admin/settings", headers=EN))
    field = one(form, "#name_en")
    assert text_of(one(form, 'label[for="name_en"]')) == "Name in English (optional)"
    assert field["lang"] == "en" and "name_en-help" in field["aria-describedby"]
    assert "English interface" in text_of(one(form, "#name_en-help"))
    assert one(form, "textarea#description_en")["lang"] == "en"
    too_long = client.post(
        "/alfa/admin/settings",
        settings_data(name_en="x" * 201, short_name_en="y" * 61),
        headers=EN,
    )
    assert too_long.status_code == 422
    assert "200" in field_error(too_long, "name_en") and "60" in field_error(
        too_long, "short_name_en"
    )
    assert client.post("/alfa/admin/settings", settings_data()).status_code == 303
    db.session.refresh(tenant)
    assert (tenant.name_en, tenant.short_name_en, tenant.description_en) == (
        "Alfa Office", None, "About us."
    )  # fmt: skip
    assert text_of(one(parse(client.get("/alfa/", headers=EN)), "h1")) == "Alfa Office"
    log = client.get("/alfa/admin/audit", headers=EN).get_data(as_text=True)
    assert "Name in English (optional)" in log
    # emptied again: no English text, the Serbian one is shown
    assert client.post("/alfa/admin/settings", settings_data(name_en="  ")).status_code == 303
    db.session.refresh(tenant)
    assert tenant.name_en is None
    assert text_of(one(parse(client.get("/alfa/", headers=EN)), "h1")) == "Kancelarija Alfa"


def test_platform_admins_write_the_english_texts_when_creating_a_space(client, make_user, db):
    make_user(email="root@example.org", is_platform_admin=True)
    client.login("root@example.org")
    form = parse(client.get("/admin/", headers=EN))
    assert one(form, "#name_en")["lang"] == "en" and one(form, "#description_en")
    data = {
        "slug": "brus",
        "name": "Opština Brus",
        "name_en": "Municipality of Brus",
        "short_name_en": "Brus",
        "description_en": "A municipality in the Rasina District.",
        "kind": "municipality",
        "region": "RS-19",
        "visibility": "public",
        "modules": ["directory"],
    }
    bad = client.post("/admin/tenants", {**data, "short_name_en": "b" * 61}, headers=EN)
    assert bad.status_code == 422 and "60" in field_error(bad, "short_name_en")
    created = client.post("/admin/tenants", data, headers=EN)
    assert created.status_code == 303
    tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == "brus"))
    assert (tenant.name_en, tenant.short_name_en, tenant.description_en) == (
        "Municipality of Brus", "Brus", "A municipality in the Rasina District."
    )  # fmt: skip
    assert tenant.short_name is None
    follow = client.get("/brus/", headers=EN)
    assert "The space Municipality of Brus is created." in follow.get_data(as_text=True)
    index = parse(client.get("/admin/", headers=EN))
    assert "Municipality of Brus" in [text_of(a) for a in index.select("td a")]
    kit = parse_kit(client.get(f"/admin/tenants/{tenant.id}/kit.toml").get_data(as_text=True), "k")
    assert (kit.tenant["name_en"], kit.tenant["short_name_en"]) == ("Municipality of Brus", "Brus")


KIT = """
[tenant]
slug = "brus"
name = "Opština Brus"
name_en = "Municipality of Brus"
short_name = "Brus"
description = "Opština u Rasinskom okrugu."
description_en = \"\"\"
A municipality in the Rasina District.

Second paragraph.
\"\"\"
kind = "municipality"
region = "RS-19"

[[starter.discussion_categories]]
name = "Obaveštenja"
name_en = "Announcements"
description = "Vesti opštine."
description_en = "News from the municipality."

[[starter.discussion_categories]]
name = "Pitanja"
visibility = "members"
"""


def test_kits_carry_the_english_texts_there_and_back(app, db):
    kit = parse_kit(KIT, "brus.toml")
    assert kit.tenant["name_en"] == "Municipality of Brus"
    assert kit.tenant["description_en"].startswith("A municipality")
    tenant = apply_kit(kit)
    db.session.add(tenant)
    db.session.commit()
    exported = export_kit(tenant)
    assert 'name_en = "Municipality of Brus"' in exported
    assert 'name_en = "Announcements"' in exported
    again = parse_kit(exported, "export.toml")
    assert again.tenant == {**kit.tenant, "slug": "brus"}
    assert again.starter == kit.starter
    # the categories a space is offered come with their English names
    from solidarna.discussions import moderation_services as ms

    with app.test_request_context(headers=EN), tenant_context(tenant.id):
        made = ms.set_up_categories(tenant, None)
        assert [(c.name, c.name_en, c.description_en) for c in made] == [
            ("Obaveštenja", "Announcements", "News from the municipality."),
            ("Pitanja", None, None),
        ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('"Municipality of Brus"', '"' + "x" * 201 + '"', "tenant.name_en: must be at most 200"),
        ('short_name = "Brus"', 'short_name_en = "' + "b" * 61 + '"', "tenant.short_name_en: must"),
        ('short_name = "Brus"', "short_name_en = 7", "tenant.short_name_en: must be a string"),
        ('name = "Pitanja"', 'name = "Pitanja"\nname_en = 5', "item 2: the English name must"),
        (
            'name = "Pitanja"',
            'name = "Pitanja"\nname_en = "' + "p" * 121 + '"',
            "English name must be a string of at most 120",
        ),
        (
            'name = "Pitanja"',
            'name = "Pitanja"\ndescription_en = ["a"]',
            "item 2: the English description must be a string",
        ),
        ('name = "Pitanja"', 'name = "Pitanja"\ntitle_en = "Q"', "unknown key 'title_en'"),
    ],
)
def test_kit_english_texts_are_validated(app, old, new, problem):
    from flask_babel import force_locale

    assert old in KIT
    with pytest.raises(KitError) as error:
        parse_kit(KIT.replace(old, new, 1), "brus.toml")
    with force_locale("en"):
        assert problem in str(error.value), str(error.value)


def test_a_blank_english_text_in_a_kit_is_no_english_text(app):
    kit = parse_kit(KIT.replace('"Municipality of Brus"', '"  "'), "brus.toml")
    assert kit.tenant["name_en"] is None


def test_mail_names_the_space_in_the_recipients_language(client, make_user, make_tenant, outbox):
    english = make_user(email="en@example.org", name="Ana", locale="en")
    serbian = make_user(email="sr@example.org", name="Bora", locale="sr_Cyrl")
    owner = make_user(email="owner@example.org")
    make_tenant(
        "alfa", members={owner: "owner", english: "pending", serbian: "pending"},
        name="Kancelarija Alfa", short_name="Alfa", **ENGLISH_TEXTS,
    )  # fmt: skip
    client.login("owner@example.org")
    members = parse(client.get("/alfa/admin/members", headers=EN))
    for form in members.select("form[action$='/approve']"):
        assert client.post(form["action"]).status_code == 303
    (to_english,) = outbox("en@example.org")
    assert to_english.subject.endswith("· Alfa Office")
    assert "Your request to join Alfa Development Office is approved." in to_english.body_text
    (to_serbian,) = outbox("sr@example.org")
    assert to_serbian.subject.endswith("· Алфа")
    assert "Канцеларија Алфа" in to_serbian.body_text


def test_without_a_locale_the_helper_asks_the_current_one(app, make_tenant):
    """Commands and mails render inside force_locale; the helper follows it."""
    from flask_babel import force_locale

    tenant = make_tenant("delta", name="Delta", name_en="Delta in English")
    with app.test_request_context(), force_locale("en"):
        assert localized(tenant, "name") == "Delta in English"
    with app.test_request_context(), force_locale("sr_Cyrl"):
        assert localized(tenant, "name") == "Делта"
