"""Shared set-up of the events' tests: a space with an admin (the office), members and an
outsider, English readers, and an event made through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.events import services
from solidarna.events.models import Event
from solidarna.extensions import db
from tests.conftest import Client


def english(app) -> Client:
    client = Client(app)
    client.raw._client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def ahead(days: int, hour: int = 10) -> datetime:
    base = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=days)
    return base.replace(hour=hour)


BASE = {
    "title": "Obuka za socijalna preduzeća", "kind": "training",
    "description": "Tri dana o **pokretanju** socijalnog preduzeća.",
    "place": "Kancelarija, Vidovdanska 12", "latitude": 43.58, "longitude": 21.33,
    "online_url": "", "capacity": 2, "eligibility": "anyone", "actor_types": [],
    "deadline": None, "fee": None, "accessibility": "Ulaz bez stepenica.", "survey_url": "",
}  # fmt: skip


def make_event(tenant_id, by, status="published", sessions=None, **fields) -> int:
    with tenant_context(tenant_id):
        event = services.create({**BASE, **fields}, sessions or [(ahead(10), ahead(10, 16))], by,
                                criteria=[{"code": "motivation", "label": "Motivacija"}])  # fmt: skip
        event.status = status
        db.session.commit()
        return event.id


def get_event(tenant_id, event_id) -> Event:
    db.session.expire_all()
    with tenant_context(tenant_id):
        event = db.session.get(Event, event_id)
        _ = event.sessions
        return event


class World:
    pass


@pytest.fixture
def world(app, make_user, make_tenant):
    w = World()
    w.app = app
    w.admin = make_user(email="office@example.org", name="Olivera Kancelarija", locale="en")
    w.member = make_user(email="member@example.org", name="Mira Članica", locale="en")
    w.second = make_user(email="second@example.org", name="Sava Drugi", locale="en")
    w.third = make_user(email="third@example.org", name="Tara Treća", locale="en")
    w.outsider = make_user(email="outsider@example.org", name="Uroš Spoljni", locale="en")
    w.other_admin = make_user(email="beta@example.org", name="Branka Beta", locale="en")
    w.space = make_tenant("alfa", members={w.admin: "admin", w.member: "member",
                                           w.second: "member", w.third: "member"})  # fmt: skip
    w.other = make_tenant("beta", members={w.other_admin: "admin"})

    def client(email=None) -> Client:
        c = english(app)
        if email:
            c.login(email)
        return c

    w.client = client
    return w
