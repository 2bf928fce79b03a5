"""The kit keys the directory owns: `[taxonomies] expected_actor_types` (the types the ecosystem
overview expects in every municipality) and `[taxonomies] extra_actor_types` (types a space
adds to the platform's list)."""

from __future__ import annotations

import re

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory.taxonomy import ACTOR_TYPES, PRIVATE_FIELDS, VISIBILITY
from solidarna.tenants.kits import string_list_problems

CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def validate_extra_actor_types(value, kit: dict) -> tuple[object, list]:
    problems = string_list_problems(value)
    if not problems:
        problems = [
            _l("%(value)r must be a code of 2 to 40 lowercase letters, digits and _", value=code)
            for code in value
            if not CODE.match(code)
        ]
    return value, problems


def validate_expected_actor_types(value, kit: dict) -> tuple[object, list]:
    """The platform's actor types, or the kit's own extra_actor_types."""
    extra = (kit.get("taxonomies") or {}).get("extra_actor_types") or []
    known = [*ACTOR_TYPES, *(code for code in extra if isinstance(code, str))]
    return value, string_list_problems(value, allowed=set(known))


def validate_field_visibility(value, kit: dict) -> tuple[object, list]:
    """`[taxonomies] default_field_visibility`: who sees a field of a new entry by default,
    {field: public|members|admins} for fields of taxonomy.PRIVATE_FIELDS."""
    if not isinstance(value, dict):
        return value, [_l("must be a table of field = level")]
    problems = []
    for field, level in value.items():
        if field not in PRIVATE_FIELDS:
            problems.append(
                _l("unknown field %(value)r; use one of %(values)s",
                   value=field, values=", ".join(PRIVATE_FIELDS))
            )  # fmt: skip
        elif level not in VISIBILITY:
            problems.append(
                _l("%(field)s: unknown level %(value)r; use one of %(values)s",
                   field=field, value=level, values=", ".join(VISIBILITY))
            )  # fmt: skip
    return value, problems
