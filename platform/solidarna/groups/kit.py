"""The kit key working groups own: `[taxonomies] group_themes`, the themes a space's groups
work on, each a table with a `code`, a Serbian `name` and an optional English `name_en`:

    [[taxonomies.group_themes]]
    code = "finance"
    name = "Pristup finansijama"
    name_en = "Access to finance"

A space whose kit names none has the platform's defaults (DEFAULT_THEMES)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l

from solidarna.core.i18n import localized

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
NAME_MAX = 120
ITEM_KEYS = {"code", "name", "name_en"}
KEY = "group_themes"

DEFAULT_THEMES = {
    "finance": _l("Access to finance"),
    "procurement": _l("Public procurement"),
    "legal": _l("Legal framework"),
    "training": _l("Training and mentoring"),
    "markets": _l("Markets and sales"),
}


def validate_themes(value, kit: dict) -> tuple[object, list]:
    if not isinstance(value, list) or not value:
        return value, [
            _l("must be a list of tables with a code and a name, for example "
               "[[taxonomies.group_themes]]")
        ]  # fmt: skip
    problems, seen = [], set()
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problems.append(_l("item %(number)d must be a table", number=number))
            continue
        unknown = sorted(set(item) - ITEM_KEYS)
        if unknown:
            problems.append(
                _l("item %(number)d: unknown key %(key)r", number=number, key=unknown[0])
            )
        code = item.get("code")
        if not isinstance(code, str) or not CODE.match(code):
            problems.append(
                _l("item %(number)d needs a code of 2 to 40 lowercase letters, digits and _",
                   number=number)
            )  # fmt: skip
        elif code in seen:
            problems.append(_l("item %(number)d: the code %(code)r is used twice",
                               number=number, code=code))  # fmt: skip
        else:
            seen.add(code)
        for key in ("name", "name_en"):
            text = item.get(key, "" if key == "name_en" else None)
            if (
                not isinstance(text, str)
                or len(text) > NAME_MAX
                or (key == "name" and not text.strip())
            ):
                problems.append(
                    _l("item %(number)d: %(key)s must be a text of 1 to %(max)d characters",
                       number=number, key=key, max=NAME_MAX)
                )  # fmt: skip
    return value, problems


def themes(tenant) -> dict:
    """{code: label} of the space's themes, in the kit's order, in the reader's language."""
    items = (tenant.taxonomies or {}).get(KEY) if tenant is not None else None
    if not items:
        return {code: str(label) for code, label in DEFAULT_THEMES.items()}
    return {item["code"]: localized(item, "name") for item in items}


def default_themes() -> list[dict]:
    """The platform's themes as a kit would write them (the settings page starts from them)."""
    from flask_babel import force_locale

    items = []
    for code, label in DEFAULT_THEMES.items():
        with force_locale("sr_Latn"):
            name = str(label)
        with force_locale("en"):
            name_en = str(label)
        items.append({"code": code, "name": name, "name_en": name_en})
    return items
