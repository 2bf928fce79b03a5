"""CSV import of directory entries, without HTTP: reading an uploaded file (size, type,
encoding, delimiter, header), validating every row as the organization form does, finding
duplicates in the file and in the directory, and creating the valid entries.

Row numbers are spreadsheet row numbers: the header is row 1, the first entry row 2.
The file format is documented in docs/open-data.md."""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale, format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from solidarna.accounts.forms import REQUIRED
from solidarna.core import audit, geography
from solidarna.core.forms import INVALID_EMAIL, WEBSITE_PATTERN
from solidarna.core.models import utcnow
from solidarna.core.script import fold
from solidarna.directory import services, taxonomy
from solidarna.directory.identifiers import clean, mb_problem, mb_warning, pib_problem
from solidarna.directory.models import Organization
from solidarna.directory.opendata import BOM, COLUMNS, MULTI_SEPARATOR, TAG_COLUMNS, safe_cell
from solidarna.extensions import db

MAX_BYTES = 5 * 1024 * 1024
#: Rows per file. Creating an entry through services.create_organization takes about 5 ms
#: (SQLite and PostgreSQL), so 2,000 rows are confirmed in about 10-15 s, inside a request.
MAX_ROWS = 2000
#: the threshold services.find_duplicates uses for "a very similar name"
SIMILARITY = 0.85
REQUIRED_COLUMNS = ("name", "legal_form", "actor_type", "municipality")
LENGTHS = {
    "name": 200, "legal_name": 300, "address": 300, "mission": 2000, "description": 10_000,
    "contact_email": 320, "phone": 40, "website": 300,
}  # fmt: skip
INTEGERS = ("employees_total", "employees_women", "employees_vulnerable", "volunteers")
PHONE = re.compile(r"^[0-9 +()/-]{6,40}$")
WEBSITE = re.compile(WEBSITE_PATTERN)

# Column names people are likely to use besides ours (folded, words joined with "_").
HEADER_ALIASES = {
    "naziv": "name", "ime": "name", "organizacija": "name",
    "poslovno_ime": "legal_name", "pun_naziv": "legal_name",
    "pravna_forma": "legal_form", "pravni_oblik": "legal_form",
    "tip_aktera": "actor_type", "vrsta_aktera": "actor_type",
    "status_sp": "se_status", "status_socijalnog_preduzeca": "se_status",
    "maticni_broj": "mb", "godina_osnivanja": "founding_year",
    "opstina": "municipality", "grad": "municipality", "opstina_grad": "municipality",
    "adresa": "address", "lat": "latitude", "lon": "longitude", "lng": "longitude",
    "kd": "kd_sections", "delatnost": "kd_sections", "sifra_delatnosti": "kd_sections",
    "interest": "general_interest", "group": "vulnerable_groups",
    "ranjive_grupe": "vulnerable_groups", "broj_zaposlenih": "employees_total",
    "zaposleni": "employees_total", "volonteri": "volunteers", "promet": "turnover_band",
    "misija": "mission", "opis": "description", "email": "contact_email",
    "e_mail": "contact_email", "e_posta": "contact_email", "telefon": "phone",
    "sajt": "website", "veb_sajt": "website", "web": "website",
}  # fmt: skip

# Common Serbian names of legal forms, besides the codes and the translated labels.
LEGAL_FORM_ALIASES = {
    "preduzetnik": "entrepreneur", "pr": "entrepreneur", "szr": "entrepreneur",
    "str": "entrepreneur", "zadruga": "cooperative", "udruzenje": "association",
    "udruzenje gradjana": "association", "sportsko udruzenje": "sports_association",
    "fondacija": "foundation", "zaduzbina": "endowment", "ustanova": "institution",
    "javno preduzece": "public_enterprise", "jp": "public_enterprise",
    "neformalna grupa": "informal",
}  # fmt: skip
SE_STATUS_ALIASES = {
    "da": "registered", "yes": "registered", "registrovan": "registered",
    "u toku": "in_progress", "planirano": "planned", "planira": "planned", "ne": "no",
}  # fmt: skip

