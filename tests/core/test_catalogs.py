"""The interface is complete in every language: every extracted string is translated."""

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from solidarna.core.catalogs import cyrillic_catalog
from solidarna.core.script import to_cyrillic

TRANSLATIONS = Path(__file__).resolve().parents[2] / "platform/solidarna/translations"


def load(locale):
    with (TRANSLATIONS / locale / "LC_MESSAGES/messages.po").open("rb") as handle:
        return read_po(handle, locale=locale.replace("_Latn", "").replace("_Cyrl", ""))


def template_ids():
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


def test_latin_catalog_translates_every_string():
    catalog = load("sr_Latn")
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id)
    assert not missing, f"{len(missing)} untranslated in sr_Latn: {missing[:10]}"


@pytest.mark.parametrize("locale", ["sr_Latn", "en"])
def test_catalogs_cover_the_template(locale):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in load(locale) if m.id}
    assert template_ids() <= ids, f"run `make messages`: {sorted(template_ids() - ids)[:10]}"


def test_serbian_plurals_have_three_forms():
    catalog = load("sr_Latn")
    assert catalog.num_plurals == 3
    plurals = [m for m in catalog if m.pluralizable and m.id]
    assert plurals, "no plural message in the catalog: the check below would check nothing"
    for message in plurals:
        assert len(message.string) == 3 and all(message.string), message.id


def test_cyrillic_catalog_is_generated_from_latin(tmp_path):
    target = tmp_path / "messages.po"
    count = cyrillic_catalog(target=target)
    assert count > 50
    with target.open("rb") as handle:
        cyrillic = {m.id: m.string for m in read_po(handle) if m.id}
    singular = [m for m in load("sr_Latn") if m.id and isinstance(m.string, str) and m.string]
    assert len(singular) > 50
    for message in singular:
        assert cyrillic[message.id] == to_cyrillic(message.string)
        # placeholders survive untouched
        for placeholder in ("%(name)s", "%(email)s", "%(num)d", "%(role)s", "%(tenant)s"):
            assert message.string.count(placeholder) == cyrillic[message.id].count(placeholder)
