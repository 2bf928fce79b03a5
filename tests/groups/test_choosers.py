"""The groups' choosers (the people to invite, the parent group, those present at a meeting)
name them in the reader's script: a Cyrillic page shows Cyrillic names
(templates/macros/forms.html)."""

from __future__ import annotations

from tests.conftest import parse, text_of
from tests.groups.conftest import visitor


def cyrillic(space, email):
    client = visitor(space.app)
    client.login(email)
    assert client.post("/language", {"locale": "sr_Cyrl", "next": "/"}).status_code in (302, 303)
    return client


def test_the_people_chooser_names_them_in_cyrillic(space):
    gid = space.group(join_policy="invitation")
    coordinator = cyrillic(space, "coord@example.org")
    page = parse(coordinator.get(f"/alfa/groups/{gid}/members"))
    options = [text_of(option) for option in page.select("#user_id option")]
    assert "Раде Задругар" in options and "Мира Чланица" in options, options
    assert not any("Zadrugar" in label or "Članica" in label for label in options)


def test_the_parent_group_chooser_names_them_in_cyrillic(space):
    space.group(name="Pristup finansijama")
    owner = cyrillic(space, "owner@example.org")
    page = parse(owner.get("/alfa/groups/new"))
    options = [text_of(option) for option in page.select("#parent_id option")]
    assert "Приступ финансијама" in options and "Pristup finansijama" not in options, options
