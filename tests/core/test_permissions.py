"""The permission mechanism (core/permissions.py): composable predicates, predicates that
honour the tenant and the person they are asked about, and @require with a loader."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import Blueprint, abort, g

from solidarna.accounts.models import User
from solidarna.core.permissions import (
    PREDICATES,
    Predicate,
    can_join_tenant,
    can_manage_members,
    can_moderate,
    is_member,
    predicate,
    register_predicates,
    require,
)
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db as _db
from solidarna.tenants.models import Membership
from tests.conftest import Client

# --- composition --------------------------------------------------------------------------------


@predicate
def is_even(user, obj) -> bool:
    return obj % 2 == 0


@predicate
def is_big(user, obj) -> bool:
    return obj > 10


def test_predicates_compose_with_and_or_not():
    both, either, odd = is_even & is_big, is_even | is_big, ~is_even
    assert [both(None, n) for n in (4, 12, 13)] == [False, True, False]
    assert [either(None, n) for n in (3, 4, 13)] == [False, True, True]
    assert [odd(None, n) for n in (3, 4)] == [True, False]
    assert (~(is_even & ~is_big))(None, 12) is True  # nested


def test_composed_predicates_have_readable_names():
    assert is_even.__name__ == "is_even"
    assert (is_even & ~is_big).__name__ == "(is_even & ~is_big)"
    assert (is_even | is_big).named("is_interesting").__name__ == "is_interesting"
    assert isinstance(is_even | (lambda user, obj: False), Predicate)


def test_composition_short_circuits():
    asked = []

    @predicate
    def noted(user, obj) -> bool:
        asked.append(obj)
        return True

    assert not (is_big & noted)(None, 1)
    assert (is_big | noted)(None, 11)
    assert asked == []


def test_predicates_answer_bool_whatever_the_function_returns():
    assert predicate(lambda user, obj: obj)(None, "something") is True
    assert predicate(lambda user, obj: obj)(None, []) is False


def test_register_predicates_makes_them_template_globals(app):
    special = (is_even & is_big).named("is_special")
    register_predicates(app, special)
    rendered = app.jinja_env.from_string("{{ is_special(none, 12) }} {{ is_special(none, 3) }}")
    assert rendered.render() == "True False"


def test_the_name_lookup_knows_only_tenant_level_predicates():
    assert {"is_member", "can_moderate", "can_manage_members", "can_view_audit"} <= set(PREDICATES)
    assert not {name for name in PREDICATES if "directory" in name or "resource" in name}


# --- honoured arguments ---------------------------------------------------------------------


@pytest.fixture
def two_spaces(make_user, make_tenant):
    admin = make_user(email="admin@example.org")
    member = make_user(email="member@example.org")
    other = make_user(email="other@example.org")
    a = make_tenant("alfa", members={admin: "admin", member: "member"})
    b = make_tenant("beta", members={other: "admin"})
    return SimpleNamespace(admin=admin, member=member, other=other, a=a, b=b)


def _as(app, tenant, user):
    """A request in `tenant` whose current membership is `user`'s (as tenants loads it)."""
    context = app.test_request_context()
    context.push()
    with tenant_context(tenant.id):
        g.membership = _db.session.scalar(
            _db.select(Membership).where(Membership.user_id == user.id)
        )
    return context


def test_tenant_predicates_check_the_tenant_they_are_given(app, two_spaces):
    s = two_spaces
    context = _as(app, s.a, s.admin)
    try:
        assert is_member(s.admin, s.a) and can_manage_members(s.admin, s.a)
        assert not is_member(s.admin, s.b)
        assert not can_manage_members(s.admin, s.b)
        assert not can_moderate(s.admin, s.b)
        assert is_member(s.admin)  # no tenant given: the current one
        # An object of a tenant stands for its tenant (tenant_id).
        assert is_member(s.admin, SimpleNamespace(tenant_id=s.a.id))
        assert not is_member(s.admin, SimpleNamespace(tenant_id=s.b.id))
    finally:
        context.pop()


