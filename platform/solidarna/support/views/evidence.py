"""The office's evidence pages: the recurring barriers by municipality and category over time
(a chart and its table), and the anonymized statistics for reports (counts by category,
municipality and month, cells under 5 hidden)."""

from __future__ import annotations

from flask import g, request

from solidarna.core.permissions import require
from solidarna.core.rendering import render
from solidarna.support import kit, statistics
from solidarna.support.models import SupportCase
from solidarna.support.permissions import can_advise
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("support_evidence", __name__, url_prefix="/support/office")


@bp.get("/barriers")
@require(can_advise)
def barriers():
    places, codes = statistics.filter_values()
    categories = kit.categories(g.tenant)
    municipality = request.args.get("municipality", "")
    category = request.args.get("category", "")
    municipality = municipality if municipality in places else ""
    category = category if category in codes else ""
    labels = kit.barriers(g.tenant)
    table = statistics.barriers(labels, municipality, category)
    return render(
        "support/barriers.html", table=table, places=places,
        categories={c: kit.label(categories, c) for c in codes},
        municipality=municipality, category=category,
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
