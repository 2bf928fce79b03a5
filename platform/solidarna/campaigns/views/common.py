"""What every page of advocacy platforms shares: a refusal with its reason, and the rule
that a page showing another space's campaign is never kept by the page cache."""

from __future__ import annotations

from solidarna.campaigns.services import CampaignError, is_shared_here
from solidarna.core import pagecache
from solidarna.core.errors import error_page


def show_error(form, error: CampaignError, fallback: str):
    """A refusal that belongs to a field goes on the form (422, what was typed kept); one that
    is not possible now (409) or not permitted (403) gets its page with the reason."""
    if error.status in (403, 409) or form is None:
        return error_page(error.status, detail=str(error))
    target = form
    for part in (error.field or fallback).split("-"):
        target = target[int(part)] if part.isdigit() else getattr(target, part, None)
        if target is None:
            target = getattr(form, fallback)
            break
        if hasattr(target, "form"):
            target = target.form
    target.errors = [*target.errors, str(error)]
    return None


def not_cached_if_shared(campaign) -> None:
    """The owner's changes raise only the owner's cache marker: a partner space's page of its
    campaign is answered fresh every time."""
    if is_shared_here(campaign):
        pagecache.skip()
