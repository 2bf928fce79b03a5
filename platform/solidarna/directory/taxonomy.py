"""Code lists of the directory. Codes are stored; labels are translated for display.

Sources: the Law on Social Entrepreneurship (Sl. glasnik RS 14/2022) for the activities of
general interest and the socially vulnerable groups; KD 2010 (= NACE Rev. 2) for sections;
Serbian legal forms; ESSGLOBAL for the mapping of legal forms in open data (see exports)."""

from __future__ import annotations

from solidarna.core.i18n import lazy_gettext as _l

ACTOR_TYPES = {
    "social_enterprise": _l("Social enterprise"),
    "cooperative": _l("Cooperative"),
    "association": _l("Association (CSO)"),
    "foundation": _l("Foundation or endowment"),
    "public_institution": _l("Public institution"),
    "local_government": _l("Local government"),
    "development_agency": _l("Development agency"),
    "incubator": _l("Business incubator"),
    "financial_institution": _l("Financial institution"),
    "education_research": _l("Education or research"),
    "network": _l("Network or alliance"),
    "company_partner": _l("Partner company"),
    "informal_group": _l("Informal group"),
    "planned_enterprise": _l("Person planning a social enterprise"),
}

LEGAL_FORMS = {
    "entrepreneur": _l("Entrepreneur (preduzetnik)"),
    "doo": _l("Limited liability company (DOO)"),
    "ad": _l("Joint-stock company (AD)"),
    "od": _l("General partnership (OD)"),
    "kd": _l("Limited partnership (KD)"),
    "cooperative": _l("Cooperative (zadruga)"),
    "association": _l("Association (udruženje)"),
    "sports_association": _l("Sports association"),
    "foundation": _l("Foundation (fondacija)"),
    "endowment": _l("Endowment (zadužbina)"),
    "institution": _l("Public institution (ustanova)"),
    "public_enterprise": _l("Public enterprise"),
    "government_body": _l("Government body or local self-government"),
    "informal": _l("No legal entity (informal group)"),
    "other": _l("Other"),
}
# Legal forms that may hold the social-enterprise status (the law gives a status, not a form).
SE_ELIGIBLE_FORMS = {"entrepreneur", "doo", "ad", "od", "kd", "cooperative", "association",
                     "sports_association", "foundation"}  # fmt: skip

SE_STATUSES = {
    "registered": _l("Registered at APR"),
    "in_progress": _l("Registration in progress"),
    "planned": _l("Planned"),
    "no": _l("No status"),
}

ORG_STATUSES = {"active": _l("Active"), "inactive": _l("Inactive"), "planning": _l("In planning")}

MODERATION = {
    "pending": _l("Pending"),
    "verified": _l("Verified"),
    "rejected": _l("Rejected"),
    "archived": _l("Archived"),
}

#: a representative's claim: "pending" until an admin accepts it (a refused claim is deleted)
REPRESENTATIVE_STATUSES = ("pending", "active")

#: a proposed change of an existing entry (OrganizationSuggestion): where it comes from, and
#: what the office decided
SUGGESTION_SOURCES = {"survey": _l("Survey")}
SUGGESTION_STATUSES = ("pending", "accepted", "rejected")

#: what a line of an entry's change history records (services._revision)
REVISION_ACTIONS = ("created", "imported", "updated", "confirmed", "verified", "rejected",
                    "archived", "restored")  # fmt: skip

SOURCES = {
    "self_reported": _l("Self-reported"),
    "imported": _l("Imported"),
    "office": _l("Entered by the office"),
}

KD_SECTIONS = {
    "A": _l("Agriculture, forestry and fishing"),
    "B": _l("Mining and quarrying"),
    "C": _l("Manufacturing"),
    "D": _l("Electricity, gas, steam and air conditioning supply"),
    "E": _l("Water supply, sewerage, waste management and remediation"),
    "F": _l("Construction"),
    "G": _l("Wholesale and retail trade; repair of motor vehicles"),
    "H": _l("Transportation and storage"),
    "I": _l("Accommodation and food service"),
    "J": _l("Information and communication"),
    "K": _l("Financial and insurance activities"),
    "L": _l("Real estate activities"),
    "M": _l("Professional, scientific and technical activities"),
    "N": _l("Administrative and support service activities"),
    "O": _l("Public administration and defence; compulsory social security"),
    "P": _l("Education"),
    "Q": _l("Human health and social work"),
    "R": _l("Arts, entertainment and recreation"),
    "S": _l("Other service activities"),
    "T": _l("Activities of households as employers"),
    "U": _l("Activities of extraterritorial organisations"),
}

