"""In-process A/B of hot paths, old and new alternated in one process (docs/benchmarks.md,
"a fifth pass", "a sixth pass"): the page cache's front door reading the space's marker
through SQLAlchemy's `Connection.execute` (the previous `KeptConnection`) or on the driver's
cursor (the current one); the member pages rendered with Jinja's own context class or
`i18n.TemplateContext`; and the member pages drawn each time or served from their page shell
(`core/fragments.shell_page`).

    PYTHONPATH=bench:platform:. python bench/ab_hot_paths.py sqlite:///instance/bench-load.sqlite3

Uses bench/load.py's data as it is (run bench/load.py first: `bench-rs`, its accounts).
"""

from __future__ import annotations

import logging
import statistics
import sys
import time

import jinja2.runtime
from generate import make_app
from load import ACCOUNT_EMAIL, ACCOUNT_PASSWORD, targets
from run import client, login

from solidarna.core import pagecache
from solidarna.core.database import KeptConnection, normalise_url
from solidarna.core.i18n import TemplateContext


class ThroughSQLAlchemy:
    """The previous front door's reader: a kept autocommit `Connection`, `execute().first()`."""

    def __init__(self, engine):
        self.engine, self.connection = engine, None

    def first(self, statement, params):
        if self.connection is None:
            self.connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self.connection.execute(statement, params).first()


def per_request(web, path: str, n: int) -> float:
    started = time.perf_counter()
    for _ in range(n):
        web.get(path).get_data()
    return (time.perf_counter() - started) / n * 1e6


def main(url: str) -> int:
    logging.getLogger("solidarna.request").setLevel(logging.WARNING)
    app = make_app(normalise_url(url))
    app.testing = False
    wsgi = app.wsgi_app
    door = wsgi if isinstance(wsgi, pagecache.FrontDoor) else wsgi.application
    new = KeptConnection(app, keep=True)
    readers = {"old": ThroughSQLAlchemy(new.engine), "new": new}
    visitor = client(app)
    path = "/bench-rs/directory/"
    visitor.get(path)
    assert visitor.get(path).headers.get("X-Page-Cache") == "hit"
    spent = {name: [] for name in readers}
    for _ in range(12):
        for name, reader in readers.items():
            door.reader = reader
            spent[name].append(per_request(visitor, path, 300))
    medians = {k: round(statistics.median(v)) for k, v in spent.items()}
    print(f"a visitor's hit at the front door, {path}: µs per request {medians}")
    member = client(app)
    login(member, ACCOUNT_EMAIL.format(n=0), ACCOUNT_PASSWORD)
    classes = {"jinja": jinja2.runtime.Context, "ours": TemplateContext}
    thread = targets(normalise_url(url)).thread  # bench/load.py's thread page: its longest
    for page in ("/bench-rs/", f"/bench-rs/discussions/t/{thread}", "/bench-rs/directory/"):
        for _ in range(20):
            member.get(page)
        spent = {name: [] for name in classes}
        for _ in range(8):
            for name, cls in classes.items():
                app.jinja_env.context_class = cls
                spent[name].append(per_request(member, page, 60))
        medians = {k: round(statistics.median(v)) for k, v in spent.items()}
        print(f"{page} as a member: µs per request {medians}")
    app.jinja_env.context_class = TemplateContext
    shell_ab(app, member, thread)
    return 0


def shell_ab(app, member, thread: int) -> None:
    """The member pages with the page shell switched off (the fragments still kept) and on."""
    from solidarna.core import fragments

    eligible = fragments._shell_eligible
    modes = {"drawn": lambda: False, "shell": eligible}
    pages = ("/bench-rs/", "/bench-rs/directory/", "/bench-rs/directory/?q=zadruga&kd=A",
             f"/bench-rs/discussions/t/{thread}", "/bench-rs/discussions/")  # fmt: skip
    for page in pages:
        spent = {name: [] for name in modes}
        for _ in range(12):
            for name, check in modes.items():
                fragments._shell_eligible = check
                for _ in range(5):
                    member.get(page)
                spent[name].append(per_request(member, page, 60))
        fragments._shell_eligible = eligible
        medians = {k: round(statistics.median(v)) for k, v in spent.items()}
        print(f"{page} as a member, the page shell off and on: µs per request {medians}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
