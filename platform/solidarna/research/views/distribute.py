"""Distribution (space admins): access and dates, personal invitations drawn from the
directory by filters with a sample per stratum, reminders, response rate by stratum."""

from __future__ import annotations

from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_distribute", __name__, url_prefix="/research/manage")
