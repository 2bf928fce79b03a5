"""Counts of support cases for the office's reports and the evidence registry: a few GROUP BY
statements, whatever the number of cases. Erased requests count too (their category,
municipality, month and barriers are kept). What leaves the office (the statistics page, the
cited figures) hides every count below SMALLEST_CELL, so no person can be picked out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from solidarna.extensions import db
from solidarna.support.models import SupportCase, SupportCaseBarrier

SMALLEST_CELL = 5
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class Cell:
    key: str
    label: str
    count: int
    hidden: bool = False


def _cells(rows, labels: dict | None, suppress: bool) -> list[Cell]:
    found = []
    for key, n in rows:
        label = (labels or {}).get(key, key)
        hidden = suppress and n < SMALLEST_CELL
        found.append(Cell(key, label, 0 if hidden else n, hidden))
    return found


def by(column, labels: dict | None = None, suppress: bool = True) -> list[Cell]:
    """Cases per value of one column (category, municipality, month), largest first (months:
    in order)."""
    rows = db.session.execute(
        select(column, func.count()).select_from(SupportCase).group_by(column)
    ).all()
    if column is SupportCase.month:
        rows = sorted(rows)
    else:
        rows = sorted(rows, key=lambda r: (-r[1], str((labels or {}).get(r[0], r[0]))))
    return _cells(rows, labels, suppress)


def total() -> int:
    return db.session.scalar(select(func.count()).select_from(SupportCase)) or 0


@dataclass
class BarrierTable:
    months: list[str]
    #: (code, label, total, {month: count}) largest total first
    rows: list[tuple[str, str, int, dict]]
    cases: int

    @property
    def largest(self) -> int:
        return max((r[2] for r in self.rows), default=0)


def barriers(labels: dict, municipality: str = "", category: str = "") -> BarrierTable:
    """Cases tagged with each barrier, per month (the last MONTHS_SHOWN months with any), for
    the cases of one municipality and/or category. Two statements."""
    query = (
        select(SupportCaseBarrier.code, SupportCase.month, func.count())
        .join(SupportCase, SupportCase.id == SupportCaseBarrier.case_id)
        .group_by(SupportCaseBarrier.code, SupportCase.month)
    )
    cases = select(func.count(func.distinct(SupportCaseBarrier.case_id))).join(
        SupportCase, SupportCase.id == SupportCaseBarrier.case_id
    )
    if municipality:
        query = query.where(SupportCase.municipality == municipality)
        cases = cases.where(SupportCase.municipality == municipality)
    if category:
        query = query.where(SupportCase.category == category)
        cases = cases.where(SupportCase.category == category)
    per: dict[str, dict[str, int]] = {}
    for code, month, n in db.session.execute(query):
        per.setdefault(code, {})[month] = n
    months = sorted({m for counts in per.values() for m in counts})[-MONTHS_SHOWN:]
    rows = [
        (code, labels.get(code, code), sum(counts.values()), counts) for code, counts in per.items()
    ]
    rows.sort(key=lambda r: (-r[2], r[1]))
    return BarrierTable(months, rows, db.session.scalar(cases) or 0)


def clusters() -> dict[tuple[str, str, str], int]:
    """Cases per (barrier code, municipality, category), with "" for "any": every cluster the
    evidence registry and "start a proposal" offer. One GROUP BY statement."""
    found: dict[tuple[str, str, str], int] = {}
    rows = db.session.execute(
        select(SupportCaseBarrier.code, SupportCase.municipality, SupportCase.category,
               func.count())
        .join(SupportCase, SupportCase.id == SupportCaseBarrier.case_id)
        .group_by(SupportCaseBarrier.code, SupportCase.municipality, SupportCase.category)
    )  # fmt: skip
    for code, place, category, n in rows:
        for key in ((code, "", ""), (code, place, ""), (code, "", category),
                    (code, place, category)):  # fmt: skip
            found[key] = found.get(key, 0) + n
    return found


def cluster_item(code: str, municipality: str = "", category: str = "") -> str:
    """The evidence item of a cluster: `code`, `code:place`, `code::category` or
    `code:place:category`."""
    if not municipality and not category:
        return code
    return f"{code}:{municipality}" + (f":{category}" if category else "")


def filter_values() -> tuple[list[str], list[str]]:
    """The municipalities and categories cases have (the filters' options), one statement."""
    rows = db.session.execute(
        select(SupportCase.municipality, SupportCase.category).distinct()
    ).all()
    return sorted({r[0] for r in rows}), sorted({r[1] for r in rows})
