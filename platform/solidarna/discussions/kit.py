"""The kit key discussions own: `[starter] discussion_categories`, the categories a space is
offered when it sets up its discussions (moderation_services.suggested_categories)."""

from __future__ import annotations

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.discussions.models import CATEGORY_VISIBILITIES

NAME_MAX = 120
ITEM_KEYS = {"name", "name_en", "description", "description_en", "visibility"}


def validate_categories(value, kit: dict) -> tuple[object, list]:
    """A list of tables with `name`, optional `description` and `visibility`, and optional
    English versions `name_en` and `description_en` (shown in the English interface)."""
    if not isinstance(value, list) or not value:
        return value, [
            _l(
                "must be a list of tables with a name, for example [[starter.discussion_categories]]"
            )
        ]
    problems = []
    for number, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problems.append(_l("item %(number)d must be a table", number=number))
            continue
        unknown = sorted(set(item) - ITEM_KEYS)
        if unknown:
            problems.append(
                _l("item %(number)d: unknown key %(key)r", number=number, key=unknown[0])
            )
        name = item.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > NAME_MAX:
            problems.append(
                _l(
                    "item %(number)d needs a name of 1 to %(max)d characters",
                    number=number,
                    max=NAME_MAX,
                )
            )
        name_en = item.get("name_en", "")
        if not isinstance(name_en, str) or len(name_en) > NAME_MAX:
            problems.append(
                _l(
                    "item %(number)d: the English name must be a string of at most %(max)d "
                    "characters",
                    number=number,
                    max=NAME_MAX,
                )
            )
        if not isinstance(item.get("description", ""), str):
            problems.append(_l("item %(number)d: the description must be a string", number=number))
        if not isinstance(item.get("description_en", ""), str):
            problems.append(
                _l("item %(number)d: the English description must be a string", number=number)
            )
        if item.get("visibility", "public") not in CATEGORY_VISIBILITIES:
            problems.append(
                _l(
                    "item %(number)d: visibility must be one of %(values)s",
                    number=number,
                    values=", ".join(CATEGORY_VISIBILITIES),
                )
            )
    return value, problems
