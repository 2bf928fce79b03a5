"""The proposals' choosers (institutions, the organizations one represents) name them in the
reader's script: a Cyrillic page shows Cyrillic names (templates/macros/forms.html)."""

from __future__ import annotations

from tests.conftest import parse, text_of
from tests.proposals.conftest import visitor


def cyrillic(app, email):
    client = visitor(app)
    client.login(email)
    assert client.post("/language", {"locale": "sr_Cyrl", "next": "/"}).status_code in (302, 303)
    return client


def labels(page, selector):
    return [text_of(option) for option in page.select(f"{selector} option")]


def test_the_institutions_chooser_names_them_in_cyrillic(space):
    author = cyrillic(space.app, "author@example.org")
    options = labels(parse(author.get("/alfa/proposals/new")), "#institution_id")
    assert "Скупштина града Крушевца" in options, options
    assert not any("Skupština" in label for label in options)


def test_the_organizations_chooser_names_them_in_cyrillic(space):
    pid = space.proposal(state="endorsement")
    rep = cyrillic(space.app, "rep1@example.org")
    refused = rep.post(f"/alfa/proposals/{pid}/endorse",
                       {"organization_id": str(space.org1), "kind": "nepostojeće"})  # fmt: skip
    assert refused.status_code == 422
    options = labels(parse(refused), "#organization_id")
    assert options == ["Задруга Расински мед"], options
