"""Throttling slows guessers down without locking anybody else out; the client address is
believed from X-Forwarded-For only behind TRUSTED_PROXIES; registration and login do the same
expensive work whether or not an address is registered."""

import pytest

from solidarna import create_app
from solidarna.accounts import views
from solidarna.accounts.models import User
from solidarna.core.audit import AuditEntry
from tests.conftest import EN, PASSWORD, Client, field_error, one, parse

ATTACKER = {"REMOTE_ADDR": "198.51.100.66"}
OWNER = {"REMOTE_ADDR": "203.0.113.7"}


def attempt(client, email, password, where=None, **kwargs):
    return client.post(
        "/auth/login",
        {"email": email, "password": password},
        headers=EN,
        environ_base=where or ATTACKER,
        **kwargs,
    )


def test_guesses_from_elsewhere_never_lock_the_owner_out(app, client, make_user, db):
    make_user(email="ana@example.org")
    codes = [attempt(client, "ana@example.org", f"wrong {i}").status_code for i in range(7)]
    assert codes == [422] * 5 + [429] * 2
    # Over the limit the attacker's attempts are refused before the password is checked:
    # even the right password answers 429 there, so guessing on tells nothing.
    refused = attempt(client, "ana@example.org", PASSWORD)
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert field_error(refused, "password") == "Too many attempts. Try again in 15 minutes."
    assert one(refused, "#email")["value"] == "ana@example.org"  # the form comes back
    # The owner, from an address of her own, logs in at once with the right password.
    owner = Client(app)
    assert attempt(owner, "ana@example.org", PASSWORD, OWNER).status_code == 303
    assert "ana@example.org" not in parse(client.get("/auth/profile")).get_text()
    # Only the five wrong passwords were failures; the refused attempts were not checked.
    failed = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "account.login_failed")
    ).all()
    assert len(failed) == 5 and {e.ip_address for e in failed} == {"198.51.100.66"}


