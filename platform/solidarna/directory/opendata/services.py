"""Open data: the directory as CSV and as JSON-LD (schema.org + ESSGLOBAL), documented in
docs/open-data.md. Pure serialisers: they take entries, the viewer's level and a function that
gives an entry's public URL, and know nothing of HTTP. Every private field goes through
services.field_visible, so an export never shows more than the profile page does."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator

from flask_babel import force_locale

from solidarna.core import geography
from solidarna.core.documents import BOM, safe_cell
from solidarna.directory import taxonomy
from solidarna.directory.organizations.models import Organization
from solidarna.directory.organizations.services import field_visible

CHUNK = 200  # rows per chunk written to the response

# --- the CSV columns ------------------------------------------------------------------------------

#: The columns of the import template, in order; the export starts with `id` and ends with
#: EXPORT_EXTRA. Stable: new columns are only ever appended (docs/open-data.md).
COLUMNS = (
    "name", "legal_name", "legal_form", "actor_type", "se_status", "status", "pib", "mb",
    "founding_year", "municipality", "address", "latitude", "longitude", "kd_sections",
    "general_interest", "vulnerable_groups", "employees_total", "employees_women",
    "employees_vulnerable", "volunteers", "turnover_band", "mission", "description",
    "contact_email", "phone", "website",
)  # fmt: skip
EXPORT_EXTRA = ("district_iso", "district", "moderation", "source", "last_confirmed", "url")
EXPORT_COLUMNS = ("id", *COLUMNS, *EXPORT_EXTRA)

#: multi-valued columns and the tag facet each holds; values are joined with "|"
TAG_COLUMNS = {"kd_sections": "kd", "general_interest": "interest", "vulnerable_groups": "group"}
MULTI_SEPARATOR = "|"

#: column -> the entry of taxonomy.PRIVATE_FIELDS that decides who may see it
GUARDED = {
    "contact_email": "contact_email",
    "phone": "phone",
    "address": "address",
    "latitude": "address",
    "longitude": "address",
    "employees_total": "employees",
    "employees_women": "employees",
    "employees_vulnerable": "employees",
    "volunteers": "volunteers",
    "turnover_band": "turnover_band",
}

DELIMITERS = {"comma": ",", "semicolon": ";"}


def visible(org: Organization, column: str, level: str) -> bool:
    guard = GUARDED.get(column)
    return guard is None or field_visible(org, guard, level)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(str(value))


def csv_values(org: Organization, level: str, url: str) -> list[str]:
    values = {column: getattr(org, column, None) for column in COLUMNS}
    for column, facet in TAG_COLUMNS.items():
        values[column] = MULTI_SEPARATOR.join(org.tag_values(facet))
    for column in GUARDED:
        if not visible(org, column, level):
            values[column] = None
    values.update(
        id=org.id,
        district_iso=org.district_iso,
        district=geography.region_name(org.district_iso),
        moderation=org.moderation,
        source=org.source,
        last_confirmed=org.last_confirmed_at.date() if org.last_confirmed_at else None,
        url=url,
    )
    return [_cell(values[column]) for column in EXPORT_COLUMNS]


def csv_head(delimiter: str = ",") -> str:
    """A UTF-8 BOM (so Excel reads the file as UTF-8) and the header line."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerow(EXPORT_COLUMNS)
    return BOM + buffer.getvalue()


