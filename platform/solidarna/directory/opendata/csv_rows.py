"""Validating the rows of a read CSV file into organization data, each row on its own and
as the organization form does; the problems found are reported per row and column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from solidarna.accounts.forms import REQUIRED
from solidarna.core import geography
from solidarna.core.forms import INVALID_EMAIL, WEBSITE_PATTERN
from solidarna.core.models import utcnow
from solidarna.directory.opendata.csv_codes import Lookups, _key
from solidarna.directory.opendata.csv_reader import Table
from solidarna.directory.opendata.services import TAG_COLUMNS, safe_cell
from solidarna.directory.organizations.identifiers import clean, mb_problem, mb_warning, pib_problem

LENGTHS = {
    "name": 200, "legal_name": 300, "address": 300, "mission": 2000, "description": 10_000,
    "contact_email": 320, "phone": 40, "website": 300,
}  # fmt: skip
INTEGERS = ("employees_total", "employees_women", "employees_vulnerable", "volunteers")
PHONE = re.compile(r"^[0-9 +()/-]{6,40}$")
WEBSITE = re.compile(WEBSITE_PATTERN)


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


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


def validate_row(number: int, cells: list[str], table: Table, lookups: Lookups) -> Row:
    def cell(column: str) -> str:
        index = table.columns.get(column)
        if index is None or index >= len(cells):
            return ""
        return _unescape(cells[index].strip())

    row = Row(number, {}, {})
    data = row.data

    def error(column: str, message, value: str | None = None) -> None:
        row.errors.append(
            Problem(number, column, cell(column) if value is None else value, str(message))
        )

    def warn(column: str, message) -> None:
        row.warnings.append(Problem(number, column, cell(column), str(message)))

    for column in ("name", "legal_name", "address", "mission", "description"):
        data[column] = cell(column)
    for column, limit in LENGTHS.items():
        if len(cell(column)) > limit:
            error(column, _l("Use at most %(max)d characters.", max=limit))
    if not data["name"]:
        error("name", REQUIRED)
    elif len(data["name"]) < 2:
        error("name", _l("Use at least 2 characters."))
    elif _key(data["name"]) in lookups.example_names:
        error("name", _l("This is the template's example row; delete it from the file."))

    for column, codes, required, default in (
        ("legal_form", lookups.legal_form, True, None),
        ("actor_type", lookups.actor_type, True, None),
        ("se_status", lookups.se_status, False, "no"),
        ("status", lookups.status, False, "active"),
        ("turnover_band", lookups.turnover_band, False, None),
    ):
        value = cell(column)
        if not value:
            if required:
                error(column, REQUIRED)
            data[column] = default
        elif _key(value) in codes:
            data[column] = codes[_key(value)]
        else:
            error(column, _l("“%(value)s” is not one of the known values.", value=value))

    for column, problem in (("pib", pib_problem), ("mb", mb_problem)):
        message = problem(cell(column))
        if message:
            error(column, message)
        data[column] = clean(cell(column)) or None
    if data["mb"] and not any(p.column == "mb" for p in row.errors):
        message = mb_warning(data["mb"])
        if message:
            warn("mb", message)

    year = cell("founding_year")
    data["founding_year"] = None
    if year:
        if re.fullmatch(r"\d{4}", year) and 1800 <= int(year) <= utcnow().year:
            data["founding_year"] = int(year)
        else:
            error("founding_year", _l("Enter a year between 1800 and this year."))

    name = cell("municipality")
    data["municipality"] = None
    if not name:
        error("municipality", REQUIRED)
    else:
        region = None if lookups.region == geography.NATIONAL else lookups.region
        found = geography.find(name, region) or geography.find(name)
        if found is None:
            error("municipality", _l("Unknown municipality “%(name)s”.", name=name))
        elif lookups.area is not None and found.name_latn not in lookups.area:
            error(
                "municipality",
                _l("%(name)s is outside the area this space covers.", name=found.name_latn),
            )
        else:
            data["municipality"] = found.name_latn

    coordinates = {}
    for column, low, high, message in (
        ("latitude", 41.8, 46.2, _l("A latitude in Serbia is between 41.8 and 46.2.")),
        ("longitude", 18.8, 23.1, _l("A longitude in Serbia is between 18.8 and 23.1.")),
    ):
        value = cell(column)
        coordinates[column] = None
        if value:
            try:
                number_ = float(value.replace(",", ".") if value.count(",") == 1 else value)
            except ValueError:
                number_ = None
            if number_ is None or not low <= number_ <= high:
                error(column, message)
            else:
                coordinates[column] = number_
    if (cell("latitude") == "") != (cell("longitude") == ""):
        missing = "longitude" if cell("longitude") == "" else "latitude"
        error(missing, _l("Enter both latitude and longitude, or neither."))
    data.update(coordinates)

    for column in INTEGERS:
        value = cell(column).replace(" ", "")
        data[column] = None
        if value:
            if re.fullmatch(r"[0-9]{1,6}", value) and int(value) <= 100_000:
                data[column] = int(value)
            else:
                error(column, _l("Enter a whole number from 0 to 100,000."))
    for column in ("employees_women", "employees_vulnerable"):
        total = data["employees_total"]
        if data[column] is not None and total is not None and data[column] > total:
            error(column, _l("Cannot be more than the total."))

    email = cell("contact_email")
    data["contact_email"] = None
    if email:
        try:
            data["contact_email"] = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            error("contact_email", INVALID_EMAIL)
    phone = cell("phone")
    data["phone"] = phone or None
    if phone and not PHONE.match(phone):
        error("phone", _l("Use digits, spaces and + ( ) / - only."))
    website = cell("website")
    if website.lower().startswith("www."):
        website = "https://" + website
    data["website"] = website or None
    if website and not WEBSITE.match(website):
        error("website", _l("Enter an address that starts with https:// or http://."))

    for column, facet in TAG_COLUMNS.items():
        codes, unknown = lookups.tag_values(facet, cell(column))
        row.tags[facet] = codes
        if unknown:
            error(
                column,
                _l("Unknown values: %(values)s.", values=", ".join(f"“{u}”" for u in unknown)),
            )
    return row
