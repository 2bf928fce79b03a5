"""First-visit weight of the key pages: the HTML and every same-site file it references
(stylesheets, scripts, icons, images), as sent compressed to a browser with an empty cache.

    python bench/weight.py                 # demo data, brotli and gzip, Markdown table
    python bench/weight.py --budget 60     # exit 1 when a page is over 60 KB (brotli)

Builds the demo data (`flask demo load`) into a temporary SQLite file and the static files
(`flask assets build`) into a temporary folder, then requests each page through the Flask
test client as a visitor with `Accept-Encoding: br` (and again with `gzip`): the HTML as the
app compresses it, each asset as WhiteNoise serves it (its precompressed copy). A file sent
uncompressed counts with its full size. CSS `url()` images are not counted (app.css has
none). The organization profiles and threads are all measured; the heaviest is reported.
tests/core/test_page_weight.py asserts the same budget with `first_visit()`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

KB = 1024
BUDGET_KB = 60
SPACE = "krusevac"


class _References(HTMLParser):
    """The URLs a browser fetches on loading the page: stylesheets, icons, preloads,
    scripts, images."""

    FETCHED_RELS = {
        "stylesheet",
        "icon",
        "shortcut",
        "apple-touch-icon",
        "preload",
        "modulepreload",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        values = dict(attrs)
        if tag == "link" and self.FETCHED_RELS & set((values.get("rel") or "").lower().split()):
            self.urls.append(values.get("href") or "")
        elif (
            tag in {"script", "img", "source", "input"}
            and values.get("src")
            and (tag != "input" or (values.get("type") or "").lower() == "image")
        ):
            self.urls.append(values["src"])
        if values.get("srcset"):
            self.urls.extend(
                part.split()[0] for part in values["srcset"].split(",") if part.strip()
            )


def references(html: str, base: str = "/") -> list[str]:
    """The same-site URLs (paths, with their query) the page makes a browser fetch, each once,
    in order; `base` is the page's own path, for relative references."""
    parser = _References()
    parser.feed(html)
    seen: dict[str, None] = {}
    for url in parser.urls:
        parts = urlsplit(urljoin(base, url))
        if parts.scheme not in {"", "http", "https"} or parts.netloc not in {"", "localhost"}:
            continue  # inline data, or another site (which the CSP would refuse anyway)
        seen.setdefault(parts.path + (f"?{parts.query}" if parts.query else ""), None)
    return list(seen)


KINDS = {".css": "css", ".js": "js", ".mjs": "js"}


