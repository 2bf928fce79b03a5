"""The directory's figures for others to cite (core/evidence.py): what the ecosystem overview
counts, through the same queries (ecosystem/services.py), at the public level (a cited figure
goes into public documents): verified entries only, employment only where each entry shows it
to visitors."""

from __future__ import annotations

from flask_babel import gettext as _

from solidarna.core.evidence import Figure, FigureProvider, in_space_language, today
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.directory import taxonomy
from solidarna.directory.ecosystem import services

SOCIAL_ENTERPRISE = "social_enterprise"


def social_enterprises_by_municipality(tenant) -> list[Figure]:
    counts = services.matrix_counts("municipality")
    places = list(dict.fromkeys([*(tenant.municipalities or []), *sorted(counts)]))
    day = today()
    with in_space_language(tenant):
        return [
            Figure(
                place,
                _("Verified social enterprises in %(place)s", place=place),
                counts.get(place, {}).get(SOCIAL_ENTERPRISE, 0),
                day,
            )
            for place in places
            if place
        ]


def vulnerable_employees(tenant) -> list[Figure]:
    _statuses, work, _pending = services.status_and_employment("public")
    with in_space_language(tenant):
        return [
            Figure(
                "all",
                _("Employees from vulnerable groups in verified organizations (%(n)d of them "
                  "show their figures)", n=work.reported),
                work.vulnerable,
                today(),
            )
        ]  # fmt: skip


def organizations_by_actor_type(tenant) -> list[Figure]:
    counts: dict[str, int] = {}
    for by_type in services.matrix_counts("municipality").values():
        for code, n in by_type.items():
            counts[code] = counts.get(code, 0) + n
    day = today()
    with in_space_language(tenant):
        labels = taxonomy.actor_types(tenant)
        return [
            Figure(code, _("Verified organizations: %(type)s", type=str(labels.get(code, code))),
                   counts.get(code, 0), day)
            for code in [*labels, *sorted(set(counts) - set(labels))]
            if counts.get(code)
        ]  # fmt: skip


PROVIDERS = (
    FigureProvider(
        "directory.social_enterprises_by_municipality",
        _l("Verified social enterprises, by municipality"),
        "directory",
        social_enterprises_by_municipality,
    ),
    FigureProvider(
        "directory.vulnerable_employees",
        _l("Employees from vulnerable groups in verified organizations"),
        "directory",
        vulnerable_employees,
    ),
    FigureProvider(
        "directory.organizations_by_actor_type",
        _l("Verified organizations, by kind of actor"),
        "directory",
        organizations_by_actor_type,
    ),
)
