import io

import pytest
from flask_babel import force_locale

from solidarna.tenants.kits import KIT_DIR, KitError, export_kit, load_kit, parse_kit
from solidarna.tenants.models import Tenant
from tests.conftest import EN

GOOD = """
[tenant]
slug = "brus"
name = "Opština Brus"
kind = "municipality"
region = "RS-19"
municipalities = ["Брус"]
"""


def test_shipped_kits_are_valid(app):
    krusevac = load_kit(KIT_DIR / "krusevac.toml")
    assert krusevac.tenant["region"] == "RS-19"
    assert krusevac.tenant["municipalities"] == [
        "Kruševac",
        "Aleksandrovac",
        "Brus",
        "Varvarin",
        "Trstenik",
        "Ćićevac",
    ]
    korse = load_kit(KIT_DIR / "korse.toml")
    assert korse.tenant["kind"] == "coalition" and korse.tenant["region"] == "RS"
    assert "social_enterprise" in korse.taxonomies["expected_actor_types"]
    # both carry their English texts for the English interface
    assert krusevac.tenant["name_en"].startswith("Office for the Development")
    assert korse.tenant["name_en"] == "Coalition for the Development of Solidarity Economy"
    assert all(kit.tenant["description_en"].strip() for kit in (krusevac, korse))


def test_names_are_canonicalised_from_either_script(app):
    kit = parse_kit(GOOD, "brus.toml")
    assert kit.tenant["municipalities"] == ["Brus"]


@pytest.mark.parametrize(
    ("text", "key", "problem"),
    [
        ("[tenant]\nname='X'\nkind='municipality'", "tenant.slug", "required"),
        (GOOD.replace('"brus"', '"admin"'), "tenant.slug", "reserved"),
        (GOOD.replace('"municipality"', '"kingdom"'), "tenant.kind", "must be one of"),
        (GOOD.replace('"RS-19"', '"RS-99"'), "tenant.region", "unknown district"),
        (
            GOOD.replace('["Брус"]', '["Novi Sad"]'),
            "tenant.municipalities",
            "not a municipality in Rasinski",
        ),
        (GOOD + 'visibility = "secret"\n', "tenant.visibility", "must be one of"),
        (GOOD + 'modules = ["teleport"]\n', "tenant.modules", "unknown value"),
        (GOOD + 'accent_color = "green"\n', "tenant.accent_color", "colour"),
        (GOOD + 'colour = "x"\n', "tenant.colour", "unknown key"),
        (
            GOOD + "[taxonomies]\nexpected_actor_types = [1, 2]\n",
            "taxonomies.expected_actor_types",
            "list",
        ),
        ("[tenant\nslug=", "-", "not valid TOML"),
    ],
)
def test_validation_names_file_key_and_problem(app, text, key, problem):
    with pytest.raises(KitError) as error:
        parse_kit(text, "moj-kit.toml")
    with force_locale("en"):
        message = str(error.value)
    assert f"moj-kit.toml: {key}: " in message and problem in message, message


def test_kit_problems_are_shown_in_the_readers_language(app):
    with pytest.raises(KitError) as error:
        parse_kit(GOOD.replace('"RS-19"', '"RS-99"'), "moj-kit.toml")
    with force_locale("sr_Latn"):
        assert "nepoznat kod okruga 'RS-99'" in str(error.value)
    with force_locale("sr_Cyrl"):
        assert "непознат код округа 'RS-99'" in str(error.value)


def test_cli_create_list_export_and_recreate(runner, db, tmp_path):
    result = runner.invoke(args=["tenants", "create", "--kit", str(KIT_DIR / "krusevac.toml")])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["tenants", "create", "--kit", str(KIT_DIR / "krusevac.toml")])
    assert again.exit_code != 0 and "already exists" in again.output
    assert "krusevac" in runner.invoke(args=["tenants", "list"]).output
    out = tmp_path / "export.toml"
    assert runner.invoke(args=["tenants", "export", "krusevac", "-o", str(out)]).exit_code == 0
    result = runner.invoke(
        args=["tenants", "create", "--kit", str(out), "--slug", "krusevac-kopija"]
    )
    assert result.exit_code == 0, result.output
    original, copy = (
        db.session.scalar(db.select(Tenant).where(Tenant.slug == s))
        for s in ("krusevac", "krusevac-kopija")
    )
    fields = [
        "name",
        "short_name",
        "kind",
        "description",
        "name_en",
        "short_name_en",
        "description_en",
        "region",
        "municipalities",
        "default_locale",
        "visibility",
        "modules",
        "accent_color",
        "taxonomies",
        "starter",
    ]
    assert {f: getattr(copy, f) for f in fields} == {f: getattr(original, f) for f in fields}
    assert export_kit(copy).split("\n", 2)[2] == export_kit(original).split("\n", 2)[2].replace(
        'slug = "krusevac"', 'slug = "krusevac-kopija"'
    )


def test_cli_reports_invalid_kit(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('"RS-19"', '"RS-99"'))
    result = runner.invoke(args=["tenants", "create", "--kit", str(bad)])
    assert result.exit_code != 0
    assert f"{bad}: tenant.region: unknown district" in result.output


def test_platform_admin_uploads_a_kit(client, make_user, db):
    make_user(email="root@example.org", is_platform_admin=True)
    client.login("root@example.org")

    def upload(text, slug=""):
        data = {
            "kit": (io.BytesIO(text.encode() if isinstance(text, str) else text), "kit.toml"),
            "slug": slug,
            "csrf_token": client.token(),
        }
        return client.raw.post(
            "/admin/tenants/kit",
            data=data,
            content_type="multipart/form-data",
            headers=EN,
        )

    bad = upload(GOOD.replace('"RS-19"', '"RS-99"'))
    assert bad.status_code == 422 and "tenant.region" in bad.get_data(as_text=True)
    assert upload(b"\xff\xfe garbage").status_code == 422
    assert upload(b"x" * 300_000).status_code == 413
    assert upload(GOOD).status_code == 303
    assert upload(GOOD).status_code == 409
    assert upload(GOOD, slug="brus-2").status_code == 303
    assert (
        db.session.scalar(db.select(Tenant).where(Tenant.slug == "brus-2")).name == "Opština Brus"
    )
