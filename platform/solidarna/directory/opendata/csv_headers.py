"""The names of the import's columns: ours (COLUMNS, English, the export's too), the
Serbian ones the template offers (written in Latin here, in Cyrillic for a reader who reads
Cyrillic), and a few others people are likely to use. A file's header is read by any of
them, whatever the case, script, diacritics, spaces or punctuation: `Pravna forma`,
`ПРАВНА ФОРМА`, `pravna_forma` and `legal_form` are one column.

The Serbian names are part of the file format (docs/open-data.md), like ours: they do not
follow the interface's catalogs, so a template downloaded today imports tomorrow."""

from __future__ import annotations

import re
from functools import cache

from solidarna.core.i18n import current_locale
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.script import fold, in_script, to_cyrillic
from solidarna.directory.opendata.services import BOM, COLUMNS

#: the name of the template's example row (a row named so, in any language, is refused)
EXAMPLE_NAME = _l("EXAMPLE – a fictional cooperative (delete this row)")

#: our column -> its Serbian name in the template
SERBIAN = {
    "name": "Naziv",
    "legal_name": "Poslovno ime",
    "legal_form": "Pravna forma",
    "actor_type": "Vrsta aktera",
    "se_status": "Status socijalnog preduzeća",
    "status": "Status aktivnosti",
    "pib": "PIB",
    "mb": "Matični broj",
    "founding_year": "Godina osnivanja",
    "municipality": "Opština",
    "address": "Adresa",
    "latitude": "Geografska širina",
    "longitude": "Geografska dužina",
    "kd_sections": "Sektori delatnosti (KD)",
    "general_interest": "Delatnosti od opšteg interesa",
    "vulnerable_groups": "Ranjive grupe",
    "employees_total": "Broj zaposlenih",
    "employees_women": "Od toga žena",
    "employees_vulnerable": "Od toga iz ranjivih grupa",
    "volunteers": "Broj volontera",
    "turnover_band": "Godišnji promet",
    "mission": "Misija",
    "description": "Opis",
    "contact_email": "Imejl za kontakt",
    "phone": "Telefon",
    "website": "Veb-sajt",
}
assert tuple(SERBIAN) == COLUMNS

# Other names people are likely to use, in any spelling.
OTHER_NAMES = {
    "name": ("ime", "organizacija", "naziv organizacije"),
    "legal_name": ("pun naziv", "puno poslovno ime"),
    "legal_form": ("pravni oblik", "oblik organizovanja"),
    "actor_type": ("tip aktera", "uloga", "uloga u ekosistemu", "role in the ecosystem"),
    "se_status": ("status SP", "status socijalnog preduzetništva", "social enterprise status",
                  "social-enterprise status"),
    "status": ("aktivnost", "activity status"),
    "pib": ("poreski identifikacioni broj", "tax number"),
    "mb": ("MB", "matični", "registration number"),
    "founding_year": ("godina", "osnovano", "founded"),
    "municipality": ("grad", "opština grad", "opština ili grad", "mesto", "jedinica lokalne samouprave"),
    "latitude": ("lat", "širina"),
    "longitude": ("lon", "lng", "dužina"),
    "kd_sections": ("KD", "delatnost", "šifra delatnosti", "sektori", "sectors"),
    "general_interest": ("interest", "opšti interes", "delatnosti od opšteg interesa"),
    "vulnerable_groups": ("group", "groups", "društveno osetljive grupe", "ciljne grupe"),
    "employees_total": ("zaposleni", "broj zaposlenih ukupno", "employees"),
    "employees_women": ("zaposlene žene", "žene", "women"),
    "employees_vulnerable": ("zaposleni iz ranjivih grupa",),
    "volunteers": ("volonteri",),
    "turnover_band": ("promet", "turnover"),
    "contact_email": ("email", "e-mail", "e-pošta", "imejl", "mejl", "contact e-mail"),
    "phone": ("telefon za kontakt", "broj telefona", "tel"),
    "website": ("sajt", "veb sajt", "web", "web sajt", "internet stranica"),
}  # fmt: skip

#: the template's header languages: the interface's locales
LANGUAGES = ("sr_Latn", "sr_Cyrl", "en")


def key(name: str) -> str:
    """A header name without what may differ in the way it is written: script, case,
    diacritics, spaces, underscores and punctuation."""
    return re.sub(r"[\W_]+", "", fold(name.replace(BOM, "")))


@cache
def _columns() -> dict[str, str]:
    names = {key(c): c for c in COLUMNS}
    for column, serbian in SERBIAN.items():
        names.setdefault(key(serbian), column)
    for column, others in OTHER_NAMES.items():
        for other in others:
            names.setdefault(key(other), column)
    return names


def column_of(name: str) -> str | None:
    """Our column for a header cell, or None for a column the import does not know."""
    return _columns().get(key(name))


def header(language: str) -> list[str]:
    """The template's header in a language: ours for English, else the Serbian names in the
    language's script."""
    if language == "en":
        return list(COLUMNS)
    if language == "sr_Cyrl":
        return [to_cyrillic(SERBIAN[c]) for c in COLUMNS]
    return [SERBIAN[c] for c in COLUMNS]


def display_name(column: str) -> str:
    """A column as the reader's template names it: ours for an English reader, else the Serbian
    name in the reader's script with ours after it."""
    locale = current_locale()
    if locale == "en":
        return column
    return f"{in_script(SERBIAN[column], locale)} ({column})"
