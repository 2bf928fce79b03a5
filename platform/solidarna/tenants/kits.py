"""Tenant kits (DESIGN §4): a TOML file that describes a tenant, so any municipality can
replicate a working set-up. `load_kit` validates with errors that name the file, the key
and the problem; `export_kit` writes a tenant back out in the same format."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import tomli_w

from solidarna.core import geography
from solidarna.core.capabilities import registry
from solidarna.core.i18n import LOCALES
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.tenants.models import KINDS, SLUG_PATTERN, VISIBILITIES, Tenant, slug_problem

KIT_DIR = Path(__file__).resolve().parents[3] / "tenants"
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TENANT_KEYS = {
    "slug", "name", "short_name", "kind", "description", "region", "municipalities",
    "default_locale", "visibility", "modules", "accent_color", "contact_email", "website",
    "name_en", "short_name_en", "description_en",
}  # fmt: skip
REQUIRED = ("slug", "name", "kind")
#: the optional English versions, shown in the English interface (core.i18n.localized)
ENGLISH_KEYS = ("name_en", "short_name_en", "description_en")
#: the longest text a column takes (the forms' limits)
MAX_LENGTHS = {"name": 200, "name_en": 200, "short_name": 60, "short_name_en": 60}


class KitError(ValueError):
    """One or more problems in a kit; str() lists them as `file: key: problem`."""

    def __init__(self, source: str, problems: list[tuple[str, object]]):
        self.source = source
        #: (key, problem); problems are lazy translations, shown in the reader's language
        self.problems = problems
        super().__init__(source)

    def __str__(self) -> str:
        return "\n".join(f"{self.source}: {key}: {problem}" for key, problem in self.problems)


#: the [kit] table: which kit this is and its version (tenants/kit_versions.py publishes them)
KIT_META_KEYS = {"slug", "name", "version"}
#: kept out of an exported kit: a kit carries no personal data (people, e-mails, responses)
NOT_EXPORTED = ("contact_email",)


@dataclass
class Kit:
    source: str
    tenant: dict
    taxonomies: dict = field(default_factory=dict)
    starter: dict = field(default_factory=dict)
    #: [kit]: slug (None: not given), name (None: not given), version (1 when not given)
    meta: dict = field(default_factory=lambda: {"slug": None, "name": None, "version": 1})

    @property
    def version(self) -> int:
        return self.meta["version"]

    def sections(self) -> dict:
        """What a space takes from the kit and keeps as its own set-up: the two tables the
        capabilities own (tenants/kit_upgrades.py compares them)."""
        return {"taxonomies": self.taxonomies, "starter": self.starter}


def one_of(allowed) -> object:
    return _l("must be one of %(values)s", values=", ".join(allowed))


def string_list_problems(value, allowed=None) -> list:
    """What is wrong with a kit value that must be a list of non-empty strings (from `allowed`,
    when given). Capabilities use it to validate the kit keys they own."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        return [_l("must be a list of non-empty strings")]
    if allowed is None:
        return []
    return [
        _l(
            "unknown value %(value)r; use one of %(values)s",
            value=v,
            values=", ".join(sorted(allowed)),
        )
        for v in value
        if v not in allowed
    ]


def _check_str_list(problems, key, value, allowed=None) -> None:
    problems.extend((key, problem) for problem in string_list_problems(value, allowed))


def _check_owned_keys(problems, table: str, data: dict, owners: dict) -> dict:
    """Validate a [taxonomies] or [starter] table through the capabilities that own its keys."""
    values = data.get(table, {})
    if not isinstance(values, dict):
        problems.append((table, _l("must be a table")))
        return {}
    cleaned = {}
    for key, value in values.items():
        owner = owners.get(f"{table}.{key}")
        if owner is None:
            problems.append(
                (
                    f"{table}.{key}",
                    _l(
                        "unknown key: no module of this platform uses it; known keys: %(keys)s",
                        keys=", ".join(
                            sorted(k.split(".", 1)[1] for k in owners if k.startswith(table + "."))
                        )
                        or "-",
                    ),
                )
            )
            continue
        value, found = owner.validate(value, data)
        problems.extend((owner.path, problem) for problem in found)
        cleaned[key] = value
    return cleaned