# NACE Rev. 2 / KD 2010: the first division of each section, to read APR activity codes
# (e.g. 7022 or 70.22) as sections.
_SECTION_STARTS = (
    (1, "A"), (5, "B"), (10, "C"), (35, "D"), (36, "E"), (41, "F"), (45, "G"), (49, "H"),
    (55, "I"), (58, "J"), (64, "K"), (68, "L"), (69, "M"), (77, "N"), (84, "O"), (85, "P"),
    (86, "Q"), (90, "R"), (94, "S"), (97, "T"), (99, "U"),
)  # fmt: skip
_ACTIVITY_CODE = re.compile(r"^(\d{2})(?:\.?\d{1,2})?$")
# The divisions that exist (a few numbers between sections are unused).
_DIVISIONS = {
    *range(1, 4), *range(5, 10), *range(10, 34), 35, *range(36, 40), *range(41, 44),
    *range(45, 48), *range(49, 54), 55, 56, *range(58, 67), 68, *range(69, 76), *range(77, 83),
    84, 85, 86, 87, 88, *range(90, 94), 94, 95, 96, 97, 98, 99,
}  # fmt: skip


class FileProblem(Exception):
    """The file as a whole cannot be read; str() is a user-facing message."""

    def __init__(self, message, status: int = 422):
        super().__init__(str(message))
        self.status = status


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class Table:
    """A decoded, split file: what the reader found before any row is validated."""

    encoding: str
    delimiter: str
    header: list[str]
    #: our column name -> index in the row
    columns: dict[str, int]
    ignored: list[str]
    #: (spreadsheet row number, cells)
    rows: list[tuple[int, list[str]]]
    notices: list[str] = field(default_factory=list)


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


# --- reading the file ---------------------------------------------------------------------------

_SERBIAN_LATIN = set("čćđšžČĆĐŠŽ")
_PUNCTUATION = set("„“”‚‘’–—…€«»°§·№\u00a0")


_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 13))


def _controls(raw: bytes) -> int:
    return len(raw) - len(raw.translate(None, _CONTROL_BYTES))


def _cyrillic_runs(text: str) -> bool:
    """More Cyrillic letters next to Cyrillic letters than next to Latin ones."""
    within = mixed = 0
    for a, b in zip(text, text[1:], strict=False):
        a_cyr, b_cyr = "\u0400" <= a <= "\u04ff", "\u0400" <= b <= "\u04ff"
        if a_cyr and b_cyr:
            within += 1
        elif (a_cyr and b.isascii() and b.isalpha()) or (b_cyr and a.isascii() and a.isalpha()):
            mixed += 1
    return within > mixed


