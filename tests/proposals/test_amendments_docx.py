"""The numbered amendments sheet as DOCX (who, which article, text, justification, decision),
in the reader's script or in Cyrillic for official submissions; opened with python-docx."""

from __future__ import annotations

import io
import re

from docx import Document

from solidarna.core import documents
from tests.proposals.conftest import visitor
from tests.proposals.test_amendments import ARTICLES, amendment_id, codes, login, propose


def _docx(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == documents.DOCX_MIMETYPE
    return Document(io.BytesIO(response.get_data()))


def _decide(author, pid, aid, **data):
    decide = f"/alfa/proposals/{pid}/amendments/{aid}/decide"
    seen = re.search(
        r'name="seen_version"[^>]*value="(\d+)"', author.get(decide).get_data(as_text=True)
    )
    return author.post(decide, {"seen_version": seen.group(1), **data})


def test_the_amendments_sheet_docx_records_every_amendment_and_its_decision(space):
    pid = space.proposal(articles=ARTICLES, state="consultation")
    first, second = codes(space, pid)
    member = login(space.app, "member@example.org")
    accepted = amendment_id(propose(member, pid, second, body="Rok za prijave je 15 dana."))
    rejected = amendment_id(
        propose(member, pid, first, kind="delete", justification="Član je suvišan.")
    )
    author = login(space.app, "author@example.org")
    assert _decide(author, pid, accepted, decision="accept").status_code == 303
    assert (
        _decide(author, pid, rejected, decision="reject", reason="Član ostaje.").status_code == 303
    )

    sheet = visitor(space.app).get(f"/alfa/proposals/{pid}/amendments/").get_data(as_text=True)
    assert f"/alfa/proposals/{pid}/amendments.docx" in sheet
    response = visitor(space.app).get(f"/alfa/proposals/{pid}/amendments.docx")
    document = _docx(response)
    assert "-amendments.docx" in response.headers["Content-Disposition"]
    lines = [p.text for p in document.paragraphs]
    body = "\n".join(lines)
    assert lines.index("Amendment 1") < lines.index("Amendment 2")
    assert "Proposed by: Mira Članica" in body
    assert "What it amends: Article 2." in body
    assert "Rok za prijave je 15 dana." in body and "Kraći rok je pravedniji." in body
    assert "The change: Delete this part" in body and "Član je suvišan." in body
    assert re.search(r"Accepted · .* · Ana Autorka · version \d+", body)
    assert re.search(r"Rejected · .* · Ana Autorka", body) and "Član ostaje." in body
    # Cyrillic for official submissions; labels from the Cyrillic catalog
    cyrillic = "\n".join(
        p.text for p in _docx(
            visitor(space.app).get(f"/alfa/proposals/{pid}/amendments.docx?script=cyrl")
        ).paragraphs
    )  # fmt: skip
    assert "Рок за пријаве је 15 дана." in cyrillic and "Мира Чланица" in cyrillic
    assert "Rok" not in cyrillic
    assert (
        visitor(space.app).get(f"/alfa/proposals/{pid}/amendments.docx?script=x").status_code == 400
    )


def test_a_draft_proposal_sheet_is_not_for_visitors_and_an_empty_one_says_so(space):
    draft = space.proposal()
    assert visitor(space.app).get(f"/alfa/proposals/{draft}/amendments.docx").status_code == 404
    pid = space.proposal(state="consultation")
    text = "\n".join(
        p.text
        for p in _docx(visitor(space.app).get(f"/alfa/proposals/{pid}/amendments.docx")).paragraphs
    )
    assert "No amendments yet." in text and "0 amendments on the record" in text
