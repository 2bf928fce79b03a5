"""A wrong e-mail address gets one sentence, in the reader's language, in every form that asks
for one (registration, login, the invitation, the owner of a space, an entry's contact...):
never two messages about the same address, never email-validator's or WTForms' own text; and
the spaces a pasted address brings are not an error."""

import flask_babel
import pytest
from werkzeug.datastructures import MultiDict

from solidarna.accounts import forms as accounts
from solidarna.core.forms import EMAIL_TOO_LONG, INVALID_EMAIL, MAX_EMAIL
from solidarna.directory.organizations.forms import OrganizationForm
from solidarna.tenants import forms as tenants
from tests.conftest import EN, field_error, one, parse, text_of

SR = {"Accept-Language": "sr-Latn"}
#: every form with an e-mail field, and the field
FORMS = [
    (accounts.RegisterForm, "email"), (accounts.LoginForm, "email"),
    (accounts.ForgotPasswordForm, "email"), (accounts.ResendVerificationForm, "email"),
    (accounts.ChangeEmailForm, "email"), (tenants.InviteForm, "email"),
    (tenants.TenantForm, "owner_email"), (tenants.OwnerForm, "email"),
    (tenants.AccountStatusForm, "email"), (tenants.TenantSettingsForm, "contact_email"),
    (OrganizationForm, "contact_email"),
]  # fmt: skip
LOCAL = "a" * 64


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ime@", INVALID_EMAIL),
        ("ime@primer", INVALID_EMAIL),
        ("ime@@primer.rs", INVALID_EMAIL),
        ("Ime Prezime <ime@primer.rs>", INVALID_EMAIL),
        (f"{LOCAL}@{'b' * 64}.{'c' * 60}.{'d' * 60}.rs", INVALID_EMAIL),  # 254, a label of 64
        ("x" * (MAX_EMAIL - 8) + "@primer.rs", EMAIL_TOO_LONG),
        ("x" * 330 + "@primer.rs", EMAIL_TOO_LONG),  # longer than the database's column
        ("x" * 100_000, EMAIL_TOO_LONG),
    ],
)
def test_a_wrong_address_gets_one_sentence_in_every_form(app, value, message):
    for headers in (EN, SR):
        with app.test_request_context(headers=headers):
            flask_babel.refresh()
            expected = str(message)
            for form_class, name in FORMS:
                form = form_class(formdata=MultiDict({name: value}), meta={"csrf": False})
                form.validate()
                assert [str(e) for e in form[name].errors] == [expected], form_class.__name__


def test_the_serbian_sentences_are_translated(app):
    with app.test_request_context(headers=SR):
        flask_babel.refresh()
        assert str(INVALID_EMAIL) == "Unesite ispravnu imejl adresu, na primer ime@primer.rs."
        assert str(EMAIL_TOO_LONG) == "Imejl adresa je predugačka."


def test_spaces_around_a_pasted_address_are_not_an_error(app):
    with app.test_request_context(headers=EN):
        for form_class, name in FORMS:
            form = form_class(
                formdata=MultiDict({name: "  ime@primer.rs \t"}), meta={"csrf": False}
            )
            form.validate()
            assert not form[name].errors, form_class.__name__
            assert form[name].data == "ime@primer.rs"


def test_registration_says_it_once_at_the_field(client):
    data = {
        "name": "Nova",
        "email": "x" * 300 + "@primer.rs",
        "password": "x",
        "password_confirm": "x",
    }
    for headers, message in (
        (EN, "The e-mail address is too long."),
        (SR, "Imejl adresa je predugačka."),
    ):
        page = parse(client.post("/auth/register", data, headers=headers))
        assert field_error(page, "email") == message
        summary = [text_of(li) for li in page.select(".error-summary li") if "#email" in str(li)]
        assert len(summary) == 1 and summary[0].endswith(message) and summary[0].count(message) == 1


def test_the_invitation_says_it_once(client, make_user, make_tenant):
    owner = make_user(email="owner@example.org")
    make_tenant("alfa", members={owner: "owner"})
    client.login("owner@example.org")
    response = client.post(
        "/alfa/admin/invitations", {"email": "gost@", "role": "member"}, headers=SR
    )
    assert response.status_code == 422
    assert (
        field_error(response, "email") == "Unesite ispravnu imejl adresu, na primer ime@primer.rs."
    )


def test_the_owners_address_error_is_shown_at_the_spaces_row(client, make_user, make_tenant):
    make_user(email="root@example.org", is_platform_admin=True)
    tenant = make_tenant("alfa")
    client.login("root@example.org")
    response = client.post(f"/admin/tenants/{tenant.id}/owner", {"email": "vlasnica@"}, headers=EN)
    assert response.status_code == 422
    page = parse(response)
    assert (
        field_error(page, f"owner-{tenant.id}")
        == "Enter a valid e-mail address, like ime@primer.rs."
    )
    assert one(page, f"#owner-{tenant.id}")["aria-invalid"] == "true"
    assert one(page, ".error-summary a")["href"] == f"#owner-{tenant.id}"
    assert one(page, f"#owner-{tenant.id}").find_parent("form").has_attr("novalidate")
