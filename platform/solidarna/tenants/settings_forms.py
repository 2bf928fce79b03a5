"""The forms of a space's settings page besides the general one (tenants/forms.py
TenantSettingsForm): the logo, and the lists and defaults the capabilities own in the kit,
built from their `KitKey.editor` (tenants/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, Form, HiddenField, StringField
from wtforms.fields import FieldList, FormField
from wtforms.validators import Length, Optional

from solidarna.core import storage
from solidarna.core.capabilities import KitKey
from solidarna.core.forms import ENGLISH_INPUT, ChoiceField, MultiCheckboxField, choices
from solidarna.core.i18n import lazy_gettext as _l
from solidarna.tenants import settings

#: how many empty rows a list of items offers for new ones
NEW_ROWS = 3
ITEM_NAME_MAX = 120


def logo_help():
    use = storage.USES[settings.LOGO_USE]
    return _l(
        "Accepted: %(kinds)s, at most %(size)s. Shown in the header, on the home page and "
        "when a link to the space is shared; larger images are scaled down to %(side)d pixels.",
        kinds=use.labels(), size=storage.human_size(use.max_bytes()),
        side=use.max_dimensions[0],
    )  # fmt: skip


class LogoForm(FlaskForm):
    logo = FileField(
        _l("Logo"),
        validators=[storage.FileCheck(settings.LOGO_USE)],
        render_kw={"accept": "image/png,image/jpeg"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.logo.description = logo_help()


class ItemForm(Form):
    """One item of a list (a working-group theme): its code stays, its names change."""

    code = HiddenField()
    name = StringField(_l("Name"), validators=[Optional(), Length(max=ITEM_NAME_MAX)])
    name_en = StringField(
        _l("Name in English (optional)"),
        validators=[Optional(), Length(max=ITEM_NAME_MAX)],
        render_kw=ENGLISH_INPUT,
    )
    remove = BooleanField(_l("Take off the list"))


@dataclass
class Editor:
    """One kit key on the page: its key and the form fields that edit it."""

    key: KitKey
    #: "choices": a MultiCheckboxField; "items": a FieldList; "mapping": [(label, field)]
    fields: list

    @property
    def name(self) -> str:
        return field_name(self.key)


def field_name(key: KitKey, part: str = "") -> str:
    return f"k__{key.key}" + (f"__{part}" if part else "")


class ListsForm(FlaskForm):
    """Built for one space by `lists_form`: a field (or fields) per editable kit key."""

    def editors(self) -> list[Editor]:
        found = []
        for key in self._keys:
            if key.editor == "mapping":
                fields = [
                    (label, self[field_name(key, code)]) for code, label in key.fields().items()
                ]
            else:
                fields = [self[field_name(key)]]
            found.append(Editor(key, fields))
        return found

    def values(self) -> dict[KitKey, object]:
        """{key: the value to store} from what was sent (codes for new items made here)."""
        values: dict[KitKey, object] = {}
        for key in self._keys:
            if key.editor == "choices":
                values[key] = list(self[field_name(key)].data or [])
            elif key.editor == "mapping":
                values[key] = {code: self[field_name(key, code)].data for code in key.fields()}
            elif key.editor == "items":
                rows = [entry.form for entry in self[field_name(key)]]
                kept = [r for r in rows if not r.remove.data and (r.name.data or "").strip()]
                taken = {r.code.data for r in kept if r.code.data}
                items = []
                for row in kept:
                    code = row.code.data or settings.new_code(row.name.data, taken)
                    taken.add(code)
                    item = {"code": code, "name": row.name.data.strip()}
                    if (row.name_en.data or "").strip():
                        item["name_en"] = row.name_en.data.strip()
                    items.append(item)
                values[key] = items
        return values

    def check(self, tenant) -> bool:
        """Validate the fields, then each key's value the way a kit's is checked (problems
        shown at the key's fields). True when everything may be stored."""
        valid = self.validate()
        if not valid:
            return False
        values = self.values()
        kit = {"taxonomies": {**(tenant.taxonomies or {}),
                              **{key.key: value for key, value in values.items()}}}  # fmt: skip
        for key, value in values.items():
            if key.editor == "items" and not value:
                self.key_errors[key.key] = [str(_l("Keep at least one item on the list."))]
                continue
            if key.editor == "choices" and not value:
                continue  # an empty list: the space expects nothing in particular
            _value, problems = key.validate(value, kit)
            if problems:
                self.key_errors[key.key] = [str(problem) for problem in problems]
        return not self.key_errors


def lists_form(tenant, **kwargs) -> ListsForm:
    """The lists form for this space: its capabilities' editable kit keys, filled from what
    the space has (or the platform's default)."""
    keys = settings.editable_keys(tenant)
    attrs: dict = {"_keys": keys}
    initial: dict = {}
    for key in keys:
        current = settings.current_value(tenant, key)
        if key.editor == "choices":
            options = dict(key.choices())
            for code in current or []:  # codes the space has beyond the platform's list
                options.setdefault(code, code.replace("_", " ").capitalize())
            attrs[field_name(key)] = MultiCheckboxField(
                key.label, choices=choices(options), default=list(current or [])
            )
        elif key.editor == "mapping":
            for code, label in key.fields().items():
                attrs[field_name(key, code)] = ChoiceField(
                    label, choices=choices(key.choices()), default=(current or {}).get(code)
                )
        elif key.editor == "items":
            items = list(current or [])
            attrs[field_name(key)] = FieldList(
                FormField(ItemForm), label=key.label, min_entries=len(items) + NEW_ROWS
            )
            initial[field_name(key)] = [
                {"code": i.get("code"), "name": i.get("name"), "name_en": i.get("name_en") or ""}
                for i in items
            ]
    form_class = type("SpaceListsForm", (ListsForm,), attrs)
    form = form_class(data=initial or None, **kwargs)
    form.key_errors = {}
    return form
