"""The structured text: numbering computed from places, renumbered on insert, move and delete;
the place rules; the pages that add, edit (plain and in place with htmx), move and delete."""

from __future__ import annotations

from flask_babel import force_locale

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.models import ProposalPart
from tests.conftest import parse
from tests.proposals.conftest import visitor


def labels(space, pid):
    with (
        space.app.test_request_context(),
        force_locale("en"),
        tenant_context(space.tenant.id),
    ):
        proposal = space.get(pid)
        return [(n.label, n.body) for n in text.tree(text.live_parts(proposal))]


def codes(space, pid):
    with tenant_context(space.tenant.id):
        rows = db.session.scalars(
            db.select(ProposalPart).where(ProposalPart.proposal_id == pid).order_by(ProposalPart.id)
        )
        return {p.body: p.code for p in rows}


def author(app):
    client = visitor(app)
    client.login("author@example.org")
    return client


def test_articles_are_numbered_through_chapters_and_paragraphs_within_articles(space):
    pid = space.proposal(articles=())
    with (
        space.app.test_request_context(),
        force_locale("en"),
        tenant_context(space.tenant.id),
    ):
        proposal = space.get(pid)
        one = text.add_part(proposal, "chapter", "Osnovne odredbe", "", None, None)
        a1 = text.add_part(proposal, "article", "", "Prvi", one, None)
        text.add_part(proposal, "paragraph", "", "Stav A", a1, None)
        text.add_part(proposal, "paragraph", "", "Stav B", a1, None)
        two = text.add_part(proposal, "chapter", "Završne odredbe", "", None, None)
        a2 = text.add_part(proposal, "article", "", "Drugi", two, None)
        text.add_part(proposal, "paragraph", "", "Stav C", a2, None)
        db.session.commit()
    assert [label for label, _ in labels(space, pid)] == [
        "Chapter I", "Article 1.", "(1)", "(2)", "Chapter II", "Article 2.", "(1)",
    ]  # fmt: skip


def test_insert_move_and_delete_renumber(space):
    pid = space.proposal(articles=("Prvi", "Drugi", "Treći"))
    client = author(space.app)
    first = codes(space, pid)["Prvi"]
    response = client.post(
        f"/alfa/proposals/{pid}/parts/new",
        {"kind": "article", "parent": "", "after": first, "body": "Umetnuti"},
    )
    assert response.status_code == 303
    assert [b for _, b in labels(space, pid)] == ["Prvi", "Umetnuti", "Drugi", "Treći"]
    assert labels(space, pid)[2] == ("Article 3.", "Drugi")
    third = codes(space, pid)["Treći"]
    client.post(f"/alfa/proposals/{pid}/parts/{third}/move", {"direction": "up"})
    assert [b for _, b in labels(space, pid)] == ["Prvi", "Umetnuti", "Treći", "Drugi"]
    client.post(f"/alfa/proposals/{pid}/parts/{first}/delete")
    assert labels(space, pid) == [
        ("Article 1.", "Umetnuti"), ("Article 2.", "Treći"), ("Article 3.", "Drugi"),
    ]  # fmt: skip
    # the stable codes survive the renumbering
    assert codes(space, pid)["Treći"] == third


def test_a_paragraph_cannot_stand_at_the_top(space):
    pid = space.proposal(articles=())
    response = author(space.app).post(
        f"/alfa/proposals/{pid}/parts/new", {"kind": "paragraph", "body": "Sam stav"}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "cannot stand there" in page and "Sam stav" in page  # the input is kept
    assert labels(space, pid) == []


def test_an_unknown_parent_code_answers_404(space):
    pid = space.proposal(articles=())
    response = author(space.app).post(
        f"/alfa/proposals/{pid}/parts/new", {"kind": "point", "parent": "nema", "body": "x"}
    )
    assert response.status_code == 404


def test_empty_article_is_refused_with_the_message(space):
    pid = space.proposal(articles=())
    response = author(space.app).post(f"/alfa/proposals/{pid}/parts/new", {"kind": "article"})
    assert response.status_code == 422
    assert parse(response.get_data(as_text=True)).select_one("#body-error")


def test_editing_in_place_with_htmx_answers_the_part_only(space):
    pid = space.proposal(articles=("Stari tekst člana.",))
    client = author(space.app)
    code = codes(space, pid)["Stari tekst člana."]
    form = client.get(f"/alfa/proposals/{pid}/parts/{code}/edit", headers={"HX-Request": "true"})
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "<html" not in html and f'id="part-{code}"' in html
    token = client.token()
    saved = client.raw.post(
        f"/alfa/proposals/{pid}/parts/{code}/edit",
        data={"csrf_token": token, "heading": "Predmet", "body": "Novi **tekst** člana."},
        headers={"HX-Request": "true"},
    )
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "<html" not in html
    assert "<strong>tekst</strong>" in html and "Article 1." in html
    assert labels(space, pid) == [("Article 1.", "Novi **tekst** člana.")]


def test_editing_without_javascript_redirects_to_the_part(space):
    pid = space.proposal(articles=("Tekst",))
    code = codes(space, pid)["Tekst"]
    response = author(space.app).post(
        f"/alfa/proposals/{pid}/parts/{code}/edit", {"body": "Izmenjen tekst"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#part-{code}")


def test_the_page_shows_the_text_as_a_legal_act_in_the_readers_script(space):
    pid = space.proposal(articles=("Grad podržava zadruge.",), state="consultation")
    client = visitor(space.app)
    client.post("/language", {"locale": "sr_Cyrl", "next": "/"})
    page = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert "Град подржава задруге." in page


def test_others_may_not_edit_and_a_fixed_text_answers_409(space):
    pid = space.proposal(articles=("Tekst",), state="consultation")
    code = codes(space, pid)["Tekst"]
    member = visitor(space.app)
    member.login("member@example.org")
    assert member.post(f"/alfa/proposals/{pid}/parts/{code}/edit", {"body": "x"}).status_code == 403
    pid2 = space.proposal(articles=("Tekst 2",), state="endorsement")
    code2 = codes(space, pid2)["Tekst 2"]
    response = author(space.app).post(f"/alfa/proposals/{pid2}/parts/{code2}/edit", {"body": "y"})
    assert response.status_code == 409
    assert "organizations sign this text" in response.get_data(as_text=True)


def test_a_draft_is_hidden_from_other_members(space):
    pid = space.proposal(articles=("Tajni nacrt",))
    member = visitor(space.app)
    member.login("member@example.org")
    assert member.get(f"/alfa/proposals/{pid}").status_code == 404
    assert "Tajni" not in member.get("/alfa/proposals/").get_data(as_text=True)
    assert author(space.app).get(f"/alfa/proposals/{pid}").status_code == 200
