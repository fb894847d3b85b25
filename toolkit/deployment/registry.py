"""Each web and print-worker process reports itself, so that machines can be compared.

A process writes one row (host, kind, pid) with fingerprints of the settings that must match on
every machine: the secret key (as an HMAC, never the key), the database and Redis it uses
(without passwords), the file store and the toolkit's version, when it starts and then every
minute. `toolkit check` reads the rows of the last few minutes.
"""

from __future__ import annotations

import atexit
import hashlib
import hmac
import os
import socket
import threading
from datetime import timedelta
from importlib.metadata import PackageNotFoundError, version
from urllib.parse import urlsplit

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.engine import make_url

from toolkit.deployment.models import ServerProcess
from toolkit.extensions import db, upsert_insert
from toolkit.timeutil import utcnow

REPORT_EVERY_SECONDS = 60
LIVE_WITHIN = timedelta(minutes=5)  # a process silent for longer is no longer counted
FORGET_AFTER = timedelta(days=1)


def key_fingerprint(secret: str) -> str:
    """A short fingerprint that tells two keys apart and reveals nothing of either."""
    digest = hmac.new(str(secret).encode(), b"toolkit: same key on every machine", hashlib.sha256)
    return digest.hexdigest()[:16]


def database_label(url: str) -> str:
    """The database a URL names, without user or password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"{parsed.get_backend_name()}://{parsed.host}:{parsed.port or 5432}/{parsed.database}"


def redis_label(url: str | None) -> str:
    """The Redis server and database a URL names, without its password ('' when unset)."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}:{parts.port or 6379}{parts.path or '/0'}"


def toolkit_version() -> str:
    try:
        return version("online-safety-toolkit")
    except PackageNotFoundError:
        return "unknown"


def process_settings(app: Flask) -> dict[str, str]:
    """What must be the same on every machine, as comparable text without secrets."""
    config = app.config
    return {
        "secret_key": key_fingerprint(config["SECRET_KEY"]),
        "database": database_label(config["SQLALCHEMY_DATABASE_URI"]),
        "redis": redis_label(config.get("REDIS_URL")),
        "file_store": config["FILE_STORE"],
        "version": toolkit_version(),
    }


def process_id(kind: str) -> str:
    return f"{socket.gethostname()}:{kind}:{os.getpid()}"


def report(app: Flask, kind: str) -> None:
    """Write this process's row (its own short transaction) and forget long-silent ones."""
    now = utcnow()
    values = {
        "host": socket.gethostname()[:120],
        "kind": kind,
        "pid": os.getpid(),
        "settings": process_settings(app),
        "seen_at": now,
    }
    with app.app_context():
        engine = db.engine
    statement = upsert_insert(engine)(ServerProcess).values(
        id=process_id(kind), started_at=now, **values
    )
    statement = statement.on_conflict_do_update(index_elements=["id"], set_=values)
    with engine.begin() as conn:
        conn.execute(statement)
        conn.execute(delete(ServerProcess).where(ServerProcess.seen_at < now - FORGET_AFTER))


def forget(app: Flask, kind: str) -> None:
    """Stop reporting and remove this process's row (at a clean exit), so that a restart leaves
    no stale entry."""
    _stop.set()
    for thread in _threads:
        if thread is not threading.current_thread():
            thread.join(timeout=5)
    try:
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(delete(ServerProcess).where(ServerProcess.id == process_id(kind)))
    except Exception:  # noqa: BLE001, S110 (the database may be gone first; the row then ages out)
        pass


def start_reporting(app: Flask, kind: str) -> None:
    """Report now and then every minute from a background thread, and remove the row when
    the process exits cleanly. Once per process; never raises."""
    if _threads:
        return

    def keep_reporting() -> None:
        while True:
            try:
                report(app, kind)
            except Exception:  # noqa: BLE001 (the database may be away for a moment)
                app.logger.warning("could not record this %s process in server_process", kind)
            if _stop.wait(REPORT_EVERY_SECONDS):
                return

    _threads.append(threading.Thread(target=keep_reporting, name="process-report", daemon=True))
    atexit.register(forget, app, kind)
    _threads[0].start()


_threads: list[threading.Thread] = []  # this process's reporting thread, once it reports
_stop = threading.Event()


def live_processes() -> list[ServerProcess]:
    """The processes that reported within LIVE_WITHIN, by host and kind."""
    since = utcnow() - LIVE_WITHIN
    stmt = (
        select(ServerProcess)
        .where(ServerProcess.seen_at >= since)
        .order_by(ServerProcess.host, ServerProcess.kind, ServerProcess.pid)
    )
    return list(db.session.scalars(stmt))


def init_app(app: Flask) -> None:
    """Have a web process report itself from its first request on, if its server did not
    start the reports already (deploy/gunicorn.conf.py does, as each worker starts)."""

    @app.before_request
    def report_web_process() -> None:
        if not _threads and not app.testing:
            start_reporting(app, "web")
