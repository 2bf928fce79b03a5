import pytest

from solidarna.accounts.models import User
from solidarna.accounts.services import password_problem
from tests.conftest import EN, PASSWORD, field_error, link_in, one, parse


def register(client, email="nova@example.org", password=PASSWORD, name="Nova Korisnica", **extra):
    data = {"name": name, "email": email, "password": password, "password_confirm": password}
    data.update(extra)
    return client.post("/auth/register", data, headers=EN)


def test_register_verify_login_logout(client, outbox, db):
    response = register(client)
    assert response.status_code == 303
    (message,) = outbox("nova@example.org")
    assert message.subject == "Confirm your e-mail address"  # in the language of the page
    user = User.by_email("nova@example.org")
    assert user and not user.is_verified
    assert user.password_hash.startswith("$argon2id$")

    # Not verified yet: login is refused with a way to resend.
    response = client.post(
        "/auth/login", {"email": "nova@example.org", "password": PASSWORD}, headers=EN
    )
    assert response.status_code == 403

    response = client.get(link_in(message.body_text))
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.is_verified

    client.login("nova@example.org")
    assert "Nova Korisnica" in client.get("/").get_data(as_text=True)
    assert client.logout().status_code == 303
    assert "Nova Korisnica" not in client.get("/").get_data(as_text=True)


def test_register_with_taken_email_gives_the_same_answer(client, make_user, outbox):
    make_user(email="ana@example.org")
    first = register(client, email="ana@example.org")
    second = register(client, email="nova@example.org")
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    (notice,) = outbox("ana@example.org")
    assert "/auth/forgot" in notice.body_text  # the owner learns of it, the stranger does not
    assert db_count_users() == 2


def db_count_users():
    from solidarna.extensions import db

    return db.session.scalar(db.select(db.func.count(User.id)))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "valid e-mail"),
        ("password", "short", "at least 10"),
        ("password", "1234567890", "too common"),
        ("name", "", "required"),
    ],
)
def test_register_bad_input_is_a_clear_422(client, field, value, message):
    data = {
        "name": "Nova",
        "email": "nova@example.org",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
    }
    data[field] = value
    if field == "password":
        data["password_confirm"] = value
    response = client.post("/auth/register", data, headers=EN)
    assert response.status_code == 422
    assert message in field_error(response, field)
    assert one(response, f'input[name="{field}"]')["aria-invalid"] == "true"
    assert db_count_users() == 0
    # nothing typed is lost
    if field != "email":
        assert one(response, 'input[name="email"]')["value"] == "nova@example.org"


def test_register_passwords_must_match(client):
    response = register(client, password_confirm="another long password")
    assert response.status_code == 422
    assert "do not match" in response.get_data(as_text=True)


def test_password_rules():
    assert password_problem("short") is not None
    assert password_problem("aaaaaaaaaaaa") is not None
    assert password_problem("anamarkovic2026", email="anamarkovic@example.org") is not None
    assert password_problem("zeleni most preko Rasine") is None


def test_wrong_password_is_generic_and_audited(client, make_user, db):
    make_user(email="ana@example.org")
    wrong = client.post(
        "/auth/login", {"email": "ana@example.org", "password": "wrong password!"}, headers=EN
    )
    unknown = client.post(
        "/auth/login", {"email": "nobody@example.org", "password": "wrong password!"}, headers=EN
    )
    assert wrong.status_code == unknown.status_code == 422
    message = "The e-mail address or the password is not right."
    assert message in wrong.get_data(as_text=True) and message in unknown.get_data(as_text=True)
    from solidarna.core.audit import AuditEntry

    actions = db.session.scalars(db.select(AuditEntry.action)).all()
    assert actions.count("account.login_failed") == 2


def test_password_reset_flow_works_once(client, make_user, outbox, db):
    user = make_user(email="ana@example.org")
    response = client.post("/auth/forgot", {"email": "ana@example.org"}, headers=EN)
    assert response.status_code == 200
    unknown = client.post("/auth/forgot", {"email": "nobody@example.org"}, headers=EN)
    assert unknown.status_code == 200
    assert "If an account is registered" in unknown.get_data(as_text=True)
    (message,) = outbox()
    link = link_in(message.body_text)
    new_password = "nova lozinka za Rasinu"
    response = client.post(link, {"password": new_password, "password_confirm": new_password})
    assert response.status_code == 303
    client.login("ana@example.org", new_password)
    # The link does not work a second time.
    again = client.get(link)
    assert again.status_code == 400
    db.session.refresh(user)
    assert user.check_password(new_password)


