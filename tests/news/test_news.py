"""News through the pages: writing, editing and publishing (the space's admins only, audit-
logged), drafts hidden from everyone else, an image that must be a real PNG or JPEG, the list
by kind and tag, a call past its deadline shown closed, Open Graph tags, the space's and the
national Atom feeds (valid Atom; published posts of public spaces only), the space home's
latest posts, and 422s that keep what was typed."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from PIL import Image

from solidarna.core.audit import AuditEntry
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.news import services
from solidarna.news.models import NewsPost
from solidarna.tenants.kits import KitError, export_kit, parse_kit
from solidarna.tenants.models import Tenant
from tests.conftest import Client, parse

ATOM = "{http://www.w3.org/2005/Atom}"


def english(app, email=None) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    if email:
        client.login(email)
    return client


@pytest.fixture
def spaces(make_user, make_tenant):
    admin = make_user(email="admin@example.org", name="Urednica Vesti")
    member = make_user(email="member@example.org", name="Član")
    other = make_user(email="other@example.org", name="Drugi admin")
    alfa = make_tenant("alfa", members={admin: "admin", member: "member"})
    beta = make_tenant("beta", members={other: "admin"})
    hidden = make_tenant("skriveni", visibility="members", members={admin: "owner"})
    return {"alfa": alfa, "beta": beta, "skriveni": hidden}


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 110, 79)).save(out, "PNG")
    return out.getvalue()


def form(**changes) -> dict:
    data = {"kind": "announcement", "title": "Otvorena kancelarija",
            "summary": "Kancelarija prima stranke utorkom.", "body": "**Dobro došli.**",
            "tags": "Kancelarija, podrška", "image_alt": ""}  # fmt: skip
    data.update(changes)
    return data


def new_post(client, slug="alfa", **changes) -> int:
    response = client.post(f"/{slug}/news/new", form(**changes))
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def publish(client, slug, post_id):
    assert client.post(f"/{slug}/news/{post_id}/publish").status_code == 303


def the_post(app, tenant, post_id) -> NewsPost:
    db.session.expire_all()
    with tenant_context(tenant.id):
        return db.session.get(NewsPost, post_id)


def test_an_admin_writes_edits_publishes_and_deletes_a_post(app, spaces):
    admin = english(app, "admin@example.org")
    post_id = new_post(admin)
    post = the_post(app, spaces["alfa"], post_id)
    assert post.status == "draft" and post.published_at is None
    assert post.tags == ["kancelarija", "podrška"] and post.author_id is not None
    visitor = english(app)
    assert visitor.get(f"/alfa/news/{post_id}").status_code == 404
    member = english(app, "member@example.org")
    assert member.get(f"/alfa/news/{post_id}").status_code == 404
    assert member.get("/alfa/news/new").status_code == 403
    assert member.post(f"/alfa/news/{post_id}/publish").status_code == 403
    assert "Otvorena kancelarija" not in visitor.get("/alfa/news/").get_data(as_text=True)
    drafts = admin.get("/alfa/news/?show=drafts").get_data(as_text=True)
    assert "Otvorena kancelarija" in drafts
    # a visitor asking for drafts gets the published list
    assert "Otvorena kancelarija" not in visitor.get("/alfa/news/?show=drafts").get_data(
        as_text=True
    )

    publish(admin, "alfa", post_id)
    page = visitor.get(f"/alfa/news/{post_id}")
    assert page.status_code == 200
    assert "<strong>Dobro došli.</strong>" in page.get_data(as_text=True)
    assert the_post(app, spaces["alfa"], post_id).published_at is not None

    edited = admin.post(f"/alfa/news/{post_id}/edit", form(title="Kancelarija radi i sredom"))
    assert edited.status_code == 303
    assert the_post(app, spaces["alfa"], post_id).title == "Kancelarija radi i sredom"
    assert admin.post(f"/alfa/news/{post_id}/unpublish").status_code == 303
    assert visitor.get(f"/alfa/news/{post_id}").status_code == 404
    assert admin.post(f"/alfa/news/{post_id}/delete").status_code == 303
    assert the_post(app, spaces["alfa"], post_id) is None
    with tenant_context(spaces["alfa"].id):
        logged = [e.action for e in db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.target_type == "news_posts")
            .order_by(AuditEntry.id))]  # fmt: skip
    assert logged == ["news.created", "news.published", "news.changed", "news.unpublished",
                      "news.deleted"]  # fmt: skip
    log = admin.get("/alfa/admin/audit").get_data(as_text=True)
    assert "published the news post" in log


def test_bad_input_answers_422_and_keeps_what_was_typed(app, spaces):
    admin = english(app, "admin@example.org")
    response = admin.post("/alfa/news/new", form(title="", kind="call", summary="Sažetak ostaje."))
    assert response.status_code == 422
    page = parse(response)
    assert page.select_one("#summary").get_text().strip() == "Sažetak ostaje."
    errors = page.select_one(".error-summary").get_text()
    assert "Title" in errors and "A call needs a deadline." in errors
    response = admin.post("/alfa/news/new", form(kind="secret"))
    assert response.status_code == 422
    response = admin.post("/alfa/news/new", form(tags=", ".join(f"t{i}" for i in range(12))))
    assert response.status_code == 422 and "at most 10 tags" in response.get_data(as_text=True)
    response = admin.post("/alfa/news/new", form(kind="call", deadline="31.02.2026."))
    assert response.status_code == 422
    with tenant_context(spaces["alfa"].id):
        assert db.session.scalar(db.select(db.func.count(NewsPost.id))) == 0


def test_the_image_must_be_a_png_or_jpeg_and_is_served_to_who_may_read(app, spaces):
    admin = english(app, "admin@example.org")
    refused = admin.post("/alfa/news/new", {
        **form(), "image": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "slika.png")})  # fmt: skip
    assert refused.status_code == 422
    assert "This type of file is not accepted. Accepted: PNG, JPEG." in refused.get_data(
        as_text=True
    )
    assert parse(refused).select_one("#title")["value"] == "Otvorena kancelarija"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    response = admin.post("/alfa/news/new", {**form(), "image": (io.BytesIO(svg), "a.svg")})
    assert response.status_code == 422

    response = admin.post("/alfa/news/new", {
        **form(image_alt="Logo kancelarije"), "image": (io.BytesIO(png_bytes()), "logo.png")})  # fmt: skip
    assert response.status_code == 303
    post_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    visitor = english(app)
    assert visitor.get(f"/alfa/news/{post_id}/image").status_code == 404  # a draft's
    image = admin.get(f"/alfa/news/{post_id}/image")
    assert image.status_code == 200 and image.mimetype == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"
    publish(admin, "alfa", post_id)
    assert visitor.get(f"/alfa/news/{post_id}/image").status_code == 200
    page = parse(visitor.get(f"/alfa/news/{post_id}"))
    og = {m["property"]: m["content"] for m in page.select("meta[property^='og:']")}
    assert og["og:title"] == "Otvorena kancelarija"
    assert og["og:description"] == "Kancelarija prima stranke utorkom."
    assert og["og:url"] == f"http://localhost/alfa/news/{post_id}"
    assert og["og:image"] == f"http://localhost/alfa/news/{post_id}/image"
    assert page.select_one("figure.news-image img")["alt"] == "Logo kancelarije"
    # another space's post and image: 404
    other = english(app, "other@example.org")
    assert other.get(f"/beta/news/{post_id}").status_code == 404
    assert other.get(f"/beta/news/{post_id}/image").status_code == 404
    assert other.post(f"/beta/news/{post_id}/edit", form()).status_code == 404
    # removing the image
    assert admin.post(f"/alfa/news/{post_id}/edit", form(remove_image="y")).status_code == 303
    assert the_post(app, spaces["alfa"], post_id).image_id is None
    page = parse(visitor.get(f"/alfa/news/{post_id}"))
    # without its own image the post is shared with the platform's default one
    images = page.select("meta[property='og:image']")
    assert len(images) == 1
    assert re.fullmatch(
        r"http://localhost/static/img/share-default(\.\w+)?\.png", images[0]["content"]
    )


def test_the_list_filters_by_kind_and_tag_and_marks_closed_calls(app, spaces):
    admin = english(app, "admin@example.org")
    today = services.today()
    closed = new_post(admin, kind="call", title="Stari konkurs", tags="finansije",
                      deadline=(today - timedelta(days=1)).isoformat())  # fmt: skip
    open_ = new_post(admin, kind="call", title="Novi konkurs", tags="finansije, obuke",
                     deadline=(today + timedelta(days=10)).isoformat())  # fmt: skip
    story = new_post(admin, kind="success_story", title="Zadruga je uspela", tags="zadruge")
    for post_id in (closed, open_, story):
        publish(admin, "alfa", post_id)
    visitor = english(app)
    calls = visitor.get("/alfa/news/?kind=call").get_data(as_text=True)
    assert "Stari konkurs" in calls and "Novi konkurs" in calls and "Zadruga" not in calls
    tagged = visitor.get("/alfa/news/?tag=obuke").get_data(as_text=True)
    assert "Novi konkurs" in tagged and "Stari konkurs" not in tagged
    cards = {c.h2.get_text(strip=True): c.get_text(" ", strip=True)
             for c in parse(visitor.get("/alfa/news/")).select(".news-card")}  # fmt: skip
    assert "Call closed" in cards["Stari konkurs"] and "Open until" in cards["Novi konkurs"]
    assert "Closed" in visitor.get(f"/alfa/news/{closed}").get_data(as_text=True)
    # the fragment htmx asks for, and a bad kind or page: the list, never an error
    assert (
        visitor.get("/alfa/news/?kind=x&page=abc", headers={"HX-Request": "true"}).status_code
        == 200
    )
    # the space home shows the latest published posts
    home = visitor.get("/alfa/").get_data(as_text=True)
    assert "Zadruga je uspela" in home


def test_the_space_feed_is_atom_with_published_posts_only(app, spaces):
    admin = english(app, "admin@example.org")
    published = new_post(admin, title="Objavljena vest")
    new_post(admin, title="Nacrt vesti")
    publish(admin, "alfa", published)
    response = english(app).get("/alfa/news/feed.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}updated").text
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Objavljena vest"]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href") == f"http://localhost/alfa/news/{published}"
    assert entry.find(f"{ATOM}updated").text


def test_the_national_feed_carries_public_spaces_only(app, spaces):
    alfa_admin = english(app, "admin@example.org")
    beta_admin = english(app, "other@example.org")
    publish(alfa_admin, "alfa", new_post(alfa_admin, title="Vest iz alfe"))
    publish(beta_admin, "beta", new_post(beta_admin, "beta", title="Vest iz bete"))
    new_post(beta_admin, "beta", title="Nacrt iz bete")
    secret = new_post(alfa_admin, "skriveni", title="Tajna vest skrivenog prostora")
    publish(alfa_admin, "skriveni", secret)
    assert english(app).get(f"/skriveni/news/{secret}").status_code == 302  # log in first
    response = english(app).get("/news/feed.atom")
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    assert root.tag == f"{ATOM}feed" and root.find(f"{ATOM}updated").text
    titles = {e.find(f"{ATOM}title").text: e.find(f"{ATOM}link").get("href")
              for e in root.findall(f"{ATOM}entry")}  # fmt: skip
    assert set(titles) == {"Vest iz alfe", "Vest iz bete"}
    assert titles["Vest iz bete"].startswith("http://localhost/beta/news/")
    assert "Tajna vest" not in response.get_data(as_text=True)
    # a space with news switched off is left out too
    with tenant_context(spaces["beta"].id):
        tenant = db.session.get(type(spaces["beta"]), spaces["beta"].id)
        tenant.modules = [m for m in tenant.modules if m != "news"]
        db.session.commit()
    root = ET.fromstring(english(app).get("/news/feed.atom").get_data())
    assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == ["Vest iz alfe"]
    assert english(app).get("/beta/news/").status_code == 404


KIT = """
[tenant]
slug = "brus"
name = "Opština Brus"
kind = "municipality"
region = "RS-19"
modules = ["news"]
"""


def test_kit_texts_are_validated_exported_and_offered_on_the_new_post_page(app, make_tenant):
    from solidarna.tenants.kits import apply_kit

    with pytest.raises(KitError) as error:
        parse_kit(KIT + "[[starter.news_posts]]\nkey = 'Loš ključ'\ntitle = 'x'\n", "brus.toml")
    assert "starter.news_posts" in str(error.value)
    kit = parse_kit(
        KIT + "[[starter.news_posts]]\nkey = 'sta-je-sp'\nkind = 'explainer'\n"
        "title = 'Šta je socijalno preduzeće'\nsummary = 'Ukratko.'\nbody = 'Po zakonu iz 2022.'\n"
        "tags = ['zakon']\n",
        "brus.toml",
    )
    tenant = apply_kit(kit)
    again = parse_kit(export_kit(tenant), "exported.toml")
    assert again.starter["news_posts"][0]["key"] == "sta-je-sp"


def test_the_pilot_kits_ship_the_explainer(app):
    from pathlib import Path

    for name in ("krusevac", "korse"):
        path = Path(__file__).resolve().parents[2] / "tenants" / f"{name}.toml"
        kit = parse_kit(path.read_text(encoding="utf-8"), path.name)
        assert "news" in kit.tenant["modules"]
        titles = [t["title"] for t in kit.starter["news_posts"]]
        assert any("Zakonu o socijalnom preduzetništvu" in t for t in titles), titles
        again = parse_kit(export_kit_of(kit), "exported.toml")
        assert again.starter["news_posts"] == kit.starter["news_posts"]


def export_kit_of(kit) -> str:
    from solidarna.tenants.kits import apply_kit

    tenant = apply_kit(kit)
    return export_kit(tenant)


def test_the_demo_news_is_published_in_both_pilot_spaces(runner, app):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    assert "8 new news posts" in first.output
    assert "0 new news posts" in runner.invoke(args=["demo", "load"]).output
    client = english(app)
    for slug in ("krusevac", "korse"):
        listing = client.get(f"/{slug}/news/").get_data(as_text=True)
        assert "Zakonu o socijalnom preduzetništvu" in listing, slug
        home = client.get(f"/{slug}/").get_data(as_text=True)
        assert "Zakonu o socijalnom preduzetništvu" in home, slug
    root = ET.fromstring(client.get("/news/feed.atom").get_data())
    assert len(root.findall(f"{ATOM}entry")) == 8
    with tenant_context(db.session.scalar(db.select(Tenant.id).where(Tenant.slug == "korse"))):
        story = db.session.scalar(db.select(NewsPost).where(NewsPost.kind == "success_story"))
        story_id = story.id
        assert story.image_id is not None
    page = parse(client.get(f"/korse/news/{story_id}"))
    assert page.select_one("meta[property='og:image']")["content"].endswith("/image")
    assert client.get(f"/korse/news/{story_id}/image").mimetype == "image/png"


def test_visitors_news_pages_are_cached_until_a_change_or_the_next_day(app, spaces, monkeypatch):
    from datetime import date

    from solidarna.core import pagecache

    app.config["PAGE_CACHE"] = True
    admin = english(app, "admin@example.org")
    call = new_post(admin, kind="call", title="Konkurs za opremu",
                    deadline=services.today().isoformat())  # fmt: skip
    publish(admin, "alfa", call)
    for path in ("/alfa/news/", f"/alfa/news/{call}"):
        assert english(app).get(path).status_code == 200
        second = english(app).get(path)
        assert second.headers.get(pagecache.STATUS_HEADER) == "hit", path
        assert "Open until" in second.get_data(as_text=True)
    # a change in the space: not served from the cache
    assert admin.post(f"/alfa/news/{call}/edit", form(
        kind="call", title="Konkurs za novu opremu", deadline=services.today().isoformat())
    ).status_code == 303  # fmt: skip
    fresh = english(app).get(f"/alfa/news/{call}")
    assert fresh.headers.get(pagecache.STATUS_HEADER) != "hit"
    assert "Konkurs za novu opremu" in fresh.get_data(as_text=True)
    # the next day the call is closed, without any write in the space
    tomorrow = services.today() + timedelta(days=1)
    monkeypatch.setattr(services, "today", lambda: tomorrow)
    assert isinstance(tomorrow, date)
    page = english(app).get(f"/alfa/news/{call}")
    assert page.headers.get(pagecache.STATUS_HEADER) != "hit"
    assert "Closed" in page.get_data(as_text=True)
