"""Versioned kits and upgrades (issue 17 item 4): publishing (web and CLI), the kit and version
a space remembers, the readable three-way diff of a newer version, applying some of it without
overwriting what the space changed itself, and the lossless export of a space's set-up."""

from __future__ import annotations

import copy
import tomllib

import pytest

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.tenants import applications, kit_upgrades, kit_versions
from solidarna.tenants.cli import create_from, create_from_kit
from solidarna.tenants.kit_versions import KitVersion, SpaceKit
from solidarna.tenants.kits import KIT_DIR, KitError, export_kit, parse_kit
from solidarna.tenants.models import Membership, Tenant
from tests.conftest import EN, Client, parse, statements, text_of

PILOT = (KIT_DIR / "krusevac.toml").read_text(encoding="utf-8")
NEW_TYPE = "zadruga_mladih"
NEW_QUESTION = "veb_stranica"
FIRST_TEMPLATE = "istrazivanje-aktera-rasina"
QUESTION_HEADER = "[[starter.survey_templates.sections.questions]]\n"


def version_2(text: str = PILOT, version: int = 2, actor_type=True, question=True) -> str:
    """The pilot kit, one version on: a new actor type and a new question in the first survey
    template (after its first question)."""
    text = text.replace('slug = "krusevac"\nversion = 1', f'slug = "krusevac"\nversion = {version}')
    if actor_type:
        text = text.replace(
            "[taxonomies]\n", f'[taxonomies]\nextra_actor_types = ["{NEW_TYPE}"]\n', 1
        )
    if question:
        second = text.index(QUESTION_HEADER, text.index(QUESTION_HEADER) + 1)
        text = (
            text[:second]
            + f'{QUESTION_HEADER}code = "{NEW_QUESTION}"\nkind = "short_text"\n'
            + 'label = "Internet stranica organizacije"\n\n'
            + text[second:]
        )
    return text


def question_codes(tenant: Tenant, key: str = FIRST_TEMPLATE) -> list[str]:
    template = next(t for t in tenant.starter["survey_templates"] if t["key"] == key)
    return [q["code"] for s in template["sections"] for q in s.get("questions", [])]


@pytest.fixture
def people(make_user):
    return {
        "owner": make_user(email="vlasnica@brus.rs", name="Vlasnica Brusa"),
        "admin": make_user(email="admin@brus.rs", name="Administrator Brusa"),
        "platform": make_user(email="platforma@example.org", is_platform_admin=True),
    }


@pytest.fixture
def space(db, people):
    """A space made from the pilot kit (version 1), with an owner and an administrator."""
    tenant = create_from_kit(KIT_DIR / "krusevac.toml", slug="brus")
    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=people["owner"].id, role="owner", status="active"))
        db.session.add(Membership(user_id=people["admin"].id, role="admin", status="active"))
        db.session.commit()
    return tenant


def logged_in(app, email) -> Client:
    client = Client(app)
    client.login(email)
    return client


def publish(db, text, by=None):
    row = kit_versions.publish(text, "krusevac.toml", by)
    db.session.commit()
    return row


# --- the version a kit carries ---------------------------------------------------------------


def test_a_kit_carries_a_validated_version(app):
    assert parse_kit(PILOT, "k.toml").meta == {"slug": "krusevac", "name": None, "version": 1}
    assert parse_kit(version_2(version=7), "k.toml").version == 7
    for bad in ('"2"', "0", "true", "1.5"):
        with pytest.raises(KitError) as error:
            parse_kit(PILOT.replace("version = 1", f"version = {bad}"), "k.toml")
        assert [key for key, _ in error.value.problems] == ["kit.version"]
    with pytest.raises(KitError) as error:
        parse_kit(PILOT.replace("version = 1", "version = 1\nauthor = 'x'"), "k.toml")
    assert "kit.author" in str(error.value)


# --- publishing ------------------------------------------------------------------------------


