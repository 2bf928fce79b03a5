"""axe-core in the browser tests: run it on the page Playwright shows, and fail on what a
screen-reader or low-vision user would hit.

axe-core itself comes with the `axe-playwright-python` package (its bundled axe.min.js), so no
request leaves the machine. It is injected through Playwright's own evaluation channel, which
the page's Content-Security-Policy does not govern. Violations of impact "serious" or
"critical" fail; "moderate" and "minor" ones are reported by `violations()` for whoever wants
them, and kept in the JSON written on failure."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from tests.conftest import ARTIFACTS

#: the impacts that fail a test
FAILING = ("serious", "critical")
#: WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices (landmarks, headings, region...)
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]
    summary: str  # axe's explanation for the first element (the measured contrast, say)

    def describe(self) -> str:
        shown = ", ".join(self.targets[:6]) + (
            f" (+{len(self.targets) - 6} more)" if len(self.targets) > 6 else ""
        )
        line = f"{self.rule} [{self.impact}] {self.help}\n      on: {shown}"
        if self.summary:
            line += f"\n      {self.summary}"
        return line


def _axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def run_axe(page, *, exclude: list[str] | None = None) -> dict:
    """axe-core's full result for the page as it is now (a dict, as axe returns it)."""
    context = {"exclude": [[s] for s in exclude]} if exclude else None
    options = {"runOnly": {"type": "tag", "values": RULE_TAGS}, "resultTypes": ["violations"]}
    return _axe().run(page, context=context, options=options).response


def violations(result: dict, impacts=FAILING) -> list[Violation]:
    found = []
    for v in result["violations"]:
        if v.get("impact") not in impacts:
            continue
        nodes = v["nodes"]
        first = nodes[0] if nodes else {}
        summary = " ".join(first.get("failureSummary", "").split())
        found.append(
            Violation(
                rule=v["id"],
                impact=v["impact"],
                help=v["help"],
                help_url=v.get("helpUrl", ""),
                targets=tuple(" ".join(map(str, n["target"])) for n in nodes),
                summary=summary[:300],
            )
        )
    return found


def save_result(result: dict, label: str) -> str:
    """The full axe result as JSON in the test artifacts folder; returns the path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", label).strip("_")[:150]
    path = ARTIFACTS / f"axe-{stem}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    return str(path)


def check_page(page, label: str, *, exclude: list[str] | None = None, impacts=FAILING) -> list[str]:
    """Run axe on the page; return one readable report per failing page (empty when clean),
    after saving the full result of a failing page to the artifacts folder."""
    result = run_axe(page, exclude=exclude)
    found = violations(result, impacts)
    if not found:
        return []
    saved = save_result(result, label)
    lines = "\n".join(f"    - {v.describe()}" for v in found)
    return [f"{label} ({page.url})\n{lines}\n    full result: {saved}"]


def assert_accessible(page, label: str = "", *, exclude: list[str] | None = None) -> None:
    """Fail with the serious and critical violations on the page, one per rule."""
    problems = check_page(page, label or page.url, exclude=exclude)
    assert not problems, "axe-core found serious or critical violations:\n" + "\n".join(problems)
