"""Support figures for others to cite (core/evidence.py): how many of the office's support
cases met each barrier, in all and per municipality — anonymized counts, never a requester's
identity, and only counts of at least SMALLEST_CELL cases (a cited figure goes into public
documents).

- `support.barriers`: item `<barrier code>` (all the space's cases),
  `<barrier code>:<municipality>`, `<barrier code>::<category>` and
  `<barrier code>:<municipality>:<category>`. One GROUP BY statement whatever the number of
  cases."""

from __future__ import annotations

from flask_babel import gettext as _

from solidarna.core.evidence import Figure, FigureProvider, in_space_language, today
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.support import kit, statistics


def barrier_figures(tenant) -> list[Figure]:
    found = statistics.clusters()
    if not found:
        return []
    day = today()
    figures = []
    with in_space_language(tenant):
        labels = kit.barriers(tenant)
        categories = kit.categories(tenant)
        for (code, place, category), n in sorted(found.items()):
            if n < statistics.SMALLEST_CELL:
                continue
            barrier = kit.label(labels, code)
            if place and category:
                label = _("Support cases of the office in %(place)s about “%(category)s” "
                          "meeting the barrier “%(barrier)s”", place=place, barrier=barrier,
                          category=kit.label(categories, category))  # fmt: skip
            elif place:
                label = _("Support cases of the office in %(place)s meeting the barrier "
                          "“%(barrier)s”", place=place, barrier=barrier)  # fmt: skip
            elif category:
                label = _("Support cases of the office about “%(category)s” meeting the "
                          "barrier “%(barrier)s”", category=kit.label(categories, category),
                          barrier=barrier)  # fmt: skip
            else:
                label = _("Support cases of the office meeting the barrier “%(barrier)s”",
                          barrier=barrier)  # fmt: skip
            figures.append(Figure(statistics.cluster_item(code, place, category), label, n, day))
    return figures


KEY = "support.barriers"
PROVIDERS = (
    FigureProvider(
        KEY,
        _l("Support cases: the barriers people met (anonymized counts)"),
        "support",
        barrier_figures,
    ),
)
