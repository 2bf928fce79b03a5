"""The first visit of every key page weighs at most 60 KB compressed (issue 11): the HTML as the
app compresses it and each same-site file it references as the build serves it (brotli), on
the demo data. `bench/weight.py` prints the same figures (docs/benchmarks.md, "Page weight").
The map pages are not among them (they carry Leaflet; measured with their own work)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import weight  # noqa: E402

KB = 1024


@pytest.fixture
def app_overrides(static_build):
    return {"STATIC_BUILD_DIR": str(static_build)}


def test_every_key_page_weighs_at_most_60_kb_on_a_first_visit(client, runner):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    pages = weight.key_pages(client)
    assert all(pages.values()), pages
    assert len(pages["organization profile"]) > 10 and len(pages["thread"]) > 2
    for page, urls in pages.items():
        heaviest = weight.heaviest(client, urls, "br")
        assert heaviest.assets.get("css") and heaviest.assets.get("js"), heaviest.files
        # every file came compressed (or is too small to gain from it)
        assert all(enc == "br" or size < 500 for _ref, size, enc in heaviest.files), heaviest.files
        assert heaviest.total <= weight.BUDGET_KB * KB, (page, heaviest.url, heaviest.files)


def test_references_are_the_files_a_browser_fetches_from_this_site():
    html = """<link rel="stylesheet" href="/static/a.css"><link rel="icon" href="/static/i.svg">
    <link rel="canonical" href="/x"><link rel="alternate" href="/feed">
    <script src="/static/a.js"></script><script src="/static/a.js"></script>
    <img src="pic.png" srcset="/p1.png 1x, /p2.png 2x"><img src="data:image/png;base64,AAAA">
    <script src="https://cdn.example.org/x.js"></script><a href="/static/not-fetched.css">"""
    assert weight.references(html, "/space/page") == [
        "/static/a.css", "/static/i.svg", "/static/a.js", "/space/pic.png", "/p1.png", "/p2.png",
    ]  # fmt: skip
