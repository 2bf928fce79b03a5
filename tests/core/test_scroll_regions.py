"""Wide tables scroll inside a region that the keyboard can reach and a screen reader can name
(axe: scrollable-region-focusable): every `.table-wrap` in every template says so."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_every_scrolling_table_is_a_focusable_named_region():
    wraps = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r'<div class="table-wrap"[^>]*>', path.read_text(encoding="utf-8")):
            wraps.append((path.relative_to(TEMPLATES), tag))
    assert len(wraps) > 10
    bad = [
        (str(path), tag)
        for path, tag in wraps
        if 'tabindex="0"' not in tag
        or 'role="region"' not in tag
        or not re.search(r"aria-label(ledby)?=", tag)
    ]
    assert bad == []
