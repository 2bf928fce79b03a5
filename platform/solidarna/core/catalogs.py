"""Generate the Cyrillic catalog from the Latin one (DESIGN §6).

    python -m solidarna.core.catalogs

Reads translations/sr_Latn/LC_MESSAGES/messages.po and writes sr_Cyrl with every
translation transliterated; placeholders (%(name)s, {name}), markup and URLs stay intact
(core/script.py protects them). The two catalogs therefore never drift.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from solidarna.core.script import to_cyrillic

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"


def cyrillic_catalog(
    source: Path = TRANSLATIONS / "sr_Latn/LC_MESSAGES/messages.po",
    target: Path = TRANSLATIONS / "sr_Cyrl/LC_MESSAGES/messages.po",
) -> int:
    with source.open("rb") as handle:
        catalog = read_po(handle, locale="sr_Latn")
    catalog.locale = "sr_Cyrl"
    count = 0
    for message in catalog:
        if not message.id or not message.string:
            continue
        if isinstance(message.string, tuple | list):
            message.string = tuple(to_cyrillic(s) for s in message.string)
        else:
            message.string = to_cyrillic(message.string)
        count += 1
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return count


if __name__ == "__main__":
    n = cyrillic_catalog()
    print(f"sr_Cyrl: {n} messages transliterated from sr_Latn", file=sys.stderr)
