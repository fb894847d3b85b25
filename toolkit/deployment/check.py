"""`toolkit check`: what is misconfigured for running on one machine or several.

Three kinds of finding: this process's settings read on their own, whether the services answer
(database at the newest migration, Redis, this machine's print service), and how the processes
that reported themselves in the last minutes (registry.py) differ from each other.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from toolkit.deployment import registry

OK, WARNING, ERROR = "ok", "warning", "error"
LOAD_SETTINGS = (
    "is this command run with the machine's settings? (toolkit -e /etc/toolkit/toolkit.env check; "
    "a new installation runs toolkit setup)"
)


@dataclass(frozen=True)
class Finding:
    level: str  # ok | warning | error
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.message}"


def settings_findings(app: Flask) -> list[Finding]:
    """Settings that cannot work together, read without touching any service."""
    config = app.config
    sqlite = config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    redis = bool(config.get("REDIS_URL"))
    found = []
    if sqlite and redis:
        found.append(
            Finding(
                ERROR,
                "Redis is set but the database is SQLite, a file on one "
                "machine: several machines need PostgreSQL (TOOLKIT_DATABASE_URL)",
            )
        )
    if redis and config["FILE_STORE"] == "local":
        found.append(
            Finding(
                WARNING,
                "Redis is set (several machines?) but files are kept in "
                "this machine's folders: set TOOLKIT_FILE_STORE=database, unless "
                "TOOLKIT_UPLOAD_DIR and TOOLKIT_EXPORT_CACHE_DIR are on storage "
                "every machine mounts",
            )
        )
    if sqlite and config["FILE_STORE"] == "database":
        found.append(
            Finding(
                WARNING,
                "TOOLKIT_FILE_STORE=database with SQLite puts every kept "
                "PDF into the database file; it is meant for PostgreSQL",
            )
        )
    instance_key = Path(app.instance_path) / "secret_key"
    generated = (
        "TOOLKIT_SECRET_KEY" not in os.environ
        and instance_key.is_file()
        and instance_key.read_text().strip() == config["SECRET_KEY"]
    )
    if generated and (redis or not sqlite):
        found.append(
            Finding(
                WARNING,
                f"the secret key was generated in {instance_key}: set the "
                "same TOOLKIT_SECRET_KEY on every machine, or sessions and the "
                "print service break when a request reaches another machine",
            )
        )
    if not found:
        found.append(Finding(OK, "settings agree with each other"))
    return found


def service_findings(app: Flask) -> list[Finding]:
    """Whether the database (at the newest migration), Redis and the print service answer."""
    found = [_database_finding(app)]
    if app.config.get("REDIS_URL"):
        found.append(_redis_finding(app.config["REDIS_URL"]))
    found.append(_render_finding(app))
    return found


def _database_finding(app: Flask) -> Finding:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from flask_migrate import Config

    from toolkit.extensions import db

    label = registry.database_label(app.config["SQLALCHEMY_DATABASE_URI"])
    if db.engine.dialect.name == "sqlite" and not Path(db.engine.url.database or "").is_file():
        return Finding(ERROR, f"there is no database here ({label}): {LOAD_SETTINGS}")
    try:
        with db.engine.connect() as conn:
            current = set(MigrationContext.configure(conn).get_current_heads())
    except Exception as error:  # noqa: BLE001 (any failure: the database does not answer)
        return Finding(ERROR, f"the database {label} does not answer ({type(error).__name__})")
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    heads = set(ScriptDirectory.from_config(config).get_heads())
    if not current:
        return Finding(ERROR, f"the database {label} holds no installation: {LOAD_SETTINGS}")
    if current != heads:
        return Finding(
            ERROR, f"the database {label} is not at the newest migration: run toolkit db upgrade"
        )
    return Finding(OK, f"database {label} answers and is migrated")


def _redis_finding(url: str) -> Finding:
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001 (any failure: Redis does not answer)
        return Finding(
            ERROR, f"Redis at {registry.redis_label(url)} does not answer ({type(error).__name__})"
        )
    return Finding(OK, f"Redis at {registry.redis_label(url)} answers")


def _render_finding(app: Flask) -> Finding:
    from toolkit.exports.render import RenderError, get_renderer

    path = app.config.get("RENDER_SOCKET") or ""
    if not path:
        return Finding(
            OK, "documents are rendered in each process (TOOLKIT_RENDER_SOCKET is empty)"
        )
    if not Path(path).exists():
        what = (
            "each web process renders in a pool of its own (allowed outside production)"
            if app.config.get("RENDER_IN_PROCESS_FALLBACK")
            else "downloads that need a render will fail"
        )
        return Finding(
            WARNING,
            f"no print service listens on {path} on this machine: {what}; start "
            "toolkit worker here",
        )
    try:
        status = get_renderer(app.config).status()
    except RenderError as error:  # e.g. its secret key differs from this process's
        return Finding(ERROR, f"the print service on {path} does not serve this process: {error}")
    return Finding(
        OK, f"the print service on this machine answers ({_processes(status['workers'])})"
    )


def process_findings(app: Flask, processes) -> list[Finding]:
    """Compare the processes that reported themselves recently: every machine the same."""
    if not processes:
        return [
            Finding(
                WARNING,
                "no web server or print worker has reported in the last "
                f"{registry.LIVE_WITHIN.seconds // 60} minutes",
            )
        ]
    found = []
    for name, label in (
        ("secret_key", "secret keys"),
        ("database", "databases"),
        ("redis", "Redis servers"),
        ("file_store", "file stores"),
    ):
        groups = defaultdict(list)
        for process in processes:
            groups[process.settings.get(name, "")].append(process)
        if len(groups) > 1:
            sides = "; ".join(_where(group) for group in groups.values())
            found.append(Finding(ERROR, f"processes use different {label}: {sides}"))
    versions = {p.settings.get("version") for p in processes}
    if len(versions) > 1:
        found.append(Finding(WARNING, f"processes run different versions: {sorted(versions)}"))
    found += _machine_findings(processes)
    if not any(f.level != OK for f in found):
        hosts = sorted({p.host for p in processes})
        found.append(
            Finding(
                OK,
                f"{len(processes)} processes on {len(hosts)} machine(s) ({', '.join(hosts)}) agree",
            )
        )
    return found


def _where(processes) -> str:
    """Processes by kind and host with their ids: "web on app-1 (101, 102), worker on app-1 (9)"."""
    by_place = defaultdict(list)
    for process in processes:
        by_place[f"{process.kind} on {process.host}"].append(str(process.pid))
    return ", ".join(f"{place} ({', '.join(pids)})" for place, pids in sorted(by_place.items()))


def own_settings_findings(app: Flask, processes) -> list[Finding]:
    """Whether this command runs with the settings of the processes it compares."""
    mine = registry.process_settings(app)
    found = []
    for name, label in (
        ("database", "database"),
        ("redis", "Redis server"),
        ("file_store", "file store"),
        ("secret_key", "secret key"),
    ):
        theirs = {p.settings.get(name, "") for p in processes}
        if theirs and mine[name] not in theirs:
            found.append(
                Finding(
                    ERROR,
                    f"this command's {label} differs from the running processes': " + LOAD_SETTINGS,
                )
            )
    return found


def _machine_findings(processes) -> list[Finding]:
    hosts = sorted({p.host for p in processes})
    found = []
    if len(hosts) > 1:
        first = processes[0].settings
        if first.get("file_store") == "local":
            found.append(
                Finding(
                    ERROR,
                    f"{len(hosts)} machines ({', '.join(hosts)}) keep files "
                    "in local folders: a logo or pack made on one is missing on "
                    "another; set TOOLKIT_FILE_STORE=database",
                )
            )
        if not first.get("redis"):
            found.append(
                Finding(
                    ERROR,
                    f"{len(hosts)} machines share no Redis: each has its own "
                    "print queue and sign-in counters; set TOOLKIT_REDIS_URL",
                )
            )
    for host in hosts:
        kinds = {p.kind for p in processes if p.host == host}
        if "web" in kinds and "worker" not in kinds:
            found.append(
                Finding(
                    WARNING,
                    f"{host} runs web servers but no print worker: start "
                    "toolkit worker there (it renders for that machine's web servers)",
                )
            )
    return found


def check_installation(app: Flask) -> list[Finding]:
    """Every finding, settings first."""
    found = settings_findings(app) + service_findings(app)
    try:
        processes = registry.live_processes()
    except Exception:  # noqa: BLE001 (reported above: the database does not answer)
        return found
    return found + own_settings_findings(app, processes) + process_findings(app, processes)


def _processes(count: int) -> str:
    return "1 render process" if count == 1 else f"{count} render processes"
