"""The office's evidence pages: the recurring barriers by municipality and category over time
(a chart and its table), and the anonymized statistics for reports (counts by category,
municipality and month, cells under 5 hidden)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request
from flask_babel import gettext as _

from solidarna.core import audit, evidence
from solidarna.core.permissions import current_person, require
from solidarna.core.rendering import render
from solidarna.extensions import db
from solidarna.support import figures, kit, statistics
from solidarna.support.forms import ClusterProposalForm
from solidarna.support.models import SupportCase
from solidarna.support.permissions import can_advise
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("support_evidence", __name__, url_prefix="/support/office")


@bp.get("/barriers")
@require(can_advise)
def barriers(form=None, status=200):
    places, codes = statistics.filter_values()
    categories = kit.categories(g.tenant)
    source = request.form if form is not None else request.args
    municipality = str(source.get("municipality", ""))
    category = str(source.get("category", ""))
    municipality = municipality if municipality in places else ""
    category = category if category in codes else ""
    labels = kit.barriers(g.tenant)
    table = statistics.barriers(labels, municipality, category)
    if form is None and _drafter() is not None:
        form = ClusterProposalForm(tenant=g.tenant, formdata=None,
                                   data={"municipality": municipality, "category": category})  # fmt: skip
    return render(
        "support/barriers.html", table=table, places=places,
        categories={c: kit.label(categories, c) for c in codes},
        municipality=municipality, category=category, form=form, status=status,
        smallest=statistics.SMALLEST_CELL,
    )  # fmt: skip


@bp.get("/statistics")
@require(can_advise)
def statistics_page():
    categories = kit.categories(g.tenant)
    return render(
        "support/statistics.html",
        total=statistics.total(),
        by_category=statistics.by(SupportCase.category, categories),
        by_municipality=statistics.by(SupportCase.municipality),
        by_month=statistics.by(SupportCase.month),
        smallest=statistics.SMALLEST_CELL,
    )


def _drafter():
    found = evidence.drafter(g.tenant, "proposal")
    return found if found is not None and found.may(current_person()) else None


@bp.post("/barriers/proposal")
@require(can_advise)
def start_proposal():
    """A draft proposal citing the anonymized counts of a cluster of cases (a barrier, in a
    municipality and/or category), through the evidence registry's drafter: support never
    imports proposals, and the draft cites figures, never a case."""
    drafter = _drafter()
    if drafter is None:
        abort(404)
    form = ClusterProposalForm(tenant=g.tenant)
    places, codes = statistics.filter_values()
    if form.validate_on_submit():
        municipality = form.municipality.data if form.municipality.data in places else ""
        category = form.category.data if form.category.data in codes else ""
        code = form.barrier.data
        found = statistics.clusters()
        count = found.get((code, municipality, category), 0)
        if count < statistics.SMALLEST_CELL:
            form.barrier.errors = [_(
                "Fewer than %(num)d cases meet this barrier here: too few to cite without "
                "pointing at a person.", num=statistics.SMALLEST_CELL)]  # fmt: skip
        else:
            citations = [(figures.KEY, statistics.cluster_item(code, municipality, category))]
            if (municipality or category) and found.get(
                (code, "", ""), 0
            ) >= statistics.SMALLEST_CELL:
                citations.append((figures.KEY, code))
            path = drafter.start(form.title.data.strip(), citations, current_person())
            audit.record("support.proposal_started", actor=current_person(),
                         target_type="support_cluster", proposal=form.title.data.strip(),
                         count=count)  # fmt: skip
            db.session.commit()
            flash(_("The draft proposal cites the counts of these cases."), "success")
            return redirect(path, 303)
    return barriers(form=form, status=422)