GENERAL_INTEREST = {
    "social_services": _l("Social protection services"),
    "education_services": _l("Educational services"),
    "health_services": _l("Health services"),
    "work_integration": _l("Work integration of vulnerable groups"),
    "sustainable_development": _l(
        "Sustainable development of devastated areas and local communities"
    ),
    "environment": _l("Environmental protection"),
    "culture": _l("Culture and preservation of heritage"),
    "other_general_interest": _l("Other activities of general interest"),
}

VULNERABLE_GROUPS = {
    "social_protection": _l("Persons in the social protection system"),
    "hard_to_employ": _l("Hard-to-employ unemployed persons"),
    "disability": _l("Persons with disabilities"),
    "roma": _l("Roma"),
    "long_term_unemployed": _l("Long-term unemployed"),
    "youth_leaving_care": _l("Young people leaving care"),
    "violence_survivors": _l("Women survivors of violence"),
    "homeless": _l("Homeless people"),
    "former_prisoners": _l("Former prisoners"),
    "elderly": _l("Elderly people"),
    "rural_women": _l("Rural women"),
    "other_vulnerable": _l("Other vulnerable groups"),
}

TURNOVER_BANDS = {
    "none": _l("No turnover yet"),
    "lt_1m": _l("Under 1 million RSD"),
    "1m_5m": _l("1–5 million RSD"),
    "5m_20m": _l("5–20 million RSD"),
    "20m_100m": _l("20–100 million RSD"),
    "gt_100m": _l("Over 100 million RSD"),
}

VISIBILITY = {
    "public": _l("Everyone"),
    "members": _l("Members of this space"),
    "admins": _l("Administrators only"),
}
# Fields whose visibility the representative chooses, with the default.
PRIVATE_FIELDS = {
    "contact_email": "public",
    "phone": "members",
    "address": "public",
    "employees": "public",
    "volunteers": "public",
    "turnover_band": "admins",
}
#: the fields of PRIVATE_FIELDS as the entry's form asks about them
PRIVATE_FIELD_LABELS = {
    "contact_email": _l("Who sees the e-mail"),
    "phone": _l("Who sees the phone"),
    "address": _l("Who sees the address and location"),
    "employees": _l("Who sees the employment figures"),
    "volunteers": _l("Who sees the number of volunteers"),
    "turnover_band": _l("Who sees the turnover"),
}
#: the kit key with a space's own defaults ({field: level}, directory/kit.py)
DEFAULTS_KEY = "default_field_visibility"


def field_visibility_defaults(tenant) -> dict:
    """Who sees each field of a new entry in this space: the space's own defaults
    (`[taxonomies] default_field_visibility`, set by its owners on the settings page) over
    the platform's (PRIVATE_FIELDS). Entries already in the directory keep theirs."""
    own = ((tenant.taxonomies or {}).get(DEFAULTS_KEY) or {}) if tenant is not None else {}
    return {f: own.get(f, default) for f, default in PRIVATE_FIELDS.items()}


RESOURCE_KINDS = {
    "premises": _l("Premises"),
    "land": _l("Land"),
    "equipment": _l("Equipment"),
    "funding": _l("Funding programme"),
    "service": _l("Service"),
    "expertise": _l("Expertise"),
}
AVAILABILITY = {
    "available": _l("Available"),
    "limited": _l("Limited"),
    "unavailable": _l("Not available now"),
}

RELATION_KINDS = {
    "partner": _l("Partner"),
    "member_of": _l("Member of"),
    "supplier": _l("Supplier to"),
    "funder": _l("Funder of"),
}

# Multi-valued fields, stored as OrganizationTag rows so they can be faceted on an index.
TAG_FACETS = {"kd": KD_SECTIONS, "interest": GENERAL_INTEREST, "group": VULNERABLE_GROUPS}