def test_reset_link_tampered_is_refused(client):
    response = client.get("/auth/reset/not-a-token")
    assert response.status_code == 400


def test_expired_verification_link(app, client, outbox):
    register(client)
    app.config["VERIFY_EMAIL_MAX_AGE"] = -1
    response = client.get(link_in(outbox()[0].body_text), headers=EN)
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_profile_requires_login(client):
    response = client.get("/auth/profile")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]


def test_profile_updates_name_and_language(client, make_user, db):
    user = make_user(email="ana@example.org")
    client.login("ana@example.org")
    response = client.post("/auth/profile", {"name": "Ana Anić", "locale": "sr_Cyrl"})
    assert response.status_code == 303
    db.session.refresh(user)
    assert (user.name, user.locale) == ("Ana Anić", "sr_Cyrl")
    assert parse(client.get("/auth/profile")).html["lang"] == "sr-Cyrl"
    bad = client.post("/auth/profile", {"name": "", "locale": "klingon"})
    assert bad.status_code == 422


def test_change_password_ends_other_sessions(app, client, make_user):
    make_user(email="ana@example.org")
    client.login("ana@example.org")
    from tests.conftest import Client

    other = Client(app)
    other.login("ana@example.org")
    new = "drugi dugi pasvord"
    wrong = client.post(
        "/auth/profile/password",
        {"current_password": "nope", "password": new, "password_confirm": new},
        headers=EN,
    )
    assert wrong.status_code == 422
    response = client.post(
        "/auth/profile/password",
        {"current_password": PASSWORD, "password": new, "password_confirm": new},
    )
    assert response.status_code == 303
    assert client.get("/auth/profile").status_code == 200  # this session stays
    assert other.get("/auth/profile").status_code == 302  # the other one is logged out


def test_change_email_needs_confirmation_of_the_new_address(client, make_user, outbox, db):
    user = make_user(email="ana@example.org")
    client.login("ana@example.org")
    response = client.post(
        "/auth/profile/email", {"email": "ana.nova@example.org", "current_password": PASSWORD}
    )
    assert response.status_code == 303
    db.session.refresh(user)
    assert user.email == "ana@example.org"  # unchanged until confirmed
    (message,) = outbox("ana.nova@example.org")
    assert client.get(link_in(message.body_text)).status_code == 303
    db.session.refresh(user)
    assert user.email == "ana.nova@example.org"


def test_change_email_to_a_taken_address_fails_on_confirmation(client, make_user, outbox):
    make_user(email="ana@example.org")
    make_user(email="zauzeta@example.org")
    client.login("ana@example.org")
    client.post(
        "/auth/profile/email", {"email": "zauzeta@example.org", "current_password": PASSWORD}
    )
    (message,) = outbox("zauzeta@example.org")
    assert client.get(link_in(message.body_text)).status_code == 409


def test_next_parameter_stays_on_site(client, make_user):
    make_user(email="ana@example.org")
    response = client.post(
        "/auth/login?next=https://evil.example/", {"email": "ana@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"
    client.logout()
    response = client.post(
        "/auth/login?next=/auth/profile", {"email": "ana@example.org", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/auth/profile"


def test_users_create_command(runner, db):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Op@Example.org",
            "--name",
            "Operater",
            "--platform-admin",
        ],
        input="operaterova lozinka\noperaterova lozinka\n",
    )
    assert result.exit_code == 0, result.output
    user = User.by_email("op@example.org")
    assert user.is_platform_admin and user.is_verified
    weak = runner.invoke(
        args=["users", "create", "--email", "x@example.org", "--name", "X"], input="short\nshort\n"
    )
    assert weak.exit_code != 0
    dup = runner.invoke(
        args=["users", "create", "--email", "op@example.org", "--name", "X"],
        input="operaterova lozinka\noperaterova lozinka\n",
    )
    assert "already exists" in dup.output
