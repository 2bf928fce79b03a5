"""Counters for throttling in code (login guesses, reset mails, posting), on Flask-Limiter's
storage, so every worker shares them when `RATELIMIT_STORAGE_URI` is Redis.

The decorators of Flask-Limiter count every request; these count only what the caller
chooses (a wrong password, a mail actually sent) under keys the caller builds (an account and
an address, a browser, a user). When the shared storage does not answer (Redis down), the
counters fall back to this process's memory for `FALLBACK_SECONDS` and then try the storage
again: limits keep holding, per worker, instead of failing open or failing the request."""

from __future__ import annotations

import logging
import math
import time

from flask import current_app
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

from solidarna.extensions import limiter

log = logging.getLogger(__name__)

FALLBACK_SECONDS = 30


class _Fallback:
    """One per app (that is, per worker process): the memory counters and until when the
    shared storage is considered down."""

    def __init__(self) -> None:
        self.limiter = FixedWindowRateLimiter(MemoryStorage())
        self.dead_until = 0.0


def _fallback() -> _Fallback:
    return current_app.extensions.setdefault("solidarna_throttle", _Fallback())


def enabled() -> bool:
    return limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True)


def _keys(scope: str, keys: tuple) -> tuple[str, ...]:
    return (current_app.config.get("RATELIMIT_KEY_PREFIX", ""), scope, *map(str, keys))


def _run(operation: str, item, keys):
    """Call `operation` on the shared limiter, or on the fallback while the storage is down."""
    fallback = _fallback()
    if time.monotonic() >= fallback.dead_until:
        try:
            return getattr(limiter.limiter, operation)(item, *keys)
        except Exception as error:  # the storage's own errors (redis.ConnectionError, ...)
            fallback.dead_until = time.monotonic() + FALLBACK_SECONDS
            log.warning("Rate limit storage failed (%s); counting in memory for now", error)
    return getattr(fallback.limiter, operation)(item, *keys)


def over(limits: str, scope: str, *keys) -> int:
    """Seconds until the first of `limits` ("5 per 15 minutes;20 per day") that is used up
    for these keys allows again; 0 when none is used up. Counts nothing."""
    if not enabled():
        return 0
    wait = 0
    for item in parse_many(limits):
        full = _keys(scope, keys)
        if not _run("test", item, full):
            stats = _run("get_window_stats", item, full)
            wait = max(wait, math.ceil(stats.reset_time - time.time()), 1)
    return wait


def hit(limits: str, scope: str, *keys) -> bool:
    """Count one event against each of `limits`; False if one of them was already used up."""
    if not enabled():
        return True
    allowed = True
    for item in parse_many(limits):
        allowed = _run("hit", item, _keys(scope, keys)) and allowed
    return allowed


def minutes(seconds: int) -> int:
    """A wait rounded up to whole minutes, for the message a person reads."""
    return max(1, math.ceil(seconds / 60))
