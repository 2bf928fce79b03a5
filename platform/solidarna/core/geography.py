"""Serbian districts and municipalities (reference data in core/data/, see its README)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from solidarna.core.i18n import lazy_gettext as _l
from solidarna.core.script import fold

DATA = Path(__file__).resolve().parent / "data"
FILES = ("serbia_municipalities.csv", "serbia_municipalities_kosovo_metohija.csv")
NATIONAL = "RS"


@dataclass(frozen=True)
class Municipality:
    name_latn: str
    name_cyrl: str
    kind: str  # grad, opština, gradska opština
    district: str
    district_iso: str
    code: str

    @property
    def key(self) -> str:
        return fold(self.name_latn)


@cache
def municipalities() -> tuple[Municipality, ...]:
    rows = []
    for name in FILES:
        with (DATA / name).open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                rows.append(
                    Municipality(
                        row["name_latn"],
                        row["name_cyrl"],
                        row["kind"],
                        row["district_latn"],
                        row["district_iso"],
                        row["code"],
                    )
                )
    return tuple(rows)


@cache
def districts() -> dict[str, str]:
    """ISO code -> district name, in code order."""
    found = {m.district_iso: m.district for m in municipalities()}
    return dict(sorted(found.items(), key=lambda item: int(item[0].split("-")[1])))


def in_district(iso: str) -> list[Municipality]:
    return [m for m in municipalities() if m.district_iso == iso]


@cache
def _by_key() -> dict[str, list[Municipality]]:
    """Folded name -> municipalities, the city (grad) before a same-named urban municipality."""
    index: dict[str, list[Municipality]] = {}
    for m in municipalities():
        index.setdefault(m.key, []).append(m)
    for matches in index.values():
        matches.sort(key=lambda m: {"grad": 0, "opština": 1}.get(m.kind, 2))
    return index


def find(name: str, district_iso: str | None = None) -> Municipality | None:
    """Look a municipality up by name in either script, any case or diacritics.

    A city and its own urban municipality can share a name; the city (grad) wins."""
    for m in _by_key().get(fold(name), []):
        if district_iso in (None, NATIONAL) or m.district_iso == district_iso:
            return m
    return None


def region_name(iso: str) -> str:
    if iso == NATIONAL:
        return str(_l("Serbia"))
    return districts().get(iso, iso)
