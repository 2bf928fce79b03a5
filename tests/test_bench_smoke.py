"""The gunicorn benchmark harness (bench/load.py) on a tiny data set, for a few seconds: real
gunicorn processes, real HTTP, the real lost-write check, so that `make bench` does not rot.
The figures are not looked at, only that every part works. It takes 10-30 s (two gunicorn
servers, a data set built through the migrations), over the suite's budget for one test, so it
runs only with BENCH_SMOKE=1; `make bench` exercises the same code at full size."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from solidarna.core.database import normalise_url

from .conftest import REQUIRE_POSTGRES, XDIST_WORKER

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import load  # noqa: E402


def _database(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'bench-load.sqlite3'}"
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        if REQUIRE_POSTGRES:
            pytest.fail("REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL: set TEST_DATABASE_URL")
    target = make_url(normalise_url(url))
    # a database of its own: the generator empties the one it is given
    name = f"{target.database}_bench_smoke{'_' + XDIST_WORKER if XDIST_WORKER else ''}"
    return target.set(database=name).render_as_string(hide_password=False)


@pytest.mark.skipif(os.environ.get("BENCH_SMOKE") != "1", reason="BENCH_SMOKE=1 runs it")
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_harness_serves_measures_and_counts_writes(kind, tmp_path):
    url = _database(kind, tmp_path)
    load.prepare(
        url, tenants=2, organizations=120, accounts=3, threads=5, posts=1_400, seed=3,
        reuse=False, say=lambda *a: None,
    )  # fmt: skip
    t = load.targets(url)
    assert len(t.accounts) == 3 and t.reply_threads
    assert t.event and t.support and t.national, t
    env = load.server_env(url)
    app = load.Server("wsgi:app", 1, env, tmp_path / "app.log").launch()
    bare = load.Server("bare:app", 1, env, tmp_path / "bare.log").launch()
    try:
        app.wait(), bare.wait()
        assert load.request(bare.port, "GET", "/")[2] == "ok\n"
        status, _jar, html = load.request(app.port, "GET", "/auth/login")
        assert status == 200 and load.csrf_token(html)

        # every page the run loads answers its viewer (events, support, the national
        # overview and the rest): the figures would otherwise be of error pages
        viewers = {
            "admin": load.login(app.port, generate.ADMIN_EMAIL, generate.ADMIN_PASSWORD),
            "member": load.login(app.port, t.accounts[0][0], load.ACCOUNT_PASSWORD),
        }
        answers = {
            (page, viewer): load.request(app.port, "GET", path, cookies=viewers.get(viewer))[0]
            for page, viewer, path in load.pages(t)
        }
        assert set(answers.values()) == {200}, {k: v for k, v in answers.items() if v != 200}

        page = load.python_load(app.port, f"/{load.SLUG}/discussions/", None, 1, 2, 1)
        assert page.requests > 0 and page.non_2xx == 0 and page.errors == 0
        assert page.p50_ms <= page.p99_ms
        if shutil.which("wrk"):
            measured = load.wrk(bare.port, "/", None, 1, 2, 1)
            assert measured.requests > 0 and measured.non_2xx == 0 and measured.rps > 0

        result = load.mix(
            app.port, url, t, clients=4, seconds=2, write_share=0.5, processes=1, seed=3,
            say=lambda *a: None,
        )  # fmt: skip
    finally:
        app.stop()
        bare.stop()
    assert result["acknowledged"] > 0, result
    assert set(result["writes_by_status"]) <= {303}, result  # replies and edits: 303 See Other
    assert result["lost"] == 0 and result["stored"] == result["acknowledged"], result
    assert result["stored_replies"] > 0 and result["stored_edits"] > 0, result
