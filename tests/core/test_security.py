import pytest

from solidarna import create_app
from tests.conftest import EN, one, parse, text_of


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "http" not in csp  # no third-party origins
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_scripts_or_third_party_assets(client):
    response = client.get("/")
    scripts = parse(response).find_all("script")
    assert scripts, "the page loads htmx and app.js"
    for script in scripts:  # files from this site only, nothing inline
        assert script["src"].startswith("/static/") and not script.get_text().strip(), script
    html = response.get_data(as_text=True)
    assert "https://" not in html and "http://" not in html.replace("http://localhost", "")


def test_session_cookie_flags(client):
    response = client.get("/auth/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize("key", [None, "", "dev", "change-me", "short"])
def test_production_refuses_default_secret_key(key, monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(
            {
                "ENV_NAME": "production",
                "SECRET_KEY": key,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            }
        )


def test_production_accepts_a_real_secret_and_sets_secure_cookies(tmp_path):
    app = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": "x" * 48,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_development_generates_and_keeps_a_secret_key(tmp_path, monkeypatch):
    from solidarna.config import dev_secret_key

    first = dev_secret_key(str(tmp_path))
    assert len(first) > 40
    assert dev_secret_key(str(tmp_path)) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_post_without_csrf_token_is_refused(client, make_user):
    make_user(email="ana@example.org")
    response = client.post(
        "/auth/login", {"email": "ana@example.org", "password": "x"}, csrf=False, headers=EN
    )
    assert response.status_code == 400
    # The error page explains what happened (every page has a form: "form" alone proves nothing).
    page = one(response, ".error-page")
    assert text_of(page.h1) == "Bad request"
    assert "The form has expired or was sent from another page." in text_of(page)
    assert not parse(response).select('input[name="password"]')  # not the login form again


def test_csrf_header_from_htmx_is_accepted(client, make_user):
    make_user(email="ana@example.org")
    token = client.token()
    response = client.raw.post(
        "/auth/login",
        data={"email": "ana@example.org", "password": "correct horse battery"},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 303
