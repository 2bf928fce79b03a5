"""Static files under content-hashed names (core/assets.py): the URLs in the pages, the build
with its gzip and brotli copies, WhiteNoise's answers (immutable caching, negotiation, 304),
the app's own answers when nothing is built, and the HTML compression (Flask-Compress)."""

from __future__ import annotations

import gzip
import hashlib
import re
from pathlib import Path

import brotli
import pytest

from solidarna import ROOT, create_app
from solidarna.core.assets import FOREVER, Manifest, build, hashed_name
from tests.conftest import EN, parse

STATIC = ROOT / "static"
HASHED_URL = re.compile(r"^/static/(?P<stem>.+)\.(?P<digest>[0-9a-f]{12})(?P<suffix>\.\w+)$")
YEAR = f"max-age={FOREVER}"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def static_urls(response) -> list[str]:
    page = parse(response)
    return [tag["href"] for tag in page.select("link[href]") if "/static/" in tag["href"]] + [
        tag["src"] for tag in page.select("script[src]")
    ]


def source_of(url: str) -> Path:
    match = HASHED_URL.match(url)
    assert match, f"{url} does not carry a content hash"
    return STATIC / f"{match['stem']}{match['suffix']}"


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.headers["Cache-Control"].split(",")}


@pytest.fixture
def app_overrides(request):
    """The app of these tests serves the session's build, unless a test says `no_build`."""
    if "no_build" in request.fixturenames:
        return {"STATIC_BUILD_DIR": str(request.getfixturevalue("tmp_path") / "not-built")}
    return {"STATIC_BUILD_DIR": str(request.getfixturevalue("static_build"))}


@pytest.fixture
def no_build():
    """Marker fixture: the app has no build folder (static files come from the app)."""


def test_every_static_url_in_a_page_carries_its_files_hash(client):
    urls = static_urls(client.get("/"))
    assert {source_of(u).relative_to(STATIC).as_posix() for u in urls} == {
        "css/app.css",
        "img/favicon.svg",
        "vendor/htmx-2.0.11/htmx.min.js",
        "js/app.js",
    }
    for url in urls:
        assert HASHED_URL.match(url)["digest"] == digest(source_of(url)), url


def test_hashed_names_keep_the_extension_last():
    assert hashed_name("css/app.css", "0123456789ab") == "css/app.0123456789ab.css"
    assert (
        hashed_name("vendor/x/htmx.min.js", "0123456789ab") == "vendor/x/htmx.min.0123456789ab.js"
    )
    assert hashed_name("vendor/x/LICENSE", "0123456789ab") == "vendor/x/LICENSE.0123456789ab"


def test_built_asset_is_served_immutable_and_compressed_as_the_client_accepts(client):
    (url,) = [u for u in static_urls(client.get("/")) if u.endswith(".css")]
    source = source_of(url).read_bytes()

    plain = client.get(url)
    assert plain.status_code == 200 and plain.get_data() == source
    assert "Content-Encoding" not in plain.headers
    assert plain.mimetype == "text/css"
    assert {"public", YEAR, "immutable"} <= cache_control(plain)
    assert "Accept-Encoding" in plain.headers["Vary"]

    br = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert brotli.decompress(br.get_data()) == source
    assert len(br.get_data()) < len(source) / 3

    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == source
    # WhiteNoise answered it, before Flask: no request id, but the same security headers
    assert "X-Request-ID" not in br.headers
    assert br.headers["X-Content-Type-Options"] == "nosniff"
    assert br.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_built_asset_answers_304_to_its_etag(client):
    (url,) = [u for u in static_urls(client.get("/")) if u.endswith(".js") and "htmx" in u]
    first = client.get(url, headers={"Accept-Encoding": "br"})
    etag = first.headers["ETag"]
    again = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    other = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": '"other"'})
    assert (
        other.status_code == 200
        and brotli.decompress(other.get_data())
        == (STATIC / "vendor/htmx-2.0.11/htmx.min.js").read_bytes()
    )


def test_an_unhashed_name_still_works_with_a_short_cache(client):
    response = client.get("/static/css/app.css")
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()
    assert "immutable" not in cache_control(response)
    assert "max-age=300" in cache_control(response)


def test_without_a_build_the_app_serves_hashed_names_itself(client, no_build):
    (url,) = [u for u in static_urls(client.get("/")) if u.endswith(".css")]
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.get_data() == source_of(url).read_bytes()
    assert {"public", YEAR, "immutable"} <= cache_control(response)
    assert "X-Request-ID" in response.headers  # the app's static view, not WhiteNoise
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_an_outdated_hash_gets_the_current_file_briefly_cached(client):
    """A page rendered before a deployment names the old hash: not in the build, so the app
    answers it with today's file, not for ever."""
    response = client.get("/static/css/app.0123456789ab.css")
    assert response.status_code == 200
    assert response.get_data() == (STATIC / "css/app.css").read_bytes()
    assert "immutable" not in cache_control(response)
    assert "X-Request-ID" in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/static/css/missing.css",
        "/static/css/missing.0123456789ab.css",
        "/static/../wsgi.py",
        "/static/%2e%2e/wsgi.py",
        "/static/..%2fwsgi.py",
    ],
)
def test_missing_and_outside_files_are_404(client, path):
    assert client.get(path, headers=EN).status_code == 404


