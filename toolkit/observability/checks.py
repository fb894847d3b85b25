"""Questions to the database and Redis that must answer within a bound, or count as failed.

A check runs in a daemon thread that is abandoned if it overruns: a database or Redis host that
does not answer (no refusal, only silence) must not hold a web worker's thread for minutes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import redis
from sqlalchemy import text
from sqlalchemy.engine import Engine

OK, FAILED, TIMEOUT = "ok", "failed", "timeout"


@dataclass(frozen=True)
class Outcome:
    """How a bounded call ended: OK with its result, FAILED with its error, or TIMEOUT."""

    state: str
    result: Any = None
    error: BaseException | None = None


def within(seconds: float, call: Callable[[], Any]) -> Outcome:
    """Run call, giving up on it after `seconds`."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["result"] = call()
        except Exception as error:  # noqa: BLE001 (reported as FAILED to the caller)
            box["error"] = error

    thread = threading.Thread(target=run, name="toolkit-check", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        return Outcome(TIMEOUT)
    if "error" in box:
        return Outcome(FAILED, error=box["error"])
    return Outcome(OK, box.get("result"))


def select_one(engine: Engine) -> None:
    """Ask the database for SELECT 1 on a connection of the pool."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def ping_redis(url: str, seconds: float) -> None:
    """PING the Redis server at url on a connection of its own, closed afterwards."""
    client = redis.Redis.from_url(url, socket_timeout=seconds, socket_connect_timeout=seconds)
    try:
        client.ping()
    finally:
        client.close()
