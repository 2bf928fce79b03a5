"""The kit keys support owns: `[taxonomies] support_categories` and `support_barriers`, checked
when a kit loads, exported back, and what the request form and the barriers form offer."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from solidarna.support import kit
from solidarna.tenants.kits import KitError, apply_kit, export_kit, parse_kit
from tests.conftest import parse

KIT = """
[tenant]
slug = "brus"
name = "Opština Brus"
kind = "municipality"
region = "RS-19"
modules = ["directory", "support"]
"""
OWN = """
[[taxonomies.support_categories]]
code = "cooperatives"
name = "Osnivanje zadruge"
name_en = "Founding a cooperative"

[[taxonomies.support_barriers]]
code = "no_land"
name = "Nema zemljišta"
name_en = "No land"
"""


@pytest.mark.parametrize(
    ("extra", "key", "problem"),
    [
        ("[taxonomies]\nsupport_barriers = ['x']\n", "taxonomies.support_barriers", "item 1 must be a table"),
        ("[taxonomies]\nsupport_categories = []\n", "taxonomies.support_categories", "must be a list of tables"),
        ("[[taxonomies.support_barriers]]\ncode = 'A B'\nname = 'x'\n", "taxonomies.support_barriers", "lowercase"),
    ],
)  # fmt: skip
def test_the_lists_are_checked_when_a_kit_loads(app, extra, key, problem):
    with pytest.raises(KitError) as error:
        parse_kit(KIT + extra, "brus.toml")
    with force_locale("en"):
        message = str(error.value)
    assert f"brus.toml: {key}: " in message and problem in message, message


def test_a_kit_s_own_lists_load_export_and_are_offered(app, db, client, make_user):
    from solidarna.core.tenancy import tenant_context
    from solidarna.tenants.models import Membership

    tenant = apply_kit(parse_kit(KIT + OWN, "brus.toml"))
    db.session.add(tenant)
    db.session.commit()
    again = parse_kit(export_kit(tenant), "exported.toml")
    assert [c["code"] for c in again.taxonomies["support_categories"]] == ["cooperatives"]
    with force_locale("en"):
        assert kit.categories(tenant) == {"cooperatives": "Founding a cooperative"}
        assert kit.barriers(tenant) == {"no_land": "No land"}
    user = make_user(email="osoba@example.org", locale="en")
    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=user.id, role="member", status="active"))
        db.session.commit()
    client.login("osoba@example.org")
    page = parse(client.get("/brus/support/new"))
    assert [o["value"] for o in page.select("#category option")] == ["", "cooperatives"]