def validate(data: dict, source: str, slug: str | None = None) -> Kit:
    problems: list[tuple[str, str]] = []
    if not isinstance(data.get("tenant"), dict):
        raise KitError(source, [("tenant", _l("missing [tenant] table"))])
    unknown_tables = set(data) - {"kit", "tenant", "taxonomies", "starter"}
    for key in sorted(unknown_tables):
        problems.append(
            (key, _l("unknown table; a kit has [kit], [tenant], [taxonomies] and [starter]"))
        )
    meta = _check_meta(problems, data.get("kit", {}))
    tenant = dict(data["tenant"])
    if slug:
        tenant["slug"] = slug
    for key in sorted(set(tenant) - TENANT_KEYS):
        problems.append((f"tenant.{key}", _l("unknown key")))
    for key in REQUIRED:
        if not isinstance(tenant.get(key), str) or not tenant[key].strip():
            problems.append((f"tenant.{key}", _l("is required and must be a non-empty string")))
    if isinstance(tenant.get("slug"), str) and tenant["slug"]:
        problem = slug_problem(tenant["slug"])
        if problem:
            problems.append(("tenant.slug", problem))
    for key, longest in MAX_LENGTHS.items():
        if isinstance(tenant.get(key), str) and len(tenant[key]) > longest:
            problems.append(
                (f"tenant.{key}", _l("must be at most %(max)d characters", max=longest))
            )
    if tenant.get("kind") and tenant["kind"] not in KINDS:
        problems.append(("tenant.kind", one_of(KINDS)))
    tenant.setdefault("visibility", "public")
    if tenant["visibility"] not in VISIBILITIES:
        problems.append(("tenant.visibility", one_of(VISIBILITIES)))
    tenant.setdefault("default_locale", "sr_Latn")
    if tenant["default_locale"] not in LOCALES:
        problems.append(("tenant.default_locale", one_of(LOCALES)))
    tenant.setdefault("region", geography.NATIONAL)
    region = tenant["region"]
    if region != geography.NATIONAL and region not in geography.districts():
        problems.append(
            (
                "tenant.region",
                _l(
                    "unknown district code %(code)r; use RS for national scope or RS-00..RS-29",
                    code=region,
                ),
            )
        )
    tenant.setdefault("municipalities", [])
    _check_str_list(problems, "tenant.municipalities", tenant["municipalities"])
    if isinstance(tenant["municipalities"], list) and not any(
        k == "tenant.municipalities" for k, _ in problems
    ):
        canonical = []
        for name in tenant["municipalities"]:
            found = geography.find(name, region)
            if found is None:
                where = geography.region_name(region)
                problems.append(
                    (
                        "tenant.municipalities",
                        _l("%(name)r is not a municipality in %(region)s", name=name, region=where),
                    )
                )
            else:
                canonical.append(found.name_latn)
        tenant["municipalities"] = canonical
    capabilities = registry()
    modules = capabilities.modules()
    tenant.setdefault("modules", list(modules))
    _check_str_list(problems, "tenant.modules", tenant["modules"], allowed=set(modules))
    tenant.setdefault("accent_color", "#0b6e4f")
    if not COLOR.match(str(tenant["accent_color"])):
        problems.append(("tenant.accent_color", _l("must be a colour like #0b6e4f")))
    for key in ("contact_email",):
        if tenant.get(key) and not EMAIL.match(tenant[key]):
            problems.append((f"tenant.{key}", _l("is not an e-mail address")))
    if tenant.get("website") and not str(tenant["website"]).startswith(("https://", "http://")):
        problems.append(("tenant.website", _l("must start with https:// or http://")))
    for key in ("description", "short_name", *ENGLISH_KEYS):
        if key in tenant and not isinstance(tenant[key], str):
            problems.append((f"tenant.{key}", _l("must be a string")))
    for key in ENGLISH_KEYS:  # an empty English text is no English text
        if isinstance(tenant.get(key), str):
            tenant[key] = tenant[key] if tenant[key].strip() else None
    owners = capabilities.kit_keys()
    taxonomies = _check_owned_keys(problems, "taxonomies", data, owners)
    starter = _check_owned_keys(problems, "starter", data, owners)
    if problems:
        raise KitError(source, problems)
    return Kit(source=source, tenant=tenant, taxonomies=taxonomies, starter=starter, meta=meta)


