"""Filterable lists, shared by every capability that has one (the directory, local resources,
good practices): reading filters from the query string, writing them back into URLs, the
facet values with their counts. The search words are matched on an index:
core/search_index.py.

A capability's filters are a small dataclass with `from_args(request.args)` built from these
readers and `args(**changes)` built with `url_args`; the list template shows the facets with
`macros/listing.html` (`facet`, `pagination`), a map page with `macros/map.html`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from solidarna.core.script import fold
from solidarna.extensions import db

MAX_VALUES = 50  # values of one repeated argument
MAX_VALUE_LENGTH = 80
MAX_QUERY_LENGTH = 200


def many_arg(args, name: str) -> list[str]:
    """A repeated query argument as a short, sorted, de-duplicated list (bounded in size)."""
    values = {v.strip()[:MAX_VALUE_LENGTH] for v in args.getlist(name) if v.strip()}
    return sorted(values)[:MAX_VALUES]


def text_arg(args, name: str = "q") -> str:
    """The search words, trimmed and bounded."""
    return (args.get(name) or "").strip()[:MAX_QUERY_LENGTH]


def choice_arg(args, name: str, allowed: Iterable[str], default: str) -> str:
    """One of the allowed values (e.g. a sort order), or the default."""
    value = args.get(name, default)
    return value if value in allowed else default


def url_args(data: Mapping) -> dict:
    """Query arguments for url_for: the filters that are set (no empty values)."""
    return {k: v for k, v in data.items() if v not in (None, [], "")}


@dataclass
class FacetValue:
    """One checkbox of a facet: its value, its label, how many entries have it under the
    other facets' filters, and whether it is chosen."""

    value: str
    label: str
    count: int
    selected: bool


def facet_values(
    counts: Mapping[str, int], selected: Iterable[str], labels: Mapping | None = None
) -> list[FacetValue]:
    """The values worth showing: those with entries, and those chosen (so a choice can be
    undone). With `labels` (a code list) in its order, and only its codes; without, sorted."""
    chosen = set(selected)
    keys = list(labels) if labels else sorted(k for k in counts if k)
    return [
        FacetValue(key, str(labels[key]) if labels else key, counts.get(key, 0), key in chosen)
        for key in keys
        if counts.get(key) or key in chosen
    ]


def select_options(
    present: Iterable[str], chosen: Iterable[str] = (), labels: Mapping | None = None
) -> list[tuple[str, str]]:
    """(value, label) for a select of a filter form: the values present, plus any chosen
    value; the code list's order first (when given), then the other values by folded name."""
    values = {v for v in present if v} | set(chosen)
    if labels:
        ordered = [code for code in labels if code in values]
        ordered += sorted(values - set(labels), key=fold)
        return [(code, str(labels.get(code, code))) for code in ordered]
    return [(value, value) for value in sorted(values, key=fold)]


def paginate(query, page: int, per_page: int, total: int | None = None):
    """A page of the query's rows (Flask-SQLAlchemy's Pagination; past the last page an
    empty one, not a 404). `total`, when the caller knows it, saves the count query."""
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, count=total is None)
    if total is not None:
        result.total = total
    return result
