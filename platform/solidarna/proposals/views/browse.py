"""The list of proposals, a proposal's page, its metadata and sections, and its versions (the
history, the comparison of two versions, restoring one)."""

from __future__ import annotations

from collections.abc import Callable

from flask import (
    abort,
    flash,
    g,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import lazyload

from solidarna.core import audit, markdown, representation
from solidarna.core.errors import error_page
from solidarna.core.fragments import Lazy
from solidarna.core.permissions import can_manage_members, current_person, require
from solidarna.core.rendering import render
from solidarna.directory import taxonomy
from solidarna.extensions import db
from solidarna.proposals import (
    amendments,
    endorsements,
    following,
    kept,
    services,
    text,
    workflow,
)
from solidarna.proposals.forms import ProposalForm, SectionsForm
from solidarna.proposals.models import ENDORSING_STATES, SECTIONS, Proposal
from solidarna.proposals.permissions import (
    allowed_moves,
    can_author_proposal,
    can_draft_proposal,
    can_edit_proposal,
    can_follow_proposal,
    can_support_proposal,
    text_is_open,
)
from solidarna.proposals.scorecard import scorecard as scorecard_of
from solidarna.proposals.views.common import load_proposal, show_error
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("proposals", __name__, url_prefix="/proposals")


@bp.get("/")
def index():
    filters = services.ProposalFilters.from_args(request.args)
    user = current_person()
    # the drafts this person sees as their (invited) author: beside the viewer level and the
    # filters (the address), all that makes their list another member's
    drafts = services.drafts_seen(user)
    return render(
        "proposals/index.html",
        block="results",
        # a member's page: one shell per viewer level, address and drafts seen
        # (core/fragments.py shell_page), the next step of an empty list filled per request
        shell=(drafts,),
        shell_fills="proposals/_index_fills.html",
        filters=filters,
        # read only when the list is drawn (a kept fragment or page shell: core/fragments.py)
        page=Lazy(services.search, filters, user),
        facets=Lazy(services.facets, filters, user),
        drafts=drafts,
    )


@bp.get("/scorecard")
def scorecard():
    """The advocacy scorecard: per institution, what became of the proposals submitted to it."""
    rows, total = scorecard_of(current_person())
    return render("proposals/scorecard.html", rows=rows, total=total)


def _sections(proposal: Proposal) -> list[tuple[str, object, object]]:
    return [
        (name, label, markdown.render(getattr(proposal, name)))
        for name, label in SECTIONS.items()
        if getattr(proposal, name)
    ]


DRAWN_ONLY = (lazyload(Proposal.tags), lazyload(Proposal.lead_author))


@bp.get("/<int:proposal_id>")
def detail(proposal_id: int):
    # the tags and the lead author are drawn only with the page (a member's page shell hit
    # draws neither): loaded when drawn
    proposal = load_proposal(proposal_id, DRAWN_ONLY)
    user = current_person()
    types = Lazy(taxonomy.actor_types, g.tenant)
    # the organizations this person acts for: asked only while they may endorse
    acting = (
        representation.organizations_represented_by(user)
        if proposal.state in ENDORSING_STATES
        else []
    )
    # the text and the endorsers are drawn in kept fragments (core/fragments.py): read only
    # when drawn
    endorsers = Lazy(endorsements.endorsers, proposal)
    anchors = Lazy(_endorser_anchors, endorsers)
    info = amendments.page_info(proposal)
    can_edit = can_edit_proposal(user, proposal)
    moves = allowed_moves(user, proposal)
    return render(
        "proposals/detail.html",
        # a member's page: one shell per viewer level and what it shows of the person beyond
        # it (core/fragments.py shell_page): whether they write the text (its tools) and
        # whether they manage the authors; and the day (a figure cited while the text is
        # open is shown as of today). Their buttons (edit, moves), forms and the other
        # capabilities' panels are slots (_detail_fills.html)
        shell=(can_edit, info.manages_authors, workflow.today().isoformat()),
        shell_fills="proposals/_detail_fills.html",
        proposal=proposal,
        info=info,
        nodes=Lazy(lambda: text.tree(text.live_parts(proposal))),
        # the header and summary, the sections and the road are kept fragments too
        sections=Lazy(_sections, proposal),
        groups=Lazy(
            lambda: [
                taxonomy.VULNERABLE_GROUPS.get(c, c) for c in proposal.beneficiary_groups or []
            ]
        ),
        actor_types=Lazy(lambda: [types.get(c, c) for c in proposal.beneficiary_actor_types or []]),
        events=Lazy(workflow.timeline, proposal),
        endorsers=endorsers,
        endorser_anchor=lambda place: anchors.get(place),
        endorser_link=lambda place: "#" + anchors.get(place, "endorsements"),
        endorsable=endorsements.endorsable_organizations(user, proposal, acting),
        # asked only where their form is shown (a slot)
        supports=Lazy(endorsements.supports, proposal, user),
        may_support=can_support_proposal(user, proposal),
        may_follow=can_follow_proposal(user, proposal),
        is_following=Lazy(following.is_following, user, proposal),
        moves=moves,
        can_edit=can_edit,
        is_admin=can_manage_members(user),
        # the organizations whose endorsement this person may withdraw (a slot of each row)
        withdraw=_withdraw_filler(proposal, acting),
    )


def _withdraw_filler(proposal: Proposal, cards) -> Callable[..., str]:
    """The endorsers' table's slot (core/fragments.py `fragment_slot`): the withdraw button of
    a row whose organization this person acts for, nothing in every other row (a dictionary
    look-up, not a template call, for each of the hundreds of rows)."""
    by_id = {card.id: card for card in cards}
    if not by_id:
        return lambda endorsement_id, organization_id: ""
    button = get_template_attribute("proposals/_withdraw.html", "withdraw")

    def fill(endorsement_id: str, organization_id: str) -> str:
        card = by_id.get(int(organization_id))
        return str(button(proposal, int(endorsement_id), card)) if card is not None else ""

    return fill


def _endorser_anchors(endorsers) -> dict[str, str]:
    """The first endorser's row of each municipality: where the map's dots link."""
    return {
        place: f"endorsers-{n}"
        for n, place in enumerate(sorted({i.card.municipality for i in endorsers.items if i.card}))
    }


def _form_page(form, proposal=None, status=200):
    return render("proposals/form.html", form=form, proposal=proposal, status=status)


@bp.route("/new", methods=["GET", "POST"])
@require(can_draft_proposal)
def create():
    form = ProposalForm(institutions=services.institutions())
    if form.validate_on_submit():
        try:
            proposal = services.create(form.data_dict(), current_person(), form.message.data)
        except text.TextError as error:
            return show_error(form, error, "title") or _form_page(form, status=422)
        db.session.commit()
        flash(_("The draft is saved. Add its articles and sections."), "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)
    return _form_page(form, status=422 if form.errors else 200)


def _text_open_or_409(proposal: Proposal):
    if not text_is_open(current_person(), proposal):
        return error_page(
            409,
            detail=_("The text is fixed from the endorsements on: organizations sign this text."),
        )
    return None


@bp.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@require(can_author_proposal, obj=load_proposal)
def edit(proposal: Proposal):
    closed = _text_open_or_409(proposal)
    if closed:
        return closed
    form = ProposalForm(obj=proposal, institutions=services.institutions())
    if not form.is_submitted():
        form.fill_from(proposal)
    if form.validate_on_submit():
        try:
            changed = services.update_meta(
                proposal, form.data_dict(), current_person(), form.message.data
            )
        except text.TextError as error:
            return show_error(form, error, "title") or _form_page(form, proposal, 422)
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)
    return _form_page(form, proposal, status=422 if form.errors else 200)


@bp.route("/<int:proposal_id>/sections", methods=["GET", "POST"])
@require(can_author_proposal, obj=load_proposal)
def sections(proposal: Proposal):
    closed = _text_open_or_409(proposal)
    if closed:
        return closed
    form = SectionsForm(obj=proposal, tenant=g.tenant)
    if form.validate_on_submit():
        changed = services.update_sections(
            proposal, form.data_dict(), current_person(), form.message.data
        )
        db.session.commit()
        flash(_("The changes are saved.") if changed else _("Nothing was changed."), "success")
        return redirect(url_for("proposals.detail", proposal_id=proposal.id) + "#sections", 303)
    return render(
        "proposals/sections.html", form=form, proposal=proposal,
        status=422 if form.errors else 200,
    )  # fmt: skip


# --- versions -------------------------------------------------------------------------------------


@bp.get("/<int:proposal_id>/versions")
def versions(proposal_id: int):
    proposal = load_proposal(proposal_id)
    return render(
        "proposals/versions.html",
        proposal=proposal,
        versions=Lazy(text.versions, proposal),  # read only when the history is drawn
        can_restore=can_edit_proposal(current_person(), proposal),
    )


def _version_arg(proposal: Proposal, name: str, default: int):
    raw = request.args.get(name, "")
    number = int(raw) if raw.isdigit() and len(raw) < 9 else default
    return text.find_version(proposal, number, snapshot=False)


def _field_labels() -> dict:
    return {
        "meta": {"title": _("Title"), "kind": _("Kind of measure"), "level": _("Level"),
                 "institution": _("Addressed to"), "tags": _("Tags")},
        "sections": SECTIONS,
        "beneficiaries": {"beneficiary_groups": _("Vulnerable groups"),
                          "beneficiary_actor_types": _("Actors of the social economy")},
        "fiscal": {"fiscal_cost": _("Estimated cost (RSD)"), "fiscal_source": _("Source of funding"),
                   "fiscal_budget_line": _("Budget line"), "fiscal_period": _("Period")},
    }  # fmt: skip


@bp.get("/<int:proposal_id>/compare")
def compare(proposal_id: int):
    proposal = load_proposal(proposal_id)
    newest = proposal.version_count or 1
    new = _version_arg(proposal, "to", newest)
    old = _version_arg(proposal, "from", max(1, (new.number if new else newest) - 1))
    if old is None or new is None:
        return error_page(404)
    view = (
        request.args.get("view") if request.args.get("view") in ("unified", "side") else "unified"
    )

    def draw() -> str:
        # the snapshots are read only here, when the comparison is not kept yet
        return render_template(
            "proposals/_compare_body.html",
            view=view,
            fields=[
                f
                for f in text.compare_fields(old.snapshot, new.snapshot, _field_labels())
                if f.changed
            ],
            parts=text.compare_parts(old.snapshot, new.snapshot),
        )

    body = kept.kept("compare", (proposal.id, old.id, new.id, view), draw)
    return render(
        "proposals/compare.html",
        proposal=proposal,
        old=old,
        new=new,
        view=view,
        body=Markup(body),
        numbers=list(range(1, newest + 1)),
    )


@bp.post("/<int:proposal_id>/versions/<int:number>/restore")
@require(can_author_proposal, obj=load_proposal)
def restore(proposal: Proposal, number: int):
    closed = _text_open_or_409(proposal)
    if closed:
        return closed
    version = text.find_version(proposal, number)
    if version is None:
        abort(404)
    text.restore(proposal, version, current_person())
    audit.record("proposal.restored", target=proposal, number=number)
    db.session.commit()
    flash(_("Version %(number)d is restored as a new version.", number=number), "success")
    return redirect(url_for("proposals.detail", proposal_id=proposal.id), 303)
