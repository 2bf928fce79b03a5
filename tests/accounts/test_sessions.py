"""Sessions can be revoked server-side: a copied session or remember-me cookie stops working
after logout, a password change or reset, "log out everywhere" and a suspension."""

import pytest

from solidarna.core.audit import AuditEntry
from tests.conftest import EN, PASSWORD, Client, field_error, link_in

SESSION = "session"
REMEMBER = "remember_token"


def logged_in(client) -> bool:
    return client.get("/auth/profile").status_code == 200


def copy_of(app, client, *names) -> Client:
    """Another browser holding copies of `client`'s cookies (what a thief would have)."""
    other = Client(app)
    for name in names:
        cookie = client.raw.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        other.raw.set_cookie(name, cookie.value)
    return other


@pytest.fixture
def ana(make_user):
    return make_user(email="ana@example.org")


def test_a_copied_session_cookie_is_anonymous_after_logout(app, client, ana):
    client.login("ana@example.org")
    thief = copy_of(app, client, SESSION)
    assert logged_in(thief)  # the copy works while the session lives ...
    client.logout()
    assert not logged_in(client)
    assert not logged_in(thief)  # ... and not after logout


def test_a_copied_remember_me_cookie_is_revoked_too(app, client, ana):
    response = client.post(
        "/auth/login", {"email": "ana@example.org", "password": PASSWORD, "remember": "y"}
    )
    assert response.status_code == 303
    old = client.raw.get_cookie(REMEMBER).value
    assert logged_in(copy_of(app, client, REMEMBER))  # it logs a fresh browser in
    client.post("/auth/profile/sessions")  # log out everywhere else
    thief = Client(app)
    thief.raw.set_cookie(REMEMBER, old)
    assert not logged_in(thief)  # the old copy no longer does
    assert logged_in(client)  # this browser stays, with a renewed remember-me cookie
    assert client.raw.get_cookie(REMEMBER).value != old
    assert logged_in(copy_of(app, client, REMEMBER))


def test_log_out_everywhere_ends_the_other_sessions_only(app, client, ana, db):
    client.login("ana@example.org")
    laptop = Client(app)
    laptop.login("ana@example.org")
    thief = copy_of(app, client, SESSION)
    response = client.post("/auth/profile/sessions", headers=EN)
    assert response.status_code == 303
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "You are logged out on every other device and browser." in page
    assert logged_in(client)
    assert not logged_in(laptop) and not logged_in(thief)
    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert "account.sessions_ended" in actions


def test_log_out_everywhere_needs_csrf_and_a_login(app, client, ana):
    client.login("ana@example.org")
    laptop = Client(app)
    laptop.login("ana@example.org")
    assert client.post("/auth/profile/sessions", csrf=False).status_code == 400
    assert logged_in(laptop)
    anonymous = Client(app).post("/auth/profile/sessions")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


def test_password_change_ends_copies_but_keeps_this_session(app, client, ana):
    client.login("ana@example.org")
    thief = copy_of(app, client, SESSION)
    new = "drugi dugi pasvord"
    response = client.post(
        "/auth/profile/password",
        {"current_password": PASSWORD, "password": new, "password_confirm": new},
    )
    assert response.status_code == 303
    assert logged_in(client)
    assert not logged_in(thief)


def test_password_reset_ends_every_session(app, client, ana, outbox):
    client.login("ana@example.org")
    elsewhere = Client(app)
    elsewhere.post("/auth/forgot", {"email": "ana@example.org"})
    new = "nova lozinka za Rasinu"
    link = link_in(outbox("ana@example.org")[-1].body_text)
    assert elsewhere.post(link, {"password": new, "password_confirm": new}).status_code == 303
    assert not logged_in(client)


def test_suspending_an_account_ends_its_sessions_and_logins(app, client, ana, make_user, db):
    make_user(email="admin@example.org", is_platform_admin=True)
    client.login("ana@example.org")
    thief = copy_of(app, client, SESSION)
    admin = Client(app)
    admin.login("admin@example.org")
    response = admin.post(
        "/admin/accounts/status", {"email": "ana@example.org", "action": "suspend"}, headers=EN
    )
    assert response.status_code == 303
    assert not logged_in(client) and not logged_in(thief)
    refused = client.post(
        "/auth/login", {"email": "ana@example.org", "password": PASSWORD}, headers=EN
    )
    assert refused.status_code == 422
    # Reinstated, she logs in again.
    admin.post("/admin/accounts/status", {"email": "ana@example.org", "action": "reinstate"})
    client.login("ana@example.org")
    actions = db.session.scalars(
        db.select(AuditEntry.action).where(AuditEntry.target_id == ana.id)
    ).all()
    assert {"account.suspended", "account.reinstated"} <= set(actions)


def test_suspension_is_for_platform_admins_and_not_of_oneself(app, client, ana, make_user):
    make_user(email="admin@example.org", is_platform_admin=True)
    client.login("ana@example.org")
    denied = client.post(
        "/admin/accounts/status", {"email": "ana@example.org", "action": "suspend"}
    )
    assert denied.status_code == 403
    admin = Client(app)
    admin.login("admin@example.org")
    own = admin.post(
        "/admin/accounts/status", {"email": "admin@example.org", "action": "suspend"}, headers=EN
    )
    assert own.status_code == 422
    assert field_error(own, "email") == "You cannot suspend your own account."
    unknown = admin.post(
        "/admin/accounts/status", {"email": "nobody@example.org", "action": "suspend"}, headers=EN
    )
    assert unknown.status_code == 422
    assert logged_in(admin)
