"""Open-data exports of the directory (docs/open-data.md): the list as CSV and as JSON-LD,
honouring the list's filters, and one entry as JSON-LD. Each shows exactly what the requester
may see on the list and the profiles: the same entries (search.all_matching) and the same
private fields (services.field_visible). Large exports are streamed row by row."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Response, current_app, g, request, stream_with_context

from solidarna.accounts.services import absolute_url
from solidarna.directory.opendata import services as opendata
from solidarna.directory.organizations import search, services
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.search import Filters
from solidarna.directory.organizations.views.browse import get_visible
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("directory_exports", __name__, url_prefix="/directory", module="directory")

JSONLD = "application/ld+json"


def entry_url(org: Organization) -> str:
    """The entry's stable, absolute address: its profile without the readable name, which
    may change."""
    return absolute_url("directory.profile", organization_id=org.id)


def _filename(extension: str) -> str:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Belgrade"))
    return f"{g.tenant.slug}-directory-{datetime.now(zone).date().isoformat()}.{extension}"


def _personal(response: Response) -> Response:
    """What an export holds depends on who asks: never from a shared cache."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response


def _download(head: str, rows, mimetype: str, extension: str) -> Response:
    """A streamed attachment: `head` (the header, which needs nothing from the request),
    then `rows`, a generator run inside the request's context (stream_with_context) while
    the response is sent, so memory does not grow with the number of entries.

    Sending the head first also keeps the context's push and pop in the same chunk-reading
    loop when a server (or the test client) reads the first chunk somewhere else."""
    rows = stream_with_context(rows)

    def chunks():
        yield head
        yield from rows

    response = Response(chunks(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    return _personal(response)


def _matching():
    """The list's entries for the request's filters, as the viewer may see them."""
    filters = Filters.from_args(request.args)
    level = services.viewer_level()
    own = services.represented_ids()
    return level, lambda: search.all_matching(filters, level, own)


@bp.get("/export.csv")
def export_csv():
    level, matching = _matching()
    delimiter = opendata.DELIMITERS.get(request.args.get("sep", ""), ",")

    def rows():
        yield from opendata.csv_rows(matching(), level, entry_url, delimiter)

    return _download(opendata.csv_head(delimiter), rows(), "text/csv", "csv")


@bp.get("/export.json")
def export_json():
    level, matching = _matching()

    def rows():
        yield from opendata.jsonld_rows(matching(), level, entry_url)

    return _download(opendata.jsonld_head(), rows(), JSONLD, "json")


@bp.get("/<int:organization_id>.json")
def organization_json(organization_id: int):
    org = get_visible(organization_id)
    document = opendata.organization_document(org, services.viewer_level(), entry_url(org))
    response = Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype=JSONLD)
    return _personal(response)
