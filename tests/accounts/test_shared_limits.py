"""Rate limits are shared by every worker through Redis (RATELIMIT_STORAGE_URI), and a Redis
that is down fails nothing: the counters fall back to each worker's memory.

"Two workers" are two processes: this test's app and a second Python process with an app of
its own, against the same database and the same Redis."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from solidarna import create_app
from tests.conftest import EN, PASSWORD, Client, free_port

PLATFORM = Path(__file__).resolve().parents[2] / "platform"
ADDRESS = {"REMOTE_ADDR": "198.51.100.9"}

#: the other worker: log in with wrong passwords N times, print the status codes
OTHER_WORKER = """
import json, os, sys
from solidarna import create_app
app = create_app(json.loads(os.environ["APP_CONFIG"]))
client = app.test_client()
codes = [
    client.post(
        "/auth/login",
        data={"email": "ana@example.org", "password": f"wrong {n}"},
        environ_base={"REMOTE_ADDR": "198.51.100.9"},
    ).status_code
    for n in range(int(sys.argv[1]))
]
print(json.dumps(codes))
"""


def worker_config(database_url, storage, prefix):
    return {
        "ENV_NAME": "testing",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "RATELIMIT_STORAGE_URI": storage,
        "RATELIMIT_KEY_PREFIX": prefix,
        "LOGIN_LIMIT_PER_ACCOUNT": "3 per 15 minutes",
    }


def other_worker(config, guesses: int) -> list[int]:
    env = {
        **os.environ,
        "PYTHONPATH": str(PLATFORM),
        "APP_CONFIG": json.dumps({**config, "WTF_CSRF_ENABLED": False}),
    }
    done = subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, str(guesses)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def right_password_here(config) -> int:
    client = Client(create_app(config))
    return client.post(
        "/auth/login",
        {"email": "ana@example.org", "password": PASSWORD},
        headers=EN,
        environ_base=ADDRESS,
    ).status_code


def test_two_workers_share_the_count_in_redis(app, make_user, database_url, redis_prefix):
    make_user(email="ana@example.org")
    config = worker_config(database_url, "redis://127.0.0.1:6379/0", redis_prefix)
    assert other_worker(config, 3) == [422, 422, 422]
    # This worker never saw a failure, but the count is shared: the address is over the limit.
    assert right_password_here(config) == 429
    keys = redis.Redis.from_url("redis://127.0.0.1:6379/0").keys(f"*{redis_prefix}*")
    scopes = {key.decode().split(f"{redis_prefix}/")[1].split("/")[0] for key in keys}
    assert scopes == {"login-pair", "login-ip"}  # in Redis, under this test's prefix


def test_in_memory_counts_are_per_worker(app, make_user, database_url):
    """The same two workers without Redis count alone (why production needs Redis)."""
    make_user(email="ana@example.org")
    config = worker_config(database_url, "memory://", "memory")
    assert other_worker(config, 3) == [422, 422, 422]
    assert right_password_here(config) == 303


@pytest.fixture
def revived_limiter():
    """Flask-Limiter keeps "the storage is dead" on its one extension object across init_app
    calls; after this test's dead Redis, the next test's app must not inherit it (it would count
    in a fallback that is dropped when the flag flips back)."""
    from solidarna.extensions import limiter

    yield
    limiter._storage_dead = False


def test_redis_down_fails_nothing_and_limits_still_hold(
    app, client, make_user, database_url, revived_limiter
):
    dead = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    make_user(email="ana@example.org")
    config = worker_config(database_url, dead, "down")
    down = Client(create_app(config))  # starts although Redis does not answer

    def guess(password="wrong"):
        return down.post(
            "/auth/login",
            {"email": "ana@example.org", "password": password},
            headers=EN,
            environ_base=ADDRESS,
        ).status_code

    assert [guess() for _ in range(4)] == [422, 422, 422, 429]  # counted in memory
    # Decorated limits (reset requests) fall back too instead of answering 500.
    forgot = down.post("/auth/forgot", {"email": "ana@example.org"}, headers=EN)
    assert forgot.status_code == 200
    assert (
        down.post(
            "/auth/login", {"email": "ana@example.org", "password": PASSWORD}, headers=EN
        ).status_code
        == 303
    )  # from another address: in