def csv_rows(
    orgs: Iterable[Organization], level: str, url_of: Callable, delimiter: str = ","
) -> Iterator[str]:
    """The rows in chunks of CHUNK lines."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for n, org in enumerate(orgs, 1):
        writer.writerow(csv_values(org, level, url_of(org)))
        if n % CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


# --- JSON-LD ----------------------------------------------------------------------------------------

ESSGLOBAL = "http://purl.org/essglobal/vocab/"
#: our own terms; a URN because the project has no domain of its own yet (docs/open-data.md)
SOLIDARNA = "urn:solidarna:terms:"
NACE = "https://ec.europa.eu/eurostat/web/nace"
CONTEXT = {
    "@vocab": "https://schema.org/",
    "schema": "https://schema.org/",
    "essglobal": ESSGLOBAL,
    "solidarna": SOLIDARNA,
}

#: our legal forms -> ESSGLOBAL's legal-form list (preferred English labels); a registered
#: social-enterprise status wins over the form (the law grants a status, not a form).
ESSGLOBAL_LEGAL_FORMS = {
    "entrepreneur": "Company",
    "doo": "Company",
    "ad": "Company",
    "od": "Company",
    "kd": "Company",
    "public_enterprise": "Company",
    "cooperative": "Cooperative",
    "association": "Non-Profit Organisation",
    "sports_association": "Non-Profit Organisation",
    "foundation": "Non-Profit Organisation",
    "endowment": "Non-Profit Organisation",
    "informal": "Informal Group",
}


def essglobal_legal_form(org: Organization) -> str | None:
    if org.se_status == "registered":
        return "Social Enterprise"
    return ESSGLOBAL_LEGAL_FORMS.get(org.legal_form)


def english_labels() -> dict[str, dict[str, str]]:
    """Code -> English label for the code lists that open data names, computed once."""
    with force_locale("en"):
        return {
            "kd": {code: str(label) for code, label in taxonomy.KD_SECTIONS.items()},
            "interest": {code: str(label) for code, label in taxonomy.GENERAL_INTEREST.items()},
        }


def _identifier(scheme: str, value: str) -> dict:
    return {"@type": "PropertyValue", "propertyID": scheme, "value": value}


def organization_node(org: Organization, level: str, url: str, labels: dict) -> dict:
    """One entry as a schema.org Organization that is also an ESSGLOBAL SSEInitiative."""
    node: dict = {
        "@id": url,
        "@type": ["Organization", "essglobal:SSEInitiative"],
        "url": url,
        "name": org.name,
    }
    if org.legal_name:
        node["legalName"] = org.legal_name
    identifiers = []
    if org.pib:
        node["taxID"] = org.pib
        identifiers.append(_identifier("RS-PIB", org.pib))
    if org.mb:
        identifiers.append(_identifier("RS-APR", org.mb))
    if identifiers:
        node["identifier"] = identifiers
    if org.founding_year:
        node["foundingDate"] = str(org.founding_year)
    address = {
        "@type": "PostalAddress",
        "addressLocality": org.municipality,
        "addressRegion": geography.region_name(org.district_iso),
        "addressCountry": "RS",
    }
    if org.address and visible(org, "address", level):
        address["streetAddress"] = org.address
    node["address"] = address
    if org.latitude is not None and org.longitude is not None and visible(org, "latitude", level):
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": org.latitude,
            "longitude": org.longitude,
        }
    if org.employees_total is not None and visible(org, "employees_total", level):
        node["numberOfEmployees"] = {"@type": "QuantitativeValue", "value": org.employees_total}
    if org.contact_email and visible(org, "contact_email", level):
        node["email"] = org.contact_email
    if org.phone and visible(org, "phone", level):
        node["telephone"] = org.phone
    if org.website:
        node["sameAs"] = org.website
    if org.description or org.mission:
        node["description"] = org.description or org.mission
    if org.mission:
        node["essglobal:mission"] = org.mission
    legal_form = essglobal_legal_form(org)
    if legal_form:
        node["essglobal:legalForm"] = legal_form
    sectors = org.tag_values("kd")
    if sectors:
        node["essglobal:economicSector"] = [
            {
                "@type": "DefinedTerm",
                "termCode": code,
                "name": labels["kd"].get(code, code),
                "inDefinedTermSet": NACE,
            }
            for code in sectors
        ]
    interests = org.tag_values("interest")
    if interests:
        node["knowsAbout"] = [labels["interest"].get(code, code) for code in interests]
    node.update(
        {
            "solidarna:legalForm": org.legal_form,
            "solidarna:actorType": org.actor_type,
            "solidarna:seStatus": org.se_status,
            "solidarna:status": org.status,
            "solidarna:districtIso": org.district_iso,
            "solidarna:kdSections": sectors,
            "solidarna:generalInterest": interests,
            "solidarna:vulnerableGroups": org.tag_values("group"),
            "solidarna:moderation": org.moderation,
            "solidarna:verified": org.moderation == "verified",
            "solidarna:source": org.source,
        }
    )
    if org.last_confirmed_at:
        node["solidarna:lastConfirmed"] = org.last_confirmed_at.date().isoformat()
    if visible(org, "employees_total", level):
        for attr, term in (
            ("employees_women", "solidarna:employeesWomen"),
            ("employees_vulnerable", "solidarna:employeesVulnerable"),
        ):
            if getattr(org, attr) is not None:
                node[term] = getattr(org, attr)
    if org.volunteers is not None and visible(org, "volunteers", level):
        node["solidarna:volunteers"] = org.volunteers
    if org.turnover_band and visible(org, "turnover_band", level):
        node["solidarna:turnoverBand"] = org.turnover_band
    return node


def organization_document(org: Organization, level: str, url: str) -> dict:
    """One entry as a JSON-LD document of its own."""
    return {"@context": CONTEXT, **organization_node(org, level, url, english_labels())}


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def jsonld_head() -> str:
    """The start of the list document, up to the opening of "@graph"."""
    return _dumps({"@context": CONTEXT})[:-1] + ',"@graph":['


def jsonld_rows(orgs: Iterable[Organization], level: str, url_of: Callable) -> Iterator[str]:
    """The @graph's nodes in chunks, then the end of the document."""
    labels = english_labels()
    parts = []
    for n, org in enumerate(orgs):
        node = organization_node(org, level, url_of(org), labels)
        parts.append(("," if n else "") + "\n" + _dumps(node))
        if len(parts) >= CHUNK:
            yield "".join(parts)
            parts = []
    parts.append("\n]}\n")
    yield "".join(parts)
