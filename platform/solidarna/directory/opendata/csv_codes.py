"""What a cell of a code list may say: the codes of the organization form's choices, their
labels in every interface language and the common spellings of taxonomy.SYNONYMS, folded
into one lookup per list and built once per file. The lookup only reads a cell as a code;
whether the code is allowed is the form's rule (csv_rows.py)."""

from __future__ import annotations

import re
from collections import defaultdict

from flask import current_app
from flask_babel import force_locale

from solidarna.core.script import fold
from solidarna.directory import taxonomy
from solidarna.directory.opendata.csv_headers import EXAMPLE_NAME
from solidarna.directory.opendata.services import TAG_COLUMNS
from solidarna.directory.organizations.forms import OrganizationForm

#: the single-valued columns that hold a code, and how people write their codes besides the
#: codes and labels (taxonomy.SYNONYMS, none for the turnover bands)
CODE_COLUMNS = {
    column: taxonomy.SYNONYMS.get(column, {})
    for column in ("legal_form", "actor_type", "se_status", "status", "turnover_band")
}

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


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", fold(text))


def code_lookup(codes: dict, synonyms: dict | None = None) -> dict[str, str]:
    """Folded alias -> code: the codes, their labels in every interface language (and the
    parts of a label outside and inside brackets), and synonyms ({code: spellings}) of the
    codes that are choices. Codes always win; a label that would mean two codes is dropped."""
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
    for code, spellings in (synonyms or {}).items():
        if code in codes:
            for spelling in spellings:
                labels[_key(spelling)].add(code)
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


def section_divisions(letter: str) -> tuple[int, int]:
    """The first and last KD division (two-digit activity code) of a section."""
    divisions = [d for d in sorted(_DIVISIONS) if kd_section(f"{d:02d}") == letter]
    return divisions[0], divisions[-1]


def _choices(field) -> dict:
    return {choice.value: choice.label for choice in field.iter_choices() if choice.value}


class Lookups:
    """Every code list of a space's organization form, read once per file."""

    def __init__(self, tenant):
        self.tenant = tenant
        form = OrganizationForm(formdata=None, meta={"csrf": False}, tenant=tenant)
        self.codes = {
            column: code_lookup(_choices(form[column]), aliases)
            for column, aliases in CODE_COLUMNS.items()
        }
        self.tags = {field: code_lookup(_choices(form[field])) for field in TAG_COLUMNS.values()}
        examples = set()
        for locale in current_app.config.get("LANGUAGES", ("en",)):
            with force_locale(locale):
                examples.add(_key(str(EXAMPLE_NAME)))
        self.example_names = examples

    def code(self, column: str, cell: str) -> str:
        """The code a cell means, or the cell itself for the form to refuse."""
        return self.codes[column].get(_key(cell), cell)

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