def test_tenant_predicates_check_the_person_they_are_given(app, two_spaces):
    s = two_spaces
    context = _as(app, s.a, s.admin)
    try:
        # The current membership is the admin's: it says nothing about anyone else.
        assert not is_member(s.member, s.a)
        assert not can_manage_members(s.other, s.a)
        assert not is_member(None, s.a)
    finally:
        context.pop()


def test_can_join_asks_about_the_given_tenant(app, two_spaces):
    s = two_spaces
    context = _as(app, s.a, s.admin)
    try:
        assert not can_join_tenant(s.admin, s.a)  # already a member here
        assert can_join_tenant(s.admin, s.b)
        assert not can_join_tenant(None, s.b)
    finally:
        context.pop()


def test_a_pending_membership_grants_nothing(app, make_user, make_tenant):
    asking = make_user(email="asking@example.org")
    space = make_tenant("alfa", members={asking: "pending"})
    context = _as(app, space, asking)
    try:
        assert not is_member(asking, space) and not can_join_tenant(asking, space)
    finally:
        context.pop()


# --- @require with a loader -----------------------------------------------------------------


@predicate
def is_self(user, person) -> bool:
    return user is not None and user.id == person.id


def load_person(user_id: int) -> User:
    person = _db.session.get(User, user_id)
    if person is None:
        abort(404)
    return person


@pytest.fixture
def probe(app, make_user):
    """Routes guarded by require(), on a blueprint of their own."""
    bp = Blueprint("probe", __name__, url_prefix="/probe")

    @bp.get("/people/<int:user_id>/<word>")
    @require(is_self, obj=load_person)
    def person(person: User, word: str):
        return f"{person.email} {word}"

    @bp.get("/platform")
    @require("is_platform_admin", obj=lambda: None)
    def platform():
        return "platform"

    app.register_blueprint(bp)
    return SimpleNamespace(
        alice=make_user(email="alice@example.org"),
        bob=make_user(email="bob@example.org"),
        view=person,
    )


def test_require_passes_the_loaded_object_and_the_other_arguments(app, probe):
    client = Client(app)
    client.login("alice@example.org")
    response = client.get(f"/probe/people/{probe.alice.id}/hello")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "alice@example.org hello"


def test_require_answers_404_for_a_missing_object(app, probe):
    client = Client(app)
    client.login("alice@example.org")
    assert client.get("/probe/people/999999/hello").status_code == 404


def test_require_sends_visitors_to_log_in(app, probe):
    response = Client(app).get(f"/probe/people/{probe.alice.id}/hello")
    assert response.status_code in (302, 303) and "/auth/login" in response.headers["Location"]


def test_require_answers_403_to_the_wrong_person(app, probe):
    client = Client(app)
    client.login("bob@example.org")
    assert client.get(f"/probe/people/{probe.alice.id}/hello").status_code == 403


def test_a_loader_without_url_arguments_only_chooses_the_object(app, probe, make_user):
    client = Client(app)
    client.login("alice@example.org")
    assert client.get("/probe/platform").status_code == 403
    make_user(email="root@example.org", is_platform_admin=True)
    client.logout()
    client.login("root@example.org")
    assert client.get("/probe/platform").get_data(as_text=True) == "platform"


def test_require_exposes_what_it_checks(probe):
    assert probe.view.required_permission == "is_self"
    assert probe.view.object_loader is load_person


def test_two_rules_under_one_template_name_are_refused():
    from flask import Flask

    from solidarna.core.permissions import predicate, register_predicates

    def can_edit_post(user, post):  # one capability's rule
        return True

    first = predicate(can_edit_post)

    def can_edit_post(user, post):
        return False

    second = predicate(can_edit_post)
    app = Flask(__name__)
    register_predicates(app, first)
    register_predicates(app, first)  # the same rule again is harmless
    with pytest.raises(RuntimeError, match="registered twice"):
        register_predicates(app, second)
