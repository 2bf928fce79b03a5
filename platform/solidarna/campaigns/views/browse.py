"""The list of advocacy platforms (own and shared), a campaign's page, its print view and the
signatories as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import logging
from functools import partial
from typing import NamedTuple

from flask import current_app, request, stream_with_context, url_for
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
    can_follow_campaign,
    can_sign_campaign,
    can_view_campaign,
)
from solidarna.campaigns.views.common import partner_marker
from solidarna.core import documents, fragments, markdown, representation
from solidarna.core.documents import BOM, ascii_slug, attachment, safe_cell
from solidarna.core.fragments import Lazy
from solidarna.core.i18n import current_locale
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.core.script import in_script
from solidarna.extensions import cache, db
from solidarna.tenants.models import Tenant
from solidarna.tenants.routing import TenantBlueprint

log = logging.getLogger(__name__)

bp = TenantBlueprint("campaigns", __name__, url_prefix="/campaigns")
#: the signatories a page of the campaign page's table shows (by name, `?signatories=<page>`);
#: all of them are in the counts, the map, the print view and the exports
SIGNATORIES_PER_PAGE = 100
#: pages of the table there can be (services.SIGNATORY_LIMIT): a larger number is the last
MAX_PAGES = -(-services.SIGNATORY_LIMIT // SIGNATORIES_PER_PAGE)


@bp.get("/")
def index():
    filters = services.CampaignFilters.from_args(request.args)
    listed = services.search(filters, current_person())
    return render("campaigns/index.html", block="results", filters=filters, listed=listed)


def signatory_page() -> int:
    """The page of the signatories' table asked for: a number from 1 (anything else is the
    first page; past the last one, the last one)."""
    asked = request.args.get("signatories", 1, type=int)
    return min(max(asked or 1, 1), MAX_PAGES)


class Acting(NamedTuple):
    id: int
    name: str


def acting_for(user) -> list[Acting]:
    """The organizations the person represents in this space (by name); the cards are kept
    per change of the space, level and account (core/representation.py)."""
    return [Acting(c.id, c.name) for c in representation.organizations_represented_by(user)]


def page_context(campaign: Campaign):
    user = current_person()
    manage = services.can_manage(user, campaign)
    signing = can_sign_campaign(user, campaign)
    # the organizations the person may sign for (asked only while they may sign) and what
    # is theirs on the page: which of those signed, their support, their follow
    acting = acting_for(user) if signing else []
    marker = partner_marker()
    mine = services.reader(campaign, user, {c.id for c in acting}, marker)
    # the page's shared reads (the timeline, the owner, the partners), only when drawn: a
    # member's page shell hit (views `detail`) reads none of them, a manager's the partners
    data = Lazy(partial(services.page, with_signatories=False), campaign, None)
    # every signatory, read only when the kept fragment is drawn (a change in the campaign's
    # spaces or partnerships changes `marker`, the fragment's key)
    rows = Lazy(services.page, campaign, None)
    link = url_for("campaigns.detail", campaign_id=campaign.id) + "#signatories"
    return {
        "data": data,
        "mine": mine,
        "rows": rows,
        # the comments, read only when their kept fragment is drawn
        "comments": Lazy(services.comments, campaign, user),
        "marker": marker,
        "campaign": campaign,
        # the goal's Markdown drawn only with the page
        "goal": partial(markdown.render, campaign.goal),
        # the demands' proposals this person may see (a draft: its authors): eager, the page
        # shell's parts name them
        "links": services.demand_links(campaign, user),
        "signatory_map": Lazy(lambda: services.signatory_map(rows.value(), lambda place: link)),
        "may_manage": manage,
        "sign_form": OrganizationForm(
            organizations=[c for c in acting if c.id not in mine.signed_by_mine]
        )
        if signing
        else None,  # fmt: skip
        "withdraw_form": OrganizationForm(
            organizations=[c for c in acting if c.id in mine.signed_by_mine]
        )
        if signing and mine.signed_by_mine
        else None,  # fmt: skip
        "support_form": SupportForm() if signing else None,
        "status_form": StatusForm() if manage else None,
        "signatory_page": signatory_page(),
        "per_page": SIGNATORIES_PER_PAGE,
        "comment_form": CommentForm() if can_comment_campaign(user, campaign) else None,
        "may_follow": can_follow_campaign(user, campaign),
        "hide_form": HideForm() if manage else None,
        "next_statuses": TRANSITIONS.get(campaign.status, ()),
    }


def shell_parts(context: dict) -> tuple | None:
    """What a logged-in person's page shows beyond their viewer level and the address, for
    its page shell (core/fragments.py shell_page): the campaign's partner-aware marker (the
    shell is kept under this space's marker; a change in the owner or a partner space shows
    here through it), whether they manage it and may comment (both follow from the level
    today: named so that they never have to), the demands' proposals they may see (a draft:
    its authors); for a manager, the partnerships they are shown (a partner space's answer
    raises no marker here). What is theirs alone (the follow form, the signing forms and their
    support, the other capabilities' panels) is a slot (campaigns/_detail_fills.html). None
    without a marker."""
    if context["marker"] is None or current_person() is None:
        return None
    partners = ()
    if context["may_manage"]:
        partners = tuple(
            (p.id, p.status, str(p.updated_at), p.partner.content_version or 0)
            for p in context["data"].partners
        )
    return (
        context["marker"],
        context["may_manage"],
        context["comment_form"] is not None,
        tuple(sorted(context["links"])),
        partners,
    )


@bp.get("/<int:campaign_id>")
@require(can_view_campaign, obj=services.load_campaign)
def detail(campaign: Campaign):
    context = page_context(campaign)
    return render("campaigns/detail.html", shell=shell_parts(context),
                  shell_fills="campaigns/_detail_fills.html", **context)  # fmt: skip


@bp.get("/<int:campaign_id>/print")
@require(can_view_campaign, obj=services.load_campaign)
def print_view(campaign: Campaign):
    """Every signatory (a document to take to a meeting): the table is a kept fragment, drawn
    once per change of the campaign's spaces; the signatories are read only then."""
    return render("campaigns/print.html", data=Lazy(services.page, campaign, None),
                  owner=db.session.get(Tenant, campaign.tenant_id), campaign=campaign,
                  marker=partner_marker(), goal=markdown.render(campaign.goal))  # fmt: skip


COLUMNS = ("organization", "municipality", "actor_type", "legal_form", "space", "signed_on")


def _rows(data):
    for s in data.signatories:
        yield [s.name, s.municipality, s.actor_type_label, s.legal_form_label, s.space,
               s.signed_at.date().isoformat()]  # fmt: skip


def _download_key(name: str, campaign: Campaign) -> str | None:
    """A download's key in the shared cache (extensions.cache): the fragment cache's (the
    space, the locale, the viewer level) with the campaign's partner-aware marker, so a
    signature, a partnership or a change of the campaign in any of its spaces makes the next
    download afresh."""
    if not fragments.enabled():
        return None
    return fragments.fragment_key(f"d.{name}", (campaign.id, request.host, partner_marker()))


def _kept(key: str | None) -> bytes | None:
    if key is None:
        return None
    try:
        found = cache.get(key)
    except Exception:  # a cache is never a reason to fail the download
        log.warning("Cache not reachable; producing %s", key, exc_info=True)
        return None
    return found if isinstance(found, bytes) else None


def _keep(key: str | None, data: bytes) -> None:
    if key is None:
        return
    try:
        cache.set(key, data, timeout=current_app.config["PAGE_CACHE_TIMEOUT"])
    except Exception:
        log.warning("Cache not reachable; not keeping %s", key, exc_info=True)


def _kept_download(name: str, campaign: Campaign, head: str, produce, filename: str,
                   mimetype: str):  # fmt: skip
    """A download kept per campaign marker (`_download_key`). When it is not kept, `head`
    (which needs nothing from the request) and then what `produce()` yields are streamed as
    they are made (the first byte comes at once, inside the request's context:
    stream_with_context, as directory/opendata/views.py) and the whole is kept at the end."""
    key = _download_key(name, campaign)
    found = _kept(key)
    if found is not None:
        response = attachment(found, filename, mimetype)
        response.headers["X-Download-Cache"] = "hit"
        return response
    first = head.encode("utf-8")

    def rest():
        kept = [first]
        for chunk in produce():
            data = chunk.encode("utf-8")
            kept.append(data)
            yield data
        _keep(key, b"".join(kept))

    rows = stream_with_context(rest())

    def chunks():
        yield first
        yield from rows

    response = attachment(chunks(), filename, mimetype)
    response.headers["X-Download-Cache"] = "miss" if key else "off"
    return response


#: rows per chunk of a streamed export
CHUNK = 200


@bp.get("/<int:campaign_id>/signatories.csv")
@require(can_view_campaign, obj=services.load_campaign)
def signatories_csv(campaign: Campaign):
    def produce():
        data = services.page(campaign, None)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for number, row in enumerate(_rows(data), start=1):
            writer.writerow([safe_cell(str(cell)) for cell in row])
            if number % CHUNK == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
        yield out.getvalue()

    name = f"{ascii_slug(campaign.title, 'platforma')}-potpisnici.csv"
    return _kept_download("csv", campaign, BOM, produce, name, "text/csv; charset=utf-8")


@bp.get("/<int:campaign_id>/signatories.json")
@require(can_view_campaign, obj=services.load_campaign)
def signatories_json(campaign: Campaign):
    url = url_for("campaigns.detail", campaign_id=campaign.id, _external=True)
    supporters = campaign.supporter_count

    def produce():
        data = services.page(campaign, None)
        # the same document json.dumps(..., indent=2) writes, one organization at a time
        yield '  "campaign": ' + _indented(
            {"id": campaign.id, "title": campaign.title, "status": campaign.status,
             "owner": data.owner.name, "url": url}, 2)  # fmt: skip
        yield ',\n  "organizations": ['
        for number, row in enumerate(_rows(data)):
            yield (
                ("," if number else "")
                + "\n    "
                + _indented(dict(zip(COLUMNS, row, strict=True)), 4)
            )
        yield ("\n  ]" if data.signatories else "]") + ',\n  "individual_supporters": '
        yield json.dumps(supporters) + "\n}"

    name = f"{ascii_slug(campaign.title, 'platforma')}-potpisnici.json"
    return _kept_download("json", campaign, "{\n", produce, name, "application/json")


def _indented(value, depth: int) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + " " * depth)


@bp.get("/<int:campaign_id>/letter.docx")
@require(can_view_campaign, obj=services.load_campaign)
def letter_docx(campaign: Campaign):
    """The open letter to hand over: the title, to whom, the goal, the demands and the table
    of the organizations that signed, in the reader's script (DOCX, A4). Generating it for
    3,000 signatories takes over a second (python-docx): it is kept per campaign marker and
    locale (the key's), so the next downloads until a change cost a cache read."""
    name = f"{ascii_slug(campaign.title, 'platforma')}-pismo.docx"
    key = _download_key("docx", campaign)
    found = _kept(key)
    status = "hit"
    if found is None:  # the first time after a change: over a second at 3,000 signatories
        status = "miss" if key else "off"
        found = _letter(campaign, current_locale())
        _keep(key, found)
    response = attachment(found, name)
    response.headers["X-Download-Cache"] = status
    return response


def _letter(campaign: Campaign, locale: str) -> bytes:
    data = services.page(campaign, None)

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
    return documents.to_bytes(document)