def test_build_writes_hashed_files_with_compressed_copies_once(tmp_path):
    source, target = tmp_path / "static", tmp_path / "built"
    (source / "css").mkdir(parents=True)
    (source / "img").mkdir()
    css = source / "css" / "site.css"
    css.write_text("body { color: black; }\n" * 200)
    (source / "img" / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (source / "tiny.txt").write_text("x")

    report = build(source, target)
    name = f"css/site.{digest(css)}.css"
    assert (target / name).read_bytes() == css.read_bytes()
    assert brotli.decompress((target / f"{name}.br").read_bytes()) == css.read_bytes()
    assert gzip.decompress((target / f"{name}.gz").read_bytes()) == css.read_bytes()
    png = target / f"img/dot.{digest(source / 'img/dot.png')}.png"
    assert png.exists() and not Path(f"{png}.br").exists()  # images are compressed already
    assert not list(target.glob("tiny.*.txt.*"))  # compressing one byte does not pay
    assert (report.files, report.written) == (3, 3)
    assert not list(target.glob(".build-*"))  # no scratch folder left behind

    assert build(source, target).written == 0  # the same content: nothing to write
    css.write_text("body { color: navy; }\n" * 200)
    again = build(source, target, prune=True)
    assert again.written == 1 and again.pruned == 3  # the old file and its two copies
    assert not (target / name).exists()
    assert (target / f"css/site.{digest(css)}.css.br").exists()


def test_the_assets_build_command_writes_into_static_build_dir(tmp_path):
    target = tmp_path / "built"
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db",
            "STATIC_BUILD_DIR": str(target),
        }
    )
    result = app.test_cli_runner().invoke(args=["assets", "build"])
    assert result.exit_code == 0, result.output
    htmx = (
        target
        / f"vendor/htmx-2.0.11/htmx.min.{digest(STATIC / 'vendor/htmx-2.0.11/htmx.min.js')}.js"
    )
    assert htmx.exists() and Path(f"{htmx}.br").exists() and Path(f"{htmx}.gz").exists()
    assert "written" in result.output


def test_an_edited_file_gets_its_new_hash_without_a_restart(tmp_path):
    (tmp_path / "app.css").write_text("a { color: red; }")
    manifest = Manifest(tmp_path, refresh=True)
    first = manifest.url_name("app.css")
    (tmp_path / "app.css").write_text("a { color: blue; } /* longer */")
    second = manifest.url_name("app.css")
    assert first != second and second == f"app.{digest(tmp_path / 'app.css')}.css"
    assert manifest.resolve(second) == ("app.css", True)
    assert manifest.resolve(first) == ("app.css", False)  # the old name: not for ever
    (tmp_path / "new.js").write_text("1")
    assert manifest.url_name("new.js") == f"new.{digest(tmp_path / 'new.js')}.js"
    assert manifest.url_name("../outside.js") is None

    fixed = Manifest(tmp_path, refresh=False)  # production: computed once at start
    name = fixed.url_name("app.css")
    (tmp_path / "app.css").write_text("changed")
    assert fixed.url_name("app.css") == name


# --- HTML and JSON compression (Flask-Compress)


def test_html_is_compressed_only_when_the_client_accepts_it(client):
    plain = client.get("/", headers=EN)
    assert "Content-Encoding" not in plain.headers
    html = plain.get_data()
    assert b"</html>" in html
    assert "Accept-Encoding" in plain.headers["Vary"]

    br = client.get("/", headers={**EN, "Accept-Encoding": "gzip, br"})
    assert br.headers["Content-Encoding"] == "br"
    assert b"</html>" in brotli.decompress(br.get_data())
    assert int(br.headers["Content-Length"]) == len(br.get_data()) < len(html) / 2
    assert "HX-Request" in br.headers["Vary"] and "Accept-Encoding" in br.headers["Vary"]

    gz = client.get("/", headers={**EN, "Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert b"</html>" in gzip.decompress(gz.get_data())

    identity = client.get("/", headers={**EN, "Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers


def test_compressed_pages_keep_the_csp_and_only_own_scripts(client):
    response = client.get("/auth/login", headers={"Accept-Encoding": "br"})
    assert response.headers["Content-Encoding"] == "br"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "http" not in csp
    page = parse(brotli.decompress(response.get_data()).decode())
    for script in page.find_all("script"):
        assert HASHED_URL.match(script["src"]) and not script.get_text().strip()


@pytest.fixture
def etag_page(app):
    """A page with a strong ETag, the way a cached page may carry one."""
    from flask import make_response

    @app.get("/_test/etag")
    def etag_view():
        response = make_response("<!doctype html><p>" + "Solidarna " * 200 + "</p>")
        response.set_etag("v1")
        return response

    return "/_test/etag"


def test_a_strong_etag_names_the_compressed_representation_and_answers_304(client, etag_page):
    plain = client.get(etag_page)
    assert plain.headers["ETag"] == '"v1"'
    br = client.get(etag_page, headers={"Accept-Encoding": "br"})
    assert br.headers["Content-Encoding"] == "br" and br.headers["ETag"] == '"v1:br"'
    again = client.get(etag_page, headers={"Accept-Encoding": "br", "If-None-Match": '"v1:br"'})
    assert again.status_code == 304 and again.get_data() == b""
    # the uncompressed representation's tag does not match the compressed one
    other = client.get(etag_page, headers={"Accept-Encoding": "br", "If-None-Match": '"v1"'})
    assert other.status_code == 200 and brotli.decompress(other.get_data()).startswith(b"<!doctype")


def test_compress_html_off_leaves_answers_as_they_are(_schema, tmp_path):
    app = create_app(
        {
            "ENV_NAME": "testing",
            "SQLALCHEMY_DATABASE_URI": _schema,
            "COMPRESS_HTML": False,
            "STATIC_BUILD_DIR": str(tmp_path / "none"),
        }
    )
    response = app.test_client().get("/", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert b"</html>" in response.get_data()
