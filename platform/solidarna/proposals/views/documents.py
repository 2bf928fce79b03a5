"""The documents of a proposal (proposals/documents.py): the print view of the text as a legal
act, its DOCX, and the redline DOCX between two versions. Whoever may read the proposal may
take them; `?script=cyrl` writes them in Cyrillic (official submissions), `?script=latn` in
Latin, otherwise in the reader's script."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from solidarna.core import documents as core_documents
from solidarna.core.errors import error_page
from solidarna.core.fragments import Lazy
from solidarna.core.rendering import render
from solidarna.proposals import documents, kept, text
from solidarna.proposals.views.browse import _field_labels
from solidarna.proposals.views.common import load_proposal
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposal_documents", __name__, url_prefix="/proposals")


def _bad_script():
    """A script that is neither Cyrillic nor Latin: 400 with the choices."""
    if request.args.get("script") in (None, "", *documents.SCRIPTS):
        return None
    return error_page(400, detail=_("Choose the script: cyrl (Cyrillic) or latn (Latin)."))


@bp.get("/<int:proposal_id>/print")
def print_view(proposal_id: int):
    proposal = load_proposal(proposal_id)
    refused = _bad_script()
    if refused:
        return refused
    script = documents.asked_script()
    with documents.in_document_locale(script):
        return render(
            "proposals/print.html",
            proposal=proposal,
            act=Lazy(documents.legal_act, proposal),  # read only when the text is drawn
            script=script,
        )


@bp.get("/<int:proposal_id>/document.docx")
def docx(proposal_id: int):
    proposal = load_proposal(proposal_id)
    refused = _bad_script()
    if refused:
        return refused
    script = documents.asked_script()
    with documents.in_document_locale(script) as locale:
        # the current version, its endorsers and figures: kept until the space changes
        data = kept.kept(
            "act.docx", (proposal.id, proposal.version_count, locale),
            lambda: documents.act_docx(proposal, locale), changing=True,
        )  # fmt: skip
    return core_documents.attachment(data, documents.filename(proposal, "", script))


def _version(proposal, name: str, default: int):
    raw = request.args.get(name, "")
    if raw and not (raw.isdigit() and len(raw) < 9):
        return None
    return text.find_version(proposal, int(raw) if raw else default, snapshot=False)


@bp.get("/<int:proposal_id>/redline.docx")
def redline(proposal_id: int):
    proposal = load_proposal(proposal_id)
    refused = _bad_script()
    if refused:
        return refused
    newest = proposal.version_count or 1
    new = _version(proposal, "to", newest)
    old = _version(proposal, "from", max(1, (new.number if new else newest) - 1))
    if old is None or new is None:
        return error_page(404)
    script = documents.asked_script()
    with documents.in_document_locale(script) as locale:
        # two versions never change: kept by their ids (the snapshots read only on a miss)
        data = kept.kept(
            "redline.docx", (proposal.id, old.id, new.id, locale),
            lambda: documents.redline_docx(proposal, old, new, _field_labels(), locale),
        )  # fmt: skip
    suffix = f"-redline-v{old.number}-v{new.number}"
    return core_documents.attachment(data, documents.filename(proposal, suffix, script))


@bp.get("/<int:proposal_id>/amendments.docx")
def amendments_docx(proposal_id: int):
    """The numbered amendments sheet as DOCX: the consultation's record."""
    proposal = load_proposal(proposal_id)
    refused = _bad_script()
    if refused:
        return refused
    script = documents.asked_script()
    with documents.in_document_locale(script) as locale:
        data = documents.amendments_docx(proposal, locale)
    return core_documents.attachment(data, documents.filename(proposal, "-amendments", script))
