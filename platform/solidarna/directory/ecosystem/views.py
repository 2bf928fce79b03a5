"""The ecosystem overview page (what is counted, and for whom: ecosystem/services.py)."""

from __future__ import annotations

from flask import g
from flask_babel import format_decimal, format_percent

from solidarna.core import evidence
from solidarna.core.rendering import render
from solidarna.directory.ecosystem.services import overview
from solidarna.directory.organizations import services
from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("ecosystem", __name__, url_prefix="/ecosystem")


def percent(share: float) -> str:
    return format_percent(share, "#,##0%")


def remembered(format_value):
    """`format_value` for one request, remembering each result: the page repeats a few
    numbers hundreds of times (the matrix), and Babel formatting dominated its rendering."""
    cache: dict = {}

    def formatted(value) -> str:
        value = value or 0
        if value not in cache:
            cache[value] = format_value(value)
        return cache[value]

    return formatted


@bp.get("/")
def index():
    tenant = g.tenant
    level = services.viewer_level()
    return render(
        "directory/ecosystem.html",
        overview=overview(tenant, level),
        level=level,
        provided=evidence.overview_figures(tenant),
        num=remembered(format_decimal),
        percent=remembered(percent),
    )
