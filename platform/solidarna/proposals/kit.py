"""The kit key proposals own: `[[starter.proposal_templates]]`, the proven starting texts a
new space offers (a local decision on support for social enterprises, a reserved-contracts
clause, a budget programme line ...), and starting a proposal from one.

A template is a table with a `key` (its address, lowercase letters, digits and dashes), a
`title` (optional `title_en` and `description` / `description_en` for the list), its `kind`
and `level`, any of the sections (`summary`, `problem`, `measure`, `legal_basis`,
`memorandum`, `impact`, `references`) and of the fiscal fields (`fiscal_cost`, `fiscal_source`,
`fiscal_budget_line`, `fiscal_period`), and its text as `[[...parts]]` in reading order: each
part a table with `kind` (chapter, article, paragraph, point), an optional `heading` and a
`body` (markdown). A part hangs under the nearest part before it that may hold it (an article
after a chapter is in that chapter, a paragraph in the last article, a point in the last
paragraph or article), exactly as the text would be written out; the numbers follow from the
place, as in every proposal (text.py). `tenants export` writes the stored list back out."""

from __future__ import annotations

import re

from flask_babel import gettext as _

from solidarna.core import markdown
from solidarna.core.capabilities import PartsOutline, TemplateOutline, TextField
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.extensions import db
from solidarna.proposals import services, text
from solidarna.proposals.models import (
    FISCAL_FIELDS,
    KINDS,
    LEVELS,
    PART_KINDS,
    PART_PARENTS,
    SECTIONS,
    ProposalPart,
    ProposalVersion,
)

KIT_KEY = "proposal_templates"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
TEXT_KEYS = {"title_en", "description", "description_en", *SECTIONS}
STRING_FISCAL = ("fiscal_source", "fiscal_budget_line", "fiscal_period")
TEMPLATE_KEYS = {"key", "title", "kind", "level", "parts", "fiscal_cost", "retired",
                 *TEXT_KEYS, *STRING_FISCAL}  # fmt: skip
PART_KEYS = {"kind", "heading", "body"}
#: the longest texts (the forms' limits)
LIMITS = {"title": 300, "title_en": 300, "heading": 300, "body": 20_000,
          "fiscal_source": 300, "fiscal_budget_line": 200, "fiscal_period": 100}  # fmt: skip
SECTION_LIMIT = 50_000


def place_parts(parts: list[dict]) -> list[int | None]:
    """The index of each part's parent (None: the top of the text), by the outline rule; a
    ValueError names the first part that has no place."""
    parents: list[int | None] = []
    stack: list[int] = []  # indexes of the open parts, outermost first
    for index, part in enumerate(parts):
        allowed = PART_PARENTS[part["kind"]]
        while stack and parts[stack[-1]]["kind"] not in allowed:
            stack.pop()
        if stack:
            parents.append(stack[-1])
        elif None in allowed:
            parents.append(None)
        else:
            raise ValueError(index)
        stack.append(index)
    return parents


def _part_problems(number: int, parts) -> list:
    if not isinstance(parts, list):
        return [_l("template %(number)d: parts must be a list of tables", number=number)]
    problems = []
    for n, part in enumerate(parts, start=1):
        if not isinstance(part, dict):
            problems.append(_l("template %(number)d, part %(part)d must be a table", number=number, part=n))  # fmt: skip
            continue
        unknown = sorted(set(part) - PART_KEYS)
        if unknown:
            problems.append(_l("template %(number)d, part %(part)d: unknown key %(key)r", number=number, part=n, key=unknown[0]))  # fmt: skip
        if part.get("kind") not in PART_KINDS:
            problems.append(_l("template %(number)d, part %(part)d: kind must be one of %(values)s", number=number, part=n, values=", ".join(PART_KINDS)))  # fmt: skip
        for key in ("heading", "body"):
            value = part.get(key, "")
            if not isinstance(value, str) or len(value) > LIMITS[key]:
                problems.append(_l("template %(number)d, part %(part)d: %(key)s must be a string of at most %(max)d characters", number=number, part=n, key=key, max=LIMITS[key]))  # fmt: skip
    if len(parts) > text.MAX_PARTS:
        problems.append(_l("template %(number)d has more than %(max)d parts", number=number, max=text.MAX_PARTS))  # fmt: skip
    if not problems:
        try:
            place_parts(parts)
        except ValueError as error:
            problems.append(_l("template %(number)d, part %(part)d: a %(kind)s must follow the part that holds it (an article or a paragraph)", number=number, part=error.args[0] + 1, kind=parts[error.args[0]]["kind"]))  # fmt: skip
    return problems


