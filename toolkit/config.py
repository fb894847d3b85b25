"""Configuration: defaults in code, then the instance folder, then TOOLKIT_* variables."""

from __future__ import annotations

import secrets
from datetime import timedelta
from pathlib import Path

from flask import Flask

from toolkit.throttle import parse_rates

FILE_STORES = ("local", "database")

ENVIRONMENTS = ("production", "development", "testing")
RATE_SETTINGS = (
    "LOGIN_LIMIT_PER_PAIR",
    "LOGIN_LIMIT_PER_ADDRESS",
    "LOGIN_LIMIT_PER_ACCOUNT",
    "PASSWORD_CHANGE_LIMIT",
    "API_LIMIT",
    "API_FAILED_AUTH_LIMIT",
)
MIN_SECRET_KEY_LENGTH = 32


class Defaults:
    """Settings every installation starts from; each may be overridden."""

    ENV = "production"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    REDIS_URL: str | None = None  # None: embedded task queue, throttling counters in the database
    LESSONS_DIR: str | None = None  # None: the lessons/ folder beside the package
    UPLOAD_DIR: str | None = None  # None: <instance>/uploads
    EXPORT_CACHE_DIR: str | None = None  # None: <instance>/exports
    # Where logos, kept PDFs, packs and import previews are stored (toolkit/storage): "local"
    # folders (the two above), or "database" (every machine of a PostgreSQL deployment shares it).
    FILE_STORE = "local"
    SQLITE_BUSY_TIMEOUT_MS = 5000
    PROXY_FIX = 0  # number of trusted reverse proxies in front of the app

    # Sessions: a teacher may write for hours; the CSRF token lives as long as the session.
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_ENABLED = True
    MAX_CONTENT_LENGTH = 20 * 1024 * 1024

    # argon2id, RFC 9106 second recommended option (64 MiB, t=3, p=4).
    PASSWORD_HASH_TIME_COST = 3
    PASSWORD_HASH_MEMORY_COST = 65536
    PASSWORD_HASH_PARALLELISM = 4

    # Sign-in throttling (toolkit/auth/throttling.py): wrong passwords allowed, in rates whose
    # longer windows make the wait grow. LOGIN_LIMIT_PER_ACCOUNT counts only addresses the
    # account has not signed in from in the last LOGIN_KNOWN_ADDRESS_DAYS.
    LOGIN_LIMIT_PER_PAIR = "5 per 5 minutes; 15 per hour"
    LOGIN_LIMIT_PER_ADDRESS = "20 per 5 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "10 per 15 minutes; 50 per day"
    LOGIN_KNOWN_ADDRESS_DAYS = 90
    PASSWORD_CHANGE_LIMIT = "10 per 15 minutes"  # noqa: S105 (wrong current passwords, a rate)
    # The JSON API: calls per token, and calls without a valid token per address.
    API_LIMIT = "120 per minute; 3000 per hour"
    API_FAILED_AUTH_LIMIT = "30 per minute"

    # Background print jobs: a running job beats this often; one silent for longer than the
    # timeout lost its worker and is queued again (at most ATTEMPTS starts), then failed. A job
    # still queued after QUEUE_WAIT tells its owner that the print worker may not be running.
    EXPORT_JOB_HEARTBEAT_SECONDS = 10
    EXPORT_JOB_TIMEOUT_SECONDS = 60
    EXPORT_JOB_ATTEMPTS = 2
    EXPORT_JOB_QUEUE_WAIT_SECONDS = 120
    # Packs (and unit cartridges) one person may have waiting or printing at once.
    EXPORT_JOBS_PER_USER = 3

    # Rendering: one pool per machine, in `toolkit worker`, which web workers reach through this
    # Unix socket (None: <instance>/render.sock; "" renders in the process itself, as tests do).
    # Without the worker, production refuses to print rather than start a pool per web worker.
    RENDER_SOCKET: str | None = None
    RENDER_IN_PROCESS_FALLBACK: bool | None = None  # None: yes except in production
    # A download that needs a render waits this long, then shows a progress page instead.
    EXPORT_WAIT_SECONDS = 3.0
    # Render bodies before anyone asks (lessons loaded or published, settings changed, a lesson
    # adapted): None means yes except in tests.
    EXPORT_WARM: bool | None = None
    # Kept PDFs and bodies beyond this size are pruned, least recently used first.
    EXPORT_CACHE_MAX_MB = 2048

    # Logs, metrics and health (toolkit/observability). One log line per request: "json" (one
    # object a line) or "text"; None means json in production, text otherwise. /metrics answers
    # the machine itself (loopback), and anyone sending `Authorization: Bearer <METRICS_TOKEN>`
    # when it is set (32 characters at least).
    LOG_FORMAT: str | None = None
    METRICS_TOKEN: str | None = None

    AUDIT_RETENTION_DAYS = 730
    LIBRARY_PAGE_SIZE = 20


def load_config(app: Flask, overrides: dict | None) -> None:
    """Fill app.config from defaults, the instance folder, the environment and overrides."""
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TOOLKIT")
    if overrides:
        app.config.update(overrides)

    env = app.config["ENV"]
    if env not in ENVIRONMENTS:
        raise RuntimeError(f"TOOLKIT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    if env != "production":
        app.config["SESSION_COOKIE_SECURE"] = False
    app.config["DEBUG"] = env == "development" and app.config.get("DEBUG", False)
    app.config["TESTING"] = env == "testing"

    instance = Path(app.instance_path)
    if not app.config["DATABASE_URL"]:
        app.config["DATABASE_URL"] = f"sqlite:///{instance / 'toolkit.db'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(app.config["DATABASE_URL"])
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    root = Path(app.root_path).parent
    app.config["LESSONS_DIR"] = str(app.config["LESSONS_DIR"] or root / "lessons")
    app.config["UPLOAD_DIR"] = str(app.config["UPLOAD_DIR"] or instance / "uploads")
    app.config["EXPORT_CACHE_DIR"] = str(app.config["EXPORT_CACHE_DIR"] or instance / "exports")
    if app.config["RENDER_SOCKET"] is None:
        app.config["RENDER_SOCKET"] = "" if env == "testing" else str(instance / "render.sock")
    if app.config["EXPORT_WARM"] is None:
        app.config["EXPORT_WARM"] = env != "testing"
    if app.config["RENDER_IN_PROCESS_FALLBACK"] is None:
        app.config["RENDER_IN_PROCESS_FALLBACK"] = env != "production"
    if app.config["FILE_STORE"] not in FILE_STORES:
        raise RuntimeError(
            f"TOOLKIT_FILE_STORE must be one of {', '.join(FILE_STORES)}, "
            f"not {app.config['FILE_STORE']!r}"
        )
    for name in RATE_SETTINGS:
        try:
            parse_rates(app.config[name])
        except ValueError as exc:
            raise RuntimeError(f"TOOLKIT_{name}: {exc}") from None

    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if len(str(app.config["SECRET_KEY"])) < MIN_SECRET_KEY_LENGTH and env == "production":
        raise RuntimeError(
            f"TOOLKIT_SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters; "
            "production refuses to start without a real secret key"
        )


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the usual way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def instance_secret_key(instance: Path) -> str:
    """Read the instance folder's secret key, generating it on first run (mode 0600)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.touch(mode=0o600)
    path.write_text(key + "\n")
    return key
