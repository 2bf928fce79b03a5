"""The survey builder (space admins): sections, questions, display conditions, order, preview;
edits of a version with responses make a new version."""

from __future__ import annotations

from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_build", __name__, url_prefix="/research/manage")