def actor_types(tenant) -> dict:
    """The platform's actor types plus any the tenant's kit adds (taxonomies.extra_actor_types)."""
    extra = (tenant.taxonomies or {}).get("extra_actor_types", []) if tenant is not None else []
    return {**ACTOR_TYPES, **{code: code.replace("_", " ").capitalize() for code in extra}}


# --- what people write instead of a code -------------------------------------------------------
#
# Besides a code and its label in any interface language (Latin, Cyrillic, English), a file or a
# free-text field may say a legal form or a status the way people write it. The keys are written
# as people type them; whoever reads them folds both sides (script, case, diacritics,
# punctuation and spaces: `D.O.O.`, `doo`, `Д.О.О.` are one spelling). One table for every reader:
# the import (opendata/csv_codes.py) and the accepted values it lists.

LEGAL_FORM_SYNONYMS = {
    "entrepreneur": ("preduzetnik", "preduzetnica", "PR", "SZR", "STR", "SUR", "radnja",
                     "preduzetnička radnja", "samostalna zanatska radnja",
                     "samostalna trgovinska radnja", "sole trader"),
    "doo": ("d.o.o.", "društvo s ograničenom odgovornošću",
            "društvo sa ograničenom odgovornošću", "LLC", "Ltd"),
    "ad": ("a.d.", "akcionarsko društvo", "JSC"),
    "od": ("o.d.", "ortačko društvo"),
    "kd": ("k.d.", "komanditno društvo"),
    "cooperative": ("zadruga", "z.z.", "zemljoradnička zadruga", "poljoprivredna zadruga",
                    "socijalna zadruga", "omladinska zadruga", "studentska zadruga",
                    "stambena zadruga", "potrošačka zadruga", "zanatska zadruga", "coop"),
    "association": ("udruženje", "udruženje građana", "UG", "u.g.", "OCD",
                    "organizacija civilnog društva", "NVO", "NGO", "CSO"),
    "sports_association": ("sportsko udruženje", "sportski klub", "sportsko društvo"),
    "foundation": ("fondacija",),
    "endowment": ("zadužbina", "legat"),
    "institution": ("ustanova", "javna ustanova"),
    "public_enterprise": ("javno preduzeće", "JP", "javno komunalno preduzeće", "JKP"),
    "government_body": ("organ", "državni organ", "lokalna samouprava",
                        "jedinica lokalne samouprave", "JLS", "opština", "grad"),
    "informal": ("neformalna grupa", "bez pravnog subjektiviteta", "nije registrovano"),
    "other": ("drugo", "ostalo"),
}  # fmt: skip

ACTOR_TYPE_SYNONYMS = {
    "social_enterprise": ("socijalno preduzeće", "SP"),
    "cooperative": ("zadruga",),
    "association": ("udruženje", "udruženje građana", "UG", "OCD", "NVO", "NGO", "CSO"),
    "foundation": ("fondacija", "zadužbina"),
    "public_institution": ("ustanova",),
    "local_government": ("opština", "grad", "JLS", "jedinica lokalne samouprave"),
    "development_agency": ("razvojna agencija", "regionalna razvojna agencija", "RRA"),
    "incubator": ("inkubator", "poslovni inkubator"),
    "network": ("mreža", "savez"),
    "company_partner": ("kompanija", "preduzeće", "firma"),
    "informal_group": ("neformalna grupa",),
}  # fmt: skip

SE_STATUS_SYNONYMS = {
    "registered": ("da", "yes", "registrovano", "registrovan", "registrovana", "upisano"),
    "in_progress": ("u toku", "u postupku", "in progress"),
    "planned": ("planira", "planiramo", "u planu"),
    "no": ("ne", "nema"),
}  # fmt: skip

ORG_STATUS_SYNONYMS = {
    "active": ("aktivna", "aktivno", "radi"),
    "inactive": ("neaktivna", "neaktivno", "ne radi", "ugašeno"),
    "planning": ("u pripremi", "u osnivanju", "planira se"),
}  # fmt: skip

#: field name -> {code: spellings}, for the single-valued code lists
SYNONYMS = {
    "legal_form": LEGAL_FORM_SYNONYMS,
    "actor_type": ACTOR_TYPE_SYNONYMS,
    "se_status": SE_STATUS_SYNONYMS,
    "status": ORG_STATUS_SYNONYMS,
}