@dataclass
class Weight:
    url: str
    encoding: str
    html: int = 0
    #: {"css": bytes, "js": bytes, "images": bytes}
    assets: dict[str, int] = field(default_factory=dict)
    files: list[tuple[str, int, str]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.html + sum(self.assets.values())


def first_visit(client, url: str, encoding: str = "br") -> Weight:
    """The bytes a browser with an empty cache receives for `url` (a path) and what it
    references, asking for `encoding`. Fails on a page or file that does not answer 200."""
    headers = {"Accept-Encoding": encoding}
    page = client.get(url, headers=headers)
    if page.status_code != 200:
        raise AssertionError(f"{url} answered {page.status_code}")
    weight = Weight(url, encoding, html=len(page.get_data()))
    raw = page.get_data()
    if page.headers.get("Content-Encoding"):
        raw = _decoded(raw, page.headers["Content-Encoding"])
    for ref in references(raw.decode("utf-8"), url):
        response = client.get(ref, headers=headers)
        if response.status_code != 200:
            raise AssertionError(f"{url} references {ref}, which answered {response.status_code}")
        size = len(response.get_data())
        kind = KINDS.get(Path(urlsplit(ref).path).suffix, "images")
        weight.assets[kind] = weight.assets.get(kind, 0) + size
        weight.files.append((ref, size, response.headers.get("Content-Encoding", "identity")))
    return weight


def _decoded(data: bytes, encoding: str) -> bytes:
    if encoding == "br":
        import brotli

        return brotli.decompress(data)
    if encoding == "gzip":
        import gzip

        return gzip.decompress(data)
    raise ValueError(f"unexpected Content-Encoding {encoding}")


def key_pages(client, slug: str = SPACE) -> dict[str, list[str]]:
    """{page: [urls]} of the key pages in the demo data: one URL each, all of the space's
    organization profiles and threads a visitor may open."""
    from solidarna.core.tenancy import tenant_context
    from solidarna.directory.organizations.models import Organization
    from solidarna.discussions.models import Thread
    from solidarna.extensions import db
    from solidarna.tenants.models import Tenant

    app = client.application if hasattr(client, "application") else client.app
    with app.app_context():
        tenant = db.session.scalar(db.select(Tenant).where(Tenant.slug == slug))
        with tenant_context(tenant.id):
            organizations = db.session.scalars(db.select(Organization.id)).all()
            threads = db.session.scalars(db.select(Thread.id)).all()

    def canonical(path: str) -> str | None:
        response = client.get(path)
        if response.status_code in (301, 302, 303, 308):
            return urlsplit(response.headers["Location"]).path
        return path if response.status_code == 200 else None

    profiles = [canonical(f"/{slug}/directory/{i}") for i in organizations]
    thread_pages = [canonical(f"/{slug}/discussions/t/{i}") for i in threads]
    return {
        "platform home": ["/"],
        "space home": [f"/{slug}/"],
        "directory list": [f"/{slug}/directory/"],
        "organization profile": [p for p in profiles if p],
        "thread": [p for p in thread_pages if p],
        "login": ["/auth/login"],
    }


def heaviest(client, urls: list[str], encoding: str = "br") -> Weight:
    return max((first_visit(client, url, encoding) for url in urls), key=lambda w: w.total)


def _demo_app(folder: Path):
    import secrets

    from flask_migrate import upgrade

    from solidarna import create_app
    from solidarna.core import assets
    from solidarna.demo import load

    url = f"sqlite:///{folder / 'weight.sqlite3'}"
    build = folder / "static"
    setup = create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SQLALCHEMY_DATABASE_URI": url,
            "LOG_LEVEL": "WARNING",
            "JOBS_URL": "immediate",  # no queue file in instance/
        }
    )
    with setup.app_context():
        upgrade()
        load()
    assets.build(setup.static_folder, build)
    # A production app (as served), on that data and that build, requested over https.
    return create_app(
        {
            "ENV_NAME": "production",
            "SECRET_KEY": secrets.token_urlsafe(48),
            "SQLALCHEMY_DATABASE_URI": url,
            "STATIC_BUILD_DIR": str(build),
            "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
            "JOBS_URL": "immediate",  # no queue file in instance/
        }
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=float, default=BUDGET_KB, help="KB (brotli) per page")
    parser.add_argument("--files", action="store_true", help="list each page's files")
    options = parser.parse_args(argv)
    over = []
    with tempfile.TemporaryDirectory(prefix="solidarna-weight-") as folder:
        app = _demo_app(Path(folder))
        client = app.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        print("| page | URL | HTML | CSS | JS | images | total (brotli) | total (gzip) |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for page, urls in key_pages(client).items():
            weight = heaviest(client, urls, "br")
            gzip = first_visit(client, weight.url, "gzip")
            cells = [weight.html, *(weight.assets.get(k, 0) for k in ("css", "js", "images"))]
            row = [page, f"`{_short(weight.url)}`", *(_kb(c) for c in cells)]
            print("| " + " | ".join([*row, _kb(weight.total), _kb(gzip.total)]) + " |")
            if options.files:
                for ref, size, encoding in weight.files:
                    print(f"|  | `{ref}` ({encoding}) | | | | | {_kb(size)} | |")
            if weight.total > options.budget * KB:
                over.append(page)
        with app.app_context():
            from solidarna.extensions import db

            db.engine.dispose()
    print(
        f"\nBudget: {options.budget:g} KB per page (brotli). Over budget: {', '.join(over) or 'none'}."
    )
    return 1 if over else 0


def _kb(size: int) -> str:
    return f"{size / KB:.1f} KB"


def _short(url: str) -> str:
    return re.sub(r"(/\d+)-[^/]+$", r"\1-…", url)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "platform"))
    sys.exit(main())
