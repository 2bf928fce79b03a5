"""The kit key research owns: `[[starter.survey_templates]]`, questionnaires a space starts a
survey from (the pilot's research of the SSE actors, the mapping of local community
resources ...); `tenants export` writes the stored list back out.

A template is a table with a `key` (lowercase letters, digits and dashes), a `title`, an
optional `description` and `access` ("public", "members", "invitation"), and its
`[[...sections]]` in order, each with a `title`, an optional `intro` and its
`[[...questions]]`: each with a `code` (the variable code), a `kind` (core/questions.KINDS), a
`label`, optional `help` and `required`, the kind's settings (`options` as a list of
`{value, label}` tables, `other`, `max_choices`, `min`, `max`, `integer`, `unit`, `min_label`,
`max_label`, `rows`) and an optional `condition` table (`question`, `op`, `value`), checked
exactly as the builder checks them when a survey is saved."""

from __future__ import annotations

import re

from solidarna.core import questions
from solidarna.core.capabilities import PartsOutline, TemplateOutline, TextField
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.research.models import ACCESS

KIT_KEY = "survey_templates"
KEY = re.compile(r"^[a-z0-9][a-z0-9-]{0,59}$")
TEMPLATE_KEYS = {"key", "title", "description", "access", "sections", "retired"}
SECTION_KEYS = {"title", "intro", "questions"}
QUESTION_KEYS = {"code", "kind", "label", "help", "required", "condition"}
CONDITION_KEYS = {"question", "op", "value"}
SETTING_KEYS = {name for kind in questions.KINDS.values() for name in kind.settings}
LIMITS = {"title": 200, "label": 500, "intro": 5000, "help": 2000, "description": 5000}


def question_settings(raw: dict) -> dict:
    """A kit's (or a form's) question table's settings, for its kind."""
    kind = questions.KINDS.get(raw.get("kind"))
    if kind is None:
        return {}
    return {name: raw[name] for name in kind.settings if name in raw}


def _question_problems(where, raw) -> list:
    if not isinstance(raw, dict):
        return [_l("%(where)s must be a table", where=where)]
    problems = []
    unknown = sorted(set(raw) - QUESTION_KEYS - SETTING_KEYS)
    if unknown:
        problems.append(_l("%(where)s: unknown key %(key)r", where=where, key=unknown[0]))
    code = raw.get("code")
    if not isinstance(code, str) or not questions.CODE.match(code):
        problems.append(
            _l(
                "%(where)s: code must be lowercase letters, digits and _, starting with a letter",
                where=where,
            )
        )
    if raw.get("kind") not in questions.KINDS:
        problems.append(_l("%(where)s: unknown kind %(kind)r", where=where, kind=raw.get("kind")))
        return problems
    label = raw.get("label")
    if not isinstance(label, str) or not label.strip() or len(label) > LIMITS["label"]:
        problems.append(
            _l("%(where)s: label must be a text of at most 500 characters", where=where)
        )
    for name in ("help",):
        if name in raw and (not isinstance(raw[name], str) or len(raw[name]) > LIMITS[name]):
            problems.append(
                _l("%(where)s: %(key)s is too long or not a text", where=where, key=name)
            )
    if "required" in raw and not isinstance(raw["required"], bool):
        problems.append(_l("%(where)s: required must be true or false", where=where))
    extra = sorted(set(raw) & SETTING_KEYS - set(questions.KINDS[raw["kind"]].settings))
    if extra:
        problems.append(
            _l("%(where)s: %(key)s does not apply to this kind", where=where, key=extra[0])
        )
    for problem in questions.settings_problems(raw["kind"], question_settings(raw)):
        problems.append(_l("%(where)s: %(problem)s", where=where, problem=problem))
    condition = raw.get("condition")
    if condition is not None and (
        not isinstance(condition, dict) or set(condition) - CONDITION_KEYS
    ):
        problems.append(
            _l("%(where)s: condition must be a table of question, op and value", where=where)
        )
    return problems