def _template_problems(number: int, item) -> list:
    if not isinstance(item, dict):
        return [_l("template %(number)d must be a table", number=number)]
    problems = []
    unknown = sorted(set(item) - TEMPLATE_KEYS)
    if unknown:
        problems.append(_l("template %(number)d: unknown key %(key)r", number=number, key=unknown[0]))  # fmt: skip
    if not isinstance(item.get("key"), str) or not KEY.match(item["key"]):
        problems.append(_l("template %(number)d needs a key of lowercase letters, digits and dashes (at most 60)", number=number))  # fmt: skip
    title = item.get("title")
    if not isinstance(title, str) or not 5 <= len(title.strip()) <= LIMITS["title"]:
        problems.append(_l("template %(number)d needs a title of 5 to %(max)d characters", number=number, max=LIMITS["title"]))  # fmt: skip
    if item.get("kind") not in KINDS:
        problems.append(_l("template %(number)d: kind must be one of %(values)s", number=number, values=", ".join(KINDS)))  # fmt: skip
    if item.get("level", "local") not in LEVELS:
        problems.append(_l("template %(number)d: level must be one of %(values)s", number=number, values=", ".join(LEVELS)))  # fmt: skip
    for key in sorted(TEXT_KEYS | set(STRING_FISCAL)):
        value = item.get(key, "")
        limit = LIMITS.get(key, SECTION_LIMIT)
        if not isinstance(value, str) or len(value) > limit:
            problems.append(_l("template %(number)d: %(key)s must be a string of at most %(max)d characters", number=number, key=key, max=limit))  # fmt: skip
    if "retired" in item and not isinstance(item["retired"], bool):
        problems.append(_l("template %(number)d: retired must be true or false", number=number))  # fmt: skip
    cost = item.get("fiscal_cost")
    if cost is not None and (not isinstance(cost, int) or isinstance(cost, bool) or cost < 0):
        problems.append(_l("template %(number)d: fiscal_cost must be a whole number of dinars", number=number))  # fmt: skip
    return problems + _part_problems(number, item.get("parts", []))


def validate_templates(value, kit: dict) -> tuple[object, list]:
    if not isinstance(value, list) or not value:
        return value, [_l("must be a list of tables, for example [[starter.proposal_templates]]")]
    problems = []
    for number, item in enumerate(value, start=1):
        problems.extend(_template_problems(number, item))
    keys = [item.get("key") for item in value if isinstance(item, dict)]
    for key in sorted({k for k in keys if isinstance(k, str) and keys.count(k) > 1}):
        problems.append(_l("the key %(key)r is used by two templates", key=key))
    return value, problems


# --- how the space's settings page edits them (tenants/templates.py) -------------------------


def _part_name(part: dict) -> str:
    return str(PART_KINDS.get(part.get("kind"), ""))


def _start_link(template: dict) -> list:
    from flask import url_for

    return [(_l("Start a proposal from it"),
             url_for("proposal_templates.from_template", name=template["key"]))]  # fmt: skip


OUTLINE = TemplateOutline(
    label=_l("Proposal templates"),
    fields=(
        TextField("title", _l("Title"), max=LIMITS["title"], required=True),
        TextField("title_en", _l("Title in English (optional)"), max=LIMITS["title_en"]),
        TextField("description", _l("Description"), max=SECTION_LIMIT, long=True),
        TextField("description_en", _l("Description in English (optional)"), max=SECTION_LIMIT,
                  long=True),
        TextField("kind", _l("Kind of measure"), choices=lambda: KINDS, default="local_decision"),
        TextField("level", _l("Level"), choices=lambda: LEVELS, default="local"),
        *(TextField(name, label, max=SECTION_LIMIT, long=True) for name, label in SECTIONS.items()),
    ),
    parts=PartsOutline(
        "parts", _l("Part"), describe=_part_name, editable=True,
        fields=(TextField("kind", _l("Kind of part"), choices=lambda: PART_KINDS, default="article"),
                TextField("heading", _l("Heading"), max=LIMITS["heading"]),
                TextField("body", _l("Text or guidance"), max=LIMITS["body"], long=True)),
    ),
    new=lambda: {"level": "local", "parts": []},
    structure=_l(
        "New parts go at the end of the text; a part hangs under the nearest part before it "
        "that may hold it (an article under a chapter, a paragraph under an article)."
    ),
    links=_start_link,
)  # fmt: skip


# --- starting a proposal from a template -----------------------------------------------------


def templates(tenant) -> list[dict]:
    """The templates the space offers (not those its owners retired, tenants/templates.py)."""
    found = (getattr(tenant, "starter", None) or {}).get(KIT_KEY) or []
    return [
        t for t in found
        if isinstance(t, dict) and isinstance(t.get("key"), str) and t.get("retired") is not True
    ]  # fmt: skip


def find(tenant, key: str) -> dict | None:
    return next((t for t in templates(tenant) if t["key"] == key), None)


def create_from_template(template: dict, data: dict, author):
    """A new draft with the template's text, sections and fiscal fields, as its first version
    (one version: the state the draft starts in)."""
    proposal = services.create(
        data, author, _("Started from the template “%(title)s”", title=template["title"])
    )
    for name in SECTIONS:
        setattr(proposal, name, (template.get(name) or "").strip())
    for name in FISCAL_FIELDS:
        if name in template:
            setattr(proposal, name, template[name])
    parts = template.get("parts", [])
    rows: list[ProposalPart] = []
    positions: dict[int | None, int] = {}
    for part, parent in zip(parts, place_parts(parts), strict=True):
        body = (part.get("body") or "").strip()
        row = ProposalPart(
            proposal_id=proposal.id, code=text.new_code(proposal),
            parent_id=rows[parent].id if parent is not None else None,
            position=positions.get(parent, 0), kind=part["kind"],
            heading=(part.get("heading") or "").strip(), body=body,
            body_html=str(markdown.render(body)),
        )  # fmt: skip
        positions[parent] = positions.get(parent, 0) + 1
        db.session.add(row)
        db.session.flush()
        rows.append(row)
    proposal.refresh_search()
    db.session.flush()
    first = db.session.scalar(
        db.select(ProposalVersion).where(ProposalVersion.proposal_id == proposal.id)
    )
    first.snapshot = text.snapshot(proposal)
    return proposal
