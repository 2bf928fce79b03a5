"""The capability contract (DESIGN §1, §12): how a capability plugs into the platform.

A capability (the directory, discussions, later proposals, working groups ...) declares itself
once, from its own `init_app`, with a `Capability` descriptor::

    def init_app(app):
        register_capability(app, Capability(
            name="discussions", module="discussions", label=_l("Discussions"),
            blueprints=(views.bp, moderation.bp),
            nav=(NavItem("discussions.index", _l("Discussions"), current=("discussion",)),),
            kit_keys=(KitKey("starter", "discussion_categories", validate_categories),),
            activity=activity.discussion_activity,
            notification_kinds={"discussions.reply": _l("New reply")},
        ))

Everything the platform derives about capabilities comes from the registry kept on
`app.extensions` (one per app, never a process-global list): the modules a space can enable,
the space's navigation, the home page's list of what a space offers and its figures and
activity, the kit keys a kit may carry and how they are validated and exported, the subject
types others attach to, the notification kinds. A capability with a `module` exists in a space
only when the space has that module switched on: its pages answer 404 elsewhere and none of its
providers run there. That check is made here, once, not in each provider. A module without a
registered capability cannot be enabled, listed or shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, abort, current_app, g, has_app_context, request

from solidarna.core import pagecache
from solidarna.core.permissions import register_predicates

EXTENSION = "solidarna.capabilities"


@dataclass(frozen=True)
class NavItem:
    """One link in a space's navigation."""

    endpoint: str
    label: object
    #: predicate(user, tenant) -> bool deciding who sees the link; None: everyone who may
    #: read the space
    permission: Callable | None = None
    #: endpoint prefixes that mark the link as the current page (default: the endpoint itself)
    current: tuple[str, ...] = ()
    #: position in the navigation, lowest first; ties keep registration order
    #: (the navigation is drawn once per marker and viewer level, templates/tenants/_layout.html,
    #: as long as every `permission` is a tenant-level predicate, core/permissions.PREDICATES)
    order: int = 100

    def is_current(self, endpoint: str | None) -> bool:
        if not endpoint:
            return False
        if not self.current:
            return endpoint == self.endpoint
        return endpoint.startswith(self.current)


@dataclass(frozen=True)
class KitKey:
    """A key a capability owns in a kit's [taxonomies] or [starter] table.

    `validate(value, kit)` returns (the value to store, a list of problems as lazy strings);
    `kit` is the whole parsed kit, for keys that depend on others;
    `export(value)` returns what `tenants export` writes back (default: the stored value).
    """

    table: str
    key: str
    validate: Callable[[object, dict], tuple[object, list]]
    export: Callable[[object], object] | None = None
    #: () -> {code: label}: a list key whose values the platform's "Create a space" form
    #: offers as checkboxes (labelled `label`), validated like a kit's
    choices: Callable[[], dict] | None = None
    label: object = None
    #: how the space's owners edit the key on the settings page (tenants/settings.py):
    #: "choices": a list of `choices()` codes, as checkboxes;
    #: "items": a list of tables with a `code`, a `name` and an optional `name_en`;
    #: "mapping": for each of `fields()` ({code: label}), one of `choices()`;
    #: None: only kits set it. The stored value is checked by `validate` like a kit's.
    editor: str | None = None
    fields: Callable[[], dict] | None = None
    #: one sentence under the editor on the settings page
    help: object = None
    #: () -> the value in effect when a space's kit names none (the editor starts from it;
    #: saving it unchanged stores nothing)
    default: Callable[[], object] | None = None
    #: with editor "templates": how the settings page shows and edits the key's templates
    #: (a list of tables with a `key` and a `title`, tenants/templates.py)
    outline: TemplateOutline | None = None

    @property
    def path(self) -> str:
        return f"{self.table}.{self.key}"


@dataclass(frozen=True)
class TextField:
    """One text of a template (or of one of its parts) the settings page edits."""

    name: str
    label: object
    max: int = 300
    #: a textarea (several lines), else one line
    long: bool = False
    required: bool = False
    #: () -> {code: label}: a choice, not a text
    choices: Callable[[], dict] | None = None
    #: what the field shows when the template has no value (a choice's code)
    default: str = ""


@dataclass(frozen=True)
class PartsOutline:
    """A template's list of parts (a proposal template's `parts`, a survey template's
    `sections` and, inside each, its `questions`): the texts of each part the page edits."""

    name: str
    #: what one part is called ("Part", "Section"), for the legend with its number
    label: object
    fields: tuple[TextField, ...]
    #: (part) -> a short text naming the part in its legend (its kind, its code ...)
    describe: Callable[[dict], str] | None = None
    #: parts may be taken out and new ones added at the end (the fields with `choices` give
    #: a new part its kind); False: the page edits the texts only, the structure is changed
    #: elsewhere (`TemplateOutline.structure`)
    editable: bool = False
    #: the parts' own parts (a section's questions), edited the same way
    inner: PartsOutline | None = None