def template_problems(number: int, template) -> list:
    where = _l("survey template %(number)d", number=number)
    if not isinstance(template, dict):
        return [_l("%(where)s must be a table", where=where)]
    problems = []
    unknown = sorted(set(template) - TEMPLATE_KEYS)
    if unknown:
        problems.append(_l("%(where)s: unknown key %(key)r", where=where, key=unknown[0]))
    if not isinstance(template.get("key"), str) or not KEY.match(template["key"]):
        problems.append(
            _l("%(where)s: key must be lowercase letters, digits and dashes", where=where)
        )
    title = template.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > LIMITS["title"]:
        problems.append(
            _l("%(where)s: title must be a text of at most 200 characters", where=where)
        )
    if "retired" in template and not isinstance(template["retired"], bool):
        problems.append(_l("%(where)s: retired must be true or false", where=where))
    if "access" in template and template["access"] not in ACCESS:
        problems.append(_l("%(where)s: access must be one of %(values)s", where=where, values=", ".join(ACCESS)))  # fmt: skip
    sections = template.get("sections")
    if not isinstance(sections, list) or not sections:
        problems.append(_l("%(where)s: sections must be a list of tables", where=where))
        return problems
    flat = []
    for s, section in enumerate(sections, start=1):
        swhere = _l("%(where)s, section %(section)d", where=where, section=s)
        if not isinstance(section, dict):
            problems.append(_l("%(where)s must be a table", where=swhere))
            continue
        unknown = sorted(set(section) - SECTION_KEYS)
        if unknown:
            problems.append(_l("%(where)s: unknown key %(key)r", where=swhere, key=unknown[0]))
        if not isinstance(section.get("title"), str) or not section["title"].strip():
            problems.append(_l("%(where)s: a section needs a title", where=swhere))
        for q, raw in enumerate(section.get("questions") or [], start=1):
            qwhere = _l("%(where)s, question %(question)d", where=swhere, question=q)
            found = _question_problems(qwhere, raw)
            problems.extend(found)
            if not found:
                # the engine reads a question's settings from `settings`, as stored
                flat.append({**raw, "settings": question_settings(raw)})
    codes = [raw["code"] for raw in flat]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(_l("%(where)s: code %(code)s is used twice", where=where, code=code))
    if not problems:
        for problem in questions.condition_problems(flat):
            problems.append(
                _l(
                    "%(where)s, question %(code)s: %(problem)s",
                    where=where,
                    code=problem.code,
                    problem=problem.message,
                )  # fmt: skip
            )
    return problems


def validate_templates(value, kit) -> tuple[object, list]:
    if not isinstance(value, list):
        return [], [_l("starter.survey_templates must be a list of tables")]
    problems = []
    for number, template in enumerate(value, start=1):
        problems.extend(template_problems(number, template))
    keys = [t.get("key") for t in value if isinstance(t, dict)]
    for key in sorted({k for k in keys if keys.count(k) > 1 and k}):
        problems.append(_l("survey template key %(key)s is used twice", key=key))
    return value, problems


def export_templates(value) -> object:
    return value


def templates(tenant, retired: bool = False) -> list[dict]:
    """The space's survey templates (from its kit, as stored): those it offers, or with
    `retired` also those its owners retired (tenants/templates.py)."""
    found = (getattr(tenant, "starter", None) or {}).get(KIT_KEY) or []
    return [t for t in found if isinstance(t, dict) and (retired or t.get("retired") is not True)]


# --- how the space's settings page edits them (tenants/templates.py) -------------------------


def _question_name(question: dict) -> str:
    return (
        str(questions.KINDS[question["kind"]].label)
        if question.get("kind") in questions.KINDS
        else ""
    )


def _start_link(template: dict) -> list:
    from flask import url_for

    return [(_l("Start a survey from it"), url_for("research_build.new", template=template["key"]))]


OUTLINE = TemplateOutline(
    label=_l("Survey templates"),
    fields=(
        TextField("title", _l("Title"), max=LIMITS["title"], required=True),
        TextField("description", _l("Description"), max=LIMITS["description"], long=True),
        TextField("access", _l("Who may answer"), choices=lambda: ACCESS, default="public"),
    ),
    parts=PartsOutline(
        "sections", _l("Questionnaire section"),
        fields=(TextField("title", _l("Section title"), max=LIMITS["title"], required=True),
                TextField("intro", _l("Introduction"), max=LIMITS["intro"], long=True)),
        inner=PartsOutline(
            "questions", _l("Question"), describe=_question_name,
            fields=(TextField("label", _l("Question text"), max=LIMITS["label"], long=True,
                              required=True),
                    TextField("help", _l("Help"), max=LIMITS["help"], long=True)),
        ),
    ),
    new=lambda: {"access": "public", "sections": [{"title": str(_l("Section 1")), "questions": []}]},
    structure=_l(
        "This page changes the texts. To add, remove or move questions or change their "
        "options, start a survey from the template, change it in the survey builder and save "
        "it back as the space's template from there."
    ),
    links=_start_link,
)  # fmt: skip
