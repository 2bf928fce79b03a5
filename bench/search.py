"""Measure the directory's text search in a space of 4,000 entries and in one of 200.

    python bench/search.py                                   # SQLite in instance/bench-search.sqlite3
    python bench/search.py --database-url postgresql://postgres@127.0.0.1:5432/solidarna_bench_search
    python bench/search.py --reuse                           # measure again without regenerating

The data is bench/generate.py's (seed 1) with 20,000 organizations in 81 spaces: the national
space holds 20% (4,000), the 80 others 200 each, so the same search can be compared in a
space of 200 and one of 4,000 with the rest of the database unchanged. Each search page is
requested through the Flask test client as in bench/run.py (its `measure`): `--warmup`
untimed requests, then `--requests` timed ones; the median and p95 wall time, the CPU time
of the serving thread and the SQL statements per request are reported. The database given is
**emptied** unless `--reuse`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from generate import ROOT, generate, make_app
from run import _load, client, login, machine, measure, percentile, spaces

from solidarna.core.database import normalise_url

DEFAULT_URL = f"sqlite:///{ROOT / 'instance' / 'bench-search.sqlite3'}"

#: (page, viewer, query string): a common word with a facet (as bench/run.py), the common word
#: alone, a selective word, two words, and a word of two letters
SEARCHES = [
    ("common word + facet", "visitor", "q=zadruga&kd=A"),
    ("common word + facet", "admin", "q=zadruga&kd=A"),
    ("common word", "visitor", "q=zadruga"),
    ("selective word", "visitor", "q=pekara"),
    ("two words", "visitor", "q=zadruga+pekara"),
    ("two letters", "visitor", "q=po"),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default=os.environ.get("BENCH_SEARCH_DATABASE_URL", DEFAULT_URL)
    )
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests per page first")
    parser.add_argument("--reuse", action="store_true", help="keep the data set already there")
    args = parser.parse_args(argv)
    url = normalise_url(args.database_url)
    if not args.reuse:
        generate(url, tenants=81, organizations=20_000, largest_share=0.2, seed=1)
    app = make_app(url)
    info = machine(args.database_url, app)
    load_before = _load()
    visitor, admin = client(app), client(app)
    login(admin)
    rows = []
    for slug, entries in spaces(app):
        for page, viewer, query in SEARCHES:
            timings, cpu, queries, size = measure(
                app,
                admin if viewer == "admin" else visitor,
                f"/{slug}/directory/?{query}",
                args.requests,
                args.warmup,
            )
            ms = [t * 1000 for t in timings]
            row = (
                f"| {entries:,} | {page} (`{query}`) | {viewer} | {queries} | "
                f"{statistics.median(ms):.1f} | {percentile(ms, 0.95):.1f} | "
                f"{statistics.median(cpu) * 1000:.1f} | {size / 1024:.0f} |"
            )
            rows.append(row)
            print(row, file=sys.stderr)
    print(f"\n{info['database']}; load average {load_before} before, {_load()} after.\n")
    print("| Entries in the space | Search | Viewer | SQL statements | Median ms | p95 ms "
          "| CPU median ms | KB |")  # fmt: skip
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
