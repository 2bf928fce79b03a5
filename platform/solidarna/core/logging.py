"""Logging, configured once with `logging.config.dictConfig`, and one line per request.

Every record logged during a request carries the request id, the tenant's slug, the user id
and the route (a filter on the handler adds them), so an error can be found from the id a
person reads off an error page or a proxy log. The request id is the incoming `X-Request-ID`
when it is a sane token (a proxy or load balancer set it), otherwise a new one; it is on
`g.request_id` and in the `X-Request-ID` response header.

Settings: `LOG_LEVEL` (default INFO) and `LOG_FORMAT`: `keyvalue` (default; `key=value`
pairs, one line per record) or `json` (one JSON object per line). Lines go to stderr, where
gunicorn's own error log goes too.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import secrets
import sys
import time
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect

log = logging.getLogger("solidarna.request")

#: an incoming X-Request-ID is kept only if it looks like an id: no spaces, newlines, quotes
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:+/=-]{0,127}")
#: fields the filter adds to every record
CONTEXT_FIELDS = ("request_id", "tenant", "user_id", "route")
#: the attributes every LogRecord has; the others came in through `extra=`
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}
FORMATS = ("keyvalue", "json")
_configured: tuple | None = None


def request_id() -> str:
    """This request's id (decided on first use)."""
    rid = g.get("request_id")
    if rid is None:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if SANE_REQUEST_ID.fullmatch(incoming) else secrets.token_hex(16)
        g.request_id = rid
    return rid


def request_fields() -> dict[str, str]:
    """Request id, tenant slug, user id and route of the current request ("-" when unknown).
    Reads only what is already loaded: logging never queries the database."""
    tenant = g.get("tenant")
    # (a page answered from the page cache names its space without loading it)
    slug = inspect(tenant).dict.get("slug") if tenant is not None else g.get("tenant_slug")
    user = g.get("_login_user")  # Flask-Login's user, if the request looked at it
    user_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
    rule = request.url_rule
    return {
        "request_id": request_id(),
        "tenant": slug or "-",
        "user_id": str(user_id) if user_id is not None else "-",
        "route": rule.rule if rule is not None else "-",
    }


class RequestContextFilter(logging.Filter):
    """Puts request id, tenant, user id and route on every record (``-`` outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        fields = dict.fromkeys(CONTEXT_FIELDS, "-")
        if has_request_context():
            try:
                fields = request_fields()
            except Exception:  # a log line must never fail the request
                fields["request_id"] = g.get("request_id", "-")
        for name, value in fields.items():
            if getattr(record, name, None) in (None, "-"):
                setattr(record, name, value)
        return True


def _fields(record: logging.LogRecord, formatter: logging.Formatter) -> dict:
    fields = {
        "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
        "level": record.levelname,
        "logger": record.name,
        "msg": record.getMessage(),
    }
    for name in CONTEXT_FIELDS:
        fields[name] = getattr(record, name, "-")
    fields.update(
        (key, value)
        for key, value in vars(record).items()
        if key not in _STANDARD and key not in fields and not key.startswith("_")
    )
    if record.exc_info:
        fields["exc"] = formatter.formatException(record.exc_info)
    elif record.exc_text:
        fields["exc"] = record.exc_text
    return fields


class KeyValueFormatter(logging.Formatter):
    """``time=... level=INFO logger=... msg="..." request_id=... key=value``, one line."""

    def format(self, record: logging.LogRecord) -> str:
        return " ".join(f"{k}={_kv(v)}" for k, v in _fields(record, self).items())


#: a value that must be quoted in a key=value line
_QUOTED = re.compile(r'[\s"=\\]')


def _kv(value) -> str:
    text = value if type(value) is str else str(value)
    if text and not _QUOTED.search(text):
        return text
    return json.dumps(text, ensure_ascii=False)  # quoted, newlines escaped: still one line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return json.dumps(_fields(record, self), ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


def configure(level: str = "INFO", fmt: str = "keyvalue") -> None:
    """Configure logging for the process, once (again only if the settings change)."""
    global _configured
    level = str(level).upper()
    if not isinstance(logging.getLevelName(level), int):
        raise RuntimeError(f"LOG_LEVEL {level!r} is not a logging level (DEBUG, INFO, ...)")
    if fmt not in FORMATS:
        raise RuntimeError(f"LOG_FORMAT {fmt!r} is not one of {', '.join(FORMATS)}")
    if _configured == (level, fmt):
        return
    root = logging.getLogger()
    # Handlers someone else put on the root logger before us (pytest's caplog, a harness)
    # stay; dictConfig would remove them.
    others = [h for h in root.handlers if not isinstance(h, StderrHandler)]
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"request": {"()": RequestContextFilter}},
            "formatters": {
                "keyvalue": {"()": KeyValueFormatter},
                "json": {"()": JsonFormatter},
            },
            "handlers": {
                "stderr": {"()": StderrHandler, "formatter": fmt, "filters": ["request"]},
            },
            "root": {"level": level, "handlers": ["stderr"]},
            # (it announces each of its plugins at INFO whenever the app is created)
            "loggers": {"alembic.runtime.plugins": {"level": "WARNING"}},
        }
    )
    for handler in others:
        root.addHandler(handler)
    _configured = (level, fmt)


def init_app(app: Flask) -> None:
    configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "keyvalue"))

    # An app-level URL value preprocessor runs before any blueprint's (tenant resolution may
    # abort there) and before every before_request hook (one may answer early).
    @app.url_value_preprocessor
    def start_request(endpoint, values) -> None:
        g.request_started = time.perf_counter()
        request_id()

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers["X-Request-ID"] = request_id()
        started = g.get("request_started")
        duration = (time.perf_counter() - started) * 1000 if started is not None else None
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": f"{duration:.1f}" if duration is not None else "-",
            },
        )
        return response
