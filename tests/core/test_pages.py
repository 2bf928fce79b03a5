def test_home_is_serbian_latin_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="sr-Latn">' in html
    assert "Solidarna" in html


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
    response = client.get("/no/such/page", headers={"Accept-Language": "en"})
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
    assert "<html" in restore.get_data(as_text=True)
    assert "<html" in full.get_data(as_text=True)
    assert "<html" not in fragment.get_data(as_text=True)
    assert "<h1>" in fragment.get_data(as_text=True)
    assert "<html" in boosted.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    assert "HX-Request" in full.headers["Vary"]


def test_htmx_is_vendored_with_licence(app):
    from pathlib import Path

    vendor = Path(app.static_folder) / "vendor"
    (htmx_dir,) = list(vendor.glob("htmx-2.*"))
    assert (htmx_dir / "LICENSE").exists()
    assert (htmx_dir / "htmx.min.js").stat().st_size > 10_000


def test_body_sends_csrf_token_with_htmx_and_configures_strict_htmx(client):
    html = client.get("/").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in html
    assert '"allowEval": false' in html
    assert '"includeIndicatorStyles": false' in html


def test_home_lists_active_spaces(client, make_tenant, db):
    make_tenant("alfa", name="Opština Alfa")
    hidden = make_tenant("beta", name="Opština Beta")
    hidden.status = "suspended"
    db.session.commit()
    html = client.get("/").get_data(as_text=True)
    assert 'href="/alfa/"' in html and "Opština Alfa" in html
    assert "Opština Beta" not in html
