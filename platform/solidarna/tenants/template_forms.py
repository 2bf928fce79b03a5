"""The form of one template on /<slug>/admin/settings/templates (tenants/templates.py), built
from its capability's `TemplateOutline`: the template's texts, then each part's (a proposal
template's parts, a survey template's sections and their questions), with rows for new parts
where the outline allows them.

Field names: `t__<name>` for the template's own, `p<i>__<name>` for part i, `p<i>_<j>__<name>`
for inner part j of part i, `n<k>__<name>` for a new part, `p<i>__remove` to take one out."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from solidarna.accounts.forms import REQUIRED
from solidarna.core.capabilities import PartsOutline, TemplateOutline, TextField
from solidarna.core.forms import ENGLISH_INPUT, ChoiceField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.tenants.templates import digest

#: how many empty rows for new parts the page offers (save to get more)
NEW_PARTS = 3


@dataclass
class Group:
    """One fieldset of the page: a part (or the new part rows) with its fields."""

    id: str
    legend: str
    fields: list
    depth: int = 0
    remove: object = None
    inner: list = field(default_factory=list)


def _field(spec: TextField, required: bool):
    label = spec.label
    if spec.choices is not None:
        return ChoiceField(label, choices=choices(spec.choices()))
    validators = [DataRequired(REQUIRED)] if required else [Optional()]
    validators.append(Length(max=spec.max))
    kw = {"render_kw": ENGLISH_INPUT} if spec.name.endswith("_en") else {}
    if spec.long:
        return TextAreaField(label, validators=validators, **kw)
    return StringField(label, validators=validators, **kw)


class TemplateForm(FlaskForm):
    """Built by `template_form` for one template (or a new one) of one kit key."""

    outline: TemplateOutline
    original: dict
    #: the digest of the template the form was drawn from: a template changed since (another
    #: owner's save, a kit upgrade) is not overwritten by a form whose parts no longer match
    drawn_from = HiddenField()

    def is_stale(self) -> bool:
        return self.drawn_from.data != digest(self.original)

    # --- what the page draws -------------------------------------------------------------

    def top(self) -> list:
        return [self[f"t__{spec.name}"] for spec in self.outline.fields]

    def groups(self) -> list[Group]:
        parts = self.outline.parts
        if parts is None:
            return []
        found = []
        for i, part in enumerate(self.original.get(parts.name) or []):
            group = self._group(parts, part, f"p{i}", i + 1)
            if parts.inner is not None:
                for j, inner in enumerate(part.get(parts.inner.name) or []):
                    group.inner.append(self._group(parts.inner, inner, f"p{i}_{j}", j + 1, 1))
            found.append(group)
        return found

    def new_groups(self) -> list[Group]:
        parts = self.outline.parts
        if parts is None or not parts.editable:
            return []
        return [
            Group(f"n{k}", str(_l("New part %(number)d", number=k + 1)),
                  [self[f"n{k}__{spec.name}"] for spec in parts.fields])
            for k in range(NEW_PARTS)
        ]  # fmt: skip

    def _group(self, outline: PartsOutline, part: dict, prefix: str, number: int, depth=0):
        legend = f"{outline.label} {number}"
        if outline.describe is not None and outline.describe(part):
            legend = f"{legend}: {outline.describe(part)}"
        return Group(
            prefix, legend, [self[f"{prefix}__{spec.name}"] for spec in outline.fields], depth,
            remove=self[f"{prefix}__remove"] if outline.editable else None,
        )  # fmt: skip

    # --- what was sent ---------------------------------------------------------------------

    def template(self, key: str) -> dict:
        """The template as it will be stored: the original with the sent texts in place (an
        empty optional text taken out, as a kit leaves it out), parts taken out or added."""
        result = copy.deepcopy(self.original)
        result["key"] = key
        _apply(result, self.outline.fields, self, "t")
        parts = self.outline.parts
        if parts is None:
            return result
        rows = []
        for i, part in enumerate(result.get(parts.name) or []):
            if parts.editable and self[f"p{i}__remove"].data:
                continue
            _apply(part, parts.fields, self, f"p{i}")
            if parts.inner is not None:
                for j, inner in enumerate(part.get(parts.inner.name) or []):
                    _apply(inner, parts.inner.fields, self, f"p{i}_{j}")
            rows.append(part)
        if parts.editable:
            for k in range(NEW_PARTS):
                texts = [s for s in parts.fields if s.choices is None]
                if not any((self[f"n{k}__{s.name}"].data or "").strip() for s in texts):
                    continue
                part: dict = {}
                _apply(part, parts.fields, self, f"n{k}")
                rows.append(part)
        if parts.name in result or rows:
            result[parts.name] = rows
        return result


def _apply(target: dict, specs, form, prefix: str) -> None:
    for spec in specs:
        value = form[f"{prefix}__{spec.name}"].data
        value = value.strip() if isinstance(value, str) else value
        if value in (None, ""):
            target.pop(spec.name, None)
        else:
            target[spec.name] = value


def _add(attrs: dict, initial: dict, outline: PartsOutline, part: dict, prefix: str) -> None:
    for spec in outline.fields:
        attrs[f"{prefix}__{spec.name}"] = _field(spec, spec.required)
        initial[f"{prefix}__{spec.name}"] = part.get(spec.name, spec.default)
    if outline.editable:
        attrs[f"{prefix}__remove"] = BooleanField(_l("Take this part out"))


def template_form(outline: TemplateOutline, template: dict | None, **kwargs) -> TemplateForm:
    """The form for `template` (None: a new one, starting from `outline.new()`)."""
    original = copy.deepcopy(template) if template is not None else dict(
        outline.new() if outline.new else {}
    )  # fmt: skip
    attrs: dict = {"outline": outline, "original": original}
    initial: dict = {}
    for spec in outline.fields:
        attrs[f"t__{spec.name}"] = _field(spec, spec.required)
        initial[f"t__{spec.name}"] = original.get(spec.name, spec.default)
    parts = outline.parts
    if parts is not None:
        for i, part in enumerate(original.get(parts.name) or []):
            _add(attrs, initial, parts, part, f"p{i}")
            if parts.inner is not None:
                for j, inner in enumerate(part.get(parts.inner.name) or []):
                    _add(attrs, initial, parts.inner, inner, f"p{i}_{j}")
        if parts.editable:
            for k in range(NEW_PARTS):
                for spec in parts.fields:
                    attrs[f"n{k}__{spec.name}"] = _field(spec, False)
                    initial[f"n{k}__{spec.name}"] = spec.default
    initial["drawn_from"] = digest(original)
    form_class = type("SpaceTemplateForm", (TemplateForm,), attrs)
    return form_class(data=initial, **kwargs)
