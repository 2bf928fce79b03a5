"""Proposal templates in the kits (`[[starter.proposal_templates]]`): the pilot kits carry proven
starting texts, a kit's templates are validated, written back out by `tenants export` and the
kit download, and a new proposal starts from one."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import kit, text
from solidarna.proposals.models import Proposal, ProposalVersion
from solidarna.tenants.kits import KIT_DIR, KitError, apply_kit, export_kit, load_kit, parse_kit
from tests.proposals.conftest import visitor

GOOD = """
[tenant]
slug = "brus"
name = "Opština Brus"
kind = "municipality"
region = "RS-19"

[[starter.proposal_templates]]
key = "mala-odluka"
title = "Mala odluka o podršci"
kind = "local_decision"
level = "local"

[[starter.proposal_templates.parts]]
kind = "article"
body = "Prvi član."
"""


def test_both_pilot_kits_start_from_three_real_texts(app):
    for name in ("krusevac.toml", "korse.toml"):
        templates = load_kit(KIT_DIR / name).starter["proposal_templates"]
        keys = [t["key"] for t in templates]
        assert keys == [
            "odluka-podrska-socijalnom-preduzetnistvu",
            "rezervisane-javne-nabavke",
            "budzetska-linija-socijalna-ekonomija",
        ]
        decision, reserved, budget = templates
        assert decision["kind"] == "local_decision"
        headings = [p.get("heading") for p in decision["parts"]]
        for expected in ("Predmet odluke", "Značenje pojmova", "Vrste mera", "Sredstva",
                         "Izveštavanje", "Stupanje na snagu"):  # fmt: skip
            assert expected in headings
        definitions = decision["parts"][headings.index("Značenje pojmova")]["body"]
        assert "Zakonom o socijalnom preduzetništvu" in definitions and "14/22" in definitions
        assert reserved["kind"] == "reserved_procurement"
        assert "Član 37. Zakona o javnim nabavkama" in reserved["legal_basis"]
        assert budget["fiscal_cost"] == 5_000_000 and "Program 3" in budget["fiscal_budget_line"]


def test_the_outline_places_each_part_under_the_one_that_holds_it():
    parts = [{"kind": k} for k in ("chapter", "article", "point", "paragraph", "point", "article",
                                   "chapter", "article")]  # fmt: skip
    assert kit.place_parts(parts) == [None, 0, 1, 1, 3, 0, None, 6]
    with pytest.raises(ValueError):
        kit.place_parts([{"kind": "paragraph"}])


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (('kind = "article"\nbody', 'kind = "paragraph"\nbody'), "must follow the part"),
        (('kind = "local_decision"', 'kind = "decree"'), "kind must be one of"),
        (('key = "mala-odluka"', 'key = "Mala Odluka"'), "needs a key"),
        (('title = "Mala odluka o podršci"', 'title = "X"'), "needs a title"),
        (('level = "local"', 'level = "local"\nfiscal_cost = "mnogo"'), "whole number"),
        (('level = "local"', 'level = "local"\ncolour = "red"'), "unknown key 'colour'"),
        (('body = "Prvi član."', 'body = "Prvi član."\nnumber = 3'), "unknown key 'number'"),
    ],
)
def test_a_kit_s_templates_are_validated(app, change, problem):
    with pytest.raises(KitError) as error:
        parse_kit(GOOD.replace(*change), "moj-kit.toml")
    with force_locale("en"):
        message = str(error.value)
    assert "moj-kit.toml: starter.proposal_templates: " in message and problem in message, message


def test_two_templates_with_one_key_are_refused(app):
    twice = GOOD + GOOD.split("\n", 7)[7]
    with pytest.raises(KitError) as error:
        parse_kit(twice, "moj-kit.toml")
    with force_locale("en"):
        assert "used by two templates" in str(error.value)


def test_export_and_the_kit_download_write_the_templates_back_out(app, db, make_user, client):
    original = load_kit(KIT_DIR / "krusevac.toml")
    tenant = apply_kit(original)
    db.session.add(tenant)
    db.session.commit()
    exported = export_kit(tenant)
    assert "[[starter.proposal_templates]]" in exported
    assert "[[starter.proposal_templates.parts]]" in exported
    again = parse_kit(exported, "exported.toml")
    assert again.starter["proposal_templates"] == original.starter["proposal_templates"]
    make_user(email="platform@example.org", is_platform_admin=True)
    client.login("platform@example.org")
    download = client.get(f"/admin/tenants/{tenant.id}/kit.toml").get_data(as_text=True)
    assert parse_kit(download, "kit.toml").starter == original.starter


@pytest.fixture
def with_templates(space):
    space.tenant.starter = {
        "proposal_templates": load_kit(KIT_DIR / "krusevac.toml").starter["proposal_templates"]
    }
    db.session.commit()
    return space


def test_a_new_proposal_starts_from_a_template(with_templates):
    space = with_templates
    client = visitor(space.app)
    client.login("author@example.org")
    create = client.get("/alfa/proposals/new").get_data(as_text=True)
    assert "New proposal from a template" in create
    assert "/alfa/proposals/new/template/rezervisane-javne-nabavke" in create
    page = client.get("/alfa/proposals/new/template/odluka-podrska-socijalnom-preduzetnistvu")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Odluka o podršci socijalnom preduzetništvu"' in html
    assert "Article 8." in html and "Chapter IV" in html  # the preview is numbered
    made = client.post(
        "/alfa/proposals/new/template/odluka-podrska-socijalnom-preduzetnistvu",
        {"title": "Odluka o podršci socijalnom preduzetništvu u Kruševcu",
         "kind": "local_decision", "level": "local", "institution_id": str(space.institution),
         "tags": "socijalno preduzetništvo"},
    )  # fmt: skip
    assert made.status_code == 303
    with space.app.test_request_context(), force_locale("en"), tenant_context(space.tenant.id):
        proposal = db.session.scalar(db.select(Proposal).order_by(Proposal.id.desc()))
        nodes = text.tree(text.live_parts(proposal))
        articles = [n for n in nodes if n.kind == "article"]
        assert len(articles) == 8 and articles[0].heading == "Predmet odluke"
        assert articles[-1].label == "Article 8." and articles[-1].heading == "Stupanje na snagu"
        points = [n for n in nodes if n.kind == "point" and n.parent == articles[2].code]
        assert len(points) == 5 and points[4].label == "5)"
        assert "14/22" in proposal.legal_basis and proposal.fiscal_budget_line.startswith(
            "Program 3"
        )
        versions = list(
            db.session.scalars(
                db.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
            )
        )
        assert len(versions) == 1 and "template" in versions[0].message
        assert len(versions[0].snapshot["parts"]) == len(nodes)
        assert versions[0].snapshot["sections"]["memorandum"] == proposal.memorandum
    detail = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Stupanje na snagu" in detail and "Article 8." in detail


def test_template_pages_refuse_bad_input_and_outsiders(with_templates):
    space = with_templates
    url = "/alfa/proposals/new/template/rezervisane-javne-nabavke"
    outsider = visitor(space.app)
    outsider.login("out@example.org")
    assert outsider.get(url).status_code == 403
    client = visitor(space.app)
    client.login("author@example.org")
    assert client.get("/alfa/proposals/new/template/nema-takvog").status_code == 404
    bad = client.post(url, {"title": "Kr", "kind": "reserved_procurement", "level": "local"})
    assert bad.status_code == 422 and 'value="Kr"' in bad.get_data(as_text=True)
    with tenant_context(space.tenant.id):
        assert db.session.scalar(db.select(db.func.count(Proposal.id))) == 0


def test_the_export_command_writes_the_templates(runner, db, tmp_path):
    kits = KIT_DIR
    created = runner.invoke(args=["tenants", "create", "--kit", str(kits / "korse.toml")])
    assert created.exit_code == 0, created.output
    out = tmp_path / "korse.toml"
    assert runner.invoke(args=["tenants", "export", "korse", "-o", str(out)]).exit_code == 0
    written = out.read_text(encoding="utf-8")
    assert '[[starter.proposal_templates]]\nkey = "rezervisane-javne-nabavke"' in written
    again = parse_kit(written, str(out)).starter["proposal_templates"]
    assert again == load_kit(kits / "korse.toml").starter["proposal_templates"]