def decode(raw: bytes) -> tuple[str, str]:
    """The file's text and a name of the encoding it was read in.

    UTF-8 (with or without a BOM) and UTF-16 with a BOM are read as they are. Files that
    Excel saved as plain "CSV" in a Serbian Windows are Windows-1251 (Cyrillic) or
    Windows-1250 (Latin): they are recognised and decoded, and the preview says so. Anything
    else is refused with a message that says how to save the file."""
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileProblem(_l("The file is empty."))
    if raw.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileProblem(
            _l(
                "This is a spreadsheet workbook, not a CSV file. In your spreadsheet program "
                "choose Save as, then “CSV UTF-8”, and upload that file."
            ),
            415,
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise FileProblem(_l("The file is not valid UTF-16 text."), 415) from None
    if b"\x00" in raw or _controls(raw) > len(raw) // 1000:
        raise FileProblem(_l("This is not a text file. Upload a CSV file."), 415)
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            return raw[3:].decode("utf-8"), "UTF-8"
        except UnicodeDecodeError as error:
            raise FileProblem(
                _l(
                    "The file says it is UTF-8 but is not (a wrong byte at position %(pos)d). "
                    "Save it again as “CSV UTF-8”.",
                    pos=error.start + 3,
                ),
                415,
            ) from None
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # A single-byte Windows encoding. Cyrillic words are runs of Cyrillic letters; Latin
    # text read as Windows-1251 shows its č, ć, š, ž, đ as Cyrillic letters inside Latin words.
    cyrillic = raw.decode("cp1251", errors="replace")
    if _cyrillic_runs(cyrillic) and all(
        ord(c) < 128 or "\u0400" <= c <= "\u04ff" or c in _PUNCTUATION for c in cyrillic
    ):
        return cyrillic, "Windows-1251"
    try:
        latin = raw.decode("cp1250")
    except UnicodeDecodeError:
        latin = None
    if latin is not None and all(
        ord(c) < 128 or c in _SERBIAN_LATIN or c in _PUNCTUATION for c in latin
    ):
        return latin, "Windows-1250"
    raise FileProblem(
        _l(
            "We could not tell how the text of this file is encoded. In your spreadsheet "
            "program choose Save as, then “CSV UTF-8”, and upload that file."
        ),
        415,
    )


def sniff_delimiter(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def column_key(header: str) -> str:
    key = re.sub(r"[\W]+", "_", fold(header.replace(BOM, ""))).strip("_")
    return HEADER_ALIASES.get(key, key)


def read(raw: bytes) -> Table:
    """Decode and split an uploaded file; FileProblem for whatever makes it unreadable."""
    if len(raw) > MAX_BYTES:
        raise FileProblem(
            _l(
                "The file is larger than %(mb)d MB. Split it into smaller files.",
                mb=MAX_BYTES // 2**20,
            ),
            413,
        )
    text, encoding = decode(raw)
    text = text.lstrip(BOM)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for number, cells in enumerate(reader, 1):
            if header is None:
                if not any(c.strip() for c in cells):
                    raise FileProblem(_l("The first row must hold the column names."))
                header = cells
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(rows) >= MAX_ROWS:
                raise FileProblem(
                    _l(
                        "The file has more than %(max)s rows. Import at most %(max)s at a time.",
                        max=format_decimal(MAX_ROWS),
                    ),
                    413,
                )
            rows.append((number, cells))
    except csv.Error as error:
        raise FileProblem(
            _l(
                "The file is not valid CSV near row %(row)d (%(error)s).",
                row=reader.line_num,
                error=str(error),
            )
        ) from None
    if header is None:
        raise FileProblem(_l("The file is empty."))
    columns: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(header):
        key = column_key(name)
        if key in COLUMNS:
            if key in columns:
                raise FileProblem(
                    _l("The column “%(name)s” appears twice in the header.", name=name.strip())
                )
            columns[key] = index
        elif name.strip():
            ignored.append(name.strip())
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FileProblem(
            _l(
                "These required columns are missing: %(columns)s. The first row must hold the "
                "column names of the template.",
                columns=", ".join(missing),
            )
        )
    if not rows:
        raise FileProblem(_l("The file has column names but no entries."))
    return Table(encoding, delimiter, header, columns, ignored, rows)


# --- code lists ------------------------------------------------------------------------------------


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def code_lookup(codes: dict, extra: dict | None = None) -> dict[str, str]:
    """Folded alias -> code: the codes, their labels in every interface language (and the
    parts of a label outside and inside brackets), and extra aliases. Codes always win;
    a label that would mean two codes is dropped."""
    lookup = {_key(code): code for code in codes}
    labels: dict[str, set[str]] = defaultdict(set)
    for locale in current_app.config.get("LANGUAGES", ("en",)):
        with force_locale(locale):
            for code, label in codes.items():
                text = str(label)
                aliases = [text]
                bracketed = re.match(r"^(.*?)\s*\((.*?)\)\s*$", text)
                if bracketed:
                    aliases += [bracketed.group(1), bracketed.group(2)]
                for alias in aliases:
                    labels[_key(alias)].add(code)
    for alias, code in (extra or {}).items():
        labels[_key(alias)].add(code)
    for alias, found in labels.items():
        if alias and alias not in lookup and len(found) == 1:
            lookup[alias] = next(iter(found))
    return lookup


def kd_section(value: str) -> str | None:
    """A KD section from an APR activity code (7022, 70.22) or a division (70)."""
    match = _ACTIVITY_CODE.match(value.strip())
    if not match or int(match.group(1)) not in _DIVISIONS:
        return None
    division = int(match.group(1))
    return [letter for start, letter in _SECTION_STARTS if division >= start][-1]


class Lookups:
    """Every code list a row is checked against, built once per file."""

    def __init__(self, tenant):
        self.tenant = tenant
        self.legal_form = code_lookup(taxonomy.LEGAL_FORMS, LEGAL_FORM_ALIASES)
        self.actor_type = code_lookup(taxonomy.actor_types(tenant))
        self.se_status = code_lookup(taxonomy.SE_STATUSES, SE_STATUS_ALIASES)
        self.status = code_lookup(taxonomy.ORG_STATUSES)
        self.turnover_band = code_lookup(taxonomy.TURNOVER_BANDS)
        self.tags = {facet: code_lookup(codes) for facet, codes in taxonomy.TAG_FACETS.items()}
        region = getattr(tenant, "region", geography.NATIONAL) or geography.NATIONAL
        self.region = region
        if tenant is not None and tenant.municipalities:
            self.area = set(tenant.municipalities)
        elif region != geography.NATIONAL:
            self.area = {m.name_latn for m in geography.in_district(region)}
        else:
            self.area = None
        examples = set()
        for locale in current_app.config.get("LANGUAGES", ("en",)):
            with force_locale(locale):
                examples.add(_key(str(EXAMPLE_NAME)))
        self.example_names = examples

    def tag_values(self, facet: str, cell: str) -> tuple[list[str], list[str]]:
        """Codes for a multi-valued cell, and the parts that are not known."""
        lookup = self.tags[facet]
        codes, unknown = [], []
        for piece in re.split(r"[|\n]", cell):
            piece = piece.strip()
            if not piece:
                continue
            found = self._tag(facet, lookup, piece)
            if found:
                codes.append(found)
                continue
            for part in re.split(r"[;,]", piece):
                part = part.strip()
                if part:
                    found = self._tag(facet, lookup, part)
                    (codes if found else unknown).append(found or part)
        return sorted(set(codes)), unknown

    @staticmethod
    def _tag(facet: str, lookup: dict, value: str) -> str | None:
        return lookup.get(_key(value)) or (kd_section(value) if facet == "kd" else None)


# --- validating rows ---------------------------------------------------------------------------


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


def validate(table: Table, tenant) -> list[Row]:
    """Every row checked on its own, then against the other rows and the directory."""
    lookups = Lookups(tenant)
    rows = [validate_row(number, cells, table, lookups) for number, cells in table.rows]
    _duplicates_in_file(rows)
    _duplicates_in_directory(rows)
    return rows


def _name_key(name: str) -> str:
    return services._name_key(name)


def _duplicates_in_file(rows: list[Row]) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        keys = []
        if row.data.get("pib"):
            keys.append((("pib", row.data["pib"]), "pib"))
        if row.data.get("mb"):
            keys.append((("mb", row.data["mb"]), "mb"))
        name = _name_key(row.data.get("name") or "")
        if name and row.data.get("municipality"):
            keys.append((("name", name, row.data["municipality"]), "name"))
        for key, column in keys:
            if key in seen:
                row.errors.append(
                    Problem(
                        row.number,
                        column,
                        str(row.data.get(column) or ""),
                        _("The same organization as in row %(row)d.", row=seen[key]),
                    )
                )
                break
        for key, _column in keys:
            seen.setdefault(key, row.number)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _duplicates_in_directory(rows: list[Row]) -> None:
    """The rule of services.find_duplicates for a whole file in a few queries: the same PIB
    (an error, as in the form), the same registration number or a very similar name in the
    same municipality (a possible duplicate the admin may import anyway)."""
    pibs = sorted({r.data["pib"] for r in rows if r.data.get("pib")})
    mbs = sorted({r.data["mb"] for r in rows if r.data.get("mb")})
    by_pib: dict[str, tuple[int, str]] = {}
    by_mb: dict[str, tuple[int, str]] = {}
    columns = (Organization.id, Organization.name, Organization.pib, Organization.mb)
    for chunk in _chunks(pibs):
        for id_, name, pib, _mb in db_rows(select(*columns).where(Organization.pib.in_(chunk))):
            by_pib.setdefault(pib, (id_, name))
    for chunk in _chunks(mbs):
        for id_, name, _pib, mb in db_rows(select(*columns).where(Organization.mb.in_(chunk))):
            by_mb.setdefault(mb, (id_, name))
    places = sorted({r.data["municipality"] for r in rows if r.data.get("municipality")})
    existing: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    for chunk in _chunks(places):
        query = select(Organization.id, Organization.name, Organization.municipality).where(
            Organization.municipality.in_(chunk)
        )
        for id_, name, place in db_rows(query):
            existing[place].append((_name_key(name), id_, name))
    similar: dict[int, dict[int, str]] = defaultdict(dict)
    by_place: dict[str, list[tuple[str, Row]]] = defaultdict(list)
    for row in rows:
        key = _name_key(row.data.get("name") or "")
        if key and row.data.get("municipality"):
            by_place[row.data["municipality"]].append((key, row))
    matcher = difflib.SequenceMatcher(None)
    for place, candidates in by_place.items():
        for other_key, id_, name in existing.get(place, ()):
            matcher.set_seq2(other_key)
            for key, row in candidates:
                if key == other_key:
                    similar[row.number][id_] = name
                    continue
                matcher.set_seq1(key)
                if (
                    matcher.real_quick_ratio() >= SIMILARITY
                    and matcher.quick_ratio() >= SIMILARITY
                    and matcher.ratio() >= SIMILARITY
                ):
                    similar[row.number][id_] = name
    for row in rows:
        pib = row.data.get("pib")
        if pib and pib in by_pib:
            id_, name = by_pib[pib]
            row.errors.append(
                Problem(
                    row.number,
                    "pib",
                    pib,
                    _(
                        "An entry with this PIB already exists: %(name)s (#%(id)d).",
                        name=name,
                        id=id_,
                    ),
                )
            )
            continue
        found = dict(similar.get(row.number, {}))
        mb = row.data.get("mb")
        if mb and mb in by_mb:
            found.setdefault(*by_mb[mb])
        if found:
            row.similar = sorted(found.items(), key=lambda item: item[1])
            names = ", ".join(f"{name} (#{id_})" for id_, name in row.similar)
            row.warnings.append(
                Problem(
                    row.number,
                    "name",
                    row.data.get("name") or "",
                    _("Possible duplicate of: %(names)s.", names=names),
                )
            )


def db_rows(query) -> list:
    return db.session.execute(query).all()


# --- importing ----------------------------------------------------------------------------------


@dataclass
class Report:
    filename: str
    moderation: str
    created: list[tuple[int, int, str]] = field(default_factory=list)  # row, id, name
    skipped: list[tuple[int, str, list[str]]] = field(default_factory=list)  # row, name, reasons

    def to_dict(self) -> dict:
        return {
            "filename": self.filename,
            "moderation": self.moderation,
            "created": self.created,
            "skipped": self.skipped,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Report:
        return cls(
            data["filename"],
            data["moderation"],
            [tuple(c) for c in data["created"]],
            [(r, n, list(reasons)) for r, n, reasons in data["skipped"]],
        )


def import_rows(
    rows: list[Row], by, *, filename: str, moderation: str = "pending", include_similar=False
) -> Report:
    """Create an entry for every importable row, in the caller's transaction (the caller
    commits once, or rolls back and nothing is written)."""
    if moderation not in ("pending", "verified"):
        raise ValueError(moderation)
    report = Report(filename, moderation)
    for row in rows:
        if not row.importable(include_similar):
            reasons = [f"{p.column}: {p.message}" for p in row.errors]
            if not reasons:
                reasons = [str(_l("Possible duplicate; not imported as you chose."))]
            report.skipped.append((row.number, row.data.get("name") or "", reasons))
            continue
        org = services.create_organization(
            dict(row.data),
            row.tags,
            by,
            source="imported",
            source_detail=filename[:300],
            moderation=moderation,
        )
        report.created.append((row.number, org.id, org.name))
    audit.record(
        "directory.imported",
        actor=by,
        filename=filename,
        created=len(report.created),
        skipped=len(report.skipped),
        moderation=moderation,
        include_similar=bool(include_similar),
    )
    return report


# --- the template --------------------------------------------------------------------------------

EXAMPLE_NAME = _l("EXAMPLE – a fictional cooperative (delete this row)")


def template_csv(tenant) -> str:
    """The import template: a UTF-8 BOM, the header and one clearly fictional example row."""
    area = sorted(tenant.municipalities) if tenant is not None and tenant.municipalities else []
    if not area and tenant is not None and tenant.region != geography.NATIONAL:
        area = [m.name_latn for m in geography.in_district(tenant.region)]
    example = {
        "name": str(EXAMPLE_NAME),
        "legal_form": "cooperative",
        "actor_type": "cooperative",
        "se_status": "planned",
        "status": "active",
        "founding_year": "2021",
        "municipality": area[0] if area else "Kruševac",
        "address": str(_l("Example street 1")),
        "kd_sections": MULTI_SEPARATOR.join(["A", "C"]),
        "general_interest": "work_integration",
        "vulnerable_groups": MULTI_SEPARATOR.join(["long_term_unemployed", "rural_women"]),
        "employees_total": "4",
        "employees_women": "3",
        "employees_vulnerable": "2",
        "volunteers": "5",
        "turnover_band": "lt_1m",
        "mission": str(_l("Fictional example: we process fruit from local farms.")),
        "contact_email": "info@example.org",
        "phone": "+381 37 000 000",
        "website": "https://example.org",
    }
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    writer.writerow([example.get(column, "") for column in COLUMNS])
    return buffer.getvalue()


def problems(rows: list[Row]) -> list[Problem]:
    return [p for row in rows for p in row.errors]


def warnings(rows: list[Row]) -> list[Problem]:
    return [p for row in rows for p in row.warnings]


def count_importable(rows: list[Row], include_similar: bool = False) -> int:
    return sum(1 for r in rows if r.importable(include_similar))
