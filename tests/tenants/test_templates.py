"""A space's survey and proposal templates (issue 17 item 3: the taxonomies' "survey and
proposal templates"), edited by its owners on /<slug>/admin/settings/templates: the texts,
a proposal template's parts, new templates, retiring; every save validated by the kit's own
validator and audit-logged; an edit counts as the space's own for the kit upgrade's diff, and
the export carries it."""

from __future__ import annotations

import tomllib

import pytest

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.tenants import kit_upgrades, kit_versions
from solidarna.tenants.cli import create_from, create_from_kit
from solidarna.tenants.kit_versions import SpaceKit
from solidarna.tenants.kits import KIT_DIR, export_kit, parse_kit
from solidarna.tenants.models import Membership, Tenant
from tests.conftest import Client, one, parse, text_of

PILOT = (KIT_DIR / "krusevac.toml").read_text(encoding="utf-8")
SURVEY = "istrazivanje-aktera-rasina"
PROPOSAL = "odluka-podrska-socijalnom-preduzetnistvu"
BASE = "/brus/admin/settings/templates"


@pytest.fixture
def space(db, make_user):
    owner = make_user(email="vlasnica@brus.rs", name="Vlasnica Brusa")
    admin = make_user(email="admin@brus.rs", name="Administrator Brusa")
    make_user(email="platforma@example.org", is_platform_admin=True)
    make_user(email="drugi@example.org", name="Vlasnik drugog prostora")
    tenant = create_from_kit(KIT_DIR / "krusevac.toml", slug="brus")
    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=owner.id, role="owner", status="active"))
        db.session.add(Membership(user_id=admin.id, role="admin", status="active"))
        db.session.commit()
    return tenant


def logged_in(app, email) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    client.login(email)
    return client


def form_data(page, selector="#template-form") -> dict:
    """What the page's form sends as it is shown."""
    data: dict = {}
    for element in parse(page).select_one(selector).select("input, select, textarea"):
        name = element.get("name")
        if not name:
            continue
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            data[name] = chosen["value"]
        elif element.name == "textarea":
            data[name] = element.get_text().removeprefix("\r\n").removeprefix("\n")
        elif element.get("type") == "checkbox":
            if element.has_attr("checked"):
                data[name] = element.get("value", "y")
        else:
            data[name] = element.get("value", "")
    return data


def stored(db, tenant_id: int, kit_key: str, key: str) -> dict | None:
    db.session.expire_all()
    tenant = db.session.get(Tenant, tenant_id)
    return next((t for t in tenant.starter.get(kit_key, []) if t["key"] == key), None)


def actions(db, tenant_id) -> list[AuditEntry]:
    return db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.tenant_id == tenant_id).order_by(AuditEntry.id)
    ).all()


# --- who may -----------------------------------------------------------------------------------


PATHS = (
    ("GET", f"{BASE}/"),
    ("GET", f"{BASE}/proposal_templates/new"),
    ("POST", f"{BASE}/proposal_templates/new"),
    ("GET", f"{BASE}/proposal_templates/{PROPOSAL}/edit"),
    ("POST", f"{BASE}/proposal_templates/{PROPOSAL}/edit"),
    ("POST", f"{BASE}/survey_templates/{SURVEY}/retire"),
)


def test_only_owners_and_platform_admins_edit_templates(app, space, db, make_tenant, make_user):
    other = make_user(email="vlasnik.bete@example.org")
    make_tenant("beta", members={other: "owner"})
    for email in ("admin@brus.rs", "vlasnik.bete@example.org"):
        client = logged_in(app, email)
        for method, path in PATHS:
            response = client.get(path) if method == "GET" else client.post(path, {})
            assert response.status_code == 403, (email, method, path, response.status_code)
    assert stored(db, space.id, "survey_templates", SURVEY).get("retired") is None
    for email in ("vlasnica@brus.rs", "platforma@example.org"):
        assert logged_in(app, email).get(f"{BASE}/").status_code == 200
    # the templates of another space are not reached from this one
    owner_b = logged_in(app, "vlasnik.bete@example.org")
    assert (
        owner_b.get(
            f"/beta/admin/settings/templates/proposal_templates/{PROPOSAL}/edit"
        ).status_code
        == 404
    )


