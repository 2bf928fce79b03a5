"""Configuration classes. Every setting can be overridden by an environment variable."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

INSECURE_KEYS = {"", "dev", "change-me", "secret", "development"}


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def dev_secret_key(instance_path: str) -> str:
    """Generate once and keep in instance/ so sessions survive restarts in development."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


class Config:
    ENV_NAME = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means: an SQLite file in the instance folder (filled in by create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    # Seconds a write waits for another writer to finish on SQLite, then the person gets the
    # "busy" page (503) with their text; DATABASE_RETRY_AFTER is that page's Retry-After.
    SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT") or 3)
    # The same for PostgreSQL: seconds a statement waits for a row or table lock (lock_timeout).
    DATABASE_LOCK_TIMEOUT = float(os.environ.get("DATABASE_LOCK_TIMEOUT") or 5)
    DATABASE_RETRY_AFTER = _env_int("DATABASE_RETRY_AFTER", 10)
    # Seconds a pooled connection may rest before the pool asks the database whether it
    # still works (core/database.py ping_when_idle; not on every checkout).
    DATABASE_PING_AFTER = float(os.environ.get("DATABASE_PING_AFTER") or 1)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    REMEMBER_COOKIE_DURATION = 60 * 60 * 24 * 30
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 16 * 1024 * 1024)
    # Uploads (core/storage.py). UPLOAD_ROOT empty: <instance>/uploads. UPLOAD_MAX_BYTES is
    # checked on the form (a clear message, what was typed kept), so keep it below
    # MAX_CONTENT_LENGTH; UPLOAD_MAX_BYTES_<USE> (e.g. _DOCUMENTS) overrides it for one use.
    UPLOAD_BACKEND = os.environ.get("UPLOAD_BACKEND", "local")
    UPLOAD_ROOT = os.environ.get("UPLOAD_ROOT", "")
    UPLOAD_MAX_BYTES = _env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
    UPLOAD_MAX_BYTES_DOCUMENTS = _env_int("UPLOAD_MAX_BYTES_DOCUMENTS", 0)
    # a space's logo (tenants/settings.py): a picture for a header needs no more
    UPLOAD_MAX_BYTES_LOGO = _env_int("UPLOAD_MAX_BYTES_LOGO", 2 * 1024 * 1024)
    UPLOAD_MAX_PIXELS = _env_int("UPLOAD_MAX_PIXELS", 40_000_000)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_CSRF_SSL_STRICT = True

    BABEL_DEFAULT_LOCALE = "sr_Latn"
    BABEL_DEFAULT_TIMEZONE = "Europe/Belgrade"
    LANGUAGES = ("sr_Latn", "sr_Cyrl", "en")

    # How many reverse proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: none,
    # the headers are ignored; 1: one nginx). The client address then is the one the nearest
    # proxy saw, so rate limits and audit entries name the person, not the proxy.
    TRUSTED_PROXIES = os.environ.get("TRUSTED_PROXIES", "0")

    # Shared by all workers and servers with redis://host:6379/0; memory:// counts per process.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "solidarna")
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: count in each worker's memory until it answers again (limits keep holding),
    # and never fail a request because of the limiter.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Failed logins allowed per account from one address (or from one browser the account has
    # logged in on before), and per address for any accounts; over them, guesses get 429.
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per 15 minutes")
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per 15 minutes")
    # Reset and confirmation mails sent per account (beyond: silently none; keep the window
    # shorter than the links' lifetime) and requests per address (beyond: 429).
    RESET_LIMIT_PER_ACCOUNT = os.environ.get("RESET_LIMIT_PER_ACCOUNT", "3 per hour")
    RESET_LIMIT_PER_IP = os.environ.get("RESET_LIMIT_PER_IP", "20 per hour")

    # Discussions: posts (replies and new threads) per user, and how many open reports hide a
    # post automatically until a moderator looks at it.
    DISCUSSIONS_POST_LIMIT = os.environ.get("DISCUSSIONS_POST_LIMIT", "8 per minute;120 per hour")
    DISCUSSIONS_AUTO_HIDE_REPORTS = _env_int("DISCUSSIONS_AUTO_HIDE_REPORTS", 3)

    # Signed links (seconds)
    VERIFY_EMAIL_MAX_AGE = _env_int("VERIFY_EMAIL_MAX_AGE", 3 * 24 * 3600)
    RESET_PASSWORD_MAX_AGE = _env_int("RESET_PASSWORD_MAX_AGE", 2 * 3600)

    # Outgoing mail. Without MAIL_SERVER the outbox prints messages to the console.
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Solidarna <no-reply@localhost>")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 8)
    # Deliver right after the request that queued mail (development convenience);
    # production runs `flask outbox send` from cron or a worker instead.
    MAIL_SEND_AFTER_REQUEST = _env_bool("MAIL_SEND_AFTER_REQUEST", True)

    # Absolute base for links in e-mails when sent outside a request (CLI, worker).
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")

    # Background jobs (core/jobs.py, huey). Empty: an SQLite queue in the instance folder
    # (instance/jobs.sqlite3); "redis://host:6379/0": Redis (production, several servers);
    # "sqlite:////path/jobs.sqlite3": that file; "immediate": run each job at once inside
    # the enqueueing call (tests). JOBS_NAME separates the queues of several installations
    # sharing one Redis. `flask jobs worker` runs the queue (docs/operations.md).
    JOBS_URL = os.environ.get("JOBS_URL", "")
    JOBS_NAME = os.environ.get("JOBS_NAME", "solidarna")
    JOBS_WORKERS = _env_int("JOBS_WORKERS", 2)
    # Seconds before a failed job is tried again, and how many times.
    JOBS_RETRY_DELAY = _env_int("JOBS_RETRY_DELAY", 30)
    JOBS_RETRIES = _env_int("JOBS_RETRIES", 2)

    # The shared cache (Flask-Caching): SimpleCache keeps it in each process (development);
    # RedisCache with CACHE_REDIS_URL shares it between processes and servers (production).
    # What is cached is validated against the database, so either is correct; Redis only
    # saves every process computing the same aggregates.
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "")
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "RedisCache" if CACHE_REDIS_URL else "SimpleCache")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "solidarna:")
    CACHE_DEFAULT_TIMEOUT = _env_int("CACHE_DEFAULT_TIMEOUT", 24 * 3600)
    CACHE_THRESHOLD = _env_int("CACHE_THRESHOLD", 512)

    # Base map of the map pages (docs/operations.md, "Maps"). By default there is none: the
    # markers are drawn over a plain background and no request leaves the site.
    # MAP_PMTILES_PATH: a local raster PMTiles archive the app serves itself at
    # /map/tiles/{z}/{x}/{y}.<png|jpg|webp|avif> (core/tiles.py); it wins over MAP_TILE_URL.
    MAP_PMTILES_PATH = os.environ.get("MAP_PMTILES_PATH", "")
    # MAP_TILE_URL: a tile server's URL template ({z}/{x}/{y}, optionally {s} and {r}); its
    # origin is then allowed in img-src of the map pages only (the one third-party origin).
    MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
    # Shown in the map's corner (trusted HTML from the operator: the tiles' licence terms),
    # optionally per language (MAP_TILE_ATTRIBUTION_SR_CYRL, _SR_LATN, _EN).
    MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")
    MAP_TILE_ATTRIBUTION_SR_LATN = os.environ.get("MAP_TILE_ATTRIBUTION_SR_LATN", "")
    MAP_TILE_ATTRIBUTION_SR_CYRL = os.environ.get("MAP_TILE_ATTRIBUTION_SR_CYRL", "")
    MAP_TILE_ATTRIBUTION_EN = os.environ.get("MAP_TILE_ATTRIBUTION_EN", "")
    # How long browsers and proxies keep a tile served from the archive (seconds; 30 days).
    MAP_TILE_CACHE_SECONDS = _env_int("MAP_TILE_CACHE_SECONDS", 30 * 24 * 3600)

    # Static files (core/assets.py): `flask assets build` writes them under content-hashed
    # names, with gzip and brotli copies, into STATIC_BUILD_DIR (empty: build/static in the
    # checkout), which WhiteNoise serves with a year's immutable caching. STATIC_MAX_AGE:
    # seconds a browser keeps an unhashed name. STATIC_AUTOREFRESH: notice edited files without
    # a restart (on unless production; unset means that default).
    STATIC_BUILD_DIR = os.environ.get("STATIC_BUILD_DIR", "")
    STATIC_MAX_AGE = _env_int("STATIC_MAX_AGE", 300)
    STATIC_AUTOREFRESH = (
        _env_bool("STATIC_AUTOREFRESH", False) if os.environ.get("STATIC_AUTOREFRESH") else None
    )

    # The visitors' page cache (core/pagecache.py), kept in the cache above: on unless
    # PAGE_CACHE=0; how long a page is kept at most (a write in the space replaces it at
    # once: the key carries the space's change marker); PAGE_CACHE_RELEASE names the
    # deployment (default: a digest of the code, templates and catalogs).
    PAGE_CACHE = _env_bool("PAGE_CACHE", True)
    PAGE_CACHE_TIMEOUT = _env_int("PAGE_CACHE_TIMEOUT", 300)
    # visitors' hits answered before Flask (core/pagecache.FrontDoor)
    PAGE_CACHE_FRONT_DOOR = _env_bool("PAGE_CACHE_FRONT_DOOR", True)
    PAGE_CACHE_RELEASE = os.environ.get("PAGE_CACHE_RELEASE", "")
    # The fragment cache for logged-in people's pages (core/fragments.py): on with the page
    # cache unless FRAGMENT_CACHE=0.
    FRAGMENT_CACHE = _env_bool("FRAGMENT_CACHE", True)

    # Compress HTML and JSON answers (brotli or gzip, as the client accepts); turn it off
    # behind a proxy that compresses. Streamed exports (CSV, JSON-LD) are sent as they are.
    COMPRESS_HTML = _env_bool("COMPRESS_HTML", True)
    COMPRESS_MIMETYPES = [
        "text/html",
        "application/json",
        "application/geo+json",
        "application/ld+json",
        "text/css",
        "text/javascript",
        "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_STREAMS = False

    # Logging (core/logging.py): level, and `keyvalue` or `json` lines on stderr.
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "keyvalue")
    # Error tracking (core/error_tracking.py): Sentry (or a compatible service) only when a
    # DSN is set; without one sentry_sdk is not even imported.
    SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
    SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "")
    SENTRY_TRACES_SAMPLE_RATE = float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE") or 0)


class DevelopmentConfig(Config):
    DEBUG = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    RATELIMIT_STORAGE_URI = "memory://"
    MAIL_SEND_AFTER_REQUEST = False
    MAIL_SERVER = ""
    # Jobs run inside the call that enqueues them; tests of the worker set a real storage.
    JOBS_URL = "immediate"
    JOBS_RETRY_DELAY = 0
    CACHE_TYPE = "SimpleCache"
    CACHE_REDIS_URL = ""
    SENTRY_DSN = ""  # a developer's SENTRY_DSN does not receive the test suite's errors
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")  # not a line per request in test output


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    PREFERRED_URL_SCHEME = "https"
    MAIL_SEND_AFTER_REQUEST = _env_bool("MAIL_SEND_AFTER_REQUEST", False)


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def select_config(name: str | None = None) -> type[Config]:
    name = name or os.environ.get("SOLIDARNA_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"Unknown SOLIDARNA_ENV {name!r}; use one of {sorted(CONFIGS)}"
        ) from None