def test_cli_publishes_a_newer_version_and_lists_it(app, db, runner, tmp_path):
    path = tmp_path / "krusevac.toml"
    path.write_text(version_2(), encoding="utf-8")
    result = runner.invoke(args=["kits", "publish", str(path)])
    assert result.exit_code == 0, result.output
    assert "Published kit krusevac version 2" in result.output
    row = db.session.scalar(db.select(KitVersion))
    assert (row.slug, row.version, row.text) == ("krusevac", 2, version_2())
    # the same version again: refused, nothing stored
    again = runner.invoke(args=["kits", "publish", str(path)])
    assert again.exit_code != 0 and "not newer than 2" in again.output
    # version 1 of a shipped kit is the file itself: publishing 1 is refused too
    path.write_text(PILOT, encoding="utf-8")
    assert "not newer than 2" in runner.invoke(args=["kits", "publish", str(path)]).output
    listed = runner.invoke(args=["kits", "list"])
    assert listed.exit_code == 0
    assert (
        "krusevac\t2\tpublished" in listed.output and "korse\t1\tfile korse.toml" in listed.output
    )
    assert db.session.scalar(db.select(db.func.count(KitVersion.id))) == 1


def test_cli_names_the_line_of_bad_toml_and_the_failing_section(app, db, runner, tmp_path):
    path = tmp_path / "krusevac.toml"
    path.write_text(version_2().replace('kind = "short_text"', 'kind = "fortune"', 1))
    result = runner.invoke(args=["kits", "publish", str(path)])
    assert result.exit_code != 0
    assert "starter.survey_templates" in result.output and "unknown kind 'fortune'" in result.output
    broken = version_2().replace("[taxonomies]\n", "[taxonomies\n", 1)
    path.write_text(broken)
    result = runner.invoke(args=["kits", "publish", str(path)])
    line = broken.splitlines().index("[taxonomies") + 1
    assert result.exit_code != 0 and f"{path}:{line}: -: not valid TOML" in result.output
    assert db.session.scalar(db.select(db.func.count(KitVersion.id))) == 0


def test_platform_admins_publish_from_the_web_with_problems_by_line(app, db, people):
    admin = logged_in(app, "platforma@example.org")
    page = admin.get("/admin/kits", headers=EN)
    assert page.status_code == 200
    assert "krusevac" in text_of(parse(page).select_one("#kit-krusevac"))
    bad = version_2().replace('code = "finance"', 'code = "Finance!"', 1)
    response = admin.post("/admin/kits", {"text": bad}, headers=EN)
    assert response.status_code == 422
    problems = text_of(parse(response).select_one("#kit-problems"))
    line = bad.splitlines().index("[[taxonomies.group_themes]]") + 1
    assert f"Line {line}: taxonomies.group_themes" in problems
    # nothing typed is lost, nothing stored
    assert parse(response).select_one("textarea[name=text]").text.strip() == bad.strip()
    assert db.session.scalar(db.select(db.func.count(KitVersion.id))) == 0
    no_slug = version_2().replace('slug = "krusevac"\n', "", 1)
    response = admin.post("/admin/kits", {"text": no_slug}, headers=EN)
    assert response.status_code == 422 and "needs [kit] slug" in response.get_data(as_text=True)
    empty = admin.post("/admin/kits", {"text": " "}, headers=EN)
    assert empty.status_code == 422 and "Paste the kit" in empty.get_data(as_text=True)

    response = admin.post("/admin/kits", {"text": version_2()}, headers=EN)
    assert response.status_code == 303
    row = db.session.scalar(db.select(KitVersion))
    assert (row.slug, row.version, row.published_by_id) == ("krusevac", 2, people["platform"].id)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "kit.published"))
    assert entry.details["version"] == 2 and entry.tenant_id is None
    # new spaces are offered the newest version
    assert kit_versions.available()["krusevac"].published.id == row.id
    # people who are not platform admins cannot publish
    owner = logged_in(app, "vlasnica@brus.rs")
    assert owner.get("/admin/kits").status_code == 403
    assert owner.post("/admin/kits", {"text": version_2(version=3)}).status_code == 403


# --- a space remembers its kit ---------------------------------------------------------------


def test_spaces_remember_the_kit_and_version_they_came_from(app, db, space, people):
    origin = db.session.get(SpaceKit, space.id)
    assert (origin.kit_slug, origin.version) == ("krusevac", 1)
    assert origin.base == {"taxonomies": space.taxonomies, "starter": space.starter}
    # an approved application starts from the newest version, published or shipped
    publish(db, version_2())
    application = applications.SpaceApplication(
        applicant_id=people["owner"].id, institution_name="Opština Varvarin",
        kind="municipality", pib="101134702", municipalities=["Varvarin"], kit="krusevac",
        slug="varvarin", status="submitted",
    )  # fmt: skip
    db.session.add(application)
    db.session.flush()
    with app.test_request_context():
        tenant = applications.approve(application, people["platform"])
    db.session.commit()
    origin = db.session.get(SpaceKit, tenant.id)
    assert (origin.kit_slug, origin.version) == ("krusevac", 2)
    assert NEW_TYPE in tenant.taxonomies["extra_actor_types"]
    assert kit_versions.upgrade_for(tenant) is None


