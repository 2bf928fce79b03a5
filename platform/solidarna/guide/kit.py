"""The kit key the guide owns: `[starter.start_guide]` with `body` (markdown, Serbian Latin:
readers of the Cyrillic interface get it transliterated) and an optional `body_en` (the
English interface's, Serbian otherwise). What the space's admins save replaces it in the
space's `starter` (so `flask tenants export` writes the guide as the space has it now)."""

from __future__ import annotations

from solidarna.core.i18n import lazy_gettext as _l

KIT_KEY = "start_guide"
KEYS = ("body", "body_en")
MAX = 20_000


def validate_guide(value, kit: dict) -> tuple[object, list]:
    if not isinstance(value, dict):
        return value, [_l("must be a table with body and, optionally, body_en")]
    problems = []
    unknown = sorted(set(value) - set(KEYS))
    if unknown:
        problems.append(_l("unknown key %(key)r", key=unknown[0]))
    body = value.get("body")
    if not isinstance(body, str) or not body.strip():
        problems.append(_l("body must be the guide's text (markdown)"))
    for key in KEYS:
        text = value.get(key, "")
        if not isinstance(text, str) or len(text) > MAX:
            problems.append(_l("%(key)s must be a text of at most %(max)d characters", key=key, max=MAX))  # fmt: skip
    cleaned = {k: value[k] for k in KEYS if isinstance(value.get(k), str) and value[k].strip()}
    return cleaned, problems


def export_guide(value) -> dict:
    return {k: value[k] for k in KEYS if isinstance(value, dict) and value.get(k)}


def guide_of(tenant) -> dict:
    found = (getattr(tenant, "starter", None) or {}).get(KIT_KEY)
    return found if isinstance(found, dict) else {}
