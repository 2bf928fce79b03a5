"""The national overview at /overview/ (a platform page, in no space): figures, missing actor
types by district, the list and the map of the taking-part spaces' verified entries, and the
list as CSV. Visitors are served from the page cache under the national marker."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, current_app, g, request, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from solidarna.core import geography
from solidarna.core.documents import safe_cell
from solidarna.core.fragments import Lazy
from solidarna.core.i18n import current_locale
from solidarna.core.maps import (
    feature_collection,
    geojson_response,
    place_names,
    render_map_page,
)
from solidarna.core.rendering import render
from solidarna.core.script import in_script
from solidarna.directory import taxonomy
from solidarna.directory.ecosystem import charts
from solidarna.directory.ecosystem import views as ecosystem_views
from solidarna.directory.ecosystem.views import remembered
from solidarna.directory.national import services
from solidarna.tenants import national

bp = Blueprint("national", __name__, url_prefix="/overview")

#: the CSV's rows at most (the whole national list; an export is not paginated)
CSV_LIMIT = 50_000


def _choices():
    return {
        "district": sorted(geography.districts().items(), key=lambda kv: kv[0]),
        "actor_type": [(code, str(label)) for code, label in taxonomy.ACTOR_TYPES.items()],
    }


@bp.get("/")
def index():
    # the matrix below, and a logged-in person's whole page (a page shell: core/fragments.py
    # shell_page; nothing on it is theirs but the header), are kept under the national marker;
    # on a kept page nothing below is computed (Lazy)
    g.fragment_scope = marker = national.national_marker()
    overview = Lazy(services.overview, marker)
    filters = services.Filters.from_args(request.args)
    page = Lazy(lambda: services.entries(overview.spaces, filters, marker=overview.marker))
    statuses = Lazy(
        lambda: charts.bar_chart(
            [
                (code, str(label), overview.data.statuses.get(code, 0))
                for code, label in taxonomy.SE_STATUSES.items()
            ],
            total=overview.total,
        )
    )
    return render(
        "national/index.html",
        block="results",
        shell=(),
        overview=overview,
        filters=filters,
        page=page,
        statuses=statuses,
        choices=Lazy(_choices),
        num=remembered(format_decimal),
        percent=remembered(ecosystem_views.percent),
    )


@bp.get("/map")
def map_page():
    overview = services.overview()
    drawing = services.district_map(
        overview, lambda district: url_for("national.index", district=district) + "#entries"
    )
    return render_map_page("national/map.html", overview=overview, drawing=drawing)


@bp.get("/map.geojson")
def geojson():
    """The interactive map's markers: the verified entries with a public address, every
    taking-part space's; names and places in the reader's script."""
    taking_part = national.spaces()
    found = services.markers(taking_part, national.national_marker())
    locale = current_locale()
    place = place_names()
    labels = {code: str(label) for code, label in taxonomy.ACTOR_TYPES.items()}

    def properties(item) -> dict:
        return {
            "id": item.id,
            "name": in_script(item.name, locale),
            "url": item.url,
            "actor_type": labels.get(item.actor_type, item.actor_type),
            "municipality": place(item.municipality),
        }

    return geojson_response(feature_collection(found, properties))


@bp.get("/entries.csv")
def export_csv():
    """The national list as CSV (UTF-8 with a BOM, formula-like cells escaped): only what the
    list shows, every taking-part space's verified entries matching the filters."""
    taking_part = national.spaces()
    filters = services.Filters.from_args(request.args)
    page = services.entries(taking_part, filters.__class__(**{**filters.__dict__, "page": 1}),
                            per_page=CSV_LIMIT)  # fmt: skip
    locale = current_locale()
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [_("Name"), _("Role in the ecosystem"), _("Social-enterprise status"), _("Municipality"),
         _("District"), _("Space"), _("Profile")]
    )  # fmt: skip
    districts = geography.districts()
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    for entry in page.entries:
        writer.writerow(
            safe_cell(str(value))
            for value in (
                in_script(entry.name, locale),
                taxonomy.ACTOR_TYPES.get(entry.actor_type, entry.actor_type),
                taxonomy.SE_STATUSES.get(entry.se_status, entry.se_status),
                in_script(entry.municipality, locale),
                in_script(districts.get(entry.district, entry.district), locale),
                in_script(entry.space.name, locale),
                base + entry.url,
            )
        )
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="solidarna-national.csv"'
    return response
