"""Several app servers (DESIGN §10, docs/operations.md "Two app servers"): two gunicorn
processes on loopback, each with an instance folder of its own, one PostgreSQL, one Redis and one
job worker, as production runs them. What one server does, the other sees: a session (and its
end), a rate limit, a CSV import's preview and a cache invalidation."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest

from solidarna.core.tenancy import tenant_context
from solidarna.directory.organizations.models import Organization
from tests.conftest import PASSWORD, free_port, parse, text_of
from tests.directory.conftest import entry, facet_counts, make_space  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.postgres_only


class Browser:
    """One person's browser: its cookies go to whichever server it asks (as behind a load
    balancer), redirects are not followed, so every answer can be looked at."""

    def __init__(self):
        self.cookies: dict[str, str] = {}

    def request(self, port: int, method: str, path: str, data: dict | None = None, files=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files:
            boundary = "solidarna-test-boundary"
            parts = []
            for name, value in (data or {}).items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
            for name, (filename, content) in files.items():
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                    f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
                    + content
                    + b"\r\n"
                )
            body = b"".join(parts) + f"--{boundary}--\r\n".encode()
            headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"
        elif data is not None:
            body = urlencode(data, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        connection.close()
        return response.status, response.headers, text

    def get(self, port, path):
        return self.request(port, "GET", path)

    def post(self, port, path, data=None, files=None, token_from="/"):
        data = dict(data or {})
        found = None
        # a visitor's pages carry no token (the page cache's); the login form does
        for source in dict.fromkeys((token_from, "/auth/login")):
            _, _, page = self.get(port, source)
            found = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page)
            if found:
                break
        data["csrf_token"] = found.group(1)
        return self.request(port, "POST", path, data, files)


def wait_until_up(port: int, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            pytest.fail(f"{what} stopped at start:\n{output[-3000:]}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not answer on port {port}")


@pytest.fixture
def servers(app, _schema, redis_url, redis_prefix, tmp_path):
    """Two gunicorn servers and one worker on the test's database and Redis (keys under this
    test's prefix), stopped before the database is wiped."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "platform"),
        "SOLIDARNA_ENV": "production",
        "SECRET_KEY": "two-servers-test-secret-key-0123456789abcdef",
        "SESSION_COOKIE_SECURE": "0",  # plain HTTP on loopback; production has TLS
        "DATABASE_URL": _schema,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": redis_prefix,
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
        "CACHE_REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"{redis_prefix}:cache:",
        "JOBS_URL": redis_url,
        "JOBS_NAME": f"{redis_prefix}-jobs",
        "JOBS_RETRY_DELAY": "1",
        "MAIL_SERVER": "",
        "PUBLIC_BASE_URL": "http://127.0.0.1",
        # what this test checks is the shared page cache: on, whatever the suite runs with
        # (PAGE_CACHE=0 make test)
        "PAGE_CACHE": "1",
        "FRAGMENT_CACHE": "1",
    }
    env.pop("TRUSTED_PROXIES", None)
    bin_dir = Path(sys.executable).parent
    processes, ports = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            instance = tmp_path / f"instance-{name}"  # nothing on one server's disk is shared
            instance.mkdir()
            process = subprocess.Popen(
                [str(bin_dir / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
                 "--timeout", "60", "wsgi:app"],
                cwd=ROOT, env={**env, "SOLIDARNA_INSTANCE": str(instance)},
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            )  # fmt: skip
            processes.append(process)
            wait_until_up(port, process, f"server {name}")
            ports.append(port)
        worker_instance = tmp_path / "instance-worker"
        worker_instance.mkdir()
        processes.append(
            subprocess.Popen(
                [str(bin_dir / "flask"), "--app", "wsgi", "jobs", "worker", "--workers", "1"],
                cwd=ROOT,
                env={**env, "SOLIDARNA_INSTANCE": str(worker_instance)},
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )  # fmt: skip
        )
        yield ports
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT if process is processes[-1] else signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def space(make_space, entry):  # noqa: F811 - the directory fixtures imported above
    with make_space("owner", "member") as tenant:
        entry("Zadruga Rasinski med")
        entry("Zadruga na čekanju", municipality="Brus", moderation="pending")
    return tenant


def login(browser, port, email, password=PASSWORD):
    return browser.post(
        port, "/auth/login", {"email": email, "password": password}, token_from="/auth/login"
    )


def test_what_one_server_does_the_other_sees(db, space, servers):
    a, b = servers
    owner = Browser()

    # A session made on one server is good on the other, and ending it there ends it here.
    status, headers, _ = login(owner, a, "owner@example.org")
    assert status == 303, status
    assert owner.get(b, "/rasina/admin/members")[0] == 200
    copy = Browser()
    copy.cookies = dict(owner.cookies)  # a copied session cookie
    assert copy.get(a, "/rasina/admin/members")[0] == 200
    assert owner.post(b, "/auth/logout")[0] == 303
    assert copy.get(a, "/rasina/admin/members")[0] == 302  # sent to log in
    assert login(owner, b, "owner@example.org")[0] == 303

    # A rate limit counts what every server saw: 3 wrong guesses, spread over both.
    guesser = Browser()
    assert login(guesser, a, "member@example.org", "wrong-1")[0] == 422
    assert login(guesser, b, "member@example.org", "wrong-2")[0] == 422
    assert login(guesser, a, "member@example.org", "wrong-3")[0] == 422
    status, headers, page = login(guesser, b, "member@example.org", "wrong-4")
    assert status == 429 and headers["Retry-After"], status

    # The visitors' page cache (core/pagecache.py) is shared: the directory list drawn by one
    # server is served by the other. A change made on one server is seen on the other at once.
    visitor = Browser()
    status, headers, html = visitor.get(b, "/rasina/directory/")
    assert status == 200 and "Brus" not in facet_counts(html, "municipality")
    assert headers["X-Page-Cache"] == "miss"
    for port in (a, b, a, b):  # both workers of both servers: kept once, served by all
        status, headers, again = visitor.get(port, "/rasina/directory/")
        assert headers["X-Page-Cache"] == "hit" and "Brus" not in facet_counts(
            again, "municipality"
        )
    with tenant_context(space.id):
        pending = db.session.scalar(
            db.select(Organization.id).where(Organization.moderation == "pending")
        )
    db.session.rollback()
    moderated = owner.post(
        a, f"/rasina/directory/{pending}/moderate", {"action": "verify", "note": ""},
        token_from="/rasina/directory/moderation",
    )  # fmt: skip
    assert moderated[0] == 303, moderated[2][:500]
    status, headers, html = visitor.get(b, "/rasina/directory/")
    assert headers["X-Page-Cache"] == "miss" and facet_counts(html, "municipality").get("Brus") == 1
    for port in (a, b, a):
        status, headers, html = visitor.get(port, "/rasina/directory/")
        assert headers["X-Page-Cache"] == "hit", port
        assert facet_counts(html, "municipality").get("Brus") == 1
    # the profile of the entry just verified, and the ETag of one server is good on the other
    profile = f"/rasina/directory/{pending}-zadruga-na-cekanju"
    status, headers, _ = visitor.get(a, profile)
    assert status == 200, status
    etag = headers["ETag"]
    connection = http.client.HTTPConnection("127.0.0.1", b, timeout=60)
    connection.request(
        "GET", profile, headers={"If-None-Match": etag, "Accept-Language": "en",
                                 "Cookie": "; ".join(f"{k}={v}" for k, v in visitor.cookies.items())},
    )  # fmt: skip
    assert connection.getresponse().status == 304
    connection.close()

    # A CSV import previewed on one server is confirmed on the other; the worker imports it.
    csv = (
        b"name,legal_form,actor_type,municipality\n"
        b"Zadruga s dva servera,cooperative,cooperative,Trstenik\n"
    )
    status, _, preview = owner.post(
        a, "/rasina/directory/import", files={"file": ("popis.csv", csv)},
        token_from="/rasina/directory/import",
    )  # fmt: skip
    assert status == 200, preview[:1000]
    upload_id = parse(preview).select_one('input[name="upload_id"]')["value"]
    status, headers, _ = owner.post(
        b, "/rasina/directory/import/confirm", {"upload_id": upload_id, "moderation": "verified"},
        token_from="/rasina/directory/import",
    )  # fmt: skip
    assert status == 303
    progress = headers["Location"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _, page = owner.get(a, progress)
        if "Zadruga s dva servera" in page or "1 added" in text_of(parse(page)):
            break
        time.sleep(0.5)
    else:
        pytest.fail(f"the import did not finish: {text_of(parse(page))[:500]}")
    with tenant_context(space.id):
        names = db.session.scalars(db.select(Organization.name)).all()
    assert "Zadruga s dva servera" in names
