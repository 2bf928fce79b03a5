"""The list of advocacy platforms (own and shared), a campaign's page, its print view and the
signatories as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json

from flask import request, url_for
from flask_babel import gettext as _

from solidarna.campaigns import services
from solidarna.campaigns.forms import (
    CommentForm,
    HideForm,
    OrganizationForm,
    StatusForm,
    SupportForm,
)
from solidarna.campaigns.models import Campaign
from solidarna.campaigns.permissions import (
    TRANSITIONS,
    can_comment_campaign,
    can_sign_campaign,
    can_view_campaign,
)
from solidarna.core import documents, markdown, representation
from solidarna.core.documents import BOM, ascii_slug, attachment, safe_cell
from solidarna.core.i18n import current_locale
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.core.script import in_script
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("campaigns", __name__, url_prefix="/campaigns")
#: the signatories the page's table shows (by name); all of them are in the counts, the map,
#: the print view and the exports
SHOWN_SIGNATORIES = 200


@bp.get("/")
def index():
    filters = services.CampaignFilters.from_args(request.args)
    listed = services.search(filters, current_person())
    return render("campaigns/index.html", block="results", filters=filters, listed=listed)


def page_context(campaign: Campaign):
    user = current_person()
    data = services.page(campaign, user, with_comments=True)
    manage = services.can_manage(user, campaign)
    acting = representation.organizations_represented_by(user)
    signing = can_sign_campaign(user, campaign)
    return {
        "data": data,
        "campaign": campaign,
        "goal": markdown.render(campaign.goal),
        "links": services.demand_links(campaign),
        "signatory_map": services.signatory_map(
            data,
            lambda place: url_for("campaigns.detail", campaign_id=campaign.id) + "#signatories",
        ),
        "may_manage": manage,
        "sign_form": OrganizationForm(
            organizations=[c for c in acting if c.id not in data.signed_by_mine]
        )
        if signing
        else None,  # fmt: skip
        "withdraw_form": OrganizationForm(
            organizations=[c for c in acting if c.id in data.signed_by_mine]
        )
        if signing and data.signed_by_mine
        else None,  # fmt: skip
        "support_form": SupportForm() if signing else None,
        "status_form": StatusForm() if manage else None,
        "shown_signatories": SHOWN_SIGNATORIES,
        "comment_form": CommentForm() if can_comment_campaign(user, campaign) else None,
        "hide_form": HideForm() if manage else None,
        "next_statuses": TRANSITIONS.get(campaign.status, ()),
    }


@bp.get("/<int:campaign_id>")
@require(can_view_campaign, obj=services.load_campaign)
def detail(campaign: Campaign):
    return render("campaigns/detail.html", **page_context(campaign))


@bp.get("/<int:campaign_id>/print")
@require(can_view_campaign, obj=services.load_campaign)
def print_view(campaign: Campaign):
    return render("campaigns/print.html", data=services.page(campaign, None), campaign=campaign,
                  goal=markdown.render(campaign.goal))  # fmt: skip


COLUMNS = ("organization", "municipality", "actor_type", "legal_form", "space", "signed_on")


def _rows(data):
    for s in data.signatories:
        yield [s.name, s.municipality, s.actor_type_label, s.legal_form_label, s.space,
               s.signed_at.date().isoformat()]  # fmt: skip


@bp.get("/<int:campaign_id>/signatories.csv")
@require(can_view_campaign, obj=services.load_campaign)
def signatories_csv(campaign: Campaign):
    data = services.page(campaign, None)
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in _rows(data):
        writer.writerow([safe_cell(str(cell)) for cell in row])
    name = f"{ascii_slug(campaign.title, 'platforma')}-potpisnici.csv"
    return attachment(out.getvalue().encode("utf-8"), name, "text/csv; charset=utf-8")


@bp.get("/<int:campaign_id>/signatories.json")
@require(can_view_campaign, obj=services.load_campaign)
def signatories_json(campaign: Campaign):
    data = services.page(campaign, None)
    body = {
        "campaign": {
            "id": campaign.id,
            "title": campaign.title,
            "status": campaign.status,
            "owner": data.owner.name,
            "url": url_for("campaigns.detail", campaign_id=campaign.id, _external=True),
        },
        "organizations": [dict(zip(COLUMNS, row, strict=True)) for row in _rows(data)],
        "individual_supporters": campaign.supporter_count,
    }
    text = json.dumps(body, ensure_ascii=False, indent=2)
    name = f"{ascii_slug(campaign.title, 'platforma')}-potpisnici.json"
    return attachment(text.encode("utf-8"), name, "application/json")


@bp.get("/<int:campaign_id>/letter.docx")
@require(can_view_campaign, obj=services.load_campaign)
def letter_docx(campaign: Campaign):
    """The open letter to hand over: the title, to whom, the goal, the demands and the table
    of the organizations that signed, in the reader's script (DOCX, A4)."""
    data = services.page(campaign, None)
    locale = current_locale()

    def convert(text: str) -> str:
        return in_script(text, locale)

    document = documents.new_document(campaign.title, convert)
    if campaign.institutions:
        documents.plain(document, _("To: %(names)s", names=", ".join(campaign.institutions)),
                        convert)  # fmt: skip
    documents.plain(document, data.owner.name, convert)
    documents.markdown(document, campaign.goal, convert)
    if campaign.demands:
        documents.heading(document, _("Demands"), 1, convert)
        for number, demand in enumerate(campaign.demands, start=1):
            documents.plain(document, f"{number}. {demand.text}", convert, indent=0.5)
    documents.heading(document, _("Organizations that signed"), 1, convert)
    documents.table(
        document,
        [_("Organization"), _("Municipality"), _("Actor type"), _("Space")],
        ([s.name, s.municipality, s.actor_type_label, s.space] for s in data.signatories),
        convert,
    )
    name = f"{ascii_slug(campaign.title, 'platforma')}-pismo.docx"
    return attachment(documents.to_bytes(document), name)
