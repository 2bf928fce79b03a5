"""The list: filters, search folded across scripts, drafts only for their authors, and the
institutions the admins keep."""

from __future__ import annotations

from tests.conftest import parse
from tests.proposals.conftest import visitor


def titles(response) -> list[str]:
    return [
        a.get_text(strip=True)
        for a in parse(response.get_data(as_text=True)).select(".proposal-card h3 a")
    ]


def test_search_across_scripts_and_filters(space):
    space.proposal("Odluka o podršci zadrugama", state="consultation")
    space.proposal("Izmena zakona o socijalnom preduzetništvu", state="submitted", kind="amendment")
    space.proposal("Nacrt koji niko ne vidi")
    client = visitor(space.app)
    assert titles(client.get("/alfa/proposals/?q=задругама")) == ["Odluka o podršci zadrugama"]
    assert titles(client.get("/alfa/proposals/?q=PREDUZETNISTVU")) == [
        "Izmena zakona o socijalnom preduzetništvu"
    ]
    assert titles(client.get("/alfa/proposals/?kind=amendment&state=submitted")) == [
        "Izmena zakona o socijalnom preduzetništvu"
    ]
    assert len(titles(client.get("/alfa/proposals/?tag=zapošljavanje"))) == 2
    assert len(titles(client.get(f"/alfa/proposals/?institution={space.institution}"))) == 2
    assert titles(client.get("/alfa/proposals/?institution=abc&kind=%3Cx%3E")) == []
    everything = client.get("/alfa/proposals/?sort=activity")
    assert len(titles(everything)) == 2 and "Nacrt" not in everything.get_data(as_text=True)
    fragment = client.get("/alfa/proposals/?q=zadrug", headers={"HX-Request": "true"})
    assert "<html" not in fragment.get_data(as_text=True)


def test_bad_input_in_the_draft_form_keeps_what_was_typed(space):
    client = visitor(space.app)
    client.login("member@example.org")
    response = client.post(
        "/alfa/proposals/new", {"title": "Pre", "kind": "nepostojeća", "level": "local",
                                "tags": "jedan, dva"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="Pre"' in page and "jedan, dva" in page
    made = client.post(
        "/alfa/proposals/new", {"title": "Predlog odluke", "kind": "subsidy", "level": "local",
                                "tags": "mladi, Mladi, subvencije"},
    )  # fmt: skip
    assert made.status_code == 303
    detail = client.get(made.headers["Location"]).get_data(as_text=True)
    assert "Predlog odluke" in detail and detail.count(">mladi<") == 1


def test_admins_keep_the_institutions(space):
    admin = visitor(space.app)
    admin.login("owner@example.org")
    assert (
        admin.post(
            "/alfa/proposals/institutions/", {"name": "Ministarstvo za rad", "level": "national"}
        ).status_code
        == 303
    )
    duplicate = admin.post(
        "/alfa/proposals/institutions/", {"name": "ministarstvo za rad", "level": "national"}
    )
    assert duplicate.status_code == 422 and "already on the list" in duplicate.get_data(
        as_text=True
    )
    space.proposal()  # addressed to the space's institution
    used = admin.post(f"/alfa/proposals/institutions/{space.institution}/delete")
    assert used.status_code == 409
    member = visitor(space.app)
    member.login("member@example.org")
    assert member.get("/alfa/proposals/institutions/").status_code == 403


def test_a_proposal_has_discussions_like_an_organization(space):
    public = space.proposal("Javni predlog", state="consultation")
    draft = space.proposal("Skriveni nacrt")
    client = visitor(space.app)
    page = client.get(f"/alfa/discussions/about/proposal/{public}")
    assert page.status_code == 200 and "Javni predlog" in page.get_data(as_text=True)
    assert client.get(f"/alfa/discussions/about/proposal/{draft}").status_code == 404
    detail = client.get(f"/alfa/proposals/{public}").get_data(as_text=True)
    assert "subject-discussions" in detail  # the discussions panel


def test_sort_by_endorsements_and_by_activity_including_comments(space):
    def login(email):
        client = visitor(space.app)
        client.login(email)
        return client

    quiet = space.proposal("Tiha odluka", state="endorsement")
    endorsed = space.proposal("Podržana odluka", state="endorsement")
    commented = space.proposal("Komentarisana odluka", state="consultation")
    for email, org in (("rep1@example.org", space.org1), ("rep2@example.org", space.org2)):
        rep = login(email)
        assert rep.post(f"/alfa/proposals/{endorsed}/endorse",
                        {"organization_id": str(org), "kind": "support"}).status_code == 303  # fmt: skip
    login("rep1@example.org").post(
        f"/alfa/proposals/{quiet}/endorse", {"organization_id": str(space.org1), "kind": "support"}
    )
    client = visitor(space.app)
    assert titles(client.get("/alfa/proposals/?sort=endorsements")) == [
        "Podržana odluka", "Tiha odluka", "Komentarisana odluka",
    ]  # fmt: skip
    assert titles(client.get("/alfa/proposals/"))[0] == "Komentarisana odluka"  # newest
    assert titles(client.get("/alfa/proposals/?sort=activity"))[0] == "Tiha odluka"
    # a comment in a discussion about the proposal is activity on it
    member = login("member@example.org")
    started = member.post(
        f"/alfa/discussions/about/proposal/{commented}/new",
        {"title": "Pitanje o članu 1", "body": "Da li je rok realan?"},
    )
    assert started.status_code == 303
    assert titles(client.get("/alfa/proposals/?sort=activity"))[0] == "Komentarisana odluka"
    # the sort survives live filtering: the fragment keeps it and the links carry it
    fragment = client.get("/alfa/proposals/?sort=endorsements&state=endorsement",
                          headers={"HX-Request": "true"})  # fmt: skip
    assert titles(fragment) == ["Podržana odluka", "Tiha odluka"]
    page = parse(client.get("/alfa/proposals/?sort=endorsements"))
    assert page.find("option", value="endorsements").has_attr("selected")
    assert client.get("/alfa/proposals/?sort=nonsense").status_code == 200
