"""Operability: request ids and the per-request log line, errors logged with their context,
the optional Sentry hook (against a real HTTP endpoint on loopback), production cookies, and
gunicorn started for real with gunicorn.conf.py."""

from __future__ import annotations

import gzip
import io
import json
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from solidarna import create_app
from solidarna.core.i18n import LOCALE_COOKIE
from solidarna.core.logging import KeyValueFormatter, RequestContextFilter
from tests.conftest import PASSWORD, free_port

ROOT = Path(__file__).resolve().parents[2]
HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def log_lines(caplog):
    """What the application's own handler set-up (filter + key=value formatter) writes, at
    INFO (the testing config logs from WARNING up)."""
    caplog.set_level(logging.INFO)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(KeyValueFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: stream.getvalue().splitlines()
    finally:
        root.removeHandler(handler)


def test_every_response_has_a_request_id(client):
    first, second = client.get("/"), client.get("/no-such-page")
    assert HEX_ID.fullmatch(first.headers["X-Request-ID"])
    assert HEX_ID.fullmatch(second.headers["X-Request-ID"])
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_a_sane_incoming_request_id_is_echoed(client):
    response = client.get("/", headers={"X-Request-ID": "lb-7f3a.42:9"})
    assert response.headers["X-Request-ID"] == "lb-7f3a.42:9"


@pytest.mark.parametrize(
    "incoming",
    ["abc\ndef", "x" * 500, "a b", 'id"><script>', "", "-leading-dash", "ćirilica"],
)
def test_a_malformed_incoming_request_id_is_replaced(client, incoming):
    response = client.get("/", environ_overrides={"HTTP_X_REQUEST_ID": incoming})
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"]), response.headers["X-Request-ID"]


def test_one_log_line_per_request_with_id_tenant_user_status_and_duration(
    client, make_user, make_tenant, caplog, log_lines
):
    ana = make_user(email="ana@example.org")
    make_tenant("alfa", members={ana: "owner"})
    client.login("ana@example.org")
    caplog.set_level(logging.INFO, logger="solidarna.request")
    caplog.clear()
    response = client.get("/alfa/", headers={"X-Request-ID": "req-123"})
    assert response.status_code == 200
    (record,) = [r for r in caplog.records if r.name == "solidarna.request"]
    assert (record.method, record.path, record.status) == ("GET", "/alfa/", 200)
    assert float(record.duration_ms) > 0
    (line,) = [line for line in log_lines() if "request_id=req-123" in line]
    assert "logger=solidarna.request" in line
    assert "tenant=alfa" in line and f"user_id={ana.id}" in line
    assert "method=GET path=/alfa/ status=200 duration_ms=" in line


def test_an_unhandled_error_is_logged_with_tenant_user_route_and_request_id(
    app, client, make_user, make_tenant, log_lines
):
    from solidarna.tenants.routing import TenantBlueprint

    broken = TenantBlueprint("broken", __name__)

    @broken.route("/broken")
    def fail():
        raise ZeroDivisionError("a bug")

    app.register_blueprint(broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error page, not a raise
    ana = make_user(email="ana@example.org")
    make_tenant("alfa", members={ana: "owner"})
    client.login("ana@example.org")
    response = client.get("/alfa/broken", headers={"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    assert response.headers["X-Request-ID"] == "boom-1"
    (error,) = [line for line in log_lines() if "level=ERROR" in line]
    assert "request_id=boom-1" in error and "tenant=alfa" in error
    assert f"user_id={ana.id}" in error and "route=/<tenant_slug>/broken" in error
    assert "ZeroDivisionError: a bug" in error and "\n" not in error  # the traceback, one line
    (access,) = [line for line in log_lines() if "request_id=boom-1" in line and "INFO" in line]
    assert "logger=solidarna.request" in access and "status=500" in access


def test_json_log_lines(log_lines, client):
    from solidarna.core.logging import JsonFormatter

    record = logging.LogRecord("solidarna.x", logging.WARNING, __file__, 1, "hi %s", ("you",), None)
    RequestContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "hi you" and line["level"] == "WARNING" and line["request_id"] == "-"


def _python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, "PYTHONPATH": str(ROOT / "platform"), **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_without_a_dsn_sentry_is_not_even_imported(database_url):
    result = _python(
        "import sys\n"
        "from solidarna import create_app\n"
        f"app = create_app({{'SQLALCHEMY_DATABASE_URI': {database_url!r}, 'SECRET_KEY': 'k' * 40}})\n"
        "app.test_client().get('/')\n"
        "print('sentry_sdk' in sys.modules)\n",
        SENTRY_DSN="",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


class _Envelopes(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":  # sentry_sdk's, with brotli installed
            import brotli

            body = brotli.decompress(body)
        type(self).received.append((self.path, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_with_a_dsn_an_exception_reaches_the_tracker_tagged(database_url):
    """A real HTTP endpoint on loopback stands for Sentry: sentry_sdk sends its envelope there."""
    _Envelopes.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://publickey@127.0.0.1:{server.server_port}/42"
    try:
        result = _python(
            "import sentry_sdk\n"
            "from solidarna import create_app\n"
            "app = create_app({'ENV_NAME': 'testing', 'PROPAGATE_EXCEPTIONS': False,\n"
            f"    'SQLALCHEMY_DATABASE_URI': {database_url!r}, 'SENTRY_DSN': {dsn!r}}})\n"
            "@app.route('/_broken')\n"
            "def broken():\n"
            "    raise LookupError('tracked bug')\n"
            "response = app.test_client().get('/_broken', headers={'X-Request-ID': 'sentry-1'})\n"
            "assert response.status_code == 500, response.status_code\n"
            "sentry_sdk.flush(timeout=10)\n",
        )
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 0, result.stderr
    paths = {path for path, _ in _Envelopes.received}
    assert paths == {"/api/42/envelope/"}, paths
    events = [
        json.loads(line)
        for _, body in _Envelopes.received
        for line in body.splitlines()
        if line.startswith(b"{") and b'"exception"' in line
    ]
    assert events, _Envelopes.received
    event = events[0]
    assert event["exception"]["values"][-1]["type"] == "LookupError"
    assert event["tags"]["request_id"] == "sentry-1"
    assert event["tags"]["tenant"] == "-"
    assert event["environment"] == "testing"


def _cookie(response, name: str) -> str:
    found = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")]
    assert found, response.headers.getlist("Set-Cookie")
    return found[0]


def test_production_cookies_are_secure_httponly_lax_and_hsts_is_sent(
    database_url, make_user, tmp_path
):
    make_user(email="ana@example.org")
    prod = create_app(
        {"ENV_NAME": "production", "SECRET_KEY": "p" * 48, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    prod.instance_path = str(tmp_path)
    https = {"base_url": "https://solidarna.example"}
    try:
        client = prod.test_client()
        page = client.get("/auth/login", **https)
        assert page.headers["Strict-Transport-Security"].startswith("max-age=")
        session = _cookie(page, "session")
        for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
            assert flag in session, session
        token = re.search(
            r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)
        )
        response = client.post(
            "/auth/login",
            data={
                "csrf_token": token.group(1),
                "email": "ana@example.org",
                "password": PASSWORD,
                "remember": "y",
            },
            headers={"Referer": "https://solidarna.example/auth/login"},
            **https,
        )
        assert response.status_code == 303, response.get_data(as_text=True)[:500]
        language = client.post(
            "/language",
            data={"csrf_token": token.group(1), "locale": "en", "next": "/"},
            headers={"Referer": "https://solidarna.example/"},
            **https,
        )
        assert language.status_code == 303, language.get_data(as_text=True)[:500]
        for name in ("session", "remember_token"):
            cookie = _cookie(response, name)
            for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
                assert flag in cookie, cookie
        cookie = _cookie(language, LOCALE_COOKIE)  # the language chosen: Secure as well
        for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
            assert flag in cookie, cookie
    finally:
        with prod.app_context():
            from solidarna.extensions import db

            db.session.remove()
            db.engine.dispose()


def _wait_for(url: str, process: subprocess.Popen, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}")
        try:
            return urllib.request.urlopen(url, timeout=5)
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"gunicorn did not answer on {url}")


def test_gunicorn_with_the_config_file_logs_each_request_with_its_id(_schema, tmp_path):
    port = free_port()
    out, err = (tmp_path / "stdout").open("w+"), (tmp_path / "stderr").open("w+")
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT / "platform"),
        "SOLIDARNA_ENV": "production",
        "SECRET_KEY": "g" * 48,
        "DATABASE_URL": _schema,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SENTRY_DSN": "",
    }
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=err,
    )
    try:
        _wait_for(f"http://127.0.0.1:{port}/health", process)
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/?from=test", headers={"X-Request-ID": "gunicorn-1"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
            assert response.headers["X-Request-ID"] == "gunicorn-1"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=40)
    access = [line for line in Path(out.name).read_text().splitlines() if "gunicorn-1" in line]
    assert len(access) == 1, Path(out.name).read_text()
    assert 'method=GET path="/" query="from=test" status=200' in access[0]
    app_lines = [
        line
        for line in Path(err.name).read_text().splitlines()
        if "logger=solidarna.request" in line and "request_id=gunicorn-1" in line
    ]
    assert len(app_lines) == 1, Path(err.name).read_text()[-3000:]
    assert "status=200" in app_lines[0]
    assert "Booting worker" in Path(err.name).read_text()
    assert len(re.findall(r"Booting worker", Path(err.name).read_text())) == 2
    assert process.returncode == 0