@dataclass(frozen=True)
class TemplateOutline:
    """How the settings page edits a kit key's templates (`KitKey.editor == "templates"`)."""

    #: "Proposal templates": the heading of the key's list
    label: object
    #: the template's own fields, after its title (the title is always the first)
    fields: tuple[TextField, ...]
    parts: PartsOutline | None = None
    #: () -> the fields a new template starts with besides its key and texts (e.g. a survey
    #: template's first, empty section)
    new: Callable[[], dict] | None = None
    #: one sentence: where the template's structure is changed when this page does not
    structure: object = None
    #: (template) -> [(label, url)]: where the template is used from ("Start a survey from
    #: it"), shown on the list and the edit page
    links: Callable[[dict], list] | None = None


@dataclass(frozen=True)
class Capability:
    name: str
    label: object
    #: the key a space enables (tenant.modules); None: part of every space
    module: str | None = None
    #: one sentence for the space's home: what this capability offers
    description: object = ""
    #: TenantBlueprints (or plain ones) the capability serves; gated by `module`
    blueprints: tuple = ()
    nav: tuple[NavItem, ...] = ()
    kit_keys: tuple[KitKey, ...] = ()
    #: tenant -> [Figure] for the space's home; what the space's rows say to this viewer
    #: (kept per change marker and account for logged-in people: core/fragments.kept_value)
    figures: Callable | None = None
    #: (tenant, limit) -> [ActivityItem], newest first, only what the viewer may see
    activity: Callable | None = None
    #: SubjectTypes others may attach to (core/subjects.py)
    subjects: tuple = ()
    #: (subject_type, subject_id) -> Markup | None: a panel shown on attachable objects' pages
    panel: Callable | None = None
    #: (subject_type, ids) -> {id: core.subjects.Attached}: what it attached to each of those
    #: objects (how many, and where to read or add one), e.g. comments about one article
    attached: Callable | None = None
    #: notification kind -> lazy label
    notification_kinds: dict = field(default_factory=dict)
    #: audit action -> core.audit_text.AuditAction (what the log says, as a sentence)
    audit_actions: dict = field(default_factory=dict)
    #: the capability's rules that templates ask by name (`can_edit_post(current_user, post)`)
    predicates: tuple = ()
    #: endpoints of GET pages that visitors are served from the page cache
    #: (core/pagecache.py): pages that show a visitor only what the space's rows say
    cacheable: tuple[str, ...] = ()


class CapabilityError(RuntimeError):
    """A capability declared twice, or declaring what another already owns."""


