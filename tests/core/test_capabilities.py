"""The capability contract: what a space can enable, shows and runs comes from the declared
capabilities, and nothing is advertised that does not exist."""

from __future__ import annotations

import pytest
from flask import Blueprint
from flask_babel import force_locale

from solidarna.core.capabilities import (
    Capability,
    CapabilityError,
    KitKey,
    NavItem,
    register_capability,
    registry,
)
from solidarna.core.registry import Figure
from solidarna.core.subjects import Subject, SubjectType
from solidarna.tenants.kits import KitError, export_kit, parse_kit
from tests.conftest import parse as html

KIT = """
[tenant]
slug = "brus"
name = "Opština Brus"
kind = "municipality"
region = "RS-19"
"""


def test_modules_come_from_the_registered_capabilities(app):
    assert list(registry().modules()) == [
        "directory", "resources", "discussions", "proposals", "groups", "campaigns", "research",
        "events", "support", "news",
    ]  # fmt: skip


def test_the_home_lists_only_modules_that_exist(client, make_tenant):
    make_tenant("alfa", modules=["directory", "marketplace", "library"])
    page = html(client.get("/alfa/"))
    offered = page.select_one("#modules-heading").find_parent("section")
    names = [li.a.get_text(strip=True) if li.a else li.get_text() for li in offered.select("li")]
    assert names == ["Mapa ekosistema"], names
    assert "Istraživanja" not in page.get_text() and "Predlozi" not in page.get_text()


def test_the_navigation_follows_the_modules_switched_on(client, make_tenant):
    make_tenant("alfa", modules=["discussions"])
    make_tenant("beta", modules=["directory", "resources"])
    alfa = [a["href"] for a in html(client.get("/alfa/")).select("nav a[href^='/alfa/']")]
    beta = [a["href"] for a in html(client.get("/beta/")).select("nav a[href^='/beta/']")]
    assert "/alfa/discussions/" in alfa and not any("/directory" in h for h in alfa)
    assert "/beta/directory/" in beta and "/beta/resources/" in beta
    assert not any("/discussions" in h for h in beta)
    assert client.get("/alfa/directory/").status_code == 404
    assert client.get("/beta/discussions/").status_code == 404


def test_navigation_entries_honour_their_permission(client, make_tenant, make_user):
    owner = make_user("owner@example.org")
    make_tenant("alfa", members={owner: "owner"})
    visitor = [a["href"] for a in html(client.get("/alfa/")).select("nav a")]
    assert "/alfa/admin/members" not in visitor and "/alfa/members" not in visitor
    client.login("owner@example.org")
    page = html(client.get("/alfa/admin/members"))
    current = page.select("nav a[aria-current=page]")
    assert [a["href"] for a in current] == ["/alfa/admin/members"]
    assert "/alfa/admin/audit" in [a["href"] for a in page.select("nav a")]


def test_providers_of_a_module_that_is_off_never_run(app, client, make_tenant):
    calls = []

    def figures(tenant):
        calls.append(tenant.slug)
        return [Figure("Test figure", 7)]

    def activity(tenant, limit):
        calls.append(f"activity:{tenant.slug}")
        return []

    bp = Blueprint("probe", __name__)
    register_capability(
        app,
        Capability(
            name="probe",
            module="probe",
            label="Probe",
            blueprints=(bp,),
            figures=figures,
            activity=activity,
        ),
    )
    make_tenant("alfa", modules=["directory"])
    make_tenant("beta", modules=["probe"])
    assert "Test figure" not in client.get("/alfa/").get_data(as_text=True)
    assert calls == []
    beta = html(client.get("/beta/"))
    assert calls == ["beta", "activity:beta"]
    assert "Probe" in [li.get_text(strip=True) for li in beta.select(".offered li")]
    figures_on_page = {
        dt.get_text(): dd.get_text()
        for dt, dd in zip(beta.select(".figures dt"), beta.select(".figures dd"), strict=True)
    }
    assert figures_on_page["Test figure"] == "7"