def test_failures_per_address_refuse_guesses_for_any_account(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_IP"] = "4 per minute"
    make_user(email="ana@example.org")
    codes = [attempt(client, f"u{i}@example.org", "wrong").status_code for i in range(4)]
    assert codes == [422] * 4
    # A fifth account from the same address is not even tried, right password or not.
    assert attempt(client, "ana@example.org", PASSWORD).status_code == 429
    # Another address is not affected.
    assert attempt(Client(app), "ana@example.org", PASSWORD, OWNER).status_code == 303


def test_successful_logins_do_not_count(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per minute"
    make_user(email="ana@example.org")
    for _ in range(4):
        browser = Client(app)
        assert attempt(browser, "ana@example.org", PASSWORD).status_code == 303


def test_the_owners_browser_gets_in_even_from_an_address_under_attack(app, client, make_user):
    """Behind a shared address (NAT, or a proxy not configured in TRUSTED_PROXIES) the attacker
    and the owner look the same; the browser the owner logged in on before still gets in."""
    app.config["LOGIN_LIMIT_PER_IP"] = "3 per minute"
    make_user(email="ana@example.org")
    owner = Client(app)
    assert attempt(owner, "ana@example.org", PASSWORD).status_code == 303
    assert owner.raw.get_cookie(views.DEVICE_COOKIE, path="/auth/login") is not None
    owner.logout()
    for i in range(6):
        attempt(client, "ana@example.org", f"wrong {i}")
    assert attempt(client, "ana@example.org", PASSWORD).status_code == 429  # the same address
    assert attempt(owner, "ana@example.org", PASSWORD).status_code == 303


def test_a_browser_the_account_knows_has_a_limit_of_its_own(app, client, make_user):
    """A stolen device cookie does not buy unlimited guesses."""
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per minute"
    make_user(email="ana@example.org")
    assert attempt(client, "ana@example.org", PASSWORD).status_code == 303
    client.logout()
    codes = [attempt(client, "ana@example.org", "wrong", OWNER).status_code for _ in range(4)]
    assert codes == [422, 422, 422, 429]
    # The device cookie is signed: an altered one is ignored (the address limits apply).
    forged = Client(app)
    forged.raw.set_cookie(views.DEVICE_COOKIE, "e30.forged.sig", path="/auth/login")
    assert attempt(forged, "ana@example.org", "wrong", OWNER).status_code == 422


def test_reset_mail_is_capped_per_account_without_refusing_anyone(app, client, make_user, outbox):
    app.config["RESET_LIMIT_PER_ACCOUNT"] = "2 per hour"
    make_user(email="ana@example.org")
    for n in range(4):
        response = client.post(
            "/auth/forgot",
            {"email": "ana@example.org"},
            headers=EN,
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        )
        assert response.status_code == 200
        assert "If an account is registered" in response.get_data(as_text=True)
    # Two mails, not four: nobody can flood the mailbox, and the owner still has a link
    # sent within the hour, valid for two.
    assert len(outbox("ana@example.org")) == 2


def test_reset_requests_per_address_get_a_localized_429(app, client, make_user, outbox):
    app.config["RESET_LIMIT_PER_IP"] = "2 per hour"
    make_user(email="ana@example.org")
    codes = [
        client.post(
            "/auth/forgot", {"email": f"x{n}@example.org"}, environ_base=ATTACKER
        ).status_code
        for n in range(2)
    ]
    assert codes == [200, 200]
    refused = client.post(
        "/auth/forgot",
        {"email": "ana@example.org"},
        headers={"Accept-Language": "sr-Latn"},
        environ_base=ATTACKER,
    )
    assert refused.status_code == 429
    assert "Previše pokušaja" in refused.get_data(as_text=True)
    assert "Retry-After" in refused.headers
    # The owner, elsewhere, gets her mail.
    assert (
        client.post("/auth/forgot", {"email": "ana@example.org"}, environ_base=OWNER).status_code
        == 200
    )
    assert len(outbox("ana@example.org")) == 1


def test_resend_verification_is_capped_per_account(app, client, make_user, outbox):
    app.config["RESET_LIMIT_PER_ACCOUNT"] = "1 per hour"
    make_user(email="nova@example.org", verified=False)
    for n in range(3):
        response = client.post(
            "/auth/verify/resend",
            {"email": "nova@example.org"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
        )
        assert response.status_code == 303
    assert len(outbox("nova@example.org")) == 1


# --- behind a reverse proxy ----------------------------------------------------------------


def proxied_app(database_url, **config):
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": database_url, **config})

    @app.get("/_probe")
    def probe():
        from flask import request

        return {"addr": request.remote_addr, "secure": request.is_secure, "host": request.host}

    return app


PROXY = {"REMOTE_ADDR": "10.0.0.1"}


def test_forwarded_headers_are_believed_only_from_the_configured_proxies(app, database_url):
    behind = proxied_app(database_url, TRUSTED_PROXIES="1").test_client()
    headers = {
        # A client can write anything into the header; the proxy appends what it saw.
        "X-Forwarded-For": "6.6.6.6, 192.0.2.44",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "solidarna.example",
    }
    seen = behind.get("/_probe", headers=headers, environ_base=PROXY).get_json()
    assert seen == {"addr": "192.0.2.44", "secure": True, "host": "solidarna.example"}
    # Two proxies: two hops are believed, a third (spoofed) one is not.
    two = proxied_app(database_url, TRUSTED_PROXIES="2").test_client()
    seen = two.get(
        "/_probe", headers={"X-Forwarded-For": "6.6.6.6, 192.0.2.44, 10.0.0.2"}, environ_base=PROXY
    ).get_json()
    assert seen["addr"] == "192.0.2.44"
    # Without the setting the headers are ignored: the address is the connection's.
    direct = proxied_app(database_url).test_client()
    seen = direct.get("/_probe", headers=headers, environ_base=PROXY).get_json()
    assert seen == {"addr": "10.0.0.1", "secure": False, "host": "localhost"}


def test_bad_trusted_proxies_setting_stops_the_start(database_url):
    with pytest.raises(RuntimeError, match="TRUSTED_PROXIES"):
        proxied_app(database_url, TRUSTED_PROXIES="yes")


def test_behind_the_proxy_limits_and_audit_name_the_person(app, make_user, database_url, db):
    app_behind = proxied_app(database_url, TRUSTED_PROXIES="1", LOGIN_LIMIT_PER_IP="2 per minute")
    make_user(email="ana@example.org")

    def from_(address, password="wrong"):
        client = Client(app_behind)
        return client.raw.post(
            "/auth/login",
            data={"email": "ana@example.org", "password": password, "csrf_token": client.token()},
            headers={
                **EN,
                "X-Forwarded-For": address,
                "X-Forwarded-Proto": "https",
                "Referer": "https://localhost/auth/login",  # CSRF checks it over HTTPS
            },
            environ_base=PROXY,
            base_url="https://localhost",
        )

    assert [from_("192.0.2.44").status_code for _ in range(3)] == [422, 422, 429]
    # Everybody else behind the same proxy is a different address: not locked out.
    assert from_("192.0.2.55", PASSWORD).status_code == 303
    addresses = db.session.scalars(
        db.select(AuditEntry.ip_address).where(AuditEntry.action.like("account.login%"))
    ).all()
    assert sorted(set(addresses)) == ["192.0.2.44", "192.0.2.55"]


# --- no timing oracle ----------------------------------------------------------------------


@pytest.fixture
def argon2_calls(monkeypatch):
    """Count the real Argon2 computations PasswordHasher makes (they still run)."""
    import argon2._password_hasher as hasher_module

    calls = {"hash": 0, "verify": 0}
    for name, function in (("hash", "hash_secret"), ("verify", "verify_secret")):
        real = getattr(hasher_module, function)

        def counted(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(hasher_module, function, counted)
    return calls


def test_registering_a_taken_address_does_the_same_work(client, make_user, outbox, argon2_calls):
    make_user(email="ana@example.org")
    data = {"name": "Neko", "password": PASSWORD, "password_confirm": PASSWORD}
    work = []
    for email in ("ana@example.org", "nova@example.org"):
        before = dict(argon2_calls), len(outbox())
        response = client.post("/auth/register", {**data, "email": email})
        assert response.status_code == 303
        work.append((argon2_calls["hash"] - before[0]["hash"], len(outbox()) - before[1]))
    assert work == [(1, 1), (1, 1)]  # one password hash and one queued mail, either way
    assert User.by_email("ana@example.org").check_password(PASSWORD)  # untouched


def test_logging_in_with_an_unknown_address_does_the_same_work(client, make_user, argon2_calls):
    make_user(email="ana@example.org")
    counts = []
    for email in ("ana@example.org", "nobody@example.org"):
        before = argon2_calls["verify"]
        assert attempt(client, email, "wrong password").status_code == 422
        counts.append(argon2_calls["verify"] - before)
    assert counts == [1, 1]
