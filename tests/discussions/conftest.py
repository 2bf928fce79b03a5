"""A space with people in every role and a category of each visibility."""

from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.discussions import services as ds
from solidarna.discussions.models import Category
from tests.conftest import Client


@dataclass
class Space:
    app: object
    tenant: object
    owner: object
    moderator: object
    ana: object
    bojan: object
    cveta: object
    outsider: object
    # ids and names of the three categories (objects would expire outside the tenant)
    public: SimpleNamespace
    members: SimpleNamespace
    admins: SimpleNamespace

    def thread(self, title="Prva tema", body="Zdravo svima.", author=None, category=None):
        """A thread made through the service (no HTTP), committed; returns its id."""
        from solidarna.extensions import db

        with self.app.test_request_context(), tenant_context(self.tenant.id):
            chosen = db.session.get(Category, (category or self.public).id)
            thread, _post = ds.create_thread(title, body, author or self.ana, category=chosen)
            db.session.commit()
            return thread.id

    def reply(self, thread_id, body, author):
        from solidarna.discussions.models import Thread
        from solidarna.extensions import db

        with self.app.test_request_context(), tenant_context(self.tenant.id):
            post = ds.add_post(db.session.get(Thread, thread_id), body, author, rate_check=False)
            db.session.commit()
            return post.number


@pytest.fixture
def space(app, db, make_user, make_tenant):
    people = {
        "owner": make_user(email="owner@example.org", name="Olga Vlasnić"),
        "moderator": make_user(email="mod@example.org", name="Milan Moderić"),
        "ana": make_user(email="ana@example.org", name="Ana Anić"),
        "bojan": make_user(email="bojan@example.org", name="Bojan Bojić"),
        "cveta": make_user(email="cveta@example.org", name="Cveta Cvetić"),
        "outsider": make_user(email="out@example.org", name="Oto Spoljni"),
    }
    tenant = make_tenant(
        "alfa",
        members={
            people["owner"]: "owner",
            people["moderator"]: "moderator",
            people["ana"]: "member",
            people["bojan"]: "member",
            people["cveta"]: "member",
        },
    )
    with tenant_context(tenant.id):
        categories = [
            Category(name="Pitanja", visibility="public", position=1),
            Category(name="Soba članova", visibility="members", position=2),
            Category(name="Uprava", visibility="admins", position=3),
        ]
        db.session.add_all(categories)
        db.session.commit()
        categories = [SimpleNamespace(id=c.id, name=c.name) for c in categories]
    # In-process requests would otherwise share one rate-limit budget across a test.
    app.config["DISCUSSIONS_POST_LIMIT"] = "1000 per minute"
    return Space(app, tenant, **people, public=categories[0], members=categories[1],
                 admins=categories[2])  # fmt: skip


@pytest.fixture
def as_user(app):
    """as_user(email) -> a logged-in client."""

    def login(email):
        client = Client(app)
        client.login(email)
        return client

    return login
