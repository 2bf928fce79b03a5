"""The documents people hand over: the print view and the DOCX of the text as a legal act, the
redline DOCX between two versions, each in the reader's script or in Cyrillic on request."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn

from solidarna.core import documents
from solidarna.core.tenancy import tenant_context
from solidarna.extensions import db
from solidarna.proposals.models import Endorsement
from tests.proposals.conftest import visitor


def _public_proposal(
    space, articles=("Grad podržava socijalna preduzeća.", "Ova odluka stupa na snagu osmog dana.")
):
    pid = space.proposal(articles=articles, state="adopted")
    with tenant_context(space.tenant.id):
        proposal = space.get(pid)
        proposal.memorandum = "Razlozi za donošenje **ove odluke**."
        proposal.fiscal_cost = 2500000
        proposal.fiscal_source = "Budžet grada"
        db.session.add_all([
            Endorsement(proposal_id=pid, organization_id=space.org1,
                        organization_name="Zadruga Rasinski med", acted_by_id=space.rep1.id),
            Endorsement(proposal_id=pid, organization_id=space.org2, kind="cosponsor",
                        organization_name="Udruženje Ruke", acted_by_id=space.rep2.id),
        ])  # fmt: skip
        db.session.commit()
    return pid


def _docx(response):
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == documents.DOCX_MIMETYPE
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return Document(io.BytesIO(response.get_data()))


def _text(document) -> str:
    lines = [p.text for p in document.paragraphs]
    for grid in document.tables:
        for row in grid.rows:
            lines.append(" | ".join(c.text for c in row.cells))
    return "\n".join(lines)


def test_the_docx_is_the_text_as_a_legal_act_with_its_endorsers(space):
    pid = _public_proposal(space)
    response = visitor(space.app).get(f"/alfa/proposals/{pid}/document.docx")
    document = _docx(response)
    assert (
        'filename="odluka-o-podrsci-socijalnim-preduzecima.docx"'
        in response.headers["Content-Disposition"]
    )
    paragraphs = [p.text for p in document.paragraphs]
    # numbered articles, each label followed by its text
    first = paragraphs.index("Article 1.")
    assert paragraphs[first + 1] == "Grad podržava socijalna preduzeća."
    assert paragraphs[paragraphs.index("Article 2.") + 1].startswith("Ova odluka stupa")
    whole = _text(document)
    assert "Explanatory memorandum" in whole and "Razlozi za donošenje ove odluke." in whole
    bold = [r.text for p in document.paragraphs for r in p.runs if r.bold]
    assert "ove odluke" in bold  # markdown's bold kept as bold
    assert "2,500,000 RSD" in whole and "Budžet grada" in whole
    assert "Zadruga Rasinski med | Kruševac" in whole and "Udruženje Ruke | Trstenik" in whole


def test_the_docx_in_cyrillic_for_official_submissions(space):
    pid = _public_proposal(space)
    response = visitor(space.app).get(f"/alfa/proposals/{pid}/document.docx?script=cyrl")
    document = _docx(response)
    assert "-cyrl.docx" in response.headers["Content-Disposition"]
    whole = _text(document)
    assert "Град подржава социјална предузећа." in whole
    assert "Задруга Расински мед" in whole
    assert "Grad podržava" not in whole
    assert document.core_properties.language == "sr-Cyrl"


def test_the_print_view_shows_the_act_and_offers_both_scripts(space):
    pid = _public_proposal(space)
    client = visitor(space.app)
    page = client.get(f"/alfa/proposals/{pid}/print")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Article 1." in html and "Grad podržava socijalna preduzeća." in html
    assert "Udruženje Ruke" in html and "Explanatory memorandum" in html
    cyr = client.get(f"/alfa/proposals/{pid}/print?script=cyrl").get_data(as_text=True)
    assert "Град подржава социјална предузећа." in cyr and 'lang="sr-Cyrl"' in cyr
    # the proposal page and the comparison link to the documents
    detail = client.get(f"/alfa/proposals/{pid}").get_data(as_text=True)
    assert f"/alfa/proposals/{pid}/print" in detail and "document.docx?script=cyrl" in detail
    compare = client.get(f"/alfa/proposals/{pid}/compare").get_data(as_text=True)
    assert f"/alfa/proposals/{pid}/redline.docx" in compare


def test_an_unknown_script_or_version_is_a_clear_4xx(space):
    pid = _public_proposal(space)
    client = visitor(space.app)
    bad = client.get(f"/alfa/proposals/{pid}/document.docx?script=glagoljica")
    assert bad.status_code == 400 and "cyrl" in bad.get_data(as_text=True)
    assert client.get(f"/alfa/proposals/{pid}/print?script=x").status_code == 400
    assert client.get(f"/alfa/proposals/{pid}/redline.docx?from=1&to=99").status_code == 404
    assert client.get(f"/alfa/proposals/{pid}/redline.docx?from=abc").status_code == 404


def test_a_draft_s_documents_are_not_for_visitors(space):
    pid = space.proposal(state="draft")
    client = visitor(space.app)
    assert client.get(f"/alfa/proposals/{pid}/document.docx").status_code == 404
    assert client.get(f"/alfa/proposals/{pid}/print").status_code == 404
    author = visitor(space.app)
    author.login("author@example.org")
    assert author.get(f"/alfa/proposals/{pid}/document.docx").status_code == 200


def _marked(document, tag):
    """The texts of the runs carrying w:u (underline) or w:strike."""
    found = []
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            props = run._r.rPr
            if props is not None and props.find(qn(tag)) is not None:
                found.append(run.text)
    return found


def test_the_redline_underlines_insertions_and_strikes_deletions(space):
    pid = _public_proposal(space, articles=("Rok je 30 dana.", "Drugi član ostaje."))
    client = visitor(space.app)
    client.login("author@example.org")
    with tenant_context(space.tenant.id):
        proposal = space.get(pid)
        proposal.state = "draft"
        db.session.commit()
    from tests.proposals.test_versions import first_code

    code = first_code(space, pid)
    edited = client.post(
        f"/alfa/proposals/{pid}/parts/{code}/edit", {"body": "Rok je 15 radnih dana."}
    )
    assert edited.status_code == 303
    with tenant_context(space.tenant.id):
        db.session.expire_all()
        newest = space.get(pid).version_count
    response = client.get(f"/alfa/proposals/{pid}/redline.docx?from={newest - 1}&to={newest}")
    document = _docx(response)
    assert f"-redline-v{newest - 1}-v{newest}.docx" in response.headers["Content-Disposition"]
    inserted, deleted = _marked(document, "w:u"), _marked(document, "w:strike")
    assert any("15" in t for t in inserted) and any("radnih" in t for t in inserted)
    assert any("30" in t for t in deleted)
    assert "Drugi član ostaje." in _text(document)  # the unchanged text is there, unmarked
    assert not any("Drugi" in t for t in inserted + deleted)
    cyr = _docx(client.get(f"/alfa/proposals/{pid}/redline.docx?from=1&to={newest}&script=cyrl"))
    assert "Други члан остаје." in _text(cyr)


def test_csv_helpers_escape_formulas_and_slugs_are_ascii():
    assert documents.safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert documents.safe_cell("@cmd") == "'@cmd"
    assert documents.safe_cell("+381 37 123 456") == "+381 37 123 456"
    assert documents.safe_cell("Zadruga") == "Zadruga"
    assert documents.ascii_slug("Одлука о подршци: Ђурђевак!", "x") == "odluka-o-podrsci-djurdjevak"
    assert documents.ascii_slug("!!!", "proposal-7") == "proposal-7"
