"""Proposals as a drafter of core/evidence.py: another capability (support, from a cluster of
its cases) starts a draft proposal that cites figures of the evidence registry, without
importing proposals. The draft is local, addressed to no institution yet, and cites each
figure through `evidence.cite` (a figure the registry does not offer here is refused)."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from solidarna.proposals import evidence, services

KIND = "local_decision"


def start(title: str, citations: list[tuple[str, str]], actor) -> str:
    proposal = services.create(
        {"title": title, "kind": KIND, "level": "local", "institution_id": None, "tags": []},
        actor,
        _("First draft, from the evidence"),
    )
    for key, item in citations:
        evidence.cite(proposal, key, item, actor)
    return url_for("proposals.detail", proposal_id=proposal.id)
