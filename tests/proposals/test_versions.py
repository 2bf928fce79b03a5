"""Every save is a version; any two compare word by word, part by part (matched by stable
codes); a version is restored as a new one."""

from __future__ import annotations

from flask_babel import force_locale

from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals import text
from solidarna.proposals.models import ProposalVersion
from tests.conftest import parse
from tests.proposals.conftest import visitor


def numbers(space, pid):
    with tenant_context(space.tenant.id):
        return list(
            db.session.scalars(
                db.select(ProposalVersion.number)
                .where(ProposalVersion.proposal_id == pid)
                .order_by(ProposalVersion.number)
            )
        )


def author(app):
    client = visitor(app)
    client.login("author@example.org")
    return client


def first_code(space, pid):
    with (
        space.app.test_request_context(),
        force_locale("en"),
        tenant_context(space.tenant.id),
    ):
        return text.tree(text.live_parts(space.get(pid)))[0].code


def test_every_save_is_a_version_with_who_and_what(space):
    pid = space.proposal(articles=("Rok je 30 dana.",))
    assert numbers(space, pid) == [1, 2]  # created, one article
    client = author(space.app)
    code = first_code(space, pid)
    client.post(
        f"/alfa/proposals/{pid}/parts/{code}/edit",
        {"body": "Rok je 15 dana.", "message": "Kraći rok"},
    )
    client.post(f"/alfa/proposals/{pid}/sections", {"summary": "Kratko.", "fiscal_cost": "1200000"})
    client.post(
        f"/alfa/proposals/{pid}/edit",
        {"title": "Nova odluka o podršci", "kind": "local_decision", "level": "local"},
    )
    assert numbers(space, pid) == [1, 2, 3, 4, 5]
    page = client.get(f"/alfa/proposals/{pid}/versions").get_data(as_text=True)
    assert "Kraći rok" in page and "Ana Autorka" in page
    # saving nothing new makes no version
    client.post(f"/alfa/proposals/{pid}/parts/{code}/edit", {"body": "Rok je 15 dana."})
    assert numbers(space, pid) == [1, 2, 3, 4, 5]


def test_compare_shows_word_changes_per_article_and_section(space):
    pid = space.proposal(articles=("Rok je 30 dana.", "Ostaje isto."))
    client = author(space.app)
    code = first_code(space, pid)
    client.post(f"/alfa/proposals/{pid}/parts/{code}/edit", {"body": "Rok je 15 dana."})
    client.post(f"/alfa/proposals/{pid}/parts/new", {"kind": "article", "body": "Sasvim nov."})
    client.post(f"/alfa/proposals/{pid}/sections", {"memorandum": "Zašto ovo."})
    page = client.get(f"/alfa/proposals/{pid}/compare?from=3&to=6").get_data(as_text=True)
    soup = parse(page)
    assert [d.get_text() for d in soup.select(".diff-changed del")] == ["30"]
    assert [i.get_text() for i in soup.select(".diff-changed ins")] == ["15"]
    assert "Sasvim nov." in soup.select_one(".diff-added ins").get_text()
    assert "Zašto ovo." in page and "1 part is unchanged." in page
    side = client.get(f"/alfa/proposals/{pid}/compare?from=3&to=6&view=side")
    assert parse(side.get_data(as_text=True)).select(".diff-side")


def test_compare_of_unknown_versions_answers_404_and_bad_numbers_fall_back(space):
    pid = space.proposal(articles=("A",), state="consultation")
    client = visitor(space.app)
    assert client.get(f"/alfa/proposals/{pid}/compare?from=1&to=99").status_code == 404
    assert client.get(f"/alfa/proposals/{pid}/compare?from=x&to=abc").status_code == 200


def test_a_removed_article_is_shown_as_removed(space):
    pid = space.proposal(articles=("Prvi.", "Drugi."))
    client = author(space.app)
    client.post(f"/alfa/proposals/{pid}/parts/{first_code(space, pid)}/delete")
    soup = parse(client.get(f"/alfa/proposals/{pid}/compare?from=3&to=4").get_data(as_text=True))
    assert "Prvi." in soup.select_one(".diff-removed del").get_text()
    assert "1 part is unchanged (1 of them renumbered)." in soup.get_text()  # Drugi is now 1.


def test_restore_brings_back_text_and_sections_as_a_new_version(space):
    pid = space.proposal(articles=("Izvorni tekst.",))
    client = author(space.app)
    client.post(f"/alfa/proposals/{pid}/sections", {"problem": "Problem."})
    code = first_code(space, pid)
    client.post(f"/alfa/proposals/{pid}/parts/{code}/edit", {"body": "Pokvaren tekst."})
    response = client.post(f"/alfa/proposals/{pid}/versions/2/restore")
    assert response.status_code == 303
    assert numbers(space, pid) == [1, 2, 3, 4, 5]
    with (
        space.app.test_request_context(),
        force_locale("en"),
        tenant_context(space.tenant.id),
    ):
        proposal = space.get(pid)
        nodes = text.tree(text.live_parts(proposal))
        assert [(n.code, n.body) for n in nodes] == [(code, "Izvorni tekst.")]
        assert proposal.problem == ""
    assert client.post(f"/alfa/proposals/{pid}/versions/77/restore").status_code == 404
