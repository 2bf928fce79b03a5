"""Discussion categories in English: written by the space's admins (or brought by the kit or
the suggested set), shown in the English interface, the Serbian name otherwise."""

from __future__ import annotations

from solidarna.core.tenancy import tenant_context
from solidarna.discussions.models import Category
from tests.conftest import EN, field_error, one, parse, text_of

CYRILLIC = {"Accept-Language": "sr-Cyrl"}


def name_english(db, space, category_id, name_en, description_en=None):
    with tenant_context(space.tenant.id):
        category = db.session.get(Category, category_id)
        category.name_en, category.description_en = name_en, description_en
        category.description = "Pitajte zajednicu."
        db.session.commit()


def category_names(page) -> list[str]:
    return [text_of(a) for a in page.select("main h2 a")]


def test_the_english_interface_shows_english_category_names(db, space, as_user):
    name_english(db, space, space.public.id, "Questions", "Ask the community.")
    thread_id = space.thread("Zajednička nabavka")
    member = as_user("ana@example.org")
    index = parse(member.get("/alfa/discussions/", headers=EN))
    assert category_names(index) == ["Questions", "Soba članova"]  # no English name: Serbian
    assert "Ask the community." in [text_of(p) for p in index.select("main p")]
    category = parse(member.get(f"/alfa/discussions/c/{space.public.id}", headers=EN))
    assert text_of(one(category, "h1")) == "Questions"
    assert text_of(category.title) == "Questions · Discussions · Solidarna"
    assert text_of(one(category, "p.lead")) == "Ask the community."
    thread = parse(member.get(f"/alfa/discussions/t/{thread_id}", headers=EN))
    assert "Questions" in [text_of(a) for a in thread.select(".breadcrumbs a")]
    moderator = as_user("mod@example.org")
    move = parse(moderator.get(f"/alfa/discussions/t/{thread_id}/move", headers=EN))
    assert "Questions" in [text_of(o) for o in move.select("#category option")]


def test_the_serbian_interfaces_show_the_serbian_names_in_their_script(db, space, as_user):
    name_english(db, space, space.public.id, "Questions", "Ask the community.")
    member = as_user("ana@example.org")
    latin = parse(member.get("/alfa/discussions/"))
    assert category_names(latin) == ["Pitanja", "Soba članova"]
    cyrillic = parse(member.get("/alfa/discussions/", headers=CYRILLIC))
    assert category_names(cyrillic) == ["Питања", "Соба чланова"]
    assert "Питајте заједницу." in [text_of(p) for p in cyrillic.select("main p")]
    page = parse(member.get(f"/alfa/discussions/c/{space.public.id}", headers=CYRILLIC))
    assert text_of(one(page, "h1")) == "Питања"


def test_admins_write_and_clear_the_english_names(db, space, as_user):
    owner = as_user("owner@example.org")
    form = parse(owner.get("/alfa/discussions/categories/new", headers=EN))
    assert text_of(one(form, 'label[for="name_en"]')) == "Name in English (optional)"
    assert one(form, "#name_en")["lang"] == "en"
    assert "English interface" in text_of(one(form, "#name_en-help"))
    assert one(form, "textarea#description_en")
    data = {
        "name": "Zakon i propisi",
        "name_en": "Law and regulations",
        "description": "Izmene zakona.",
        "description_en": "Changes to the law.",
        "visibility": "public",
    }
    for bad, field in (
        ({"name_en": "L"}, "name_en"),
        ({"description_en": "x" * 1001}, "description_en"),
    ):
        refused = owner.post("/alfa/discussions/categories/new", {**data, **bad}, headers=EN)
        assert refused.status_code == 422 and field_error(refused, field).startswith("Use")
    created = owner.post("/alfa/discussions/categories/new", data, headers=EN)
    assert created.status_code == 303
    listed = parse(owner.get("/alfa/discussions/categories/", headers=EN))
    assert "The category Law and regulations is created." in listed.get_text()
    assert "Law and regulations" in [text_of(a) for a in listed.select("th a")]
    with tenant_context(space.tenant.id):
        made = db.session.scalar(db.select(Category).where(Category.name == "Zakon i propisi"))
        assert (made.name_en, made.description_en) == ("Law and regulations", "Changes to the law.")
        made_id = made.id
    edit = f"/alfa/discussions/categories/{made_id}/edit"
    assert one(parse(owner.get(edit)), "#name_en")["value"] == "Law and regulations"
    assert owner.post(edit, {**data, "name_en": " ", "description_en": ""}).status_code == 303
    db.session.expire_all()
    with tenant_context(space.tenant.id):
        made = db.session.get(Category, made_id)
        assert (made.name_en, made.description_en) == (None, None)


def test_suggested_categories_come_with_english_names(db, make_user, make_tenant, as_user):
    owner = make_user(email="nova@example.org")
    make_tenant("nova", members={owner: "owner"}, default_locale="sr_Latn")
    client = as_user("nova@example.org")
    assert client.post("/nova/discussions/categories/set-up").status_code == 303
    assert category_names(parse(client.get("/nova/discussions/")))[:2] == [
        "Obaveštenja",
        "Pitanja i odgovori",
    ]
    english = parse(client.get("/nova/discussions/", headers=EN))
    assert category_names(english) == ["Announcements", "Questions and answers", "Members' room"]
    # a space whose language is English has English names already: no second copy
    other = make_user(email="eng@example.org")
    tenant = make_tenant("eng", members={other: "owner"}, default_locale="en")
    as_user("eng@example.org").post("/eng/discussions/categories/set-up", headers=EN)
    with tenant_context(tenant.id):
        rows = db.session.scalars(db.select(Category).order_by(Category.position)).all()
        assert [(c.name, c.name_en) for c in rows][0] == ("Announcements", None)