def test_unknown_lists_and_templates_answer_404(app, space):
    owner = logged_in(app, "vlasnica@brus.rs")
    assert owner.get(f"{BASE}/group_themes/new").status_code == 404
    assert owner.get(f"{BASE}/proposal_templates/nema-ga/edit").status_code == 404
    assert owner.post(f"{BASE}/survey_templates/nema-ga/retire", {}).status_code == 404


def test_the_list_shows_the_kit_s_templates_and_is_linked_from_the_lists_page(app, space):
    owner = logged_in(app, "vlasnica@brus.rs")
    lists = owner.get("/brus/admin/settings/lists")
    assert one(lists, "#templates-link")["href"] == f"{BASE}/"
    page = owner.get(f"{BASE}/")
    assert page.status_code == 200
    html = parse(page)
    assert "Survey templates" in text_of(one(html, "#list-survey_templates"))
    assert "Proposal templates" in text_of(one(html, "#list-proposal_templates"))
    assert html.select_one(f"#template-survey_templates-{SURVEY} a")["href"].endswith(
        f"/survey_templates/{SURVEY}/edit"
    )
    assert len(html.select("#proposal_templates li")) == 3


# --- a proposal template ---------------------------------------------------------------------


def test_a_proposal_template_s_texts_and_parts_are_edited_saved_and_audited(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    page = owner.get(f"{BASE}/proposal_templates/{PROPOSAL}/edit")
    assert page.status_code == 200
    html = parse(page)
    # every field has a label
    for element in html.select(
        "form:not(.inline-form) input:not([type=hidden]), form textarea, form select"
    ):
        assert html.select_one(f'label[for="{element["id"]}"]') or element.find_parent("label"), (
            element
        )
    before = stored(db, space.id, "proposal_templates", PROPOSAL)
    data = form_data(page)
    assert data["t__title"] == before["title"]
    assert data["p1__heading"] == "Predmet odluke"
    data.update({
        "t__title": "Odluka o podršci socijalnim preduzećima Brusa",
        "t__description_en": "",
        "p1__heading": "Predmet",
        "p1__body": "Ovom odlukom se uređuju mere podrške u opštini Brus.",
        "p3__remove": "y",
        "n0__kind": "article",
        "n0__heading": "Prelazne odredbe",
        "n0__body": "Postupci započeti pre stupanja na snagu završavaju se po ranijim propisima.",
    })  # fmt: skip
    response = owner.post(f"{BASE}/proposal_templates/{PROPOSAL}/edit", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    after = stored(db, space.id, "proposal_templates", PROPOSAL)
    assert after["title"] == "Odluka o podršci socijalnim preduzećima Brusa"
    assert "description_en" not in after  # emptied: left out, as a kit leaves it out
    assert after["parts"][1] == {
        "kind": "article", "heading": "Predmet",
        "body": "Ovom odlukom se uređuju mere podrške u opštini Brus.",
    }  # fmt: skip
    assert len(after["parts"]) == len(before["parts"])  # one out, one in
    assert after["parts"][3] == before["parts"][4]
    assert after["parts"][-1]["heading"] == "Prelazne odredbe"
    assert after["fiscal_source"] == before["fiscal_source"]  # what the page does not edit stays
    entry = actions(db, space.id)[-1]
    assert entry.action == "tenant.template_changed"
    assert entry.details["template"] == PROPOSAL and entry.details["list"] == "proposal_templates"
    assert set(entry.details["fields"]) == {"title", "description_en", "parts"}
    log = text_of(parse(owner.get("/brus/admin/audit")))
    assert (
        "changed the template “Odluka o podršci socijalnim preduzećima Brusa” (Proposal templates)"
        in log
    )
    # a proposal started from it now has the edited text
    start = owner.get(f"/brus/proposals/new/template/{PROPOSAL}").get_data(as_text=True)
    assert "Prelazne odredbe" in start and "Predmet odluke" not in start
    # saving again unchanged is nothing
    again = owner.post(
        f"{BASE}/proposal_templates/{PROPOSAL}/edit",
        form_data(owner.get(f"{BASE}/proposal_templates/{PROPOSAL}/edit")),
    )
    assert again.status_code == 303
    assert actions(db, space.id)[-1].id == entry.id


def test_bad_template_input_is_refused_with_a_message_and_keeps_what_was_typed(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    path = f"{BASE}/proposal_templates/{PROPOSAL}/edit"
    data = form_data(owner.get(path))
    # too long: the field's own limit
    response = owner.post(path, {**data, "p1__heading": "x" * 301})
    assert response.status_code == 422
    assert "Field cannot be longer than 300 characters." in text_of(
        one(response, "#template-problems")
    )
    assert one(response, "#p1__heading")["value"] == "x" * 301
    # empty title
    response = owner.post(path, {**data, "t__title": "  "})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)
    # a kind not offered
    response = owner.post(path, {**data, "p0__kind": "treaty"})
    assert response.status_code == 422
    # the kit's own rule: a point cannot open the text (a point needs an article or paragraph)
    response = owner.post(path, {**data, **{f"p{i}__remove": "y" for i in range(3)}})
    assert response.status_code == 422
    assert "must follow the part that holds it" in text_of(one(response, "#template-problems"))
    # the kit's rule: a title of at least 5 characters
    response = owner.post(path, {**data, "t__title": "Oda"})
    assert response.status_code == 422
    assert "needs a title of 5 to 300 characters" in text_of(one(response, "#template-problems"))
    assert one(response, "#t__title")["value"] == "Oda"
    assert stored(db, space.id, "proposal_templates", PROPOSAL)["title"].startswith(
        "Odluka o podršci"
    )


def test_a_new_proposal_template_is_added_and_offered(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    page = owner.get(f"{BASE}/proposal_templates/new")
    assert page.status_code == 200
    data = form_data(page)
    assert data["t__level"] == "local"
    data.update({
        "t__title": "Odluka o javnom pozivu za socijalna preduzeća",
        "t__kind": "local_decision",
        "t__summary": "Godišnji javni poziv.",
        "n0__kind": "article", "n0__heading": "Predmet", "n0__body": "Ovom odlukom ...",
        "n1__kind": "paragraph", "n1__body": "Poziv se objavljuje do 1. marta.",
    })  # fmt: skip
    response = owner.post(f"{BASE}/proposal_templates/new", data)
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    key = "odluka-o-javnom-pozivu-za-socijalna-preduzeca"
    assert response.headers["Location"].endswith(f"/proposal_templates/{key}/edit")
    added = stored(db, space.id, "proposal_templates", key)
    assert added == {
        "key": key, "title": "Odluka o javnom pozivu za socijalna preduzeća",
        "kind": "local_decision", "level": "local", "summary": "Godišnji javni poziv.",
        "parts": [
            {"kind": "article", "heading": "Predmet", "body": "Ovom odlukom ..."},
            {"kind": "paragraph", "body": "Poziv se objavljuje do 1. marta."},
        ],
    }  # fmt: skip
    assert actions(db, space.id)[-1].action == "tenant.template_added"
    assert key in owner.get("/brus/proposals/new").get_data(as_text=True)
    # the same title again gets a key of its own
    again = owner.post(f"{BASE}/proposal_templates/new", data)
    assert again.headers["Location"].endswith(f"/proposal_templates/{key}-2/edit")


def test_a_retired_template_is_no_longer_offered_and_what_was_made_from_it_stays(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    made = owner.post(
        f"/brus/proposals/new/template/{PROPOSAL}",
        {
            **form_data(
                owner.get(f"/brus/proposals/new/template/{PROPOSAL}"), "main form[novalidate]"
            ),
            "title": "Naša odluka o podršci",
        },
    )
    assert made.status_code == 303, made.get_data(as_text=True)[:2000]
    proposal_url = made.headers["Location"]
    assert owner.post(f"{BASE}/proposal_templates/{PROPOSAL}/retire", {}).status_code == 303
    assert stored(db, space.id, "proposal_templates", PROPOSAL)["retired"] is True
    assert f"/new/template/{PROPOSAL}" not in owner.get("/brus/proposals/new").get_data(
        as_text=True
    )
    assert owner.get(f"/brus/proposals/new/template/{PROPOSAL}").status_code == 404
    assert owner.get(proposal_url).status_code == 200  # the proposal made from it stays
    page = parse(owner.get(f"{BASE}/"))
    assert "Retired" in text_of(one(page, f"#template-proposal_templates-{PROPOSAL}"))
    assert actions(db, space.id)[-1].action == "tenant.template_retired"
    # a retired survey template is not offered for a new survey
    assert owner.post(f"{BASE}/survey_templates/{SURVEY}/retire", {}).status_code == 303
    assert f'value="{SURVEY}"' not in owner.get("/brus/research/manage/new").get_data(as_text=True)
    # offered again
    assert (
        owner.post(f"{BASE}/proposal_templates/{PROPOSAL}/retire", {"restore": "1"}).status_code
        == 303
    )
    assert "retired" not in stored(db, space.id, "proposal_templates", PROPOSAL)
    assert owner.get(f"/brus/proposals/new/template/{PROPOSAL}").status_code == 200
    assert actions(db, space.id)[-1].action == "tenant.template_restored"


# --- a survey template -------------------------------------------------------------------------


def test_a_survey_template_s_texts_are_edited_and_its_structure_stays(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    path = f"{BASE}/survey_templates/{SURVEY}/edit"
    page = owner.get(path)
    assert page.status_code == 200
    # the page says where questions are added and links there
    assert "survey builder" in text_of(parse(page))
    assert parse(page).select_one(f'a[href="/brus/research/manage/new?template={SURVEY}"]')
    before = stored(db, space.id, "survey_templates", SURVEY)
    data = form_data(page)
    assert data["p0_1__label"] == "Naziv organizacije"
    data.update({
        "t__title": "Istraživanje aktera socijalne ekonomije u opštini Brus",
        "p0__intro": "Podaci o organizaciji.",
        "p0_1__label": "Pun naziv organizacije",
        "p0_1__help": "",
    })  # fmt: skip
    assert not any(name.startswith("n0__") for name in data)  # no new questions here
    assert owner.post(path, data).status_code == 303
    after = stored(db, space.id, "survey_templates", SURVEY)
    assert after["title"] == "Istraživanje aktera socijalne ekonomije u opštini Brus"
    question = after["sections"][0]["questions"][1]
    assert question["label"] == "Pun naziv organizacije" and "help" not in question
    assert question["code"] == "org_name" and question["required"] is True  # the rest stays
    assert [q["code"] for s in after["sections"] for q in s["questions"]] == [
        q["code"] for s in before["sections"] for q in s["questions"]
    ]
    # an empty question text is refused
    response = owner.post(path, {**form_data(owner.get(path)), "p0_1__label": ""})
    assert response.status_code == 422
    # a survey started from it asks the edited question
    new = owner.post("/brus/research/manage/new", {"title": "Anketa Brus", "template": SURVEY})
    assert new.status_code == 303
    assert "Pun naziv organizacije" in owner.get(new.headers["Location"]).get_data(as_text=True)


def test_a_survey_changed_in_the_builder_is_saved_back_as_the_template(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    new = owner.post("/brus/research/manage/new", {"title": "Anketa Brus", "template": SURVEY})
    edit_url = new.headers["Location"]
    survey_id = int(edit_url.split("/")[-2])
    page = parse(owner.get(edit_url))
    button = page.select_one("#save-as-template")
    assert button is not None and "Save as the space's template" in text_of(button)
    from solidarna.research.models import SurveyQuestion

    with tenant_context(space.id):
        question = db.session.scalar(
            db.select(SurveyQuestion).where(SurveyQuestion.code == "org_name")
        )
        question.label = "Naziv (izmenjen u graditelju)"
        db.session.commit()
    response = owner.post(f"/brus/research/manage/{survey_id}/edit/template", {})
    assert response.status_code == 303
    after = stored(db, space.id, "survey_templates", SURVEY)
    assert after["sections"][0]["questions"][1]["label"] == "Naziv (izmenjen u graditelju)"
    assert after["title"] == "Anketa Brus"
    assert actions(db, space.id)[-1].action == "tenant.template_changed"
    # an administrator (not an owner) builds surveys but does not change the space's templates
    admin = logged_in(app, "admin@brus.rs")
    assert admin.post(f"/brus/research/manage/{survey_id}/edit/template", {}).status_code == 403
    assert "save-as-template" not in admin.get(edit_url).get_data(as_text=True)


# --- the kit: upgrades and export ---------------------------------------------------------------


def test_an_edited_template_is_the_space_s_own_change_in_the_kit_upgrade(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    path = f"{BASE}/proposal_templates/{PROPOSAL}/edit"
    data = form_data(owner.get(path))
    assert owner.post(path, {**data, "p1__heading": "Predmet (naš)"}).status_code == 303
    # version 2 of the kit changes the same template (and another one the space left alone)
    v2 = PILOT.replace('slug = "krusevac"\nversion = 1', 'slug = "krusevac"\nversion = 2')
    v2 = v2.replace('heading = "Predmet odluke"', 'heading = "Predmet ove odluke"', 2)
    kit_versions.publish(v2, "krusevac.toml", None)
    db.session.commit()
    page = parse(owner.get("/brus/admin/kit"))
    boxes = {box["value"]: box for box in page.select("input[type=checkbox][name=item]")}
    mine = boxes[f"starter.proposal_templates:{PROPOSAL}"]
    other = boxes["starter.proposal_templates:rezervisane-javne-nabavke"]
    assert not mine.has_attr("checked") and other.has_attr("checked")
    assert "changed this itself" in text_of(mine.find_parent("li"))
    # applying what is ticked leaves the space's edit
    response = owner.post("/brus/admin/kit", {"version": "2", "action": "chosen",
                                              "item": ["starter.proposal_templates:rezervisane-javne-nabavke"]})  # fmt: skip
    assert response.status_code == 303
    assert (
        stored(db, space.id, "proposal_templates", PROPOSAL)["parts"][1]["heading"]
        == "Predmet (naš)"
    )
    assert (
        stored(db, space.id, "proposal_templates", "rezervisane-javne-nabavke")["parts"][0][
            "heading"
        ]
        == "Predmet ove odluke"
    )
    tenant = db.session.get(Tenant, space.id)
    assert kit_upgrades.diff(tenant, db.session.get(SpaceKit, space.id),
                             kit_versions.latest_published("krusevac").kit()) == []  # fmt: skip


def test_the_export_carries_the_edits_and_round_trips(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    path = f"{BASE}/survey_templates/{SURVEY}/edit"
    data = form_data(owner.get(path))
    assert owner.post(path, {**data, "p0_1__label": "Pun naziv organizacije"}).status_code == 303
    assert (
        owner.post(f"{BASE}/proposal_templates/rezervisane-javne-nabavke/retire", {}).status_code
        == 303
    )
    exported = owner.get("/brus/admin/kit.toml")
    assert exported.status_code == 200
    sections = tomllib.loads(exported.get_data(as_text=True))["starter"]
    survey = next(t for t in sections["survey_templates"] if t["key"] == SURVEY)
    assert survey["sections"][0]["questions"][1]["label"] == "Pun naziv organizacije"
    retired = next(
        t for t in sections["proposal_templates"] if t["key"] == "rezervisane-javne-nabavke"
    )
    assert retired["retired"] is True
    # into a new space: the same templates, retired stays retired
    tenant = db.session.get(Tenant, space.id)
    copy_of = create_from(
        parse_kit(export_kit(tenant), "brus.toml", slug="kopija"), "brus", "brus.toml"
    )
    db.session.commit()
    assert copy_of.starter["survey_templates"] == tenant.starter["survey_templates"]
    assert copy_of.starter["proposal_templates"] == tenant.starter["proposal_templates"]


def test_a_form_drawn_from_an_older_template_does_not_overwrite_it(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    path = f"{BASE}/proposal_templates/{PROPOSAL}/edit"
    old_form = form_data(owner.get(path))
    # another owner takes a part out in the meantime
    newer = form_data(owner.get(path))
    assert owner.post(path, {**newer, "p0__remove": "y"}).status_code == 303
    response = owner.post(path, {**old_form, "p1__heading": "Iz starog obrasca"})
    assert response.status_code == 409
    assert "changed since you opened it" in text_of(parse(response))
    after = stored(db, space.id, "proposal_templates", PROPOSAL)
    assert all(part.get("heading") != "Iz starog obrasca" for part in after["parts"])
    assert one(response, "#p0__heading")["value"] == after["parts"][0]["heading"]


def test_a_new_survey_template_starts_with_one_empty_section(app, space, db):
    owner = logged_in(app, "vlasnica@brus.rs")
    page = owner.get(f"{BASE}/survey_templates/new")
    assert page.status_code == 200
    data = {**form_data(page), "t__title": "Anketa o potrebama zadruga"}
    assert data["p0__title"] == "Section 1"
    response = owner.post(f"{BASE}/survey_templates/new", data)
    assert response.status_code == 303
    added = stored(db, space.id, "survey_templates", "anketa-o-potrebama-zadruga")
    assert added == {
        "key": "anketa-o-potrebama-zadruga", "title": "Anketa o potrebama zadruga",
        "access": "public", "sections": [{"title": "Section 1", "questions": []}],
    }  # fmt: skip
    # offered for a new survey, whose questions are then added in the builder
    assert 'value="anketa-o-potrebama-zadruga"' in owner.get(
        "/brus/research/manage/new?template=anketa-o-potrebama-zadruga"
    ).get_data(as_text=True)
