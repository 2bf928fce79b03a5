"""Where a page's time goes: SQL (per statement) against Python (routing, ORM, templates).

    python bench/profile_page.py --database-url ... /bench-rs/directory/ [--cprofile] [--admin]
    python bench/profile_page.py --database-url sqlite:///instance/bench-load.sqlite3 \
        --member --accept-language sr-Cyrl /bench-rs/discussions/t/1

Uses the data of bench/generate.py as it is (run bench/run.py or generate.py first). Prints the
median wall time of the request, the median time spent executing each SQL statement (from
before_cursor_execute to after_cursor_execute, fetch not included) and, with --cprofile, the
functions that take the most cumulative time over the timed requests.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from collections import defaultdict

from generate import DEFAULT_URL, make_app
from run import client, login
from sqlalchemy import event

from solidarna.core.database import normalise_url
from solidarna.extensions import db


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--admin", action="store_true", help="as the administrator")
    parser.add_argument(
        "--member", action="store_true", help="as a member (bench/load.py's first account)"
    )
    parser.add_argument("--accept-language", default="", help="e.g. sr-Cyrl, en")
    parser.add_argument(
        "--no-cache", action="store_true", help="PAGE_CACHE off: pages and fragments drawn"
    )
    parser.add_argument("--cprofile", action="store_true")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument(
        "--sort", default="cumulative", help="the profile's order: cumulative, tottime, ncalls"
    )
    args = parser.parse_args(argv)
    app = make_app(normalise_url(args.database_url))
    if args.no_cache:
        app.config["PAGE_CACHE"] = False
    web = client(app)
    if args.accept_language:
        web.environ_base["HTTP_ACCEPT_LANGUAGE"] = args.accept_language
    if args.admin:
        login(web)
    elif args.member:
        from load import ACCOUNT_EMAIL, ACCOUNT_PASSWORD

        login(web, ACCOUNT_EMAIL.format(n=0), ACCOUNT_PASSWORD)
    with app.app_context():
        engine = db.engine
    started: dict = {}
    spent: dict[str, list[float]] = defaultdict(list)

    def before(conn, cursor, statement, parameters, context, executemany):
        started[id(cursor)] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        spent[" ".join(statement.split())[:160]].append(time.perf_counter() - started[id(cursor)])

    for path in args.paths:
        for _ in range(args.warmup):
            assert web.get(path).status_code == 200
        spent.clear()
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        profiler = cProfile.Profile() if args.cprofile else None
        walls = []
        for _ in range(args.requests):
            t = time.perf_counter()
            if profiler:
                profiler.enable()
            response = web.get(path)
            response.get_data()
            if profiler:
                profiler.disable()
            walls.append(time.perf_counter() - t)
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)
        wall = statistics.median(walls) * 1000
        sql = sum(sum(v) for v in spent.values()) / args.requests * 1000
        print(f"\n{path}: median {wall:.1f} ms; SQL execute {sql:.1f} ms per request")
        for statement, times in sorted(spent.items(), key=lambda kv: -sum(kv[1])):
            per = sum(times) / args.requests * 1000
            print(f"  {per:6.2f} ms  x{len(times) // args.requests}  {statement}")
        if profiler:
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
