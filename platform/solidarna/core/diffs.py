"""Word-level differences between two texts (DESIGN §12: versions and diffs), rendered with
<ins> and <del> so they read without JavaScript and in print. The whitespace is kept: a text
that only gained a line break shows it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

_TOKENS = re.compile(r"\s+|[^\s]+")


def words(text: str | None) -> list[str]:
    """The text as words and the whitespace between them (joined back, the very text)."""
    return _TOKENS.findall(text or "")


@dataclass(frozen=True)
class Change:
    #: "equal", "insert", "delete"
    op: str
    text: str


def changes(old: str | None, new: str | None) -> list[Change]:
    """The text as runs that stayed, were deleted or were inserted, in reading order (a
    replaced run is its deletion followed by its insertion)."""
    a, b = words(old), words(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    runs: list[Change] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Change("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            runs.append(Change("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(Change("insert", "".join(b[j1:j2])))
    return runs


def render(old: str | None, new: str | None) -> Markup:
    """The new text with what was deleted in <del> and what was inserted in <ins> (escaped)."""
    out = []
    for run in changes(old, new):
        if run.op == "equal":
            out.append(escape(run.text))
        else:
            tag = "ins" if run.op == "insert" else "del"
            out.append(Markup(f"<{tag}>%s</{tag}>") % run.text)
    return Markup("").join(out)


def render_side(old: str | None, new: str | None) -> tuple[Markup, Markup]:
    """Side by side: (the old text with deletions marked, the new text with insertions)."""
    left, right = [], []
    for run in changes(old, new):
        if run.op == "equal":
            left.append(escape(run.text))
            right.append(escape(run.text))
        elif run.op == "delete":
            left.append(Markup("<del>%s</del>") % run.text)
        else:
            right.append(Markup("<ins>%s</ins>") % run.text)
    return Markup("").join(left), Markup("").join(right)
