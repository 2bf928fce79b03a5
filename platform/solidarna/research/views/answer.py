"""Answering a survey: one section per page, saved as it goes and resumed by the invitation's
token, the response's own link or the account; consent, licence, directory update."""

from __future__ import annotations

from solidarna.tenants.routing import TenantBlueprint

bp = TenantBlueprint("research_answer", __name__, url_prefix="/research")
