"""Backup and restore: a round trip gives identical content; a damaged backup changes nothing.

Runs on the suite's database kind (SQLite, or PostgreSQL with TOOLKIT_TEST_DATABASE_URL), in a
database or schema of its own so that restoring cannot disturb other tests.
"""

import io
import json
import uuid
import zipfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from PIL import Image
from sqlalchemy import create_engine, select, text

from tests.conftest import config_for_tests
from tests.library_files import lesson_text, make_library
from toolkit import create_app
from toolkit.admin.settings import store_logo
from toolkit.auth.models import Organisation, User
from toolkit.auth.services import create_user
from toolkit.extensions import db


@pytest.fixture
def own_app(database_url, tmp_path):
    if database_url.startswith("sqlite"):
        url, cleanup = f"sqlite:///{tmp_path / 'own.db'}", None
    else:
        schema = f"bak_{uuid.uuid4().hex[:8]}"
        engine = create_engine(database_url)
        with engine.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        sep = "&" if "?" in database_url else "?"
        url, cleanup = f"{database_url}{sep}options=-csearch_path%3D{schema}", (engine, schema)
    app = create_app(config_for_tests(url, tmp_path))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if cleanup:
        engine, schema = cleanup
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        engine.dispose()


def snapshot(app) -> dict:
    """Every row of every table (and the search index), in a stable order."""
    with app.app_context():
        tables = {}
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                if table.name == "cached_file":  # made again when asked for: not backed up
                    continue
                rows = conn.execute(table.select()).mappings().all()
                tables[table.name] = sorted(
                    json.dumps(dict(r), default=str, sort_keys=True) for r in rows
                )
            column = "lesson_id" if db.engine.dialect.name == "postgresql" else "rowid"
            search = conn.execute(text(f"SELECT {column}, title FROM search_lesson")).all()  # noqa: S608
            tables["search_lesson"] = sorted(map(str, search))
        uploads = Path(app.config["UPLOAD_DIR"])
        tables["uploads"] = sorted(
            (p.relative_to(uploads).as_posix(), p.read_bytes().hex())
            for p in uploads.rglob("*")
            if p.is_file()
        )
        return tables


def populate(app, tmp_path) -> None:
    root = make_library(
        tmp_path / "lib",
        {"11-14/one.md": lesson_text("one"), "7-11/two.md": lesson_text("two", band="7-11")},
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0
    with app.app_context():
        create_user("head@school.example", "Head Teacher", "admin", "a long password 123")
        out = io.BytesIO()
        Image.new("RGB", (10, 10), (1, 2, 3)).save(out, format="PNG")
        org = db.session.scalars(select(Organisation)).first()
        org.logo_filename = store_logo(out.getvalue())
        db.session.commit()


def test_backup_restore_round_trip_gives_identical_content(own_app, tmp_path):
    populate(own_app, tmp_path)
    before = snapshot(own_app)
    runner = own_app.test_cli_runner()
    backup = tmp_path / "nightly.zip"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert backup.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    in_database = own_app.config["FILE_STORE"] == "database"
    assert ("its stored logos" if in_database else "1 uploaded files") in result.output

    # Afterwards: a new lesson, a changed library, a removed account, a new logo file.
    root = make_library(tmp_path / "lib2", {"4-7/three.md": lesson_text("three", band="4-7")})
    assert runner.invoke(args=["content", "load", str(root)]).exit_code == 0
    with own_app.app_context():
        db.session.execute(text("DELETE FROM audit_event"))
        db.session.execute(text("UPDATE user_account SET name = 'Changed'"))
        db.session.commit()
        store_logo(b"not really a png")
    assert snapshot(own_app) != before

    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    after = snapshot(own_app)
    # Restoring writes its own audit event; everything else is as it was.
    restored_events = [e for e in after["audit_event"] if '"backup.restore"' in e]
    assert len(restored_events) == 1
    after["audit_event"] = [e for e in after["audit_event"] if e not in restored_events]
    assert after == before
    # The app works on the restored database.
    with own_app.app_context():
        assert db.session.scalars(select(User.name)).all() == ["Head Teacher"]


def _damaged(tmp_path, backup: Path, change) -> Path:
    target = tmp_path / f"damaged-{uuid.uuid4().hex[:6]}.zip"
    with zipfile.ZipFile(backup) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                out.writestr(info.filename, data)
    return target


def test_damaged_backups_are_refused_and_change_nothing(own_app, tmp_path):
    populate(own_app, tmp_path)
    runner = own_app.test_cli_runner()
    backup = tmp_path / "b.zip"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    before = snapshot(own_app)

    def flip_database(name, data):
        if name.startswith("database."):
            return data[:1000] + bytes([data[1000] ^ 0xFF]) + data[1001:]
        return data

    def drop_upload(name, data):
        return None if name.startswith("uploads/") else data

    def add_escape(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["files"]["../evil"] = {"sha256": "0"}
            return json.dumps(manifest).encode()
        return data

    cases = [
        (flip_database, "checksum does not match"),
        (add_escape, "do not match its manifest"),
    ]
    if own_app.config["FILE_STORE"] == "local":  # else the logos are in the database dump
        cases.append((drop_upload, "do not match its manifest"))
    for change, message in cases:
        result = runner.invoke(args=["restore", str(_damaged(tmp_path, backup, change)), "--yes"])
        assert result.exit_code == 1, result.output
        assert message in result.output and "Nothing was changed." in result.output
    not_zip = tmp_path / "not.zip"
    not_zip.write_bytes(b"hello")
    result = runner.invoke(args=["restore", str(not_zip), "--yes"])
    assert result.exit_code == 1 and "Cannot read" in result.output
    assert snapshot(own_app) == before


def test_a_backup_of_another_database_kind_is_refused(own_app, tmp_path):
    runner = own_app.test_cli_runner()
    backup = tmp_path / "b.zip"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with zipfile.ZipFile(backup) as source:
        manifest = json.loads(source.read("manifest.json"))
        files = {i.filename: source.read(i) for i in source.infolist()}
    other = "postgresql" if manifest["database"] == "sqlite" else "sqlite"
    database = next(n for n in manifest["files"] if n.startswith("database."))
    renamed = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
    manifest["database"] = other
    manifest["files"][renamed] = manifest["files"].pop(database)
    target = tmp_path / "other.zip"
    with zipfile.ZipFile(target, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        out.writestr(renamed, files[database])
    result = runner.invoke(args=["restore", str(target), "--yes"])
    assert result.exit_code == 1
    assert "Nothing was changed." in result.output
