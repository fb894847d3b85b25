"""`toolkit move-database`: an installation copied whole into an empty database, or not at all."""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text

from tests.admin.test_backup import populate as populate_installation
from tests.conftest import config_for_tests, login
from toolkit import create_app
from toolkit.auth.models import Organisation
from toolkit.auth.services import create_user
from toolkit.deployment import move
from toolkit.extensions import db
from toolkit.storage import Area, get_store

PASSWORD = "a long password 123"


@pytest.fixture(params=["sqlite", "postgresql"])
def target_url(request, tmp_path):
    """An empty database to move into: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'moved.db'}"
        return
    server = os.environ.get("TOOLKIT_TEST_POSTGRESQL_URL") or os.environ.get(
        "TOOLKIT_TEST_DATABASE_URL", ""
    )
    if not server.startswith("postgresql"):
        pytest.skip("no PostgreSQL server: make test sets TOOLKIT_TEST_POSTGRESQL_URL")
    schema = f"move_{uuid.uuid4().hex[:8]}"
    engine = create_engine(server)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in server else "?"
    yield f"{server}{sep}options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def populate(app, tmp_path) -> bytes:
    """The backup tests' installation (two lessons, an admin, a logo); return the logo."""
    populate_installation(app, tmp_path)
    with app.app_context():
        org = db.session.scalars(select(Organisation)).first()
        return get_store().get(Area.LOGOS, org.logo_filename)


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {
            t.name: db.session.scalar(select(func.count()).select_from(t))
            for t in db.metadata.sorted_tables
            if t.name not in move.NOT_COPIED
        }


def test_an_installation_moves_whole_and_works_there(app, tmp_path, target_url):
    logo = populate(app, tmp_path)
    before = counts(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["move-database", target_url, "--files-to-database"])
    assert result.exit_code == 0, result.output
    local = get_store(app).kind == "local"
    assert ("logos into the database's file store: 1" in result.output) == local
    assert (
        "TOOLKIT_DATABASE_URL to the new database, TOOLKIT_FILE_STORE=database, the same "
        "TOOLKIT_SECRET_KEY" in " ".join(result.output.split())
    )
    assert "search index: 2 lessons" in result.output

    moved = create_app(config_for_tests(target_url, tmp_path / "there", FILE_STORE="database"))
    after = counts(moved)
    assert after.pop("audit_event") == before.pop("audit_event") + 1  # the move itself
    assert after.pop("stored_file") == before.pop("stored_file") + local  # the logo, moved in
    assert after == before
    with moved.app_context():
        org = db.session.scalars(select(Organisation)).first()
        assert get_store().get(Area.LOGOS, org.logo_filename) == logo
        create_user("new@school.example", "New Teacher", "teacher", PASSWORD)  # ids go on
        db.session.commit()
    client = moved.test_client()
    assert login(client, "head@school.example", PASSWORD).status_code == 302
    found = client.get("/library/", query_string={"q": "one"}).get_data(as_text=True)
    assert 'href="/library/one"' in found  # the search index came too

    again = runner.invoke(args=["move-database", target_url])
    assert again.exit_code == 1 and "already holds an installation" in again.output
    with moved.app_context():
        db.engine.dispose()


def test_a_move_that_fails_leaves_the_target_empty(app, tmp_path, target_url, monkeypatch):
    populate(app, tmp_path)

    def broken(_reader):
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr(move, "_copy_search_index", broken)
    result = app.test_cli_runner().invoke(args=["move-database", target_url])
    assert result.exit_code == 1 and "the disk filled up" in str(result.exception)
    moved = create_app(config_for_tests(target_url, tmp_path / "there"))
    assert set(counts(moved).values()) == {0}
    with moved.app_context():
        db.engine.dispose()


def test_the_database_in_use_is_not_a_target(app):
    result = app.test_cli_runner().invoke(args=["move-database", app.config["DATABASE_URL"]])
    assert result.exit_code == 1 and "already uses" in result.output


def test_a_target_that_cannot_be_reached_is_named_with_what_to_do(app):
    url = "postgresql+psycopg://toolkit@127.0.0.1:1/toolkit?connect_timeout=2"
    result = app.test_cli_runner().invoke(args=["move-database", url])
    assert result.exit_code == 1
    assert "Cannot connect to the target database" in result.output
    assert "createuser toolkit; createdb -O toolkit toolkit" in result.output
    assert "Traceback" not in result.output and "Connection refused" in result.output
