"""The long pages keep what is costly (docs/benchmarks.md "Proposals"): the proposal's text and
its endorsers as fragments (core/fragments.py, per viewer level, until the space changes, the
withdraw button each viewer's own), a comparison of two versions and the DOCX in the shared
cache (proposals/kept.py: versions never change, so their key is their ids)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from solidarna.extensions import db
from tests.conftest import parse, statements
from tests.proposals.conftest import visitor
from tests.proposals.test_endorsements import endorse


@pytest.fixture(autouse=True)
def caches_on(app):
    app.config["PAGE_CACHE"] = app.config["FRAGMENT_CACHE"] = True
    yield
    app.config["PAGE_CACHE"] = app.config["FRAGMENT_CACHE"] = False


def login(app, email):
    client = visitor(app)
    client.login(email)
    return client


def withdraw_buttons(response) -> list[str]:
    page = parse(response)
    return [b.get_text(" ", strip=True) for b in page.select("table.endorsers button")]


def test_the_kept_endorsers_show_each_viewer_only_their_own_withdraw(space):
    pid = space.proposal(articles=("Prvi član.", "Drugi član."), state="endorsement")
    rep1, rep2 = login(space.app, "rep1@example.org"), login(space.app, "rep2@example.org")
    assert endorse(rep1, pid, space.org1).status_code == 303
    assert endorse(rep2, pid, space.org2).status_code == 303
    member = login(space.app, "member@example.org")
    first = member.get(f"/alfa/proposals/{pid}")
    assert "proposal-endorsers=miss" in first.headers["X-Fragment-Cache"]
    assert withdraw_buttons(first) == []
    # the same level: the kept fragments, each with their own button
    for client, name in ((rep1, "Zadruga Rasinski med"), (rep2, "Udruženje Ruke")):
        page = client.get(f"/alfa/proposals/{pid}")
        assert "proposal-text=hit" in page.headers["X-Fragment-Cache"]
        assert "proposal-endorsers=hit" in page.headers["X-Fragment-Cache"]
        assert withdraw_buttons(page) == [f"Withdraw {name}"]
        assert "Drugi član." in page.get_data(as_text=True)
    # a withdrawal is a write: the next page shows one endorser, drawn again
    form = parse(rep1.get(f"/alfa/proposals/{pid}")).select_one("table.endorsers form")
    assert rep1.post(form["action"], {}).status_code == 303
    page = member.get(f"/alfa/proposals/{pid}")
    assert "proposal-endorsers=miss" in page.headers["X-Fragment-Cache"]
    assert len(parse(page).select("table.endorsers tbody tr")) == 1
    # a kept page costs fewer statements than a drawn one
    member.get(f"/alfa/proposals/{pid}")
    with statements(db.engine) as kept:
        member.get(f"/alfa/proposals/{pid}")
    assert len(kept) <= 20, len(kept)


def test_a_comparison_and_the_documents_are_kept_by_version(space):
    pid = space.proposal(articles=("Prvi član.", "Drugi član.", "Treći član."),
                         state="consultation")  # fmt: skip
    member = login(space.app, "member@example.org")
    url = f"/alfa/proposals/{pid}/compare?from=1&to=3"
    first = member.get(url)
    assert first.headers["X-Proposals-Kept"] == "compare=miss"
    again = member.get(url)
    assert again.headers["X-Proposals-Kept"] == "compare=hit"
    blocks = [str(b) for b in parse(first).select(".diff-block")]
    assert blocks and blocks == [str(b) for b in parse(again).select(".diff-block")]
    side = member.get(url + "&view=side")
    assert side.headers["X-Proposals-Kept"] == "compare=miss"  # its own rendering
    # the kept comparison reads no snapshot
    with statements(db.engine) as seen:
        member.get(url)
    assert not any("proposal_versions.snapshot" in s for s in seen)
    for path in (f"/alfa/proposals/{pid}/redline.docx?from=1&to=3",
                 f"/alfa/proposals/{pid}/document.docx"):  # fmt: skip
        one, two = member.get(path), member.get(path)
        assert one.headers["X-Proposals-Kept"].endswith("=miss")
        assert two.headers["X-Proposals-Kept"].endswith("=hit")
        assert one.get_data() == two.get_data()
        cyrillic = member.get(path + ("&" if "?" in path else "?") + "script=cyrl")
        assert cyrillic.headers["X-Proposals-Kept"].endswith("=miss")
    # a new version: the current text's DOCX is drawn again
    author = login(space.app, "author@example.org")
    code = parse(author.get(f"/alfa/proposals/{pid}")).select_one(".part")["id"][5:]
    edited = author.post(f"/alfa/proposals/{pid}/parts/{code}/edit",
                         {"heading": "", "body": "Izmenjen prvi član."})  # fmt: skip
    assert edited.status_code == 303
    assert (
        member.get(f"/alfa/proposals/{pid}/document.docx")
        .headers["X-Proposals-Kept"]
        .endswith("=miss")
    )


def test_the_print_view_and_the_history_are_kept_until_the_space_changes(space):
    pid = space.proposal(articles=("Prvi član.", "Drugi član."), state="consultation")
    member = login(space.app, "member@example.org")
    for path, name in ((f"/alfa/proposals/{pid}/print", "proposal-print"),
                       (f"/alfa/proposals/{pid}/versions", "proposal-versions")):  # fmt: skip
        first, second = member.get(path), member.get(path)
        assert f"{name}=miss" in first.headers["X-Fragment-Cache"]
        assert f"{name}=hit" in second.headers["X-Fragment-Cache"]
        assert "Drugi član." in second.get_data(as_text=True) or name == "proposal-versions"
    cyrillic = member.get(f"/alfa/proposals/{pid}/print?script=cyrl")
    assert "proposal-print=miss" in cyrillic.headers["X-Fragment-Cache"]
    assert "Други члан." in cyrillic.get_data(as_text=True)
    # the author's history has the restore buttons, the member's none
    author = login(space.app, "author@example.org")
    assert "Restore" in author.get(f"/alfa/proposals/{pid}/versions").get_data(as_text=True)
    assert "Restore" not in member.get(f"/alfa/proposals/{pid}/versions").get_data(as_text=True)


def test_the_kept_list_shows_each_person_their_own_drafts_only(space):
    space.proposal(title="Javni predlog o zadrugama", state="consultation")
    space.proposal(title="Nacrt Ane Autorke")  # a draft of the author
    member = login(space.app, "member@example.org")
    first, second = member.get("/alfa/proposals/"), member.get("/alfa/proposals/")
    assert "proposal-list=miss" in first.headers["X-Fragment-Cache"]
    assert "proposal-list=hit" in second.headers["X-Fragment-Cache"]
    assert "Javni predlog o zadrugama" in second.get_data(as_text=True)
    assert "Nacrt Ane Autorke" not in second.get_data(as_text=True)
    author = login(space.app, "author@example.org")  # the same viewer level as the member
    mine = author.get("/alfa/proposals/")
    assert "proposal-list=miss" in mine.headers["X-Fragment-Cache"]
    assert "Nacrt Ane Autorke" in mine.get_data(as_text=True)
    assert "Nacrt Ane Autorke" not in member.get("/alfa/proposals/").get_data(as_text=True)
    filtered = member.get("/alfa/proposals/?state=consultation")
    assert "proposal-list=miss" in filtered.headers["X-Fragment-Cache"]
    # a kept list costs a handful of statements
    with statements(db.engine) as seen:
        member.get("/alfa/proposals/?state=consultation")
    assert len(seen) <= 8, len(seen)


def kept_as(response) -> dict[str, str]:
    return dict(part.split("=") for part in response.headers["X-Fragment-Cache"].split(", "))


def test_the_kept_header_sections_and_road_show_the_next_write_and_each_viewer_their_own(space):
    """The header, the sections and the road are kept fragments (per viewer level, until the
    space changes); the edit, move and follow buttons are each viewer's own (a slot)."""
    pid = space.proposal(articles=("Prvi član.",), state="consultation")
    author, member = login(space.app, "author@example.org"), login(space.app, "member@example.org")
    edit = f"/alfa/proposals/{pid}/edit"
    first = author.get(f"/alfa/proposals/{pid}")
    assert kept_as(first)["proposal-head"] == "miss"
    assert parse(first).find("a", href=edit) is not None
    # the same level (both members of the space): the sections and the road kept; the header
    # is also keyed by whether the viewer manages the authors, and the buttons never shared
    page = member.get(f"/alfa/proposals/{pid}")
    assert kept_as(page)["proposal-head"] == "miss"
    assert kept_as(page)["proposal-sections"] == "hit"
    assert kept_as(page)["proposal-timeline"] == "hit"
    assert parse(page).find("a", href=edit) is None
    assert not parse(page).select("a[href*='/move/']")
    assert "Authors and invitations" not in page.get_data(as_text=True)
    assert kept_as(member.get(f"/alfa/proposals/{pid}"))["proposal-head"] == "hit"
    assert member.post(f"/alfa/proposals/{pid}/follow", {"follow": "1"}).status_code == 303
    assert "Stop following" in member.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    # following changes nothing the kept parts show (core/following.py: pagecache_exempt)
    again = author.get(f"/alfa/proposals/{pid}")
    assert kept_as(again)["proposal-head"] == "hit"
    assert parse(again).find("a", href=edit) is not None
    assert "Stop following" not in again.get_data(as_text=True)
    assert "Follow this proposal" in again.get_data(as_text=True)

    # an edit of the sections shows on the next request, to everyone
    answer = author.post(f"/alfa/proposals/{pid}/sections",
                         {"summary": "Kratak sažetak predloga.", "problem": "Opis problema."})  # fmt: skip
    assert answer.status_code == 303
    page = member.get(f"/alfa/proposals/{pid}")
    assert kept_as(page)["proposal-head"] == "miss"
    assert kept_as(page)["proposal-sections"] == "miss"
    body = page.get_data(as_text=True)
    assert "Kratak sažetak predloga." in body and "Opis problema." in body
    assert "Kratak sažetak predloga." in author.get(f"/alfa/proposals/{pid}").get_data(as_text=True)

    # a move on the road: the new state in the header and the note on the road, next request
    admin = login(space.app, "owner@example.org")
    ends = (date.today() + timedelta(days=30)).isoformat()
    moved = admin.post(f"/alfa/proposals/{pid}/move/endorsement",
                       {"note": "Tekst je utvrđen", "ends": ends})  # fmt: skip
    assert moved.status_code == 303
    page = member.get(f"/alfa/proposals/{pid}")
    assert kept_as(page)["proposal-timeline"] == "miss"
    road = parse(page).select_one("ol.timeline").get_text(" ", strip=True)
    assert "Tekst je utvrđen" in road
    assert (
        parse(page).select_one(".badges .badge-info").get_text(strip=True)
        == "Gathering endorsements"
    )
    # the administrator, another level, gets their own drawing and their own moves
    mine = admin.get(f"/alfa/proposals/{pid}")
    assert parse(mine).select("a[href*='/move/']")
    assert not parse(member.get(f"/alfa/proposals/{pid}")).select("a[href*='/move/']")

    # an endorsement shows on the next request; only its representative may withdraw it
    rep1 = login(space.app, "rep1@example.org")
    assert endorse(rep1, pid, space.org1).status_code == 303
    page = member.get(f"/alfa/proposals/{pid}")
    assert kept_as(page)["proposal-endorsers"] == "miss"
    assert len(parse(page).select("table.endorsers tbody tr")) == 1
    assert withdraw_buttons(page) == []
    assert withdraw_buttons(rep1.get(f"/alfa/proposals/{pid}")) == ["Withdraw Zadruga Rasinski med"]


def test_the_kept_page_is_the_drawn_page(space, app):
    """With the fragments kept or drawn, the page is the same (but for the CSRF token)."""
    pid = space.proposal(articles=("Prvi član.", "Drugi član."), state="endorsement")
    rep1 = login(space.app, "rep1@example.org")
    assert endorse(rep1, pid, space.org1).status_code == 303

    def body() -> str:
        page = parse(rep1.get(f"/alfa/proposals/{pid}"))
        for hidden in page.select("input[name=csrf_token]"):
            hidden["value"] = ""
        return str(page.select_one("article.proposal"))

    rep1.get(f"/alfa/proposals/{pid}")
    with statements(db.engine) as read_kept:
        kept = body()
    app.config["FRAGMENT_CACHE"] = False
    with statements(db.engine) as read_drawn:
        drawn = body()
    assert kept == drawn
    assert "Withdraw" in kept
    # what the kept fragments show is not read on a kept page (it is `Lazy`)
    assert len(read_kept) <= len(read_drawn) - 3, (len(read_kept), len(read_drawn))
