"""Solidarna: a multi-tenant platform for the social and solidarity economy."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parents[2]


def create_app(config: dict | str | None = None) -> Flask:
    """Build the application. `config` is a config name or a mapping of overrides."""
    app = Flask(
        __name__,
        # SOLIDARNA_INSTANCE: the folder of this server's own files (development secret key,
        # SQLite database and queue); several servers on one machine each get their own.
        instance_path=os.environ.get("SOLIDARNA_INSTANCE") or str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    from solidarna.core.rendering import TemplateEnvironment

    app.jinja_environment = TemplateEnvironment  # before anything makes app.jinja_env
    from solidarna.config import select_config

    overrides = config if isinstance(config, dict) else {}
    name = config if isinstance(config, str) else overrides.pop("ENV_NAME", None)
    app.config.from_object(select_config(name))
    app.config.from_mapping(overrides)
    _trust_proxies(app)

    from solidarna.core import assets, database, error_tracking, security
    from solidarna.core import logging as app_logging

    if app.config["COMPRESS_HTML"]:
        from flask_compress import Compress

        # Registered first, so its after_request hook runs last and compresses the final body;
        # one per app (it keeps its settings on itself).
        Compress(app)
    app_logging.init_app(app)  # first: its hooks run before any other may answer
    error_tracking.init_app(app)
    security.init_app(app)
    assets.init_app(app)
    database.init_app(app)

    from solidarna.core import jobs, pagecache
    from solidarna.extensions import cache

    jobs.init_app(app)
    cache.init_app(app)
    pagecache.init_app(app, ROOT)

    from solidarna.core import (
        audit_text,
        backup,
        capabilities,
        errors,
        following,  # noqa: F401 (its Follow model)
        fragments,
        i18n,
        links,
        mail,
        notifications,
        rendering,
        search_index,
        sharing,
        storage,  # noqa: F401 (its StoredFile model)
    )
    from solidarna.extensions import csrf, db, htmx, limiter, migrate

    capabilities.init_app(app)
    audit_text.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    fragments.init_app(app)  # after csrf: its csrf_token() global knows fragments
    htmx.init_app(app)
    limiter.init_app(app)
    i18n.init_app(app)
    rendering.init_app(app)
    sharing.init_app(app)
    errors.init_app(app)
    mail.init_app(app)
    notifications.init_app(app)
    backup.init_app(app)
    search_index.init_app(app)
    links.init_app(app)

    from solidarna import (
        accounts,
        campaigns,
        demo,
        directory,
        discussions,
        events,
        groups,
        guide,
        news,
        pages,
        proposals,
        research,
        support,
        tenants,
    )
    from solidarna import notifications as notification_views
    from solidarna.core import permissions

    permissions.init_app(app)
    accounts.init_app(app)
    tenants.init_app(app)
    directory.init_app(app)
    discussions.init_app(app)
    proposals.init_app(app)
    groups.init_app(app)
    campaigns.init_app(app)
    research.init_app(app)
    events.init_app(app)
    support.init_app(app)
    news.init_app(app)
    guide.init_app(app)
    pages.init_app(app)
    notification_views.init_app(app)
    demo.init_app(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, believe that many hops of X-Forwarded-For,
    -Proto and -Host (Werkzeug's ProxyFix): request.remote_addr is the person's address and
    request.is_secure is true behind TLS. Without the setting the headers are ignored, so a
    client cannot choose its own address."""
    raw = str(app.config.get("TRUSTED_PROXIES") or "0").strip()
    if not raw.isdigit():
        raise RuntimeError(f"TRUSTED_PROXIES must be a number of proxies (0, 1, 2...), not {raw!r}")
    hops = int(raw)
    app.config["TRUSTED_PROXIES"] = hops
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
