import json

from tests.conftest import EN, one, parse, text_of


def test_home_is_serbian_latin_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    page = parse(response)
    assert page.html["lang"] == "sr-Latn"
    assert "Solidarna" in text_of(page.title)


def test_health_answers_when_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_health_answers_503_when_database_is_gone(tmp_path):
    from solidarna import create_app

    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none",
        }
    )
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.json["status"] == "unavailable"


def test_unknown_page_is_a_localized_404(client):
    response = client.get("/no/such/page", headers=EN)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_method_not_allowed_is_405(client):
    response = client.raw.delete("/")
    assert response.status_code == 405


def test_htmx_request_gets_only_the_content_block(client):
    full = client.get("/")
    fragment = client.get("/", headers={"HX-Request": "true"})
    boosted = client.get("/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    restore = client.get("/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    for whole in (full, boosted, restore):
        assert parse(whole).find("html") is not None
    content = parse(fragment)
    assert content.find("html") is None and content.find("header") is None
    assert content.find("h1") is not None
    assert "HX-Request" in fragment.headers["Vary"]
    assert "HX-Request" in full.headers["Vary"]


def test_htmx_is_vendored_with_licence(app):
    from pathlib import Path

    vendor = Path(app.static_folder) / "vendor"
    (htmx_dir,) = list(vendor.glob("htmx-2.*"))
    assert (htmx_dir / "LICENSE").exists()
    assert (htmx_dir / "htmx.min.js").stat().st_size > 10_000


def test_body_sends_csrf_token_with_htmx_and_configures_strict_htmx(client, make_user):
    # a visitor's page carries no token (nothing a visitor does needs one; the page cache
    # serves the same bytes to every visitor), a logged-in person's does
    visitor = parse(client.get("/"))
    assert not visitor.body.has_attr("hx-headers")
    assert not visitor.select('input[name="csrf_token"]')
    make_user("htmx@example.org")
    client.login("htmx@example.org")
    page = parse(client.get("/"))
    token = json.loads(page.body["hx-headers"])["X-CSRFToken"]
    assert token == one(page, 'form.lang-switch input[name="csrf_token"]')["value"]
    config = json.loads(one(page, 'meta[name="htmx-config"]')["content"])
    assert config["allowEval"] is False and config["allowScriptTags"] is False
    assert config["includeIndicatorStyles"] is False


def test_home_lists_active_spaces(client, make_tenant, db):
    make_tenant("alfa", name="Opština Alfa")
    hidden = make_tenant("beta", name="Opština Beta")
    hidden.status = "suspended"
    db.session.commit()
    page = parse(client.get("/"))
    assert "Opština Alfa" in text_of(one(page, 'main a[href="/alfa/"]'))
    assert not page.select('a[href="/beta/"]') and "Opština Beta" not in text_of(page)
