"""The accepted values of the import's coded columns, for people: the codes of each list with
their labels in the reader's language and the other spellings the import understands, and
the municipalities of the space. The import page, the template's second worksheet and the
row errors list them from here, so they cannot disagree with what the import reads
(csv_codes.py reads the same choices of the organization form)."""

from __future__ import annotations

from dataclasses import dataclass

from solidarna.core import geography
from solidarna.core.i18n import current_locale
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.script import fold, in_script
from solidarna.directory import taxonomy
from solidarna.directory.fields import area
from solidarna.directory.opendata.csv_codes import CODE_COLUMNS, section_divisions
from solidarna.directory.opendata.csv_headers import SERBIAN
from solidarna.directory.opendata.services import COLUMNS, TAG_COLUMNS
from solidarna.directory.organizations.forms import OrganizationForm

#: the coded columns, in the order of COLUMNS
CODED = tuple(c for c in COLUMNS if c in CODE_COLUMNS or c in TAG_COLUMNS or c == "municipality")
#: how many values an error message lists before it points to the list on the import page
LISTED_IN_ERRORS = 30

KINDS = {
    "grad": _l("city"),
    "opština": _l("municipality"),
    "gradska opština": _l("city municipality"),
}


@dataclass(frozen=True)
class Value:
    code: str
    label: str
    #: other spellings the import understands
    also: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeList:
    column: str
    values: tuple[Value, ...]
    #: several values in one cell, separated by |
    multiple: bool = False


def _field_choices(form, column: str) -> list[tuple[str, str]]:
    field = form[TAG_COLUMNS.get(column, column)]
    return [(c.value, str(c.label)) for c in field.iter_choices() if c.value]


def _also(column: str, code: str) -> tuple[str, ...]:
    if column == "kd_sections":
        first, last = section_divisions(code)
        span = f"{first:02d}" if first == last else f"{first:02d}–{last:02d}"
        return (str(_l("activity codes %(span)s", span=span)),)
    locale = current_locale()
    return tuple(in_script(s, locale) for s in taxonomy.SYNONYMS.get(column, {}).get(code, ()))


def _municipalities(tenant) -> tuple[Value, ...]:
    """The space's municipalities, in the reader's script, each with its kind and district
    and its name in the other script."""
    locale = current_locale()
    names = set(area(tenant))
    region = getattr(tenant, "region", None)
    values = []
    for m in geography.municipalities():
        if m.name_latn not in names or region not in (None, geography.NATIONAL, m.district_iso):
            continue
        shown, other = (
            (m.name_cyrl, m.name_latn) if locale == "sr_Cyrl" else (m.name_latn, m.name_cyrl)
        )
        kind = str(KINDS.get(m.kind, m.kind))
        label = f"{kind} · {in_script(geography.region_name(m.district_iso), locale)}"
        values.append(Value(shown, label, (other,)))
    return tuple(sorted(values, key=lambda v: fold(v.code)))


def code_lists(tenant) -> list[CodeList]:
    """Every coded column's accepted values, in the reader's language."""
    form = OrganizationForm(formdata=None, meta={"csrf": False}, tenant=tenant)
    lists = []
    for column in CODED:
        if column == "municipality":
            lists.append(CodeList(column, _municipalities(tenant)))
            continue
        values = tuple(
            Value(code, label, _also(column, code)) for code, label in _field_choices(form, column)
        )
        lists.append(CodeList(column, values, multiple=column in TAG_COLUMNS))
    return lists


def heading(column: str, language: str | None = None) -> str:
    """A column's name as a person reads it: the Serbian name in the reader's script, or ours
    for an English reader."""
    language = language or current_locale()
    if language == "en":
        return column
    return in_script(SERBIAN[column], language)


def hint(code_list: CodeList) -> str:
    """What to write instead of a value that is not accepted, for a row's error."""
    if not code_list.values:
        return ""
    if len(code_list.values) > LISTED_IN_ERRORS:
        return str(_l("The accepted values are listed on the import page."))
    if code_list.column == "municipality":
        return str(
            _l("Accepted values: %(values)s.", values=", ".join(v.code for v in code_list.values))
        )
    return str(
        _l(
            "Accepted values: %(values)s (or their names, as listed on the import page).",
            values=", ".join(v.code for v in code_list.values),
        )
    )
