"""The kit key news owns: `[[starter.news_posts]]`, ready texts a space starts its news with
(the explainers of the social and solidarity economy above all). The new-post page offers
them: an admin picks one, the form is filled with it, and it is saved as a draft like any
other post (`?from=<key>`)."""

from __future__ import annotations

import re

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.news.models import KINDS, MAX_TAGS, TAG_LENGTH

KIT_KEY = "news_posts"
ITEM_KEYS = {"key", "kind", "title", "summary", "body", "tags"}
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
LIMITS = {"title": 200, "summary": 500, "body": 20_000}


def _problems(number: int, item) -> list:
    if not isinstance(item, dict):
        return [_l("text %(number)d must be a table", number=number)]
    problems = []
    unknown = sorted(set(item) - ITEM_KEYS)
    if unknown:
        problems.append(_l("text %(number)d: unknown key %(key)r", number=number, key=unknown[0]))
    if not isinstance(item.get("key"), str) or not KEY.match(item["key"]):
        problems.append(_l("text %(number)d needs a key of lowercase letters, digits and dashes (at most 60)", number=number))  # fmt: skip
    if item.get("kind", "explainer") not in KINDS:
        problems.append(_l("text %(number)d: kind must be one of %(values)s", number=number, values=", ".join(KINDS)))  # fmt: skip
    title = item.get("title")
    if not isinstance(title, str) or not 3 <= len(title.strip()) <= LIMITS["title"]:
        problems.append(_l("text %(number)d needs a title of 3 to %(max)d characters", number=number, max=LIMITS["title"]))  # fmt: skip
    for key in ("summary", "body"):
        value = item.get(key, "")
        if not isinstance(value, str) or len(value) > LIMITS[key]:
            problems.append(_l("text %(number)d: %(key)s must be a string of at most %(max)d characters", number=number, key=key, max=LIMITS[key]))  # fmt: skip
    tags = item.get("tags", [])
    if (
        not isinstance(tags, list)
        or len(tags) > MAX_TAGS
        or not all(isinstance(t, str) and 0 < len(t.strip()) <= TAG_LENGTH for t in tags)
    ):
        problems.append(_l("text %(number)d: tags must be a list of at most %(n)d words", number=number, n=MAX_TAGS))  # fmt: skip
    return problems


def validate_posts(value, kit: dict) -> tuple[object, list]:
    """A list of tables with `key`, `kind` (default explainer), `title`, optional `summary`,
    `body` (markdown) and `tags`."""
    if not isinstance(value, list) or not value:
        return value, [_l("must be a list of tables, for example [[starter.news_posts]]")]
    problems = []
    for number, item in enumerate(value, start=1):
        problems.extend(_problems(number, item))
    keys = [item.get("key") for item in value if isinstance(item, dict)]
    for key in sorted({k for k in keys if isinstance(k, str) and keys.count(k) > 1}):
        problems.append(_l("the key %(key)r is used by two texts", key=key))
    return value, problems


def texts(tenant) -> list[dict]:
    found = (getattr(tenant, "starter", None) or {}).get(KIT_KEY) or []
    return [t for t in found if isinstance(t, dict) and isinstance(t.get("key"), str)]


def find(tenant, key: str | None) -> dict | None:
    return next((t for t in texts(tenant) if t["key"] == key), None) if key else None