class Registry:
    """The capabilities of one app, in registration order."""

    def __init__(self) -> None:
        self.capabilities: dict[str, Capability] = {}
        #: blueprint name -> the module its pages need
        self.blueprint_modules: dict[str, str] = {}
        #: navigation_by_level()'s answer, with the numbers of predicates and capabilities
        self._navigation_by_level: tuple | None = None

    # --- declaring -------------------------------------------------------------------------

    def add(self, capability: Capability) -> None:
        if capability.name in self.capabilities:
            raise CapabilityError(f"capability {capability.name!r} is registered twice")
        if capability.module and capability.module in self.modules():
            raise CapabilityError(f"module {capability.module!r} is owned twice")
        owned = {key.path for c in self.capabilities.values() for key in c.kit_keys}
        for key in capability.kit_keys:
            if key.path in owned:
                raise CapabilityError(f"kit key {key.path!r} is owned twice")
        subjects = {s.name for c in self.capabilities.values() for s in c.subjects}
        for subject in capability.subjects:
            if subject.name in subjects:
                raise CapabilityError(f"subject type {subject.name!r} is registered twice")
        kinds = {k for c in self.capabilities.values() for k in c.notification_kinds}
        for kind in capability.notification_kinds:
            if kind in kinds:
                raise CapabilityError(f"notification kind {kind!r} is registered twice")
        actions = {a for c in self.capabilities.values() for a in c.audit_actions}
        for action in capability.audit_actions:
            if action in actions:
                raise CapabilityError(f"audit action {action!r} is declared twice")
        self.capabilities[capability.name] = capability
        if capability.module:
            for blueprint in capability.blueprints:
                self.blueprint_modules[blueprint.name] = capability.module

    # --- what spaces may have --------------------------------------------------------------

    def modules(self) -> dict[str, object]:
        """The modules a space can enable: key -> label, in registration order."""
        return {c.module: c.label for c in self.capabilities.values() if c.module}

    def is_enabled(self, capability: Capability, tenant) -> bool:
        if capability.module is None:
            return True
        return tenant is not None and capability.module in (tenant.modules or [])

    def enabled(self, tenant) -> list[Capability]:
        return [c for c in self.capabilities.values() if self.is_enabled(c, tenant)]

    def offered(self, tenant) -> list[Capability]:
        """The modules a space has switched on that exist: what its home says it offers."""
        return [c for c in self.enabled(tenant) if c.module]

    # --- what a page shows -----------------------------------------------------------------

    def navigation(self, tenant, user) -> list[NavItem]:
        items = [
            item
            for capability in self.enabled(tenant)
            for item in capability.nav
            if item.permission is None or item.permission(user, tenant)
        ]
        return sorted(items, key=lambda item: item.order)

    def figures(self, tenant) -> list:
        found: list = []
        for capability in self.enabled(tenant):
            if capability.figures:
                found.extend(capability.figures(tenant))
        return found

    def activity(self, tenant, limit: int) -> list:
        items: list = []
        for capability in self.enabled(tenant):
            if capability.activity:
                items.extend(capability.activity(tenant, limit))
        items.sort(key=lambda item: item.when, reverse=True)
        return items[:limit]

    def panels(self, tenant, subject_type: str, subject_id: int) -> list:
        if self.subject_type(tenant, subject_type) is None:
            return []
        found = []
        for capability in self.enabled(tenant):
            if capability.panel:
                panel = capability.panel(subject_type, subject_id)
                if panel:
                    found.append(panel)
        return found

    def attached(self, tenant, subject_type: str, ids: list[int]) -> dict[int, list]:
        if self.subject_type(tenant, subject_type) is None or not ids:
            return {}
        found: dict[int, list] = {}
        for capability in self.enabled(tenant):
            if capability.attached:
                for subject_id, item in capability.attached(subject_type, ids).items():
                    found.setdefault(subject_id, []).append(item)
        return found

    # --- subjects, kits, notifications -------------------------------------------------------

    def subject_type(self, tenant, name: str):
        """The subject type `name` if its capability exists in this space."""
        for capability in self.enabled(tenant):
            for subject in capability.subjects:
                if subject.name == name:
                    return subject
        return None

    def kit_keys(self) -> dict[str, KitKey]:
        return {key.path: key for c in self.capabilities.values() for key in c.kit_keys}

    def notification_kinds(self) -> dict[str, object]:
        return {k: v for c in self.capabilities.values() for k, v in c.notification_kinds.items()}

    def audit_actions(self) -> dict[str, object]:
        return {k: v for c in self.capabilities.values() for k, v in c.audit_actions.items()}


def registry(app: Flask | None = None) -> Registry:
    app = app or current_app
    return app.extensions[EXTENSION]


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = Registry()

    # functions for the templates: globals, not a context processor run on every page
    app.jinja_env.globals.update(
        space_navigation=_navigation, navigation_by_level=navigation_by_level
    )


def register_capability(app: Flask, capability: Capability) -> Capability:
    """Declare a capability: register it and its blueprints (whose pages `module_gate` then
    answers with 404 in spaces that have the capability's module off)."""
    registry(app).add(capability)
    for blueprint in capability.blueprints:
        app.register_blueprint(blueprint)
    register_predicates(app, *capability.predicates)
    try:
        pagecache.cache_pages(app, capability.cacheable)
    except KeyError as error:
        raise CapabilityError(f"capability {capability.name!r}: {error.args[0]}") from None
    return capability


def module_gate() -> None:
    """A before_request hook of every tenant blueprint (tenants/routing.py): the pages of a
    capability exist only in spaces that have its module switched on."""
    tenant = g.get("tenant")
    module = registry().blueprint_modules.get(request.blueprint or "")
    if tenant is not None and module and module not in (tenant.modules or []):
        abort(404)


def _navigation(tenant, user) -> list[NavItem]:
    return registry().navigation(tenant, user)


def navigation_by_level() -> bool:
    """Whether the space's navigation follows from the viewer level alone (every entry's
    permission is a tenant-level predicate), so it may be drawn once per level and kept."""
    from solidarna.core.permissions import PREDICATES

    found = registry()
    # asked twice on each logged-in page; the capabilities and predicates are registered
    # when the app is made, so the answer is kept for as long as their numbers stay
    state = (len(PREDICATES), len(found.capabilities))
    kept = found._navigation_by_level
    if kept is not None and kept[0] == state:
        return kept[1]
    known = {id(p) for p in PREDICATES.values()}
    answer = all(
        item.permission is None or id(item.permission) in known
        for capability in found.capabilities.values()
        for item in capability.nav
    )
    found._navigation_by_level = (state, answer)
    return answer


def current_tenant():
    return g.get("tenant") if has_app_context() else None


def module_labels() -> dict[str, object]:
    return registry().modules()
