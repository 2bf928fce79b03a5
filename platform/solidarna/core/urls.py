"""Small URL helpers shared by capabilities."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for


def safe_next(default_endpoint: str = "pages.home", value: str | None = None) -> str:
    """The `next` target if it stays on this site, else the default page."""
    target = value if value is not None else request.values.get("next", "")
    parts = urlsplit(target)
    if (
        target
        and not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
    ):
        return target
    return url_for(default_endpoint)


def page_arg(args) -> int:
    """The page number from query arguments: 1 when missing or not a number, at most 10,000."""
    try:
        return max(1, min(int(args.get("page", 1)), 10_000))
    except ValueError:
        return 1
