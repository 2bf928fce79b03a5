"""Validating the rows of a read file into organization data. Each row is fed into the
organization form (organizations/forms.py), so a row and the web form follow the same rules
with the same messages, and its errors are reported per row and column.

What is the import's own is how a cell is read before the form sees it: the apostrophe our
exports put before formulas, labels in either script instead of codes (csv_codes.py),
several values in one cell, decimal commas, `www.` addresses and spaces in numbers; and the
template's example row, which is refused."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.identifiers import clean, mb_warning
from solidarna.directory import taxonomy
from solidarna.directory.opendata.csv_codes import CODE_COLUMNS, Lookups, _key
from solidarna.directory.opendata.csv_reader import Table
from solidarna.directory.opendata.services import COLUMNS, TAG_COLUMNS, safe_cell
from solidarna.directory.organizations.forms import OrganizationForm

COUNTS = ("employees_total", "employees_women", "employees_vulnerable", "volunteers")
#: the column of a form field, where their names differ
COLUMN_OF = {facet: column for column, facet in TAG_COLUMNS.items()}


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str
    #: what would be accepted instead (accepted.hint), for a coded column's error
    hint: str = ""


@dataclass
class Row:
    number: int
    data: dict
    tags: dict[str, list[str]]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: existing entries that look like the same organization: (id, name)
    similar: list[tuple[int, str]] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors

    def importable(self, include_similar: bool) -> bool:
        return self.valid and (include_similar or not self.similar)


def _unescape(value: str) -> str:
    """Undo safe_cell() of our own exports, so an export imports as it was."""
    if value.startswith("'") and value[1:2] and safe_cell(value[1:]) == value:
        return value[1:]
    return value


def form_data(cell: Callable[[str], str], lookups: Lookups) -> MultiDict:
    """The row as the organization form would be posted. An empty cell is left out, so the
    form applies its default or says the field is required."""
    data: MultiDict = MultiDict()
    for column in COLUMNS:
        value = cell(column)
        if column in TAG_COLUMNS:
            codes, unknown = lookups.tag_values(TAG_COLUMNS[column], value)
            if codes or unknown:
                data.setlist(TAG_COLUMNS[column], [*codes, *unknown])
            continue
        if not value:
            continue
        if column in CODE_COLUMNS:
            value = lookups.code(column, value)
        elif column in COUNTS:
            value = re.sub(r"\s", "", value)  # "1 200"
        elif column in ("latitude", "longitude") and value.count(",") == 1:
            value = value.replace(",", ".")  # a decimal comma
        elif column == "website" and value.lower().startswith("www."):
            value = "https://" + value
        data[column] = value
    return data


def validate_row(number: int, cells: list[str], table: Table, lookups: Lookups) -> Row:
    def cell(column: str) -> str:
        index = table.columns.get(column)
        if index is None or index >= len(cells):
            return ""
        return _unescape(cells[index].strip())

    form = OrganizationForm(
        formdata=form_data(cell, lookups), meta={"csrf": False}, tenant=lookups.tenant
    )
    form.validate()
    data, tags = form.entry_data()
    # An import leaves who sees each field at its default: the space's own defaults
    # (stored with the entry) or, without them, the platform's (taxonomy.PRIVATE_FIELDS).
    if lookups.tenant is not None and (lookups.tenant.taxonomies or {}).get(taxonomy.DEFAULTS_KEY):
        data["field_visibility"] = taxonomy.field_visibility_defaults(lookups.tenant)
    else:
        del data["field_visibility"]
    row = Row(number, data, tags)

    def error(column: str, message) -> None:
        row.errors.append(Problem(number, column, cell(column), str(message)))

    for name, messages in form.errors.items():
        for message in messages:
            error(COLUMN_OF.get(name, name), message)
        if name in data and name != "name":
            data[name] = None  # what was wrong is not compared with other entries
    if data["name"] is None:
        data["name"] = cell("name")
    if not form.name.errors and _key(data["name"]) in lookups.example_names:
        error("name", _l("This is the template's example row; delete it from the file."))
    data["pib"] = clean(data["pib"]) or None
    data["mb"] = clean(data["mb"]) or None
    if data["mb"]:
        message = mb_warning(data["mb"])
        if message:
            row.warnings.append(Problem(number, "mb", cell("mb"), message))
    return row
