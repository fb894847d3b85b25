"""Liveness (/healthz: the process answers) and readiness (/readyz: its database and Redis do).

Neither route sets a session cookie, even for a signed-in browser. A failing check is named, never
explained: an error's text can hold a host name, a URL or a password. The log says which kind of
error it was.
"""

from __future__ import annotations

from flask import Blueprint, current_app

from toolkit.auth.access import public
from toolkit.extensions import db
from toolkit.observability.checks import OK, ping_redis, select_one, within
from toolkit.observability.sessionless import sessionless

CHECK_SECONDS = 1.5  # a dependency slower than this to answer SELECT 1 or PING is not ready
NOT_CONFIGURED = "not configured"

bp = Blueprint("health", __name__)


def no_store(body: dict, status: int = 200):
    """Answer JSON that no cache keeps."""
    return body, status, {"Cache-Control": "no-store"}


@bp.route("/healthz")
@public
@sessionless
def healthz():
    """Say that the process answers; nothing else is asked."""
    return no_store({"status": "ok"})


def check_database() -> str:
    """Tell whether the database answers SELECT 1 in time."""
    engine = db.engine
    return report("database", within(CHECK_SECONDS, lambda: select_one(engine)))


def check_redis() -> str:
    """Tell whether Redis (when configured) answers PING in time."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return NOT_CONFIGURED
    return report("redis", within(CHECK_SECONDS, lambda: ping_redis(url, CHECK_SECONDS)))


def report(name: str, outcome) -> str:
    """Log a failed check by the kind of its error, and give its state."""
    if outcome.state != OK:
        kind = type(outcome.error).__name__ if outcome.error else "no answer"
        current_app.logger.warning("readiness: the %s check %s (%s)", name, outcome.state, kind)
    return outcome.state


@bp.route("/readyz")
@public
@sessionless
def readyz():
    """Say whether the database and Redis answer, naming any that does not."""
    checks = {"database": check_database(), "redis": check_redis()}
    ready = all(state in (OK, NOT_CONFIGURED) for state in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return no_store(body, 200 if ready else 503)
