"""Support figures for others to cite (core/evidence.py): how many of the office's support
cases met each barrier, in all and per municipality — anonymized counts, never a requester's
identity, and only counts of at least SMALLEST_CELL cases (a cited figure goes into public
documents).

- `support.barriers`: item `<barrier code>` (all the space's cases) and
  `<barrier code>:<municipality>`. One GROUP BY statement whatever the number of cases."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from solidarna.core.evidence import Figure, FigureProvider, in_space_language, today
from solidarna.support import kit, statistics


def barrier_figures(tenant) -> list[Figure]:
    pairs = statistics.barrier_places()
    if not pairs:
        return []
    totals: dict[str, int] = {}
    for code, _place, n in pairs:
        totals[code] = totals.get(code, 0) + n
    day = today()
    figures = []
    with in_space_language(tenant):
        labels = kit.barriers(tenant)
        for code, n in sorted(totals.items()):
            if n >= statistics.SMALLEST_CELL:
                figures.append(Figure(
                    code, _("Support cases of the office meeting the barrier “%(barrier)s”",
                            barrier=kit.label(labels, code)), n, day))  # fmt: skip
        for code, place, n in pairs:
            if n >= statistics.SMALLEST_CELL:
                figures.append(Figure(
                    f"{code}:{place}",
                    _("Support cases of the office in %(place)s meeting the barrier “%(barrier)s”",
                      place=place, barrier=kit.label(labels, code)), n, day))  # fmt: skip
    return figures


PROVIDERS = (
    FigureProvider(
        "support.barriers",
        _l("Support cases: the barriers people met (anonymized counts)"),
        "support",
        barrier_figures,
    ),
)
