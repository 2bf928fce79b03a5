"""gunicorn settings for Solidarna: `gunicorn -c gunicorn.conf.py wsgi:app`.

Every value can be changed from the environment (below) or on the command line (`-b`, `-w`
... override this file). See docs/operations.md.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


#: where to listen; the reverse proxy talks to this address
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

#: worker processes: WEB_CONCURRENCY, or 2 x CPUs + 1, at most 9 (each worker holds its own
#: database connection pool; more processes than that on one server buy little but connections)
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 9))
#: threads per worker (gthread worker when > 1): requests waiting on the database do not
#: hold a whole process
threads = _int("GUNICORN_THREADS", 2)

#: a request still running after this many seconds gets its worker restarted (long work runs
#: as a job, not in the request)
timeout = _int("GUNICORN_TIMEOUT", 30)
#: on restart or shutdown (SIGTERM, SIGHUP), workers get this long to finish their requests
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
#: seconds an idle keep-alive connection from the proxy stays open (keep it below the proxy's)
keepalive = _int("GUNICORN_KEEPALIVE", 5)

#: restart each worker after about this many requests (jitter: not all at once), so a slow
#: leak cannot grow without bound
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 100)

#: each worker builds the app after the fork: no database connection is shared between them
preload_app = False
#: the workers' heartbeat files in memory, not on a (possibly slow) disk
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

#: X-Forwarded-For / X-Forwarded-Proto are read by the application alone, from as many proxy
#: hops as TRUSTED_PROXIES says; gunicorn itself trusts no peer's forwarding headers, so the
#: two never disagree about a request's address or scheme.
forwarded_allow_ips = ""

#: gunicorn's own messages on stderr, beside the application's (core/logging.py)
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
#: one access line per request on stdout (GUNICORN_ACCESS_LOG=off: none; or a file name),
#: with the request id the application returns in X-Request-ID, to find its log lines
_access = os.environ.get("GUNICORN_ACCESS_LOG", "-")
accesslog = None if _access.lower() in {"", "off", "none"} else _access
access_log_format = (
    'remote=%(h)s forwarded_for="%({x-forwarded-for}i)s" request_id=%({x-request-id}o)s '
    'method=%(m)s path="%(U)s" query="%(q)s" status=%(s)s bytes=%(B)s duration_ms=%(M)s '
    'referer="%(f)s" agent="%(a)s"'
)