def test_subject_types_exist_only_where_their_capability_is_on(app, make_tenant):
    from flask import g

    from solidarna.core import subjects
    from solidarna.core.tenancy import tenant_context

    def resolve(ids):
        return {i: Subject("probe", i, f"Probe {i}", f"/probe/{i}") for i in ids}

    register_capability(
        app,
        Capability(name="probe", module="probe", label="Probe",
                   subjects=(SubjectType("probe", "Probe", resolve),)),
    )  # fmt: skip
    on = make_tenant("alfa", modules=["probe"])
    off = make_tenant("beta", modules=["directory"])
    for tenant, expected in ((on, {3: "Probe 3"}), (off, {})):
        with tenant_context(tenant.id):
            g.tenant = tenant
            found = subjects.resolve("probe", [3])
            assert {k: v.title for k, v in found.items()} == expected
    g.tenant = None


def test_registry_refuses_a_second_owner(app):
    with pytest.raises(CapabilityError, match="module 'discussions' is owned twice"):
        register_capability(app, Capability(name="other", module="discussions", label="x"))
    with pytest.raises(CapabilityError, match="starter.discussion_categories"):
        register_capability(
            app,
            Capability(
                name="other",
                label="x",
                kit_keys=(KitKey("starter", "discussion_categories", lambda v, kit: (v, [])),),
            ),
        )
    with pytest.raises(CapabilityError, match="registered twice"):
        register_capability(app, Capability(name="directory", label="x"))


@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ('modules = ["directory", "marketplace"]\n', "tenant.modules", "unknown value 'marketplace'"),
        ('modules = ["library"]\n', "tenant.modules", "use one of campaigns, directory, discussions, events, groups, news, proposals, research, resources, support"),
        ("[taxonomies]\nworking_group_themes = ['Finansije']\n", "taxonomies.working_group_themes", "no module of this platform uses it"),
        ("[starter]\nsurvey = 'x'\n", "starter.survey", "unknown key"),
        ("[taxonomies]\nexpected_actor_types = ['dragons']\n", "taxonomies.expected_actor_types", "unknown value 'dragons'"),
        ("[taxonomies]\nextra_actor_types = ['Dragons!']\n", "taxonomies.extra_actor_types", "lowercase"),
        ("[[starter.discussion_categories]]\ndescription = 'x'\n", "starter.discussion_categories", "needs a name"),
        ("[[starter.discussion_categories]]\nname = 'Pitanja'\nvisibility = 'secret'\n", "starter.discussion_categories", "visibility must be one of"),
    ],
)  # fmt: skip
def test_kits_are_validated_by_the_capabilities_that_own_their_keys(app, extra, key, problem):
    with pytest.raises(KitError) as error:
        parse_kit(KIT + extra, "brus.toml")
    with force_locale("en"):
        message = str(error.value)
    assert f"brus.toml: {key}: " in message and problem in message, message


def test_owned_kit_keys_load_and_export(app, make_tenant):
    from solidarna.tenants.kits import apply_kit

    kit = parse_kit(
        KIT
        + 'modules = ["directory", "discussions"]\n'
        + "[taxonomies]\nextra_actor_types = ['social_cooperative']\n"
        + "expected_actor_types = ['cooperative', 'social_cooperative']\n"
        + "[[starter.discussion_categories]]\nname = 'Pitanja'\nvisibility = 'members'\n",
        "brus.toml",
    )
    assert kit.tenant["modules"] == ["directory", "discussions"]
    tenant = apply_kit(kit)
    # A value stored before its key lost an owner (e.g. an older kit) is not written back out.
    tenant.taxonomies = {**tenant.taxonomies, "working_group_themes": ["Finansije"]}
    again = parse_kit(export_kit(tenant), "exported.toml")
    assert again.taxonomies == {
        "extra_actor_types": ["social_cooperative"],
        "expected_actor_types": ["cooperative", "social_cooperative"],
    }
    assert again.starter == {
        "discussion_categories": [{"name": "Pitanja", "visibility": "members"}]
    }


def test_a_kit_without_modules_gets_every_module_that_exists(app):
    assert parse_kit(KIT, "brus.toml").tenant["modules"] == [
        "directory",
        "resources",
        "discussions",
        "proposals",
        "groups",
        "campaigns",
        "research",
        "events",
        "support",
        "news",
    ]


def test_nav_item_current_page():
    item = NavItem("resources.index", "Resources", current=("resources.",))
    assert item.is_current("resources.detail") and not item.is_current("resources_map.page")
    assert NavItem("tenant.members", "Members").is_current("tenant.members")
    assert not NavItem("tenant.members", "Members").is_current(None)