# --- the diff and applying it ----------------------------------------------------------------


def _own_edits(db, space):
    """The space changes things itself: a theme's name, and removes a news text."""
    taxonomies = copy.deepcopy(space.taxonomies)
    taxonomies["group_themes"][0]["name"] = "Naše finansije"
    space.taxonomies = taxonomies
    db.session.commit()


def test_owner_sees_a_readable_diff_and_applies_only_the_actor_type(app, db, space, people):
    _own_edits(db, space)
    v2 = version_2().replace('name = "Pristup finansijama"', 'name = "Finansije i krediti"', 1)
    v2 = v2.replace('name = "Javne nabavke"', 'name = "Javne nabavke i rezervisani ugovori"', 1)
    publish(db, v2)
    owner = logged_in(app, "vlasnica@brus.rs")
    home = owner.get("/brus/admin/", headers=EN)
    assert "Version 2 of the kit" in text_of(parse(home).select_one("#kit-upgrade-notice"))

    with statements(db.engine) as seen:
        page = owner.get("/brus/admin/kit", headers=EN)
    assert page.status_code == 200
    assert len(seen) <= 12, seen
    html = parse(page)
    boxes = {box["value"]: box for box in html.select("input[type=checkbox][name=item]")}
    assert set(boxes) == {
        f"taxonomies.extra_actor_types:{NEW_TYPE}",
        "taxonomies.group_themes:finance",
        "taxonomies.group_themes:procurement",
        f"starter.survey_templates:{FIRST_TEMPLATE}",
    }
    # the theme the space renamed itself is a conflict: not ticked, said so
    assert not boxes["taxonomies.group_themes:finance"].has_attr("checked")
    assert boxes["taxonomies.group_themes:procurement"].has_attr("checked")
    conflict = boxes["taxonomies.group_themes:finance"].find_parent("li")
    assert "changed this itself" in text_of(conflict)
    # the changed template says which question it adds, by its label
    template = boxes[f"starter.survey_templates:{FIRST_TEMPLATE}"].find_parent("li")
    assert "„Internet stranica organizacije“ added" in text_of(template)
    assert "„Javne nabavke“ → „Javne nabavke i rezervisani ugovori“" in text_of(
        boxes["taxonomies.group_themes:procurement"].find_parent("li")
    )

    response = owner.post(
        "/brus/admin/kit",
        {"version": "2", "action": "chosen", "item": [f"taxonomies.extra_actor_types:{NEW_TYPE}"]},
        headers=EN,
    )
    assert response.status_code == 303
    db.session.expire_all()
    tenant = db.session.get(Tenant, space.id)
    assert tenant.taxonomies["extra_actor_types"] == [NEW_TYPE]
    assert NEW_QUESTION not in question_codes(tenant)
    themes = {t["code"]: t["name"] for t in tenant.taxonomies["group_themes"]}
    assert themes["finance"] == "Naše finansije"  # the space's own edit stays
    assert themes["procurement"] == "Javne nabavke"  # declined
    origin = db.session.get(SpaceKit, space.id)
    assert origin.version == 2
    assert {d["item"] for d in origin.declined} == {"finance", "procurement", FIRST_TEMPLATE}
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "kit.upgrade_partly_applied")
    )
    assert entry.tenant_id == space.id and entry.details["new"] == 2
    assert entry.details["applied"] == [f"taxonomies.extra_actor_types:{NEW_TYPE}"]
    assert kit_versions.upgrade_for(tenant) is None
    assert "kit-upgrade-notice" not in owner.get("/brus/admin/", headers=EN).get_data(as_text=True)

    # version 3 repeats the declined changes and renames one theme further: only that is new
    v3 = v2.replace("version = 2", "version = 3", 1).replace(
        'name = "Obuke i mentorstvo"', 'name = "Obuke"', 1
    )
    publish(db, v3)
    sections = kit_upgrades.diff(tenant, origin, kit_versions.latest_published("krusevac").kit())
    assert [item.token for s in sections for item in s.items] == [
        "taxonomies.group_themes:training"
    ]
    assert not sections[0].items[0].conflict