def _check_meta(problems, raw) -> dict:
    """The [kit] table: `slug` (the kit's name among published kits), `name`, `version` (a
    whole number from 1 that every newer published version raises)."""
    meta = {"slug": None, "name": None, "version": 1}
    if not isinstance(raw, dict):
        problems.append(("kit", _l("must be a table")))
        return meta
    for key in sorted(set(raw) - KIT_META_KEYS):
        problems.append((f"kit.{key}", _l("unknown key; [kit] has slug, name and version")))
    if "slug" in raw:
        if not isinstance(raw["slug"], str) or not SLUG_PATTERN.match(raw["slug"]):
            problems.append(
                (
                    "kit.slug",
                    _l("use 2 to 40 lowercase letters a-z, digits and hyphens"),
                )
            )
        else:
            meta["slug"] = raw["slug"]
    if "name" in raw:
        if not isinstance(raw["name"], str) or not raw["name"].strip() or len(raw["name"]) > 200:
            problems.append(("kit.name", _l("must be a text of 1 to 200 characters")))
        else:
            meta["name"] = raw["name"].strip()
    if "version" in raw:
        version = raw["version"]
        if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version < 10**6:
            problems.append(("kit.version", _l("must be a whole number from 1, like 2")))
        else:
            meta["version"] = version
    return meta


def load_kit(path: str | Path, slug: str | None = None) -> Kit:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KitError(str(path), [("-", _l("file not found"))]) from None
    except UnicodeDecodeError:
        raise KitError(str(path), [("-", _l("is not UTF-8 text"))]) from None
    return parse_kit(text, str(path), slug)


def parse_kit(text: str, source: str, slug: str | None = None) -> Kit:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KitError(source, [("-", _l("not valid TOML: %(error)s", error=str(error)))]) from None
    return validate(data, source, slug)


def apply_kit(kit: Kit, tenant: Tenant | None = None) -> Tenant:
    """Fill a (new or existing) Tenant from a kit."""
    tenant = tenant or Tenant()
    for key, value in kit.tenant.items():
        setattr(tenant, key, value)
    tenant.taxonomies = kit.taxonomies
    tenant.starter = kit.starter
    return tenant


def export_sections(tenant: Tenant) -> dict:
    """The space's [taxonomies] and [starter] as a kit writes them: only keys a capability
    owns (a kit written here must load again), each through its KitKey's export."""
    owners = registry().kit_keys()
    sections = {}
    for table in ("taxonomies", "starter"):
        sections[table] = {
            key: owner.export(value) if owner.export else value
            for key, value in (getattr(tenant, table) or {}).items()
            if (owner := owners.get(f"{table}.{key}")) is not None
        }
    return sections


def export_kit(tenant: Tenant) -> str:
    """The space's current set-up as a kit: its settings and its own sections, no personal
    data (no people, no e-mail addresses, no responses). The [kit] table names the space:
    published, the export is a new kit (version 1) that other spaces can start from."""
    data: dict = {
        "kit": {"slug": tenant.slug, "name": tenant.name, "version": 1},
        "tenant": {
            key: value
            for key in sorted(TENANT_KEYS - set(NOT_EXPORTED))
            if (value := getattr(tenant, key)) not in (None, "")
        },
    }
    data.update({table: values for table, values in export_sections(tenant).items() if values})
    header = (
        f"# Solidarna tenant kit, exported from '{tenant.slug}'.\n"
        "# Create a tenant from it: flask --app wsgi tenants create --kit FILE [--slug NEW]\n"
        "# Publish it for new spaces: flask --app wsgi kits publish FILE\n\n"
    )
    return header + tomli_w.dumps(data, multiline_strings=True)
