"""Coded lists a kit gives a space under `[taxonomies]`: working-group themes, event types and
criteria, support categories and barriers, ... Each is a list of tables with a `code`, a
Serbian `name` and an optional English `name_en`:

    [[taxonomies.group_themes]]
    code = "finance"
    name = "Pristup finansijama"
    name_en = "Access to finance"

One validator and one reader for every list of this shape (capabilities declare their keys and
defaults; a space whose kit names none has the platform's defaults)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.i18n import localized

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")
NAME_MAX = 120
ITEM_KEYS = {"code", "name", "name_en"}


def validator(key: str) -> Callable[[object, dict], tuple[object, list]]:
    """The kit validator of `[[taxonomies.<key>]]` (a KitKey's validate)."""

    def validate(value, kit: dict) -> tuple[object, list]:
        if not isinstance(value, list) or not value:
            return value, [
                _l("must be a list of tables with a code and a name, for example "
                   "[[taxonomies.%(key)s]]", key=key)
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
            for name_key in ("name", "name_en"):
                text = item.get(name_key, "" if name_key == "name_en" else None)
                if (
                    not isinstance(text, str)
                    or len(text) > NAME_MAX
                    or (name_key == "name" and not text.strip())
                ):
                    problems.append(
                        _l("item %(number)d: %(key)s must be a text of 1 to %(max)d characters",
                           number=number, key=name_key, max=NAME_MAX)
                    )  # fmt: skip
        return value, problems

    return validate


def labels(tenant, key: str, defaults: Mapping) -> dict:
    """{code: label} of the space's list `key`, in the kit's order, in the reader's language
    (the platform's defaults when the kit names none)."""
    items = (getattr(tenant, "taxonomies", None) or {}).get(key) if tenant is not None else None
    if not items:
        return {code: str(label) for code, label in defaults.items()}
    return {item["code"]: localized(item, "name") for item in items}


def default_items(defaults: Mapping) -> list[dict]:
    """The platform's defaults as a kit would write them (the settings page starts from them)."""
    from flask_babel import force_locale

    items = []
    for code, label in defaults.items():
        with force_locale("sr_Latn"):
            name = str(label)
        with force_locale("en"):
            name_en = str(label)
        items.append({"code": code, "name": name, "name_en": name_en})
    return items
