"""Duplicates among validated CSV rows: the same organization twice in the file, or an
entry the directory already has (found for the whole file in a few queries)."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import select

from solidarna.directory.opendata.csv_rows import Problem, Row
from solidarna.directory.organizations import services
from solidarna.directory.organizations.models import Organization
from solidarna.extensions import db


def duplicates_in_file(rows: list[Row]) -> None:
    seen: dict[tuple, int] = {}
    for row in rows:
        keys = []
        if row.data.get("pib"):
            keys.append((("pib", row.data["pib"]), "pib"))
        if row.data.get("mb"):
            keys.append((("mb", row.data["mb"]), "mb"))
        name = services.name_key(row.data.get("name") or "")
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


def duplicates_in_directory(rows: list[Row]) -> None:
    """The rule of services.find_duplicates for a whole file in a few queries: the same PIB
    (an error, as in the form), the same registration number or a very similar name in the
    same municipality (services.similar_names; a possible duplicate the admin may import
    anyway)."""
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
            existing[place].append((services.name_key(name), id_, name))
    similar: dict[int, dict[int, str]] = defaultdict(dict)
    by_place: dict[str, list[tuple[str, Row]]] = defaultdict(list)
    for row in rows:
        key = services.name_key(row.data.get("name") or "")
        if key and row.data.get("municipality"):
            by_place[row.data["municipality"]].append((key, row))
    for place, candidates in by_place.items():
        others = existing.get(place, [])
        pairs = services.similar_names([key for key, _row in candidates], [o[0] for o in others])
        for i, j in pairs:
            _key, id_, name = others[j]
            similar[candidates[i][1].number][id_] = name
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
