"""Online backup and checked restore of the database and the uploaded files.

A backup is one zip: manifest.json (format, database kind, schema revision, a SHA-256 per file),
the database (SQLite through its online backup API, PostgreSQL through pg_dump) and uploads/.
Restore verifies all of it before it touches anything, then replaces the database in one step.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from sqlalchemy import text

from toolkit.admin.importer import name_problem
from toolkit.extensions import db
from toolkit.timeutil import utcnow

FORMAT = "online-safety-toolkit-backup"
VERSION = 1
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Work in progress inside uploads/ that a backup leaves out.
SKIPPED_UPLOADS = ("imports",)
PG_TIMEOUT_SECONDS = 3600


class BackupError(RuntimeError):
    """A backup that cannot be made or restored, with the reason."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    dialect: str
    revision: str
    created_at: str
    files: int
    bytes: int


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in DATABASE_FILES:
        raise BackupError(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def _upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def _upload_files() -> list[tuple[str, Path]]:
    """Uploaded files to back up: regular files, no links, no unfinished writes or imports."""
    uploads = _upload_dir()
    if not uploads.is_dir():
        return []
    found = []
    for path in sorted(uploads.rglob("*")):
        rel = path.relative_to(uploads)
        if rel.parts[0] in SKIPPED_UPLOADS or path.name.endswith(".part"):
            continue
        if path.is_file() and not path.is_symlink():
            found.append((rel.as_posix(), path))
    return found


def _pg_command(url) -> tuple[str, dict]:
    """A libpq connection URI without the password, which goes in the environment instead."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(args: list[str], env: dict, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(  # noqa: S603 (fixed program names, no shell)
            args, input=stdin, capture_output=True, env=env, timeout=PG_TIMEOUT_SECONDS
        )
    except FileNotFoundError:
        raise BackupError(
            f"{args[0]} is not installed; install Debian's postgresql-client (make install)."
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise BackupError(f"{args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _current_schema() -> str:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT current_schema()")).scalar_one()


def _dump_database(dialect: str, target: Path) -> None:
    if dialect == "sqlite":
        live = db.engine.url.database
        source = sqlite3.connect(f"file:{live}?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # a consistent snapshot, even while the app writes
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        finally:
            copy.close()
            source.close()
        return
    uri, env = _pg_command(db.engine.url)
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            f"--schema={_current_schema()}",
            # Kept PDFs, packs and previews in the database (TOOLKIT_FILE_STORE=database) are
            # made again when asked for: the table is backed up empty. Logos are kept.
            f"--exclude-table-data={_current_schema()}.cached_file",
            f"--file={target}",
            f"--dbname={uri}",
        ],
        env,
    )


def _revision_of_sqlite(path: Path) -> str:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        conn.close()


def _live_revision() -> str:
    with db.engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()


def create_backup(destination: Path) -> BackupInfo:
    """Write a backup of the database and uploads to destination (replaced atomically)."""
    dialect = _dialect()
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="toolkit-backup-") as folder:
        database = Path(folder) / DATABASE_FILES[dialect]
        _dump_database(dialect, database)
        revision = _revision_of_sqlite(database) if dialect == "sqlite" else _live_revision()
        members: dict[str, Path] = {DATABASE_FILES[dialect]: database}
        for rel, path in _upload_files():
            members[f"uploads/{rel}"] = path
        files = {
            name: {"sha256": _sha256(path), "bytes": path.stat().st_size}
            for name, path in members.items()
        }
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": utcnow().isoformat(timespec="seconds") + "Z",
            "database": dialect,
            "revision": revision,
            "files": files,
        }
        partial = destination.with_name(destination.name + ".part")
        # It holds password hashes and staff emails: readable by the owner only.
        partial.touch(mode=0o600)
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
            for name, path in members.items():
                archive.write(path, name)
        partial.replace(destination)
    return BackupInfo(
        path=destination,
        dialect=dialect,
        revision=revision,
        created_at=manifest["created_at"],
        files=len(files),
        bytes=destination.stat().st_size,
    )


def _read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read("manifest.json"))
    except (KeyError, ValueError):
        raise BackupError("This is not a toolkit backup: it has no readable manifest.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This is not a toolkit backup.")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Backup format version {manifest.get('version')} is not supported.")
    if not isinstance(manifest.get("files"), dict):
        raise BackupError("The backup's manifest lists no files.")
    return manifest


def verify_backup(path: Path, folder: Path) -> dict:
    """Check a backup completely and unpack it into folder; return its manifest."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise BackupError(f"Cannot read {path}: {exc}") from None
    with archive:
        manifest = _read_manifest(archive)
        dialect = manifest.get("database")
        if dialect not in DATABASE_FILES:
            raise BackupError(f"Unknown database kind {dialect!r} in the backup.")
        listed = manifest["files"]
        present = {info.filename: info for info in archive.infolist() if not info.is_dir()}
        present.pop("manifest.json", None)
        if DATABASE_FILES[dialect] not in listed:
            raise BackupError("The backup holds no database.")
        if set(present) != set(listed):
            odd = sorted(set(present) ^ set(listed))
            raise BackupError(f"The backup's files do not match its manifest: {', '.join(odd)}")
        for name, info in present.items():
            problem = name_problem(info, max_depth=16)
            if problem or (name != DATABASE_FILES[dialect] and not name.startswith("uploads/")):
                raise BackupError(f"Unexpected file in the backup: {problem or name}")
            target = folder / PurePosixPath(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                with archive.open(info) as source, target.open("wb") as out:
                    shutil.copyfileobj(source, out)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise BackupError(f"{name} is damaged: {exc}") from None
            if _sha256(target) != listed[name].get("sha256"):
                raise BackupError(f"{name} is damaged: its checksum does not match.")
    database = folder / DATABASE_FILES[dialect]
    if dialect == "sqlite":
        _check_sqlite(database)
    else:
        _run(["pg_restore", "--list", str(database)], dict(os.environ))
    return manifest


def _check_sqlite(path: Path) -> None:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"The backed-up database is damaged: {exc}") from None
    if result != "ok":
        raise BackupError(f"The backed-up database failed its integrity check: {result}")


def _restore_sqlite(database: Path) -> None:
    live = db.engine.url.database
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(live, timeout=30)
    try:
        source.backup(target)  # page by page under one lock: all or nothing
    finally:
        target.close()
        source.close()


def _restore_postgresql(database: Path) -> None:
    uri, env = _pg_command(db.engine.url)
    schema = _current_schema()
    listing = _run(["pg_restore", "--list", str(database)], env).decode()
    # The schema itself is recreated below; its comment needs ownership we may not have.
    keep = [line for line in listing.splitlines() if " SCHEMA - " not in line]
    with tempfile.NamedTemporaryFile("w", suffix=".list", delete=False) as handle:
        handle.write("\n".join(keep) + "\n")
        list_file = handle.name
    try:
        script = _run(
            ["pg_restore", "--no-owner", "--no-privileges", f"--use-list={list_file}", "-f", "-"]
            + [str(database)],
            env,
        )
    finally:
        os.unlink(list_file)
    quoted = '"' + schema.replace('"', '""') + '"'
    prologue = f"DROP SCHEMA IF EXISTS {quoted} CASCADE;\nCREATE SCHEMA {quoted};\n".encode()
    _run(
        ["psql", "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"]
        + [f"--dbname={uri}", "-f", "-"],
        env,
        stdin=prologue + script,
    )


def _restore_uploads(folder: Path) -> None:
    uploads = _upload_dir()
    restored = folder / "uploads"
    uploads.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=".restore-", dir=uploads.parent))
    if restored.is_dir():
        shutil.copytree(restored, staged, dirs_exist_ok=True)
    if uploads.is_dir():
        for name in SKIPPED_UPLOADS:
            if (uploads / name).is_dir():
                shutil.move(uploads / name, staged / name)
        old = uploads.with_name(uploads.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        uploads.rename(old)
        staged.rename(uploads)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staged.rename(uploads)


def restore_backup(path: Path) -> dict:
    """Verify a backup, then replace the database and the uploads with it; return its manifest."""
    dialect = _dialect()
    with tempfile.TemporaryDirectory(prefix="toolkit-restore-") as name:
        folder = Path(name)
        manifest = verify_backup(Path(path), folder)
        if manifest["database"] != dialect:
            raise BackupError(
                f"This backup is of a {manifest['database']} database; "
                f"this installation uses {dialect}."
            )
        db.session.remove()
        db.engine.dispose()  # no pooled connection may keep the old database open
        database = folder / DATABASE_FILES[dialect]
        if dialect == "sqlite":
            _restore_sqlite(database)
        else:
            _restore_postgresql(database)
        db.engine.dispose()
        _restore_uploads(folder)
    return manifest
