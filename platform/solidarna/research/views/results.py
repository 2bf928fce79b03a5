"""Results (admins; the public page once published): counts per option, mean and median,
cross-tabulation, charts with tables, free-text answers, the printable report, exports."""

from __future__ import annotations

from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_results", __name__, url_prefix="/research")