def test_the_owner_may_take_the_kits_version_of_a_conflict_or_everything(app, db, space):
    _own_edits(db, space)
    publish(db, version_2().replace('name = "Pristup finansijama"', 'name = "Finansije"', 1))
    owner = logged_in(app, "vlasnica@brus.rs")
    response = owner.post("/brus/admin/kit", {"version": "2", "action": "all"}, headers=EN)
    assert response.status_code == 303
    db.session.expire_all()
    tenant = db.session.get(Tenant, space.id)
    assert tenant.taxonomies["group_themes"][0]["name"] == "Finansije"
    assert NEW_QUESTION in question_codes(tenant)
    assert question_codes(tenant).index(NEW_QUESTION) == 1  # where the kit puts it
    assert db.session.get(SpaceKit, space.id).declined == []
    assert db.session.scalar(
        db.select(AuditEntry.id).where(AuditEntry.action == "kit.upgrade_applied")
    )


def test_apply_none_and_stale_forms(app, db, space):
    publish(db, version_2())
    owner = logged_in(app, "vlasnica@brus.rs")
    # a form drawn for another version is refused, nothing changes
    stale = owner.post("/brus/admin/kit", {"version": "5", "action": "all"}, headers=EN)
    assert stale.status_code == 303
    assert db.session.get(SpaceKit, space.id).version == 1
    bad = owner.post("/brus/admin/kit", {"version": "2", "action": "maybe"}, headers=EN)
    assert bad.status_code == 422
    before = copy.deepcopy(space.taxonomies), copy.deepcopy(space.starter)
    owner.post("/brus/admin/kit", {"version": "2", "action": "none"}, headers=EN)
    db.session.expire_all()
    tenant = db.session.get(Tenant, space.id)
    assert (tenant.taxonomies, tenant.starter) == before
    assert db.session.get(SpaceKit, space.id).version == 2


def test_only_owners_and_platform_admins_manage_the_kit(app, db, space, make_user, make_tenant):
    publish(db, version_2())
    stranger = make_user(email="vlasnik@drugi.rs")
    make_tenant("drugi", members={stranger: "owner"})
    for email in ("admin@brus.rs", "vlasnik@drugi.rs"):
        client = logged_in(app, email)
        assert client.get("/brus/admin/kit").status_code == 403
        assert client.get("/brus/admin/kit.toml").status_code == 403
        assert client.post("/brus/admin/kit", {"version": "2", "action": "all"}).status_code == 403
    assert "kit-upgrade-notice" not in logged_in(app, "admin@brus.rs").get("/brus/admin/").get_data(
        as_text=True
    )
    assert db.session.get(SpaceKit, space.id).version == 1
    platform = logged_in(app, "platforma@example.org")
    assert platform.get("/brus/admin/kit").status_code == 200


# --- export and import -----------------------------------------------------------------------

FULL = (
    PILOT.replace(
        "[taxonomies]\n", f'[taxonomies]\nextra_actor_types = ["{NEW_TYPE}", "banka_hrane"]\n', 1
    )
    + """
[[starter.discussion_categories]]
name = "Obaveštenja"
name_en = "Announcements"
visibility = "public"

[[starter.discussion_categories]]
name = "Za članove"
description = "Samo za članove prostora."
visibility = "members"
"""
)


def sections_of(text: str) -> dict:
    data = tomllib.loads(text)
    data["tenant"].pop("slug")
    data.pop("kit")
    return data


def test_export_of_a_set_up_space_round_trips_into_a_new_space(app, db, space, people):
    tenant = create_from(parse_kit(FULL, "full.toml", slug="puna"), "krusevac", "full.toml")
    # the owners set it up further: settings, taxonomy, a template of their own
    tenant.name_en, tenant.accent_color, tenant.visibility = "Full space", "#204060", "members"
    tenant.contact_email = "kancelarija@puna.rs"
    tenant.modules = ["directory", "research", "news", "discussions"]
    taxonomies = copy.deepcopy(tenant.taxonomies)
    taxonomies["expected_actor_types"] = [*taxonomies["expected_actor_types"], NEW_TYPE]
    tenant.taxonomies = taxonomies
    with tenant_context(tenant.id):
        db.session.add(Membership(user_id=people["owner"].id, role="owner", status="active"))
        db.session.commit()
    owner = logged_in(app, "vlasnica@brus.rs")
    response = owner.get("/puna/admin/kit.toml")
    assert response.status_code == 200 and response.mimetype == "application/toml"
    assert response.headers["Content-Disposition"] == "attachment; filename=puna.toml"
    first = response.get_data(as_text=True)
    # no personal data: no people, no e-mail addresses
    assert "@" not in first and "Vlasnica" not in first
    data = tomllib.loads(first)
    assert set(data) == {"kit", "tenant", "taxonomies", "starter"}
    assert set(data["taxonomies"]) == {"expected_actor_types", "extra_actor_types", "group_themes"}
    assert set(data["starter"]) == {
        "proposal_templates", "survey_templates", "news_posts", "discussion_categories",
        "start_guide",
    }  # fmt: skip

    copy_tenant = create_from(parse_kit(first, "puna.toml", slug="kopija"), "puna", "puna.toml")
    db.session.commit()
    second = export_kit(copy_tenant)
    assert sections_of(second) == sections_of(first)
    for table in ("taxonomies", "starter"):
        assert getattr(copy_tenant, table) == getattr(tenant, table)
    # the CLI writes the same
    cli = app.test_cli_runner().invoke(args=["tenants", "export", "puna"])
    assert sections_of(cli.output) == sections_of(first)


def test_kits_are_uploaded_too_and_the_audit_logs_say_so(app, db, people, space):
    import io

    admin = logged_in(app, "platforma@example.org")
    not_text = admin.post(
        "/admin/kits",
        {"file": (io.BytesIO(b"\xff\xfe\x00kit"), "krusevac.toml")},
        headers=EN,
        content_type="multipart/form-data",
    )
    assert not_text.status_code == 422 and "not UTF-8" in not_text.get_data(as_text=True)
    uploaded = admin.post(
        "/admin/kits",
        {"file": (io.BytesIO(version_2().encode()), "krusevac.toml")},
        headers=EN,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 303
    assert db.session.scalar(db.select(KitVersion.version)) == 2
    platform_log = admin.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert "published version 2 of the kit krusevac" in platform_log
    # a space made from an uploaded kit remembers it as well
    made = admin.post(
        "/admin/tenants/kit",
        {"kit": (io.BytesIO(PILOT.encode()), "krusevac.toml"), "slug": "trstenik"},
        headers=EN,
        content_type="multipart/form-data",
    )
    assert made.status_code == 303
    trstenik = db.session.scalar(db.select(Tenant).where(Tenant.slug == "trstenik"))
    origin = db.session.get(SpaceKit, trstenik.id)
    assert (origin.kit_slug, origin.version) == ("krusevac", 1)
    owner = logged_in(app, "vlasnica@brus.rs")
    owner.post("/brus/admin/kit", {"version": "2", "action": "none"}, headers=EN)
    space_log = owner.get("/brus/admin/audit", headers=EN).get_data(as_text=True)
    assert "took nothing of version 2 of the kit krusevac" in space_log


def test_items_that_need_each_other_are_refused_apart(app, db, space):
    v2 = version_2(question=False).replace(
        'expected_actor_types = [\n  "social_enterprise",',
        f'expected_actor_types = [\n  "{NEW_TYPE}", "social_enterprise",',
        1,
    )
    assert NEW_TYPE in parse_kit(v2, "k.toml").taxonomies["expected_actor_types"]
    publish(db, v2)
    owner = logged_in(app, "vlasnica@brus.rs")
    response = owner.post(
        "/brus/admin/kit",
        {
            "version": "2",
            "action": "chosen",
            "item": [f"taxonomies.expected_actor_types:{NEW_TYPE}"],
        },
        headers=EN,
    )
    assert response.status_code == 422
    assert "taxonomies.expected_actor_types" in text_of(
        parse(response).select_one("#upgrade-problems")
    )
    db.session.expire_all()
    assert db.session.get(SpaceKit, space.id).version == 1
    assert NEW_TYPE not in db.session.get(Tenant, space.id).taxonomies["expected_actor_types"]
    both = [
        f"taxonomies.expected_actor_types:{NEW_TYPE}",
        f"taxonomies.extra_actor_types:{NEW_TYPE}",
    ]
    response = owner.post("/brus/admin/kit", {"version": "2", "action": "chosen", "item": both})
    assert response.status_code == 303
    db.session.expire_all()
    assert NEW_TYPE in db.session.get(Tenant, space.id).taxonomies["expected_actor_types"]
